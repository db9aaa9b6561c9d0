/**
 * The Lanczos process: extreme eigenpairs of a symmetric operator from
 * matrix–vector products alone.
 *
 * Idea. Start from a unit vector v₁ and build an orthonormal basis
 * V_m = [v₁ … v_m] of the Krylov space span{v₁, A v₁, …, A^{m−1} v₁}. Because
 * A is symmetric, each new vector only has to be orthogonalised against the
 * previous two (the three-term recurrence)
 *
 *     β_{j+1} v_{j+1} = A v_j − α_j v_j − β_j v_{j−1},   α_j = v_jᵀ A v_j,
 *
 * and in this basis A becomes the symmetric tridiagonal matrix
 *
 *           ⎡ α₁ β₂          ⎤
 *     T_m = ⎢ β₂ α₂ β₃       ⎥ = V_mᵀ A V_m,   A V_m = V_m T_m + β_{m+1} v_{m+1} e_mᵀ.
 *           ⎢    ⋱  ⋱  ⋱     ⎥
 *           ⎣          β_m α_m⎦
 *
 * If T_m = S Θ Sᵀ (a small dense eigenproblem, solved by ml-matrix), the Ritz
 * values θᵢ and Ritz vectors yᵢ = V_m sᵢ approximate eigenpairs of A; the
 * extreme ones converge first, typically long before m reaches n. The
 * residual of a Ritz pair needs no extra product:
 *
 *     ‖A yᵢ − θᵢ yᵢ‖ = |β_{m+1}| · |e_mᵀ sᵢ|,
 *
 * which is how we decide convergence.
 *
 * In floating point the three-term recurrence loses orthogonality as soon as
 * a Ritz value converges, and "ghost" copies of eigenvalues appear. We avoid
 * this the simple, robust way: full reorthogonalisation — every new vector is
 * orthogonalised against all previous ones, twice ("twice is enough",
 * classical Gram–Schmidt). That costs O(m·n) per step and m stored vectors;
 * cheap next to a Hessian–vector product.
 *
 * If β_{j+1} ≈ 0 the Krylov space is invariant: the Ritz values are exact
 * eigenvalues. For quadrature (slq.ts) we then stop; for eigenpairs we may
 * restart with a fresh random vector orthogonal to the basis (the tridiagonal
 * gets a zero off-diagonal there), so that eigenvalues outside the first
 * Krylov space can still be found.
 */
import { Random } from '../../autodiff/index.js';
import { symmetricEigen, type SymmetricEigenResult } from './symmetric-eigen.js';
import { axpy, dot, norm, scale, type LinearOperator } from './vector.js';

/** The tridiagonal T_m: diagonal α₁…α_m and off-diagonal β₂…β_m (length m − 1). */
export interface LanczosTridiagonal {
  alphas: Float64Array;
  betas: Float64Array;
}

export interface LanczosOptions {
  /** Number of Lanczos steps m (capped at the dimension n). Default min(n, 50). */
  steps?: number;
  /** Seed of the random (Gaussian) start vector. Default 0. */
  seed?: number;
  /** Explicit start vector (normalised internally); overrides seed. */
  startVector?: Float64Array;
  /** On an invariant subspace: 'stop' (default; right for quadrature) or 'restart' with a random orthogonal vector. */
  onBreakdown?: 'stop' | 'restart';
  /** β_{j+1} ≤ breakdownTolerance · max(|α|, β) so far counts as breakdown. Default 1e-12. */
  breakdownTolerance?: number;
}

/** A V_m = V_m T_m + residualBeta · v_{m+1} e_mᵀ, with V_m = basis orthonormal. */
export interface LanczosDecomposition extends LanczosTridiagonal {
  basis: Float64Array[];
  /** β_{m+1}, the size of the part of A V_m outside span(V_m). */
  residualBeta: number;
  /** True when the run stopped early at an invariant subspace (onBreakdown 'stop'). */
  invariantSubspace: boolean;
}

/** Unit Gaussian vector from the generator. */
function randomUnitVector(n: number, rng: Random): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return scale(1 / norm(v), v);
}

/** w ← w − Σ (vᵢᵀw) vᵢ, done twice (classical Gram–Schmidt with reorthogonalisation). */
function orthogonalizeAgainst(w: Float64Array, basis: readonly Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const v of basis) axpy(-dot(v, w), v, w);
  }
}

/**
 * The Lanczos process as an object that can be advanced one step at a time,
 * so callers can stop as soon as what they want has converged.
 */
