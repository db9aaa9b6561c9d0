/**
 * Test problems for critical-point finders (Frye et al. 2021, papers.md §3).
 *
 * A finder is only as trustworthy as the problems it has been checked on.
 * Three of them, from "every answer known" to "a real network":
 *
 * 1. The two-dimensional toy
 *
 *        f(x, y) = ¼x⁴ − 3x² + 9x + 0.9y⁴ + 5y² + 40,
 *        ∇f = (x³ − 6x + 9, 3.6y³ + 10y),   ∇²f = diag(3x² − 6, 10.8y² + 10).
 *
 *    ∂f/∂y vanishes only at y = 0, and x³ − 6x + 9 = (x + 3)(x² − 3x + 3)
 *    only at x = −3 (the quadratic has no real root): the single critical
 *    point is (−3, 0), a minimum. On the lines x = ±√2 the Hessian is
 *    singular, and at (±√2, 0) the gradient (9 ∓ 4√2, 0) lies in its kernel:
 *    these are strict gradient-flat points, where Newton's method stalls
 *    with ‖∇f‖² = (9 − 4√2)² ≈ 11.2 at (√2, 0), a local minimum of ‖∇f‖.
 *
 * 2. The deep linear autoencoder (DLAE; Frye et al. 2019, 2021): data
 *    X ∈ ℝ^{k×n}, Gaussian with covariance diag(1, 2, …, k), each row shifted
 *    to mean exactly 0; a network x ↦ W₂W₁x with W₁ ∈ ℝ^{p×k}, W₂ ∈ ℝ^{k×p}
 *    (k = 16, p = 4, D = 2kp = 128); loss the mean squared reconstruction
 *    error over all n·k entries,
 *
 *        L(W₁, W₂) = (1/nk) Σ_s ‖x_s − W₂W₁x_s‖².
 *
 *    Its critical points are known in closed form (Baldi & Hornik 1989):
 *    W₂W₁ projects onto a span of at most p eigenvectors of the data
 *    covariance, so the critical losses are (tr Σ − Σ_{i∈S} λᵢ)/k for the
 *    subsets S of at most p eigenvalues (2517 of them for k = 16, p = 4).
 *    θ = 0 is exactly critical, with loss tr Σ/k = 8.5 for the population
 *    covariance and index ½.
 *
 *    Because the loss is a quadratic form in the data, it depends on X only
 *    through the second-moment matrix Σ = XXᵀ/n:
 *
 *        L = (1/k) tr((I − M) Σ (I − M)ᵀ),   M = W₂W₁,
 *
 *    which is how it is computed here — the same function, at a cost that
 *    no longer grows with n (n = 10⁴ is as cheap as n = 100).
 *
 * 3. Small MNIST classifiers (papers.md §3.3 D): images cropped to the
 *    central 20×20 pixels, averaged over 5×5 blocks down to 4×4 = 16
 *    features, z-scored; an MLP 16-12-8-10 (tanh stands in for Swish, which
 *    goldilocks/nn does not have) with biases, cross-entropy plus an ℓ2 term
 *    λ·mean(θ²) (autocrit's regularisers are means, not sums).
 *
 * Each problem says how to draw starting points. The paper takes them from
 * optimiser trajectories, "sampled uniformly in loss value", with Gaussian
 * noise of variance 1e-2 added to half of them; see starting-points.ts.
 */
import { Random, fromTypedArray, mean, scalar, type Tensor } from '../../autodiff/index.js';
import { crossEntropy, data, mlp, toFloat64, type ActivationName, type Model } from '../../nn/index.js';
import type { LossOfTheta } from '../hessian-operator.js';
import { trajectoryStartingPoints, type TrajectoryOptions } from './starting-points.js';

/** A smooth function of θ ∈ ℝ^D whose critical points we look for. */
export interface CriticalPointProblem {
  /** Short name: 'toy', 'dlae', 'mnist-mlp'. */
  readonly name: string;
  /** One line saying what it is (sizes included). */
  readonly description: string;
  /** D, the number of parameters. */
  readonly dim: number;
  /** θ ↦ L(θ), a scalar tensor, differentiable to second order. */
  readonly loss: LossOfTheta;
  /** `count` seeded starting points for the finders. */
  startingPoints(count: number, seed: number): Float64Array[];
}

// ---------------------------------------------------------------------------
// 1. The toy

/** The toy's only critical point. */
export const TOY_CRITICAL_POINT: readonly [number, number] = [-3, 0];
/** The toy's strict gradient-flat points (√2, 0) (a local minimum of ‖∇f‖) and (−√2, 0) (a saddle of ‖∇f‖). */
export const TOY_FLAT_POINTS: readonly (readonly [number, number])[] = [
  [Math.SQRT2, 0],
  [-Math.SQRT2, 0],
];

