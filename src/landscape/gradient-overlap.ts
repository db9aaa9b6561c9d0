/**
 * Where the gradient lives, and why: its overlap with the top Hessian
 * subspace, and the clustering of logit gradients that explains it.
 *
 * 1. Gradient overlap (Gur-Ari, Roberts & Dyer 2018; Fort & Ganguli 2019).
 *    Let u₁ … u_k be the eigenvectors of the k largest Hessian eigenvalues
 *    and P_k = Σᵢ uᵢuᵢᵀ the projection onto their span. The overlap
 *
 *        ‖P_k g‖ / ‖g‖ = √(Σᵢ (uᵢᵀg)²) / ‖g‖   ∈ [0, 1]
 *
 *    is the fraction of the gradient's length inside that subspace (its
 *    square, the fraction of its squared length, splits over the uᵢ as
 *    (uᵢᵀg)²/‖g‖²). For a random direction in ℝ^D it would be about √(k/D);
 *    for trained classifiers with C classes it is large already for k = C:
 *    gradient descent happens in a tiny subspace.
 *
 * 2. Logit-gradient clustering (Fort & Ganguli; metric from Vysogorets et
 *    al.'s code, misc.py WCA/CCA). The gradient of the logit z_k of sample s
 *    with respect to θ, ∇z_k(x_s) ∈ ℝ^D, is one pullback of the logits with
 *    the cotangent e_{s,k}. Fort & Ganguli's model: these vectors cluster —
 *    by logit k and by the class of the sample — so the Gauss-Newton term
 *    G = (1/N) Σ_s J_sᵀ M_s J_s is dominated by C·C cluster means, whence
 *    about C outlier eigenvalues. With cos the cosine similarity:
 *
 *      within-class alignment (WCA) = mean over logits k of the mean of
 *          cos(∇z_k(x_s), ∇z_k(x_t)) over pairs s ≠ t both of class k;
 *      cross-class alignment (CCA)  = mean over logits k of the mean of
 *          cos(∇z_k(x_s), ∇z_k(x_t)) over all pairs s ≠ t
 *          (Vysogorets et al.'s definition: every pair, same class or not);
 *      different-class alignment    = the same over pairs of different classes only.
 *
 *    WCA well above CCA means the gradients cluster by class. A class with
 *    fewer than two samples is left out of WCA. The subsample should be
 *    small: S samples cost C·S pullbacks and S·D numbers per logit.
 */
import { fromTypedArray, vjp, vmap, type Tensor } from '../autodiff/index.js';
import { dot, mean, norm, axpy, scale, splitVectors, type LinearOperator } from './linalg/vector.js';
import { flatTensor, toFloat64, type Vector } from '../nn/index.js';
import { gradientAt, hessianOperator, type LossOfTheta } from './hessian-operator.js';
import { topEigenpairs } from './linalg/lanczos.js';
import type { LanczosEigenOptions } from './linalg/lanczos.js';
import type { Classifier } from './classifier.js';

/** An orthonormal basis of span(vectors) (Gram–Schmidt, twice; nearly dependent vectors are dropped). */
export function orthonormalize(vectors: readonly Float64Array[]): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    const original = norm(w);
    for (let pass = 0; pass < 2; pass++) for (const b of basis) axpy(-dot(b, w), b, w);
    const length = norm(w);
    if (length > 1e-10 * original && length > 0) basis.push(scale(1 / length, w));
  }
  return basis;
}

/** ‖P g‖ / ‖g‖ for the projection P onto span(basis) (the basis is orthonormalised first); 0 for g = 0. */
export function subspaceOverlap(g: Float64Array, basis: readonly Float64Array[]): number {
  const gNorm = norm(g);
  if (gNorm === 0) return 0;
  let squares = 0;
  for (const u of orthonormalize(basis)) squares += dot(u, g) ** 2;
  return Math.min(1, Math.sqrt(squares) / gNorm);
}

/** (uᵢᵀg)² / ‖g‖² for each unit vector uᵢ: how the gradient's squared length splits over them. */
export function directionOverlaps(g: Float64Array, unitVectors: readonly Float64Array[]): number[] {
  const g2 = dot(g, g);
  return unitVectors.map((u) => (g2 === 0 ? 0 : dot(u, g) ** 2 / g2));
}

