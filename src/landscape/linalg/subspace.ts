/**
 * Random d-dimensional subspaces of parameter space ℝ^D.
 *
 * The Goldilocks and intrinsic-dimension experiments restrict a network to
 * an affine slice θ = θ₀ + P·w, with P ∈ ℝ^{D×d} a fixed random matrix with
 * (near-)orthonormal columns and w ∈ ℝ^d. Then
 *
 *     ∂L/∂w = Pᵀ ∇L(θ),        ∂²L/∂w² = Pᵀ H(θ) P,
 *
 * so all we ever need from P are the two products w ↦ P·w (`project`) and
 * g ↦ Pᵀ·g (`projectTranspose`). Three constructions, trading exactness for
 * memory and time (D can be 10⁵–10⁶, d up to thousands):
 *
 *  (a) dense — i.i.d. Gaussian D×d matrix, columns made exactly orthonormal
 *      by modified Gram–Schmidt run twice. Memory and time O(D·d).
 *  (b) sparse (Vysogorets et al., after Li et al.) — each entry of a column is
 *      non-zero with probability 1/√D, with a random sign, and the column is
 *      scaled to unit length. Columns have about √D non-zeros and are nearly
 *      (not exactly) orthogonal. Memory and time O(√D·d).
 *  (c) Fastfood (Li et al. 2018, after Le, Sarlós & Smola 2013) — with
 *      L = 2^⌈log₂ D⌉, B a random ±1 diagonal, Π a random permutation, G a
 *      Gaussian diagonal and H the (unnormalised) L×L Walsh–Hadamard matrix,
 *
 *          P·w = slice_D( H G Π H B · pad_L(w) ) / √(D · Σᵢ Gᵢ²).
 *
 *      HB·e_j has entries ±1, so a full length-L column has squared norm
 *      L·ΣG²; keeping D of the L rows leaves ≈ D·ΣG², hence the divisor:
 *      columns have unit length in expectation. Nothing D×d is stored: memory
 *      O(L) = O(D), time O(D log D) per product via the fast Walsh–Hadamard
 *      transform. One block takes up to L inputs; for d > L independent blocks
 *      are stacked side by side (P = [P₁ P₂ …]).
 *
 * Every construction is seeded (Random), and `toDense` materialises the D×d
 * matrix (row-major) for testing.
 */
import { Random } from '../../autodiff/index.js';
import { axpy, dot, norm, scale, type LinearOperator } from './vector.js';

export interface RandomSubspace {
  readonly kind: 'dense' | 'sparse' | 'fastfood';
  /** D, the dimension of the ambient (parameter) space. */
  readonly ambientDim: number;
  /** d, the number of directions (columns of P). */
  readonly subspaceDim: number;
  /** P·w: from subspace coordinates w ∈ ℝ^d to a displacement in ℝ^D. */
  project(w: Float64Array): Float64Array;
  /** Pᵀ·g: from a vector in ℝ^D (say a gradient) to ℝ^d. */
  projectTranspose(g: Float64Array): Float64Array;
  /** The matrix P itself, D×d row-major (for tests; O(D·d) memory). */
  toDense(): Float64Array;
  /** Optional, where P is stored: the column p_j = P·e_j itself (the numbers project(e_j) gives), as a new array. */
  column?(j: number): Float64Array;
}

function checkDims(where: string, ambientDim: number, subspaceDim: number): void {
  if (!Number.isInteger(ambientDim) || ambientDim < 1) throw new Error(`${where}: D must be a positive integer, got ${ambientDim}`);
  if (!Number.isInteger(subspaceDim) || subspaceDim < 1) throw new Error(`${where}: d must be a positive integer, got ${subspaceDim}`);
}

function checkLength(where: string, v: Float64Array, expected: number): void {
  if (v.length !== expected) throw new Error(`${where}: vector has length ${v.length}, expected ${expected}`);
}