export class LanczosProcess {
  /** Orthonormal Lanczos vectors v₁ … v_m. */
  readonly basis: Float64Array[] = [];
  /** α₁ … α_m. */
  readonly alphas: number[] = [];
  /** β₂ … β_m: betas[j] couples basis[j] and basis[j + 1] (0 where the process restarted). */
  readonly betas: number[] = [];
  /** r = A v_m − α_m v_m − β_m v_{m−1}, reorthogonalised; v_{m+1} = r / ‖r‖. */
  private residual: Float64Array | null = null;
  /** ‖residual‖ = β_{m+1}. */
  residualBeta = 0;
  /** True once the process met an invariant subspace and stopped ('stop' mode) or ran out of room. */
  exhausted = false;
  private largestEntry = 0;

  constructor(
    private readonly op: LinearOperator,
    private readonly start: Float64Array,
    private readonly rng: Random,
    private readonly onBreakdown: 'stop' | 'restart' = 'stop',
    private readonly breakdownTolerance = 1e-12,
  ) {
    if (start.length !== op.dim) throw new Error(`Lanczos: start vector has length ${start.length}, operator dim ${op.dim}`);
    if (!(norm(start) > 0)) throw new Error('Lanczos: start vector must be non-zero and finite');
  }

  /** Number of steps taken so far, m. */
  get steps(): number {
    return this.basis.length;
  }

  /** Performs one Lanczos step. Returns false (and does nothing) if the process cannot continue. */
  step(): boolean {
    if (this.exhausted) return false;
    const n = this.op.dim;
    let v: Float64Array;
    if (this.residual === null) {
      v = scale(1 / norm(this.start), Float64Array.from(this.start));
    } else {
      if (this.basis.length >= n) return this.markExhausted();
      if (this.residualBeta > this.breakdownTolerance * this.largestEntry) {
        v = scale(1 / this.residualBeta, this.residual);
        this.betas.push(this.residualBeta);
      } else {
        // Invariant subspace: the Ritz values are now exact eigenvalues of A.
        if (this.onBreakdown === 'stop') return this.markExhausted();
        v = randomUnitVector(n, this.rng);
        orthogonalizeAgainst(v, this.basis);
        const length = norm(v);
        if (!(length > 1e-8)) return this.markExhausted();
        scale(1 / length, v);
        this.betas.push(0); // T splits into independent blocks here
      }
    }

    // w = A v_j − α_j v_j − β_j v_{j−1}, then full reorthogonalisation.
    const w = this.op.apply(v);
    const alpha = dot(v, w);
    axpy(-alpha, v, w);
    const previous = this.basis[this.basis.length - 1];
    if (previous !== undefined) axpy(-this.betas[this.betas.length - 1]!, previous, w); // β_j v_{j−1}
    this.basis.push(v);
    this.alphas.push(alpha);
    orthogonalizeAgainst(w, this.basis);

    this.residual = w;
    this.residualBeta = norm(w);
    this.largestEntry = Math.max(this.largestEntry, Math.abs(alpha), this.residualBeta);
    return true;
  }

  /** T_m as (alphas, betas) copies. */
  tridiagonal(): LanczosTridiagonal {
    return { alphas: Float64Array.from(this.alphas), betas: Float64Array.from(this.betas) };
  }

  private markExhausted(): false {
    this.exhausted = true;
    return false;
  }
}

/** Starts a LanczosProcess from the options (seeded Gaussian start unless a start vector is given). */
function startProcess(op: LinearOperator, options: LanczosOptions): LanczosProcess {
  const rng = new Random(options.seed ?? 0);
  const start = options.startVector ?? randomUnitVector(op.dim, rng);
  return new LanczosProcess(op, start, rng, options.onBreakdown ?? 'stop', options.breakdownTolerance ?? 1e-12);
}

/** Runs m Lanczos steps (fewer if the Krylov space becomes invariant) and returns V_m, T_m, β_{m+1}. */
export function lanczosTridiagonalize(op: LinearOperator, options: LanczosOptions = {}): LanczosDecomposition {
  const steps = Math.min(op.dim, options.steps ?? 50);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`lanczosTridiagonalize: steps must be a positive integer, got ${steps}`);
  const process = startProcess(op, options);
  while (process.steps < steps && process.step()) {
    // advance
  }
  return {
    ...process.tridiagonal(),
    basis: process.basis,
    residualBeta: process.residualBeta,
    invariantSubspace: process.exhausted,
  };
}

/** The dense m×m matrix T_m, row-major. */
export function tridiagonalToDense({ alphas, betas }: LanczosTridiagonal): Float64Array {
  const m = alphas.length;
  if (betas.length !== Math.max(0, m - 1)) throw new Error(`tridiagonal: ${m} alphas need ${m - 1} betas, got ${betas.length}`);
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    t[i * m + i] = alphas[i]!;
    if (i + 1 < m) {
      t[i * m + i + 1] = betas[i]!;
      t[(i + 1) * m + i] = betas[i]!;
    }
  }
  return t;
}