/** √(k/D): the expected overlap of a random direction with a fixed k-dimensional subspace (exactly, E‖P_k z‖²/‖z‖² = k/D). */
export function randomOverlapBaseline(k: number, dim: number): number {
  return Math.sqrt(k / dim);
}

export interface GradientOverlap {
  /** ‖P_k g‖/‖g‖ with P_k the projection onto the top-k eigenvectors. */
  overlap: number;
  /** (uᵢᵀg)²/‖g‖², i = 1 … k, in order of decreasing eigenvalue. */
  perDirection: number[];
  /** The top-k eigenvalues, descending. */
  eigenvalues: number[];
  k: number;
  gradientNorm: number;
  /** √(k/D). */
  randomBaseline: number;
  /** Hessian-vector products used by Lanczos. */
  products: number;
  converged: boolean;
}

/** The overlap of a gradient with the span of given eigenpairs (the first k of them). */
export function overlapWithEigenvectors(gradient: Float64Array, pairs: { values: ArrayLike<number>; vectors: readonly Float64Array[] }, k = pairs.vectors.length): Omit<GradientOverlap, 'products' | 'converged'> {
  if (k < 1 || k > pairs.vectors.length) throw new Error(`overlapWithEigenvectors: k must be in [1, ${pairs.vectors.length}], got ${k}`);
  const vectors = pairs.vectors.slice(0, k);
  return {
    overlap: subspaceOverlap(gradient, vectors),
    perDirection: directionOverlaps(gradient, vectors),
    eigenvalues: Array.from(pairs.values).slice(0, k),
    k,
    gradientNorm: norm(gradient),
    randomBaseline: randomOverlapBaseline(k, gradient.length),
  };
}

/** The gradient's overlap with the top-k eigenvectors of an operator (by default the loss Hessian at θ). */
export function gradientHessianOverlap(
  loss: LossOfTheta,
  thetaVector: Vector,
  k: number,
  options: LanczosEigenOptions & { operator?: LinearOperator } = {},
): GradientOverlap {
  const theta = toFloat64(thetaVector);
  const { operator, ...lanczos } = options;
  const hessian = operator === undefined ? hessianOperator(loss, theta) : undefined;
  const pairs = topEigenpairs(operator ?? hessian!, k, { tolerance: 1e-8, ...lanczos });
  // the Hessian's pass at θ has computed the gradient already
  const gradient = hessian ? hessian.gradient() : gradientAt(loss, theta);
  return { ...overlapWithEigenvectors(gradient, pairs, k), products: pairs.steps, converged: pairs.converged };
}

// ---------------------------------------------------------------------------
// Logit-gradient clustering

export interface LogitAlignment {
  logit: number;
  withinClass: number | null;
  crossClass: number;
  differentClass: number | null;
}

export interface LogitGradientAlignment {
  /** WCA: mean over logits of the within-class mean cosine (null if no class has two samples). */
  withinClass: number | null;
  /** CCA: mean over logits of the mean cosine over all pairs of distinct samples. */
  crossClass: number;
  /** Mean over logits of the mean cosine over pairs of samples of different classes (null if all share one class). */
  differentClass: number | null;
  perLogit: LogitAlignment[];
  samples: number;
  numClasses: number;
  /** Pullbacks computed (= samples × classes). */
  pullbacks: number;
}

/** How many pullbacks one vmap pass computes at most (each holds a D-vector per sample). */
const PULLBACK_BLOCK_SIZE = 16;

/**
 * The per-sample logit gradients of a classifier at θ, for any logit: one
 * recorded forward pass, then for logit k the pullbacks of the one-hot
 * cotangents e_{s,k}, a block of samples at a time in one vmap.
 */