/** The columns p_j = P·e_j of the subspace's basis. */
export function basisDirections(subspace: Pick<RandomSubspace, 'subspaceDim' | 'project' | 'column'>): Float64Array[] {
  const d = subspace.subspaceDim;
  return Array.from({ length: d }, (_, j) => {
    if (subspace.column) return subspace.column(j);
    const unit = new Float64Array(d);
    unit[j] = 1;
    return subspace.project(unit);
  });
}

/**
 * [dot(c, g) for each column c], the same numbers, four columns at a time:
 * one pass over g feeds four independent sums, each still added up from
 * i = 0 in order, so the processor overlaps four chains of additions that
 * dot would run one after another.
 */
function dotWithEach(columns: readonly Float64Array[], g: Float64Array): Float64Array {
  const out = new Float64Array(columns.length);
  let j = 0;
  for (; j + 4 <= columns.length; j += 4) {
    const [c0, c1, c2, c3] = [columns[j]!, columns[j + 1]!, columns[j + 2]!, columns[j + 3]!];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!;
      s0 += c0[i]! * gi;
      s1 += c1[i]! * gi;
      s2 += c2[i]! * gi;
      s3 += c3[i]! * gi;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < columns.length; j++) out[j] = dot(columns[j]!, g);
  return out;
}

/** Builds the row-major D×d matrix from the columns P·e_j. */
function materialise(subspace: Pick<RandomSubspace, 'ambientDim' | 'subspaceDim' | 'project'>): Float64Array {
  const { ambientDim: D, subspaceDim: d } = subspace;
  const dense = new Float64Array(D * d);
  basisDirections(subspace).forEach((column, j) => {
    for (let i = 0; i < D; i++) dense[i * d + j] = column[i]!;
  });
  return dense;
}

// ---------------------------------------------------------------------------
// (a) Dense Gaussian, exactly orthonormal columns
// ---------------------------------------------------------------------------

/** A D×d matrix with exactly orthonormal columns spanning a uniformly random d-dimensional subspace. */
export function denseOrthonormalSubspace(ambientDim: number, subspaceDim: number, seed = 0): RandomSubspace {
  checkDims('denseOrthonormalSubspace', ambientDim, subspaceDim);
  if (subspaceDim > ambientDim) throw new Error(`denseOrthonormalSubspace: d = ${subspaceDim} exceeds D = ${ambientDim}`);
  const rng = new Random(seed);
  const columns: Float64Array[] = [];
  while (columns.length < subspaceDim) {
    const c = new Float64Array(ambientDim);
    for (let i = 0; i < ambientDim; i++) c[i] = rng.normal();
    const before = norm(c);
    // Modified Gram–Schmidt, twice: the second sweep removes what rounding left behind.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of columns) axpy(-dot(q, c), q, c);
    }
    const after = norm(c);
    if (after > 1e-8 * before) columns.push(scale(1 / after, c)); // else (never, in practice) draw again
  }
  const subspace = {
    kind: 'dense' as const,
    ambientDim,
    subspaceDim,
    project(w: Float64Array): Float64Array {
      checkLength('dense project', w, subspaceDim);
      const out = new Float64Array(ambientDim);
      columns.forEach((c, j) => axpy(w[j]!, c, out));
      return out;
    },
    projectTranspose(g: Float64Array): Float64Array {
      checkLength('dense projectTranspose', g, ambientDim);
      return dotWithEach(columns, g);
    },
    column(j: number): Float64Array {
      if (!Number.isInteger(j) || j < 0 || j >= subspaceDim) throw new Error(`dense column: j must be an integer in [0, ${subspaceDim - 1}], got ${j}`);
      return columns[j]!.slice();
    },
    toDense(): Float64Array {
      const dense = new Float64Array(ambientDim * subspaceDim);
      columns.forEach((c, j) => c.forEach((value, i) => (dense[i * subspaceDim + j] = value)));
      return dense;
    },
  };
  return subspace;
}

// ---------------------------------------------------------------------------
// (b) Sparse ±1 columns
// ---------------------------------------------------------------------------

export interface SparseRandomSubspace extends RandomSubspace {
  /** Total number of stored non-zeros (≈ d·√D). */
  readonly nonzeros: number;
}