/** f(x, y) = ¼x⁴ − 3x² + 9x + 0.9y⁴ + 5y² + 40 on θ = (x, y). */
export function toyLoss(theta: Tensor): Tensor {
  const x = theta.slice([0], [1]);
  const y = theta.slice([1], [2]);
  const fx = x.pow(4).mul(0.25).sub(x.square().mul(3)).add(x.mul(9));
  const fy = y.pow(4).mul(0.9).add(y.square().mul(5));
  return fx.add(fy).add(40).sum();
}

export interface ToyProblemOptions {
  /** Starting points are uniform on [−xRange, xRange] × [−yRange, yRange]. Defaults 4 and 2. */
  xRange?: number;
  yRange?: number;
}

export function toyProblem(options: ToyProblemOptions = {}): CriticalPointProblem {
  const xRange = options.xRange ?? 4;
  const yRange = options.yRange ?? 2;
  return {
    name: 'toy',
    description: `f(x, y) = x⁴/4 − 3x² + 9x + 0.9y⁴ + 5y² + 40; starts uniform on [−${xRange}, ${xRange}] × [−${yRange}, ${yRange}]`,
    dim: 2,
    loss: toyLoss,
    startingPoints(count, seed) {
      const rng = new Random(seed);
      return Array.from({ length: count }, () => Float64Array.of(rng.uniform(-xRange, xRange), rng.uniform(-yRange, yRange)));
    },
  };
}

// ---------------------------------------------------------------------------
// 2. The deep linear autoencoder

export interface DlaeOptions {
  /** Input dimension k (default 16); the data covariance is diag(1, …, k). */
  inputDim?: number;
  /** Hidden width p (default 4). */
  hiddenDim?: number;
  /** Number of samples n (default 10 000). */
  samples?: number;
  /** Seed of the data. Default 0. */
  seed?: number;
  /** How starting points are drawn (defaults: `dlaeTrajectory(D)`). */
  trajectory?: Partial<TrajectoryOptions>;
}

export interface DlaeProblem extends CriticalPointProblem {
  readonly inputDim: number;
  readonly hiddenDim: number;
  /** The data, k×n row-major (row i = coordinate i over the samples), each row of mean exactly 0. */
  readonly data: Float64Array;
  readonly samples: number;
  /** Σ = XXᵀ/n, k×k row-major. */
  readonly secondMoment: Float64Array;
}

/** Gaussian data X ∈ ℝ^{k×n} with covariance diag(1..k), rows shifted to mean exactly 0. */
export function dlaeData(k: number, n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const X = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const sd = Math.sqrt(i + 1);
    let total = 0;
    for (let s = 0; s < n; s++) {
      const v = sd * rng.normal();
      X[i * n + s] = v;
      total += v;
    }
    const rowMean = total / n;
    for (let s = 0; s < n; s++) X[i * n + s] = X[i * n + s]! - rowMean;
  }
  return X;
}

/**
 * How the DLAE's starting points are drawn, as in Frye et al.'s code
 * (autocrit): θ₀ ~ N(0, I/D), the initialisation of its networks, then plain
 * gradient descent at its default learning rate 0.1. Their trajectory length
 * is not stated; 1000 steps reach the global minimum's loss, after which a
 * trajectory only adds points at that loss. The start distribution matters:
 * from a larger initialisation, N(0, I/k), gradient-norm minimisation
 * converges far more rarely (docs/results.md compares the two).
 */
export function dlaeTrajectory(dim: number): TrajectoryOptions {
  return { steps: 1000, learningRate: 0.1, initScale: 1 / Math.sqrt(dim), noiseVariance: 1e-2 };
}

/** The deep linear autoencoder; θ = (W₁ row-major, then W₂ row-major). */
export function dlaeProblem(options: DlaeOptions = {}): DlaeProblem {
  const k = options.inputDim ?? 16;
  const p = options.hiddenDim ?? 4;
  const n = options.samples ?? 10_000;
  for (const [name, v] of [['inputDim', k], ['hiddenDim', p], ['samples', n]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`dlaeProblem: ${name} must be a positive integer, got ${v}`);
  }
  const X = dlaeData(k, n, options.seed ?? 0);
  const sigma = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += X[i * n + t]! * X[j * n + t]!;
      sigma[i * k + j] = s / n;
      sigma[j * k + i] = s / n;
    }
  }
  const sigmaTensor = fromTypedArray(sigma, [k, k]);
  const identity = new Float64Array(k * k);
  for (let i = 0; i < k; i++) identity[i * k + i] = 1;
  const identityTensor = fromTypedArray(identity, [k, k]);
  const dim = 2 * k * p;
  const loss = (theta: Tensor): Tensor => {
    const W1 = theta.slice([0], [p * k]).reshape([p, k]);
    const W2 = theta.slice([p * k], [dim]).reshape([k, p]);
    const E = identityTensor.sub(W2.matmul(W1)); // I − M
    return E.matmul(sigmaTensor).mul(E).sum().div(k); // tr(E Σ Eᵀ)/k
  };
  const trajectory: TrajectoryOptions = { ...dlaeTrajectory(dim), ...options.trajectory };
  return {
    name: 'dlae',
    description: `deep linear autoencoder k = ${k}, p = ${p}, n = ${n} (D = ${dim}); starts from gradient-descent trajectories, uniform in loss, noise of variance ${trajectory.noiseVariance} on half`,
    dim,
    loss,
    inputDim: k,
    hiddenDim: p,
    data: X,
    samples: n,
    secondMoment: sigma,
    startingPoints: (count, seed) => trajectoryStartingPoints(loss, dim, count, seed, trajectory),
  };
}