function logitGradientsAt(classifier: Classifier, theta: Float64Array): (logit: number, onPullback?: (done: number) => void) => Float64Array[] {
  const n = classifier.labels.length;
  const c = classifier.numClasses;
  const [out, pullback] = vjp(classifier.logits, flatTensor(Float64Array.from(theta)));
  if (out.rank !== 2 || out.shape[0] !== n || out.shape[1] !== c) throw new Error(`logitGradients: logits of shape [${out.shape.join(', ')}], expected [${n}, ${c}]`);
  const pullAll = vmap((u: Tensor) => pullback(u)[0]!);
  return (logit, onPullback) => {
    if (!Number.isInteger(logit) || logit < 0 || logit >= c) throw new Error(`logitGradients: logit ${logit} is not in [0, ${c})`);
    const gradients: Float64Array[] = [];
    for (let start = 0; start < n; start += PULLBACK_BLOCK_SIZE) {
      const count = Math.min(PULLBACK_BLOCK_SIZE, n - start);
      const cotangents = out.dtype === 'float32' ? new Float32Array(count * n * c) : new Float64Array(count * n * c);
      for (let i = 0; i < count; i++) cotangents[i * n * c + (start + i) * c + logit] = 1;
      gradients.push(...splitVectors(toFloat64(pullAll(fromTypedArray(cotangents, [count, n, c]))), count));
      onPullback?.(start + count);
    }
    return gradients;
  };
}

/** ∇z_k(x_s) for every sample s of the classifier's batch (one forward pass, batched pullbacks). */
export function logitGradients(classifier: Classifier, thetaVector: Vector, logit: number, onPullback?: (done: number) => void): Float64Array[] {
  const theta = toFloat64(thetaVector);
  return logitGradientsAt(classifier, theta)(logit, onPullback);
}

/** Mean of cos over the pairs (s, t), s ≠ t, that `include` accepts; null if there are none. */
function meanPairCosine(cosines: Float64Array, n: number, include: (s: number, t: number) => boolean): number | null {
  let total = 0;
  let pairs = 0;
  for (let s = 0; s < n; s++) {
    for (let t = s + 1; t < n; t++) {
      if (!include(s, t)) continue;
      total += cosines[s * n + t]!;
      pairs += 1;
    }
  }
  return pairs > 0 ? total / pairs : null;
}

const meanOf = (xs: (number | null)[]): number | null => {
  const present = xs.filter((x): x is number => x !== null);
  return present.length > 0 ? mean(present) : null;
};

/** WCA, CCA and the different-class alignment of the logit gradients on the classifier's (small) batch. */
export function logitGradientAlignment(classifier: Classifier, thetaVector: Vector, options: { onPullback?: (done: number, total: number) => void } = {}): LogitGradientAlignment {
  const theta = toFloat64(thetaVector);
  const { labels, numClasses: c } = classifier;
  const n = labels.length;
  if (n < 2) throw new Error(`logitGradientAlignment: need at least 2 samples, got ${n}`);
  const perLogit: LogitAlignment[] = [];
  const gradientsOf = logitGradientsAt(classifier, theta);
  for (let k = 0; k < c; k++) {
    // One logit at a time keeps memory at n·D numbers.
    const gradients = gradientsOf(k, (done) => options.onPullback?.(k * n + done, n * c));
    const norms = gradients.map(norm);
    const cosines = new Float64Array(n * n);
    for (let s = 0; s < n; s++) {
      for (let t = s + 1; t < n; t++) {
        const denominator = norms[s]! * norms[t]!;
        cosines[s * n + t] = denominator > 0 ? dot(gradients[s]!, gradients[t]!) / denominator : 0;
      }
    }
    perLogit.push({
      logit: k,
      withinClass: meanPairCosine(cosines, n, (s, t) => labels[s] === k && labels[t] === k),
      crossClass: meanPairCosine(cosines, n, () => true)!,
      differentClass: meanPairCosine(cosines, n, (s, t) => labels[s] !== labels[t]),
    });
  }
  return {
    withinClass: meanOf(perLogit.map((l) => l.withinClass)),
    crossClass: meanOf(perLogit.map((l) => l.crossClass))!,
    differentClass: meanOf(perLogit.map((l) => l.differentClass)),
    perLogit,
    samples: n,
    numClasses: c,
    pullbacks: n * c,
  };
}