/**
 * Columns with entries ±1 (each non-zero with probability 1/√D, sign by a
 * fair coin), scaled to unit length; only the non-zeros are stored.
 */
export function sparseRandomSubspace(ambientDim: number, subspaceDim: number, seed = 0): SparseRandomSubspace {
  checkDims('sparseRandomSubspace', ambientDim, subspaceDim);
  const rng = new Random(seed);
  const density = 1 / Math.sqrt(ambientDim);
  const columnIndices: Int32Array[] = [];
  const columnValues: number[] = []; // every non-zero of column j is ±columnValues[j]
  const columnSigns: Int8Array[] = [];
  let nonzeros = 0;
  while (columnIndices.length < subspaceDim) {
    // Walk the rows by geometric jumps: the gap to the next non-zero is
    // Geometric(density), so a column costs O(√D) random draws, not O(D).
    const indices: number[] = [];
    const signs: number[] = [];
    let row = -1;
    for (;;) {
      const u = 1 - rng.next(); // in (0, 1]
      row += density >= 1 ? 1 : 1 + Math.floor(Math.log(u) / Math.log(1 - density));
      if (row >= ambientDim) break;
      indices.push(row);
      signs.push(rng.next() < 0.5 ? -1 : 1);
    }
    if (indices.length === 0) continue; // an empty column cannot be normalised: draw it again
    columnIndices.push(Int32Array.from(indices));
    columnSigns.push(Int8Array.from(signs));
    columnValues.push(1 / Math.sqrt(indices.length));
    nonzeros += indices.length;
  }
  const subspace = {
    kind: 'sparse' as const,
    ambientDim,
    subspaceDim,
    nonzeros,
    project(w: Float64Array): Float64Array {
      checkLength('sparse project', w, subspaceDim);
      const out = new Float64Array(ambientDim);
      for (let j = 0; j < subspaceDim; j++) {
        const indices = columnIndices[j]!;
        const signs = columnSigns[j]!;
        const weight = w[j]! * columnValues[j]!;
        for (let t = 0; t < indices.length; t++) out[indices[t]!] = out[indices[t]!]! + signs[t]! * weight;
      }
      return out;
    },
    projectTranspose(g: Float64Array): Float64Array {
      checkLength('sparse projectTranspose', g, ambientDim);
      const out = new Float64Array(subspaceDim);
      for (let j = 0; j < subspaceDim; j++) {
        const indices = columnIndices[j]!;
        const signs = columnSigns[j]!;
        let sum = 0;
        for (let t = 0; t < indices.length; t++) sum += signs[t]! * g[indices[t]!]!;
        out[j] = sum * columnValues[j]!;
      }
      return out;
    },
    toDense: (): Float64Array => materialise(subspace),
  };
  return subspace;
}

// ---------------------------------------------------------------------------
// (c) Fastfood
// ---------------------------------------------------------------------------

/**
 * In-place unnormalised fast Walsh–Hadamard transform, x ← H x, for a length
 * that is a power of two. H is symmetric with H² = L·I, so H/√L is orthogonal
 * and its own inverse. The butterfly: for block sizes h = 1, 2, 4, …, replace
 * each pair (a, b) = (x_j, x_{j+h}) by (a + b, a − b). Cost O(L log L).
 */
