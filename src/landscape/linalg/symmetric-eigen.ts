/**
 * Dense symmetric eigenproblems, A = Q Λ Qᵀ.
 *
 * A real symmetric n×n matrix has n real eigenvalues λ₁ ≤ … ≤ λₙ and an
 * orthonormal basis of eigenvectors q₁ … qₙ with A·qᵢ = λᵢ·qᵢ. We need this
 * for small matrices: the d×d restricted Hessian PᵀHP (d ≈ 10…1000), the k×k
 * tridiagonal matrices made by Lanczos, and as ground truth in tests.
 *
 * We do not write our own eigen-solver: ml-matrix's EigenvalueDecomposition
 * (Householder tridiagonalisation + implicit QL, the classic EISPACK/JAMA
 * route) does it well. This file only adapts inputs and outputs:
 *
 *  - matrices come as a row-major Float64Array of length n² or as number[][];
 *  - a numerically computed Hessian is never exactly symmetric, so we measure
 *    the asymmetry ‖A − Aᵀ‖_F / ‖A‖_F, refuse (or warn about) matrices that
 *    are far from symmetric, and hand the solver the symmetric part
 *    (A + Aᵀ)/2 — the closest symmetric matrix in Frobenius norm;
 *  - results are sorted ascending, each eigenvector has unit length and a
 *    fixed sign (its largest-magnitude entry is positive; on a tie in
 *    magnitude, the first of them), so runs are reproducible.
 */
import type * as MlMatrix from 'ml-matrix';
import { lazyDependency } from '../lazy-dependency.js';
import type { LinearOperator } from './vector.js';

/** ml-matrix, loaded on the first eigenproblem (see lazy-dependency.ts). */
const mlMatrix = lazyDependency<typeof MlMatrix>('ml-matrix');

/** A dense square matrix: row-major Float64Array (length n²) or an array of rows. */
export type DenseMatrix = Float64Array | readonly (readonly number[])[];

/** Eigenvalues ascending; vectors[i] is the unit eigenvector belonging to values[i]. */
export interface SymmetricEigenResult {
  values: Float64Array;
  vectors: Float64Array[];
}

export interface SymmetryCheckOptions {
  /** Largest acceptable ‖A − Aᵀ‖_F / ‖A‖_F. Default 1e-8. */
  tolerance?: number;
  /** What to do when the tolerance is exceeded. Default 'throw'. */
  onAsymmetry?: 'throw' | 'warn' | 'ignore';
}

/** Normalises either input format to { n, row-major data } (the data is copied). */
export function toRowMajor(matrix: DenseMatrix): { n: number; data: Float64Array } {
  if (matrix instanceof Float64Array) {
    const n = Math.round(Math.sqrt(matrix.length));
    if (n * n !== matrix.length) throw new Error(`toRowMajor: length ${matrix.length} is not a perfect square`);
    return { n, data: Float64Array.from(matrix) };
  }
  const n = matrix.length;
  const data = new Float64Array(n * n);
  matrix.forEach((row, i) => {
    if (row.length !== n) throw new Error(`toRowMajor: row ${i} has length ${row.length}, expected ${n}`);
    for (let j = 0; j < n; j++) data[i * n + j] = row[j]!;
  });
  return { n, data };
}

/** ‖A − Aᵀ‖_F / ‖A‖_F (0 for the zero matrix): how far A is from symmetric, relatively. */
export function relativeAsymmetry(matrix: DenseMatrix): number {
  const { n, data } = toRowMajor(matrix);
  let asym = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = data[i * n + j]!;
      const d = a - data[j * n + i]!;
      asym += d * d;
      total += a * a;
    }
  }
  return total === 0 ? 0 : Math.sqrt(asym / total);
}

