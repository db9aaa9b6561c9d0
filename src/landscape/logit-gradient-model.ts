/**
 * A network-free model of the Hessian's outliers: logit gradients that
 * cluster by logit, and weak logit curvature.
 *
 * Fort & Ganguli explain the C outlier eigenvalues of a classifier's Hessian,
 * and the gradient's confinement to their span, by two properties of trained
 * networks: the gradient ∇θ z_k(x) of logit k points in nearly the same
 * direction for every input x (the logit gradients cluster by logit), and the
 * logits' own curvature ∇²θ z_k is weak. This file simulates exactly those two
 * properties, with nothing else, so that what they imply can be set beside a
 * network's spectrum (`spectrum`, `track`):
 *
 *   logit gradients   j_μk = m_k + σ·ε_μk          m_k, ε_μk ~ N(0, I/D), so ‖m_k‖ ≈ 1 and
 *                                                  the centres are nearly orthogonal
 *   outputs           p_μ = softmax(β_c·e_c + τ·ξ_μ)  c the class of example μ, ξ_μ ~ N(0, I_C),
 *                                                  confidences β_c = β + δ·γ_c, γ_c ~ N(0, 1)
 *   Gauss-Newton      G = (1/N) Σ_μ J_μᵀ (diag p_μ − p_μ p_μᵀ) J_μ      (J_μ: the C×D rows j_μk)
 *   Hessian           H = G + κ·W                   W a GOE matrix (spectrum ≈ [−2, 2]): the
 *                                                  weak logit curvature
 *   gradient          g = (1/N) Σ_μ J_μᵀ (p_μ − y_μ)                     (y_μ one-hot)
 *
 * What the two properties imply. With σ = 0 every J_μ is the same C×D matrix
 * M, so G = Mᵀ Ā M with Ā the mean softmax covariance. Each diag p − ppᵀ
 * sends the all-ones vector 1 to 0, and nothing else when every p_k > 0, so Ā
 * has rank C − 1 and G has exactly C − 1 non-zero eigenvalues: the outliers.
 * The gradient is g = Mᵀw with w = mean(p − y), and 1ᵀw = 1 − 1 = 0, so g lies
 * in Mᵀ(1^⊥) — the span of those C − 1 eigenvectors: overlap 1. Noise σ in the
 * logit gradients adds a bulk and moves g out of the span by about σ/√N;
 * the curvature term κW widens the bulk symmetrically around 0. When σ grows
 * (the clustering weakens) the outliers sink into the bulk, and so does the
 * gradient's overlap.
 *
 * Everything is seeded; sizes are small enough that J (N·C·D numbers) is
 * stored and every product is exact.
 */
import { Random } from '../autodiff/index.js';
import { softmaxRows } from '../nn/index.js';
import { overlapWithEigenvectors } from './gradient-overlap.js';
import { countedOperator, type CountedOperator } from './linalg/operator.js';
import { topEigenpairs } from './linalg/lanczos.js';
import { dot, norm } from './linalg/vector.js';

export interface LogitGradientModelOptions {
  /** Number of classes C. Default 10. */
  classes?: number;
  /** Examples per class (N = C·perClass). Default 50. */
  perClass?: number;
  /** Number of parameters D. Default 1000. */
  dim?: number;
  /** σ: spread of each logit gradient around its logit's centre (0 = perfect clustering). Default 0.5. */
  clusterNoise?: number;
  /** β: mean confidence, the correct class's logit. Default 2. */
  confidence?: number;
  /** δ: spread of the confidence between classes. Default 1. */
  confidenceSpread?: number;
  /** τ: noise on each example's logits. Default 0.5. */
  logitNoise?: number;
  /** κ: strength of the logit-curvature term κ·W. Default 0.01. */
  logitCurvature?: number;
  /** Seed of every random choice. Default 0. */
  seed?: number;
}

/** A sampled model: its Hessian as an operator, its gradient, and its parts. */
export interface LogitGradientModel {
  readonly classes: number;
  readonly examples: number;
  readonly dim: number;
  /** The logit gradients: example μ's C×D block J_μ, row-major, at offset μ·C·D. */
  readonly logitGradients: Float64Array;
  /** p_μ, row μ of an N×C matrix. */
  readonly probabilities: Float64Array;
  readonly labels: Int32Array;
  /** H = G + κW, matrix-free, counting its products. */
  readonly hessian: CountedOperator;
  /** G alone. */
  readonly gaussNewton: CountedOperator;
  /** g = (1/N) Σ J_μᵀ(p_μ − y_μ). */
  readonly gradient: Float64Array;
}