export function fastWalshHadamard(x: Float64Array): Float64Array {
  const length = x.length;
  if (length === 0 || (length & (length - 1)) !== 0) throw new Error(`fastWalshHadamard: length ${length} is not a power of two`);
  for (let h = 1; h < length; h *= 2) {
    for (let i = 0; i < length; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = x[j]!;
        const b = x[j + h]!;
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
  return x;
}

/** The random ingredients of one Fastfood block. */
interface FastfoodBlock {
  /** Which coordinates of w this block reads: w[offset … offset + width). */
  offset: number;
  width: number;
  signs: Float64Array; // B, ±1
  permutation: Int32Array; // Π as a gather: (Π y)_i = y[permutation[i]]
  gaussian: Float64Array; // G
  scale: number; // 1 / √(D · Σ G²)
}

/** Fastfood projection ℝ^d → ℝ^D in O(D log D) time and O(D) memory (independent blocks when d > L). */
export function fastfoodSubspace(ambientDim: number, subspaceDim: number, seed = 0): RandomSubspace {
  checkDims('fastfoodSubspace', ambientDim, subspaceDim);
  const blockLength = 2 ** Math.ceil(Math.log2(ambientDim)); // L ≥ D
  const rng = new Random(seed);
  const blocks: FastfoodBlock[] = [];
  for (let offset = 0; offset < subspaceDim; offset += blockLength) {
    const signs = new Float64Array(blockLength);
    const gaussian = new Float64Array(blockLength);
    let sumSquares = 0;
    for (let i = 0; i < blockLength; i++) {
      signs[i] = rng.next() < 0.5 ? -1 : 1;
      gaussian[i] = rng.normal();
      sumSquares += gaussian[i]! * gaussian[i]!;
    }
    blocks.push({
      offset,
      width: Math.min(blockLength, subspaceDim - offset),
      signs,
      permutation: rng.permutation(blockLength),
      gaussian,
      scale: 1 / Math.sqrt(ambientDim * sumSquares),
    });
  }

  const subspace = {
    kind: 'fastfood' as const,
    ambientDim,
    subspaceDim,
    /** P·w = Σ_blocks slice_D(H G Π H B · pad_L(w_block)) · scale. */
    project(w: Float64Array): Float64Array {
      checkLength('fastfood project', w, subspaceDim);
      const out = new Float64Array(ambientDim);
      const work = new Float64Array(blockLength);
      const permuted = new Float64Array(blockLength);
      for (const block of blocks) {
        work.fill(0);
        for (let i = 0; i < block.width; i++) work[i] = block.signs[i]! * w[block.offset + i]!; // B · pad(w)
        fastWalshHadamard(work); // H
        for (let i = 0; i < blockLength; i++) permuted[i] = block.gaussian[i]! * work[block.permutation[i]!]!; // G Π
        fastWalshHadamard(permuted); // H
        for (let i = 0; i < ambientDim; i++) out[i] = out[i]! + block.scale * permuted[i]!; // slice_D, normalise
      }
      return out;
    },
    /** Pᵀ·g: the same steps transposed and in reverse order (H, G, B are symmetric; Πᵀ scatters). */
    projectTranspose(g: Float64Array): Float64Array {
      checkLength('fastfood projectTranspose', g, ambientDim);
      const out = new Float64Array(subspaceDim);
      const work = new Float64Array(blockLength);
      const unpermuted = new Float64Array(blockLength);
      for (const block of blocks) {
        work.fill(0);
        work.set(g); // sliceᵀ: zero-pad to L
        fastWalshHadamard(work); // Hᵀ = H
        for (let i = 0; i < blockLength; i++) unpermuted[block.permutation[i]!] = block.gaussian[i]! * work[i]!; // Πᵀ Gᵀ
        fastWalshHadamard(unpermuted); // Hᵀ = H
        for (let i = 0; i < block.width; i++) out[block.offset + i] = block.scale * block.signs[i]! * unpermuted[i]!; // padᵀ Bᵀ
      }
      return out;
    },
    toDense: (): Float64Array => materialise(subspace),
  };
  return subspace;
}

// ---------------------------------------------------------------------------
// Restriction of an operator to a subspace
// ---------------------------------------------------------------------------

/** The d×d operator w ↦ Pᵀ A P w (for a Hessian A: the Hessian of w ↦ L(θ₀ + P w)). */
export function restrictedOperator(op: LinearOperator, subspace: RandomSubspace): LinearOperator {
  if (op.dim !== subspace.ambientDim) throw new Error(`restrictedOperator: operator dim ${op.dim} ≠ D = ${subspace.ambientDim}`);
  return {
    dim: subspace.subspaceDim,
    apply: (w: Float64Array): Float64Array => subspace.projectTranspose(op.apply(subspace.project(w))),
  };
}