/** Throws, warns or stays silent (per options) when A is far from symmetric; returns the asymmetry. */
export function checkSymmetric(matrix: DenseMatrix, options: SymmetryCheckOptions = {}): number {
  const tolerance = options.tolerance ?? 1e-8;
  const onAsymmetry = options.onAsymmetry ?? 'throw';
  const asymmetry = relativeAsymmetry(matrix);
  if (!(asymmetry <= tolerance) && onAsymmetry !== 'ignore') {
    const message = `matrix is not symmetric: ‖A − Aᵀ‖_F / ‖A‖_F = ${asymmetry.toExponential(3)} > ${tolerance}`;
    if (onAsymmetry === 'throw') throw new Error(message);
    console.warn(`symmetric-eigen: ${message}`);
  }
  return asymmetry;
}

/** The symmetric part (A + Aᵀ)/2, row-major. */
export function symmetrize(matrix: DenseMatrix): Float64Array {
  const { n, data } = toRowMajor(matrix);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (data[i * n + j]! + data[j * n + i]!);
  }
  return out;
}

/**
 * All eigenvalues (ascending) and unit eigenvectors of a dense symmetric
 * matrix. A matrix with a NaN or infinite entry is refused; the matrix is
 * checked for symmetry (see SymmetryCheckOptions) and then symmetrised, so
 * rounding-level asymmetry does no harm.
 */
export function symmetricEigen(matrix: DenseMatrix, options: SymmetryCheckOptions = {}): SymmetricEigenResult {
  const { n, data } = toRowMajor(matrix);
  // A NaN or ±∞ would otherwise read as asymmetry (NaN > tolerance) or fail deep inside the solver.
  const bad = data.findIndex((a) => !Number.isFinite(a));
  if (bad >= 0) throw new Error(`symmetricEigen: entry (${Math.floor(bad / n)}, ${bad % n}) is ${data[bad]}; the matrix must be finite`);
  // The symmetry check, the symmetrising and the solver all add or square
  // entries, which overflows above about 1e154; a power of two brings the
  // entries down without rounding, and the eigenvalues are scaled back (the
  // eigenvectors and the relative asymmetry do not change).
  const largestEntry = data.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
  const scale = largestEntry > 2 ** 500 ? 2 ** -Math.ceil(Math.log2(largestEntry)) : 1;
  const scaled = scale === 1 ? matrix : data.map((a) => a * scale);
  checkSymmetric(scaled, options);
  if (n === 0) return { values: new Float64Array(0), vectors: [] };
  const symmetric = symmetrize(scaled);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(symmetric.subarray(i * n, (i + 1) * n)));
  const { EigenvalueDecomposition, Matrix } = mlMatrix();
  const decomposition = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const rawValues = decomposition.realEigenvalues;
  const q = decomposition.eigenvectorMatrix; // column i is the eigenvector of rawValues[i]

  // ml-matrix already returns ascending order on this path; sort anyway so we do not rely on it.
  const order = rawValues.map((_, i) => i).sort((a, b) => rawValues[a]! - rawValues[b]!);
  const values = new Float64Array(n);
  const vectors: Float64Array[] = [];
  order.forEach((column, rank) => {
    values[rank] = rawValues[column]! / scale;
    const v = new Float64Array(n);
    let largest = 0;
    for (let i = 0; i < n; i++) {
      v[i] = q.get(i, column);
      if (Math.abs(v[i]!) > Math.abs(largest)) largest = v[i]!;
    }
    let length = 0;
    for (let i = 0; i < n; i++) length += v[i]! * v[i]!;
    const factor = (largest < 0 ? -1 : 1) / Math.sqrt(length);
    for (let i = 0; i < n; i++) v[i] = v[i]! * factor;
    vectors.push(v);
  });
  return { values, vectors };
}

/** Wraps a dense matrix as a LinearOperator v ↦ A·v (handy for tests and small problems). */
export function denseOperator(matrix: DenseMatrix): LinearOperator {
  const { n, data } = toRowMajor(matrix);
  return {
    dim: n,
    apply(v: Float64Array): Float64Array {
      if (v.length !== n) throw new Error(`denseOperator: vector length ${v.length}, expected ${n}`);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) sum += data[row + j]! * v[j]!;
        out[i] = sum;
      }
      return out;
    },
  };
}