/**
 * The critical losses of the DLAE, sorted: (tr Σ − Σ_{i∈S} λᵢ)/k over all
 * subsets S of at most p eigenvalues λ of Σ (Baldi & Hornik). For the
 * population covariance diag(1..k) pass its eigenvalues 1..k.
 */
export function dlaeCriticalLosses(eigenvalues: readonly number[], hiddenDim: number): number[] {
  const k = eigenvalues.length;
  const total = eigenvalues.reduce((a, b) => a + b, 0);
  const losses: number[] = [];
  const choose = (start: number, left: number, removed: number): void => {
    losses.push((total - removed) / k);
    if (left === 0) return;
    for (let i = start; i < k; i++) choose(i + 1, left - 1, removed + eigenvalues[i]!);
  };
  choose(0, hiddenDim, 0);
  return losses.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------
// 3. A small MNIST classifier

export interface MnistMlpOptions {
  /** Hidden widths (default [12, 8]). */
  hidden?: readonly number[];
  activation?: ActivationName;
  /** Number of training images (default 1000). */
  samples?: number;
  /** λ in λ·mean(θ²) (default 1e-4). */
  l2?: number;
  /** Seed of the image subset. Default 0. */
  seed?: number;
  trajectory?: Partial<TrajectoryOptions>;
}

export interface MnistMlpProblem extends CriticalPointProblem {
  readonly model: Model;
  /** The 16 z-scored features per image, n×16 row-major. */
  readonly features: Float64Array;
  readonly labels: Int32Array;
}

/**
 * MNIST images as 16 numbers each: the central 20×20 pixels averaged over
 * 5×5 blocks (a 4×4 image), then each feature z-scored over the sample.
 */
export function mnistFourByFour(images: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count * 16);
  for (let s = 0; s < count; s++) {
    for (let by = 0; by < 4; by++) {
      for (let bx = 0; bx < 4; bx++) {
        let total = 0;
        for (let dy = 0; dy < 5; dy++) for (let dx = 0; dx < 5; dx++) total += images[s * 784 + (4 + by * 5 + dy) * 28 + (4 + bx * 5 + dx)]!;
        out[s * 16 + by * 4 + bx] = total / 25;
      }
    }
  }
  for (let f = 0; f < 16; f++) {
    let m = 0;
    for (let s = 0; s < count; s++) m += out[s * 16 + f]!;
    m /= count;
    let v = 0;
    for (let s = 0; s < count; s++) v += (out[s * 16 + f]! - m) ** 2;
    const sd = Math.sqrt(v / count) || 1;
    for (let s = 0; s < count; s++) out[s * 16 + f] = (out[s * 16 + f]! - m) / sd;
  }
  return out;
}

export function mnistMlpProblem(options: MnistMlpOptions = {}): MnistMlpProblem {
  const hidden = options.hidden ?? [12, 8];
  const activation = options.activation ?? 'tanh';
  const samples = options.samples ?? 1000;
  const l2 = options.l2 ?? 1e-4;
  if (!(l2 >= 0)) throw new Error(`mnistMlpProblem: l2 must be ≥ 0, got ${l2}`);
  const images = data.loadDataset('mnist', { split: 'train', samples, seed: options.seed ?? 0, normalize: false });
  const n = images.labels.length;
  const features = mnistFourByFour(images.x, n);
  const model = mlp([16, ...hidden, 10], { activation, bias: true });
  const x = fromTypedArray(features, [n, 16]);
  const labels = images.labels;
  const loss = (theta: Tensor): Tensor => {
    const ce = crossEntropy(model.apply(theta, x), labels);
    return l2 > 0 ? ce.add(mean(theta.square()).mul(l2)) : ce.add(scalar(0));
  };
  const dim = model.spec.size;
  const trajectory: TrajectoryOptions = {
    steps: 300,
    learningRate: 0.5,
    initScale: 1,
    noiseVariance: 1e-2,
    init: (rng) => toFloat64(model.init(rng, 'xavier-normal')),
    ...options.trajectory,
  };
  return {
    name: 'mnist-mlp',
    description: `MNIST 4×4 (${n} images), MLP 16-${hidden.join('-')}-10 ${activation} with biases, cross-entropy + ${l2}·mean(θ²) (D = ${dim})`,
    dim,
    loss,
    model,
    features,
    labels,
    startingPoints: (count, seed) => trajectoryStartingPoints(loss, dim, count, seed, trajectory),
  };
}
