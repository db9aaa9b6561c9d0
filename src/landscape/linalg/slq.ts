/**
 * Stochastic Lanczos quadrature (SLQ): the whole eigenvalue density of a
 * symmetric operator from a few dozen matrix–vector products per probe.
 *
 * The spectral density of an n×n symmetric A with eigenpairs (λᵢ, qᵢ) is
 *
 *     φ(t) = (1/n) Σᵢ δ(t − λᵢ).
 *
 * For a unit vector v, the "local" density φ_v(t) = Σᵢ (qᵢᵀv)² δ(t − λᵢ)
 * is a probability measure, and for a random v with E[v vᵀ] = I/n (here a
 * Rademacher vector divided by √n) we have E[φ_v] = φ. So
 *
 *     ∫ f dφ = (1/n) Tr f(A) = E[vᵀ f(A) v].
 *
 * Lanczos started at v computes that integral by Gauss quadrature: if
 * T_m = S Θ Sᵀ is the m-step tridiagonal, then with nodes θₖ (Ritz values)
 * and weights τₖ = (e₁ᵀ sₖ)² (squared first components, summing to 1)
 *
 *     vᵀ f(A) v ≈ Σₖ τₖ f(θₖ),
 *
 * exactly for polynomials f of degree ≤ 2m − 1 (Golub & Meurant). Averaging
 * the discrete measures Σₖ τₖ δ(t − θₖ) over probes and smoothing each spike
 * into a Gaussian of width σ gives a density that integrates to 1, whose
 * mean is (1/n) Tr(A) in expectation (since Σₖ τₖ θₖ = α₁ = vᵀAv), and that
 * can be plotted (Ghorbani, Krishnan & Xiao 2019 use it for Hessians).
 *
 * The Lanczos runs use full reorthogonalisation (lanczos.ts), so no ghost
 * eigenvalues pollute the quadrature.
 */
import { Random } from '../../autodiff/index.js';
import { rademacherVector, summarizeSamples, type HutchinsonEstimate } from './hutchinson.js';
import { lanczosTridiagonalize, ritzDecomposition } from './lanczos.js';
import { scale, type LinearOperator } from './vector.js';

export interface SlqOptions {
  /** Number of random probes. Default 10. */
  probes?: number;
  /** Lanczos steps per probe, m (capped at n). Default min(n, 80). */
  steps?: number;
  /** Seed of the probe generator. Default 0. */
  seed?: number;
}

/** Per probe p: Gauss nodes θ (Ritz values, ascending) and weights τ (sum to 1). */
export interface SlqQuadrature {
  /** n, the operator's dimension. */
  dim: number;
  nodes: Float64Array[];
  weights: Float64Array[];
}

export interface DensityOptions {
  /** Gaussian broadening width σ. Default 1% of the spread of all nodes (or of their size if they coincide). */
  sigma?: number;
  /** Number of grid points. Default 1001. */
  gridSize?: number;
  /** Grid start. Default smallest node − 6σ. */
  gridMin?: number;
  /** Grid end. Default largest node + 6σ. */
  gridMax?: number;
}

export interface SpectralDensity {
  /** Evenly spaced points t. */
  grid: Float64Array;
  /** φ_σ(t) = (1/P) Σ_p Σ_k τ_pk N(t; θ_pk, σ²) on the grid. */
  density: Float64Array;
  sigma: number;
}

/** Runs m Lanczos steps from each of several normalised Rademacher probes and returns the quadrature rules. */
export function slqQuadrature(op: LinearOperator, options: SlqOptions = {}): SlqQuadrature {
  const probes = options.probes ?? 10;
  if (!Number.isInteger(probes) || probes < 1) throw new Error(`SLQ: probes must be a positive integer, got ${probes}`);
  const steps = Math.min(op.dim, options.steps ?? 80);
  const rng = new Random(options.seed ?? 0);
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  for (let p = 0; p < probes; p++) {
    const probe = scale(1 / Math.sqrt(op.dim), rademacherVector(op.dim, rng)); // unit vector, E[v vᵀ] = I/n
    // onBreakdown 'stop': an invariant Krylov space means the quadrature is already exact.
    const lanczos = lanczosTridiagonalize(op, { steps, startVector: probe, onBreakdown: 'stop' });
    const ritz = ritzDecomposition(lanczos);
    nodes.push(ritz.values);
    weights.push(Float64Array.from(ritz.vectors, (s) => s[0]! * s[0]!));
  }
  return { dim: op.dim, nodes, weights };
}

/**
 * Estimates Tr f(A) = n · E[vᵀ f(A) v] by the quadrature rules: one sample
 * n · Σₖ τₖ f(θₖ) per probe, with their mean and standard error.
 */
export function slqTraceEstimate(quadrature: SlqQuadrature, f: (t: number) => number): HutchinsonEstimate {
  const samples = Float64Array.from(quadrature.nodes, (theta, p) => {
    const tau = quadrature.weights[p]!;
    let sum = 0;
    for (let k = 0; k < theta.length; k++) sum += tau[k]! * f(theta[k]!);
    return quadrature.dim * sum;
  });
  return summarizeSamples(samples);
}

/** Smooths the averaged quadrature measures into a density on an even grid. */
export function gaussianBroadenedDensity(quadrature: SlqQuadrature, options: DensityOptions = {}): SpectralDensity {
  let lowest = Infinity;
  let highest = -Infinity;
  for (const theta of quadrature.nodes) {
    for (const t of theta) {
      lowest = Math.min(lowest, t);
      highest = Math.max(highest, t);
    }
  }
  if (!Number.isFinite(lowest)) throw new Error('SLQ density: no quadrature nodes');
  const spread = highest - lowest;
  const sigma = options.sigma ?? 0.01 * (spread > 0 ? spread : Math.max(Math.abs(highest), 1));
  if (!(sigma > 0)) throw new Error(`SLQ density: sigma must be positive, got ${sigma}`);
  const gridSize = options.gridSize ?? 1001;
  if (!Number.isInteger(gridSize) || gridSize < 2) throw new Error(`SLQ density: gridSize must be an integer ≥ 2, got ${gridSize}`);
  const gridMin = options.gridMin ?? lowest - 6 * sigma;
  const gridMax = options.gridMax ?? highest + 6 * sigma;

  const grid = new Float64Array(gridSize);
  for (let g = 0; g < gridSize; g++) grid[g] = gridMin + ((gridMax - gridMin) * g) / (gridSize - 1);
  const density = new Float64Array(gridSize);
  const probes = quadrature.nodes.length;
  const normalisation = 1 / (probes * sigma * Math.sqrt(2 * Math.PI));
  for (let p = 0; p < probes; p++) {
    const theta = quadrature.nodes[p]!;
    const tau = quadrature.weights[p]!;
    for (let k = 0; k < theta.length; k++) {
      const centre = theta[k]!;
      const height = tau[k]! * normalisation;
      for (let g = 0; g < gridSize; g++) {
        const z = (grid[g]! - centre) / sigma;
        density[g] = density[g]! + height * Math.exp(-0.5 * z * z);
      }
    }
  }
  return { grid, density, sigma };
}

/** SLQ end to end: quadrature rules from the probes, then the broadened density. */
export function slqSpectralDensity(
  op: LinearOperator,
  options: SlqOptions & DensityOptions = {},
): SpectralDensity & SlqQuadrature {
  const quadrature = slqQuadrature(op, options);
  return { ...quadrature, ...gaussianBroadenedDensity(quadrature, options) };
}
