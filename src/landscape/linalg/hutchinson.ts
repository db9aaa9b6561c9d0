/**
 * Hutchinson's stochastic estimators of Tr(A) and ‖A‖_F², from products A·z.
 *
 * Take a random probe z with independent entries zᵢ = ±1 (Rademacher), so
 * E[zᵢ zⱼ] = δᵢⱼ, i.e. E[z zᵀ] = I. Then for any square A
 *
 *     E[zᵀ A z] = E[Tr(A z zᵀ)] = Tr(A · E[z zᵀ]) = Tr(A),
 *     E[‖A z‖²] = E[zᵀ AᵀA z]  = Tr(AᵀA)        = ‖A‖_F².
 *
 * Averaging N independent probes gives unbiased estimates whose standard
 * error shrinks like 1/√N; we report it as the sample standard deviation of
 * the per-probe values over √N. For Rademacher probes the exact variance of
 * one sample is Var[zᵀAz] = 2 Σ_{i≠j} ((A + Aᵀ)/2)ᵢⱼ² (for symmetric A: twice
 * the squared off-diagonal mass), which is never more than for Gaussian
 * probes — and zero for a diagonal matrix, whose trace one probe gets exactly.
 *
 * For a network Hessian, A·z is a Hessian–vector product, so Tr(H) and ‖H‖_F
 * cost N HVPs instead of D of them (Vysogorets et al. use N = 100); the probes
 * are independent, so their products are asked for a block at a time.
 */
import { Random } from '../../autodiff/index.js';
import { applyToEach, dot, mean, type LinearOperator } from './vector.js';

export interface HutchinsonOptions {
  /** Number of random probes N. Default 100. */
  probes?: number;
  /** Seed of the probe generator. Default 0. */
  seed?: number;
}

export interface HutchinsonEstimate {
  /** Mean of the per-probe values. */
  estimate: number;
  /** Sample standard deviation / √N (NaN for a single probe). */
  standardError: number;
  /** One value per probe: zᵀAz for the trace, ‖Az‖² for the Frobenius norm. */
  samples: Float64Array;
}

/** A vector of independent ±1 entries, each sign with probability ½. */
export function rademacherVector(n: number, rng: Random): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.next() < 0.5 ? -1 : 1;
  return z;
}

/** Mean and standard error of a sample. */
export function summarizeSamples(samples: Float64Array): HutchinsonEstimate {
  const count = samples.length;
  const average = mean(samples);
  let squares = 0;
  for (const s of samples) squares += (s - average) * (s - average);
  const standardError = count > 1 ? Math.sqrt(squares / (count - 1) / count) : Number.NaN;
  return { estimate: average, standardError, samples };
}

/** Probes whose products are asked for together (one batched pass where the operator has applyMany). */
const PROBE_BLOCK_SIZE = 20;

/** Draws N Rademacher probes and records sample(z, A z) for each. */
function hutchinsonSamples(
  op: LinearOperator,
  options: HutchinsonOptions,
  sample: (z: Float64Array, az: Float64Array) => number,
): HutchinsonEstimate {
  const probes = options.probes ?? 100;
  if (!Number.isInteger(probes) || probes < 1) throw new Error(`Hutchinson: probes must be a positive integer, got ${probes}`);
  const rng = new Random(options.seed ?? 0);
  const samples = new Float64Array(probes);
  for (let start = 0; start < probes; start += PROBE_BLOCK_SIZE) {
    const block = Array.from({ length: Math.min(PROBE_BLOCK_SIZE, probes - start) }, () => rademacherVector(op.dim, rng));
    applyToEach(op, block).forEach((az, i) => (samples[start + i] = sample(block[i]!, az)));
  }
  return summarizeSamples(samples);
}

/** Estimates Tr(A) as the mean of zᵀAz over Rademacher probes z. */
export function hutchinsonTrace(op: LinearOperator, options: HutchinsonOptions = {}): HutchinsonEstimate {
  return hutchinsonSamples(op, options, (z, az) => dot(z, az));
}

/** Estimates ‖A‖_F² = Tr(AᵀA) as the mean of ‖Az‖² over Rademacher probes z. */
export function hutchinsonFrobeniusSquared(op: LinearOperator, options: HutchinsonOptions = {}): HutchinsonEstimate {
  return hutchinsonSamples(op, options, (_z, az) => dot(az, az));
}

/**
 * Estimates ‖A‖_F = √(‖A‖_F²). The square root of an unbiased estimate is
 * slightly biased low (Jensen); the standard error comes from the delta
 * method, SE(√X) ≈ SE(X) / (2√X). The samples are the ‖Az‖² values.
 */
export function hutchinsonFrobeniusNorm(op: LinearOperator, options: HutchinsonOptions = {}): HutchinsonEstimate {
  const squared = hutchinsonFrobeniusSquared(op, options);
  const estimate = Math.sqrt(squared.estimate);
  return { estimate, standardError: estimate > 0 ? squared.standardError / (2 * estimate) : 0, samples: squared.samples };
}