/** Eigen-decomposition of T_m: Ritz values (ascending) and the eigenvectors sᵢ of T_m. */
export function ritzDecomposition(tridiagonal: LanczosTridiagonal): SymmetricEigenResult {
  return symmetricEigen(tridiagonalToDense(tridiagonal));
}

export interface LanczosEigenOptions {
  /** Most Lanczos steps to take (capped at n). Default min(n, max(4k, 60)). */
  maxSteps?: number;
  /** Seed of the random start vector. Default 0. */
  seed?: number;
  /** Explicit start vector; overrides seed. */
  startVector?: Float64Array;
  /** Converged when every wanted residual ‖A y − θ y‖ ≤ tolerance · max|θ| (θ over all Ritz values ≈ ‖A‖). Default 1e-10. */
  tolerance?: number;
  /** Test convergence every this many steps (each test is a small dense eigenproblem). Default 5. */
  checkEvery?: number;
}

export interface LanczosEigenpairs {
  /** Ritz values: descending for the top-k, ascending for the bottom-k. */
  values: Float64Array;
  /** Unit Ritz vectors, vectors[i] for values[i]. */
  vectors: Float64Array[];
  /** ‖A yᵢ − θᵢ yᵢ‖ = |β_{m+1} e_mᵀ sᵢ| for each pair. */
  residualNorms: Float64Array;
  converged: boolean;
  /** Lanczos steps (= operator applications) used. */
  steps: number;
  tridiagonal: LanczosTridiagonal;
}

/** The k largest eigenvalues of a symmetric operator (descending) and their eigenvectors. */
export function topEigenpairs(op: LinearOperator, k: number, options: LanczosEigenOptions = {}): LanczosEigenpairs {
  return extremeEigenpairs(op, k, 'largest', options);
}

/** The k smallest (most negative first, ascending) eigenvalues of a symmetric operator and their eigenvectors. */
export function bottomEigenpairs(op: LinearOperator, k: number, options: LanczosEigenOptions = {}): LanczosEigenpairs {
  return extremeEigenpairs(op, k, 'smallest', options);
}

/** Shared implementation of the top-k / bottom-k searches: Lanczos with restarts, checking the wanted Ritz residuals every few steps. */
function extremeEigenpairs(
  op: LinearOperator,
  k: number,
  which: 'largest' | 'smallest',
  options: LanczosEigenOptions = {},
): LanczosEigenpairs {
  const n = op.dim;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`Lanczos eigenpairs: k must be an integer in [1, ${n}], got ${k}`);
  const maxSteps = Math.min(n, options.maxSteps ?? Math.max(4 * k, 60));
  const tolerance = options.tolerance ?? 1e-10;
  const checkEvery = Math.max(1, options.checkEvery ?? 5);
  const process = startProcess(op, { seed: options.seed, startVector: options.startVector, onBreakdown: 'restart' });

  for (;;) {
    const advanced = process.steps < maxSteps && process.step();
    const m = process.steps;
    const finished = !advanced;
    if (m < k || (!finished && m % checkEvery !== 0)) {
      if (finished) throw new Error(`Lanczos eigenpairs: only ${m} steps possible, fewer than k = ${k}`);
      continue;
    }
    const { spectrumScale, ...result } = extractRitzPairs(process, k, which);
    const converged = result.residualNorms.every((r) => r <= tolerance * spectrumScale);
    if (converged || finished) return { ...result, converged };
  }
}

/** Ritz pairs for the k wanted eigenvalues of the current T_m, plus max |θ| ≈ ‖A‖ as the scale for convergence. */
function extractRitzPairs(
  process: LanczosProcess,
  k: number,
  which: 'largest' | 'smallest',
): Omit<LanczosEigenpairs, 'converged'> & { spectrumScale: number } {
  const tridiagonal = process.tridiagonal();
  const m = tridiagonal.alphas.length;
  const ritz = ritzDecomposition(tridiagonal); // ascending
  const n = process.basis[0]!.length;
  const values = new Float64Array(k);
  const residualNorms = new Float64Array(k);
  const vectors: Float64Array[] = [];
  for (let i = 0; i < k; i++) {
    const index = which === 'largest' ? m - 1 - i : i;
    const s = ritz.vectors[index]!;
    values[i] = ritz.values[index]!;
    residualNorms[i] = Math.abs(process.residualBeta * s[m - 1]!);
    const y = new Float64Array(n);
    for (let j = 0; j < m; j++) axpy(s[j]!, process.basis[j]!, y);
    vectors.push(scale(1 / norm(y), y));
  }
  const spectrumScale = Math.max(Math.abs(ritz.values[0]!), Math.abs(ritz.values[m - 1]!), Number.MIN_VALUE);
  return { values, vectors, residualNorms, steps: m, tridiagonal, spectrumScale };
}
