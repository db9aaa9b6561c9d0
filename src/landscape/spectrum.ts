/**
 * The spectrum of a loss Hessian in the full parameter space, from exact
 * Hessian-vector products alone.
 *
 * H(θ) = ∇²L(θ) is D×D — 25,450² numbers for a 784-32-10 MLP, 5 GB — but
 * every question asked here needs only products v ↦ Hv, each one exact HVP
 * (forward-over-reverse, hessian-operator.ts) at the cost of a few
 * gradients:
 *
 *   the extreme eigenpairs    Lanczos (linalg/lanczos.ts): the k largest or
 *                             smallest eigenvalues λ and eigenvectors u with
 *                             Hu = λu, in a few times k products;
 *   Tr(H) and ‖H‖_F           Hutchinson (linalg/hutchinson.ts): with
 *                             Rademacher probes z, E[zᵀHz] = Tr H and
 *                             E‖Hz‖² = ‖H‖_F²; one product per probe serves
 *                             both, and the spread over probes gives the error
 *                             bar;
 *   the eigenvalue density    stochastic Lanczos quadrature (linalg/slq.ts):
 *                             φ(t) = (1/D) Σᵢ δ(t − λᵢ), smoothed.
 *
 * For classifiers, the Hessian of the mean cross-entropy splits as
 * H = G + H′. The Gauss-Newton matrix
 *
 *     G = (1/N) Σ_s J_sᵀ (diag p_s − p_s p_sᵀ) J_s,    J_s = ∂z_s/∂θ ∈ ℝ^{C×D},
 *
 * (z_s the logits of sample s, p_s = softmax(z_s)) is positive semi-definite
 * and, on trained networks, carries the large outlier eigenvalues (Fort &
 * Ganguli; papers.md §2). Its product needs no second derivatives at all:
 *
 *     G v = Jᵀ (M (J v)) / N:   J v = one forward-mode product (jvp) of the
 *     logits, M = diag p − ppᵀ row by row, and Jᵀ w = one reverse-mode
 *     pullback (vjp) of the logits, whose tape is recorded once and reused.
 *
 * `gaussNewtonOperator` is that product; every tool below takes any
 * symmetric LinearOperator, so the same analysis runs on H or on G.
 */
import { fromTypedArray, jvp, vjp, Random } from '../autodiff/index.js';
import { checkTemperature, flatTensor, softmaxRows, toFloat64, toTensor, type Vector } from '../nn/index.js';
import { bottomEigenpairs, topEigenpairs, type LanczosEigenOptions, type LanczosEigenpairs } from './linalg/lanczos.js';
import { rademacherVector, summarizeSamples, type HutchinsonEstimate } from './linalg/hutchinson.js';
import { slqSpectralDensity, type DensityOptions, type SlqQuadrature, type SpectralDensity } from './linalg/slq.js';
import { dot, type LinearOperator } from './linalg/vector.js';
import { countedOperator, countingOperator, type CountedOperator } from './linalg/operator.js';
import { hessianOperator, type LossOfTheta } from './hessian-operator.js';
import type { Classifier } from './classifier.js';

/**
 * The dense n×n matrix of an operator (row-major), one product per column:
 * for small problems and tests only (n products, n² numbers). The result is
 * what the operator computes; symmetrise it before a symmetric eigensolver.
 */
export function denseMatrixFromOperator(op: LinearOperator): Float64Array {
  const n = op.dim;
  const matrix = new Float64Array(n * n);
  const unit = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    unit[j] = 1;
    const column = op.apply(unit);
    unit[j] = 0;
    for (let i = 0; i < n; i++) matrix[i * n + j] = column[i]!;
  }
  return matrix;
}

export interface TraceAndFrobenius {
  /** Tr(A) ± standard error. */
  trace: HutchinsonEstimate;
  /** ‖A‖_F ± standard error (delta method from ‖A‖_F²). */
  frobeniusNorm: HutchinsonEstimate;
  probes: number;
}

/**
 * Hutchinson's Tr(A) and ‖A‖_F from the same Rademacher probes: each probe
 * z costs one product Az and gives one sample of each, zᵀAz and ‖Az‖².
 */