function checkedOptions(options: LogitGradientModelOptions): Required<LogitGradientModelOptions> {
  const o = {
    classes: 10, perClass: 50, dim: 1000, clusterNoise: 0.5, confidence: 2, confidenceSpread: 1, logitNoise: 0.5, logitCurvature: 0.01, seed: 0,
    ...options,
  };
  for (const name of ['classes', 'perClass', 'dim'] as const) {
    if (!Number.isInteger(o[name]) || o[name] < (name === 'classes' ? 2 : 1)) throw new Error(`logitGradientModel: ${name} must be an integer ≥ ${name === 'classes' ? 2 : 1}, got ${o[name]}`);
  }
  for (const name of ['clusterNoise', 'confidence', 'confidenceSpread', 'logitNoise', 'logitCurvature'] as const) {
    if (!Number.isFinite(o[name]) || o[name] < 0) throw new Error(`logitGradientModel: ${name} must be a finite number ≥ 0, got ${o[name]}`);
  }
  return o;
}

/** J: row k of example μ is m_k + σ·ε_μk, every entry of m_k and ε_μk ~ N(0, 1/D). */
function sampleLogitGradients(rng: Random, examples: number, classes: number, dim: number, sigma: number): Float64Array {
  const sd = 1 / Math.sqrt(dim);
  const centres = Float64Array.from({ length: classes * dim }, () => sd * rng.normal());
  const J = new Float64Array(examples * classes * dim);
  for (let mu = 0; mu < examples; mu++) {
    const block = mu * classes * dim;
    for (let i = 0; i < classes * dim; i++) J[block + i] = centres[i]! + sigma * sd * rng.normal();
  }
  return J;
}

/** Labels (balanced, class c for examples c·perClass …) and p_μ = softmax(β_c e_c + τ ξ_μ). */
function sampleOutputs(rng: Random, classes: number, perClass: number, o: Required<LogitGradientModelOptions>): { labels: Int32Array; probabilities: Float64Array } {
  const examples = classes * perClass;
  const confidences = Array.from({ length: classes }, () => o.confidence + o.confidenceSpread * rng.normal());
  const labels = Int32Array.from({ length: examples }, (_, mu) => Math.floor(mu / perClass));
  const logits = new Float64Array(examples * classes);
  for (let mu = 0; mu < examples; mu++) {
    for (let k = 0; k < classes; k++) logits[mu * classes + k] = o.logitNoise * rng.normal();
    logits[mu * classes + labels[mu]!]! += confidences[labels[mu]!]!;
  }
  return { labels, probabilities: softmaxRows(logits, examples, classes, 1) };
}

/** A GOE matrix, D×D row-major: W_ij = W_ji ~ N(0, 1/D), W_ii ~ N(0, 2/D); its spectrum fills ≈ [−2, 2]. */
function sampleGoe(rng: Random, dim: number): Float64Array {
  const W = new Float64Array(dim * dim);
  const sd = 1 / Math.sqrt(dim);
  for (let i = 0; i < dim; i++) {
    W[i * dim + i] = Math.SQRT2 * sd * rng.normal();
    for (let j = i + 1; j < dim; j++) {
      const w = sd * rng.normal();
      W[i * dim + j] = w;
      W[j * dim + i] = w;
    }
  }
  return W;
}

/** out += (1/N) Σ_μ J_μᵀ r_μ(J_μ v), where r_μ turns the C logit directional derivatives into C weights. */
function accumulateOverExamples(J: Float64Array, examples: number, classes: number, dim: number, weights: (mu: number, u: Float64Array) => Float64Array, v: Float64Array | null): Float64Array {
  const out = new Float64Array(dim);
  const u = new Float64Array(classes);
  for (let mu = 0; mu < examples; mu++) {
    const block = mu * classes * dim;
    for (let k = 0; k < classes; k++) u[k] = v === null ? 0 : dot(J.subarray(block + k * dim, block + (k + 1) * dim), v);
    const a = weights(mu, u);
    for (let k = 0; k < classes; k++) {
      const ak = a[k]! / examples;
      const row = block + k * dim;
      for (let i = 0; i < dim; i++) out[i] = out[i]! + ak * J[row + i]!;
    }
  }
  return out;
}