export function traceAndFrobeniusNorm(op: LinearOperator, options: { probes?: number; seed?: number } = {}): TraceAndFrobenius {
  const probes = options.probes ?? 100;
  if (!Number.isInteger(probes) || probes < 1) throw new Error(`traceAndFrobeniusNorm: probes must be a positive integer, got ${probes}`);
  const rng = new Random(options.seed ?? 0);
  const traceSamples = new Float64Array(probes);
  const squareSamples = new Float64Array(probes);
  for (let i = 0; i < probes; i++) {
    const z = rademacherVector(op.dim, rng);
    const az = op.apply(z);
    traceSamples[i] = dot(z, az);
    squareSamples[i] = dot(az, az);
  }
  const squared = summarizeSamples(squareSamples);
  const norm = Math.sqrt(Math.max(0, squared.estimate));
  return {
    trace: summarizeSamples(traceSamples),
    frobeniusNorm: { estimate: norm, standardError: norm > 0 ? squared.standardError / (2 * norm) : 0, samples: squareSamples },
    probes,
  };
}

/**
 * What to compute. Each part costs operator products and is computed only
 * when asked for; asking for nothing at all means `topK: 1`, the largest
 * eigenvalue. So `hessianSpectrum(loss, θ, { topK: 1 })` costs one Lanczos
 * run — about 20 HVPs on a trained network, at most `lanczosSteps` — and no
 * trace or density probes.
 */
export interface SpectrumOptions {
  /** How many of the largest eigenvalues (default 0, or 1 when nothing else is asked for). */
  topK?: number;
  /** How many of the smallest eigenvalues (default 0). */
  bottomK?: number;
  /** Most Lanczos steps per eigenvalue search (default min(D, max(4k, 60))). */
  lanczosSteps?: number;
  /** Ritz residual tolerance relative to the spectrum's scale (default 1e-8). */
  tolerance?: number;
  /** Hutchinson probes for Tr and ‖·‖_F, one product each (default 0: not computed; 100 gives a few per cent). */
  traceProbes?: number;
  /** SLQ probes (default 0: no density; 5 is a usual choice) and Lanczos steps per probe (default 60). */
  densityProbes?: number;
  densitySteps?: number;
  /** Smoothing and grid of the density (see linalg/slq.ts). */
  density?: DensityOptions;
  /** Seed of every random vector. Default 0. */
  seed?: number;
  /** Called with the stage and the number of products done in it. */
  onProgress?: (stage: SpectrumStage, products: number) => void;
}

export type SpectrumStage = 'top' | 'bottom' | 'trace' | 'density';

export interface EigenvalueEstimate {
  values: number[];
  residualNorms: number[];
  converged: boolean;
  /** Lanczos steps (products) used. */
  steps: number;
  /** Unit eigenvectors, vectors[i] for values[i] (not written to JSON by the CLI). */
  vectors: Float64Array[];
}

export interface SpectrumReport {
  dim: number;
  top: EigenvalueEstimate | null;
  bottom: EigenvalueEstimate | null;
  trace: { estimate: number; standardError: number } | null;
  frobeniusNorm: { estimate: number; standardError: number } | null;
  traceProbes: number;
  density: (SpectralDensity & SlqQuadrature) | null;
  /** Operator products used, in all. */
  products: number;
  seconds: number;
}

function eigenvalueEstimate(pairs: LanczosEigenpairs): EigenvalueEstimate {
  return {
    values: Array.from(pairs.values),
    residualNorms: Array.from(pairs.residualNorms),
    converged: pairs.converged,
    steps: pairs.steps,
    vectors: pairs.vectors,
  };
}