/** Samples the model. */
export function logitGradientModel(options: LogitGradientModelOptions = {}): LogitGradientModel {
  const o = checkedOptions(options);
  const { classes, perClass, dim } = o;
  const examples = classes * perClass;
  const rng = new Random(o.seed);
  const J = sampleLogitGradients(rng.split(), examples, classes, dim, o.clusterNoise);
  const { labels, probabilities } = sampleOutputs(rng.split(), classes, perClass, o);
  const W = o.logitCurvature > 0 ? sampleGoe(rng.split(), dim) : null;
  const p = (mu: number): Float64Array => probabilities.subarray(mu * classes, (mu + 1) * classes);
  // (diag p − ppᵀ) u = p ∘ u − p (p·u)
  const softmaxCovarianceTimes = (mu: number, u: Float64Array): Float64Array => {
    const pm = p(mu);
    const pu = dot(pm, u);
    return pm.map((pk, k) => pk * u[k]! - pk * pu);
  };
  const gaussNewtonTimes = (v: Float64Array): Float64Array => accumulateOverExamples(J, examples, classes, dim, softmaxCovarianceTimes, v);
  const hessianTimes = (v: Float64Array): Float64Array => {
    const out = gaussNewtonTimes(v);
    if (W === null) return out;
    for (let i = 0; i < dim; i++) out[i] = out[i]! + o.logitCurvature * dot(W.subarray(i * dim, (i + 1) * dim), v);
    return out;
  };
  const residual = (mu: number): Float64Array => p(mu).map((pk, k) => pk - (k === labels[mu] ? 1 : 0));
  const gradient = accumulateOverExamples(J, examples, classes, dim, (mu) => residual(mu), null);
  return {
    classes, examples, dim, logitGradients: J, probabilities, labels, gradient,
    hessian: countedOperator(dim, hessianTimes),
    gaussNewton: countedOperator(dim, gaussNewtonTimes),
  };
}

/** What the model predicts, in the quantities `spectrum` and `track` report for a network. */
export interface LogitGradientModelSummary {
  /** The top C + 5 eigenvalues of H, descending. */
  eigenvalues: number[];
  /** How many eigenvalues stand apart: the rank before the largest ratio λ_i/λ_(i+1) among the top C + 4. */
  outliers: number;
  /** λ_(C−1)/λ_C, the gap below C − 1 outliers. */
  gapAfterCMinusOne: number;
  /** ‖P g‖/‖g‖ for P the top C − 1 eigenvectors, and for the top C. */
  overlapTopCMinusOne: number;
  overlapTopC: number;
  /** A random (C − 1)-dimensional subspace's expected overlap, √((C − 1)/D). */
  randomOverlap: number;
  /** Mean cosine between two examples' gradients of the same logit, and of different logits. */
  sameLogitCosine: number;
  differentLogitCosine: number;
  products: number;
}

/** Mean cosine of pairs of logit gradients (examples μ < ν), of the same logit or of different logits. */
function logitGradientCosines(model: LogitGradientModel, pairs: number, rng: Random): { same: number; different: number } {
  const { classes: c, dim, examples, logitGradients: J } = model;
  const row = (mu: number, k: number): Float64Array => J.subarray((mu * c + k) * dim, (mu * c + k + 1) * dim);
  const cosine = (a: Float64Array, b: Float64Array): number => dot(a, b) / (norm(a) * norm(b));
  let same = 0;
  let different = 0;
  for (let t = 0; t < pairs; t++) {
    const mu = Math.floor(rng.uniform(0, examples));
    const nu = (mu + 1 + Math.floor(rng.uniform(0, examples - 1))) % examples;
    const k = Math.floor(rng.uniform(0, c));
    const l = (k + 1 + Math.floor(rng.uniform(0, c - 1))) % c;
    same += cosine(row(mu, k), row(nu, k));
    different += cosine(row(mu, k), row(nu, l));
  }
  return { same: same / pairs, different: different / pairs };
}

/** The model's top eigenvalues, outlier count and gradient overlap. */
export function summarizeLogitGradientModel(model: LogitGradientModel, options: { seed?: number } = {}): LogitGradientModelSummary {
  const c = model.classes;
  const k = Math.min(c + 5, model.dim);
  const top = topEigenpairs(model.hessian, k, { seed: options.seed ?? 0 });
  const eigenvalues = Array.from(top.values);
  let outliers = 1;
  let best = -Infinity;
  for (let i = 0; i + 1 < Math.min(k, c + 4); i++) {
    const ratio = eigenvalues[i]! / eigenvalues[i + 1]!;
    if (eigenvalues[i + 1]! > 0 && ratio > best) [best, outliers] = [ratio, i + 1];
  }
  const cosines = logitGradientCosines(model, 2000, new Random(options.seed ?? 0));
  return {
    eigenvalues,
    outliers,
    gapAfterCMinusOne: eigenvalues[c - 2]! / eigenvalues[c - 1]!,
    overlapTopCMinusOne: overlapWithEigenvectors(model.gradient, top, c - 1).overlap,
    overlapTopC: overlapWithEigenvectors(model.gradient, top, c).overlap,
    randomOverlap: Math.sqrt((c - 1) / model.dim),
    sameLogitCosine: cosines.same,
    differentLogitCosine: cosines.different,
    products: model.hessian.products(),
  };
}