/** Top/bottom eigenvalues, trace, Frobenius norm and density of a symmetric operator, each optional. */
export function analyzeSpectrum(op: LinearOperator, options: SpectrumOptions = {}): SpectrumReport {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const askedForNothing = options.topK === undefined && !options.bottomK && !options.traceProbes && !options.densityProbes;
  const topK = Math.min(options.topK ?? (askedForNothing ? 1 : 0), op.dim);
  const bottomK = Math.min(options.bottomK ?? 0, op.dim);
  const traceProbes = options.traceProbes ?? 0;
  const densityProbes = options.densityProbes ?? 0;
  let total = 0;
  const stageOperator = (stage: SpectrumStage): LinearOperator =>
    countingOperator(op, (count) => {
      total += 1;
      options.onProgress?.(stage, count);
    });
  const lanczos = (k: number): LanczosEigenOptions => ({
    seed,
    tolerance: options.tolerance ?? 1e-8,
    ...(options.lanczosSteps !== undefined ? { maxSteps: options.lanczosSteps } : { maxSteps: Math.min(op.dim, Math.max(4 * k, 60)) }),
  });

  const top = topK > 0 ? eigenvalueEstimate(topEigenpairs(stageOperator('top'), topK, lanczos(topK))) : null;
  const bottom = bottomK > 0 ? eigenvalueEstimate(bottomEigenpairs(stageOperator('bottom'), bottomK, lanczos(bottomK))) : null;
  const hutchinson = traceProbes > 0 ? traceAndFrobeniusNorm(stageOperator('trace'), { probes: traceProbes, seed: seed + 1 }) : null;
  const density =
    densityProbes > 0
      ? slqSpectralDensity(stageOperator('density'), { probes: densityProbes, steps: options.densitySteps ?? 60, seed: seed + 2, ...options.density })
      : null;
  const estimate = (e: HutchinsonEstimate): { estimate: number; standardError: number } => ({ estimate: e.estimate, standardError: e.standardError });
  return {
    dim: op.dim,
    top,
    bottom,
    trace: hutchinson ? estimate(hutchinson.trace) : null,
    frobeniusNorm: hutchinson ? estimate(hutchinson.frobeniusNorm) : null,
    traceProbes: hutchinson ? traceProbes : 0,
    density,
    products: total,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * analyzeSpectrum of the loss Hessian at θ (exact HVPs); θ a Float64Array or
 * a tensor. `{ topK: k }` computes the k largest eigenpairs and nothing else.
 */
export function hessianSpectrum(loss: LossOfTheta, theta: Vector, options: SpectrumOptions = {}): SpectrumReport {
  return analyzeSpectrum(hessianOperator(loss, theta), options);
}

/**
 * The Gauss-Newton matrix of the mean cross-entropy at θ (temperature T:
 * logits z/T) as an operator: Gv = Jᵀ M J v / (N T²), one jvp and one
 * pullback of the logits per product. The forward pass of the pullback is
 * recorded once, here.
 */
export function gaussNewtonOperator(classifier: Classifier, theta: Vector, temperature = 1): CountedOperator {
  checkTemperature('gaussNewtonOperator', temperature);
  const { labels, numClasses: c } = classifier;
  const n = labels.length;
  const at = flatTensor(Float64Array.from(toFloat64(theta)));
  const D = at.size;
  const [logits, pullback] = vjp(classifier.logits, at);
  if (logits.rank !== 2 || logits.shape[0] !== n || logits.shape[1] !== c) {
    throw new Error(`gaussNewtonOperator: the logits have shape [${logits.shape.join(', ')}], expected [${n}, ${c}]`);
  }
  const p = softmaxRows(toFloat64(logits), n, c, temperature);
  const apply = (v: Float64Array): Float64Array => {
    if (v.length !== D) throw new Error(`gaussNewtonOperator: vector has length ${v.length}, expected ${D}`);
    const [, jv] = jvp(classifier.logits, [at], [toTensor(Float64Array.from(v))]);
    const u = toFloat64(jv);
    const w = logits.dtype === 'float32' ? new Float32Array(n * c) : new Float64Array(n * c);
    const scale = 1 / (n * temperature * temperature);
    for (let s = 0; s < n; s++) {
      const row = s * c;
      let pu = 0;
      for (let k = 0; k < c; k++) pu += p[row + k]! * u[row + k]!;
      for (let k = 0; k < c; k++) w[row + k] = scale * p[row + k]! * (u[row + k]! - pu); // (diag p − ppᵀ) u
    }
    return toFloat64(pullback(fromTypedArray(w, [n, c]))[0]!);
  };
  return countedOperator(D, apply);
}
