/**
 * What a finder's end point is: critical, gradient-flat, or neither — and,
 * for the loss-versus-index picture, the index of its Hessian.
 *
 * Following Frye et al. (papers.md §3.1, §3.3):
 *
 *   critical       ‖∇f‖² < 1e-10 (a looser cutoff gives wrong losses and
 *                  indices on the DLAE);
 *   gradient-flat  not critical, and the Newton system H p = −g, solved by
 *                  MINRES-QLP at the end point, has relative residual
 *                  r = ‖Hp + g‖/(‖H‖‖p‖ + ‖g‖) > 0.9: almost all of g lies
 *                  where H cannot reach it, in (or near) ker H;
 *   neither        everything else (a run that ran out of iterations while
 *                  still making progress, or stopped in a region that is
 *                  neither).
 *
 * One MINRES-QLP solve at the end point gives r and r_H for every method
 * alike (GNM solves no systems on the way; damped Newton solves damped
 * ones). As in autocrit, the ‖H‖ in both is MINRES-QLP's running estimate,
 * taken over the Krylov space of g: when g lies exactly in ker H that space
 * sees only the kernel, the estimate is tiny, and r_H reads ≈ 1 even though
 * H g ≈ 0. r, the quantity used for the classification, is unaffected.
 *
 * The index is the fraction of eigenvalues of H below −1e-5 (the threshold
 * chosen for the DLAE). For D up to `denseLimit` (default 500) H is built
 * column by column from D exact HVPs and fully diagonalised: the index is
 * exact. Above that, Lanczos computes the `lanczosK` smallest eigenvalues and
 * the negative ones among them are counted; if all of them are negative the
 * true index may be larger, and `lowerBoundOnly` says so.
 */
import { toFloat64, type Vector } from '../../nn/index.js';
import { minresQlp } from '../linalg/minres-qlp.js';
import { symmetricEigen, symmetrize } from '../linalg/symmetric-eigen.js';
import { bottomEigenpairs } from '../linalg/lanczos.js';
import type { LinearOperator } from '../linalg/vector.js';
import { gradientAt, hessianOperator, type LossOfTheta } from '../hessian-operator.js';
import { denseMatrixFromOperator } from '../spectrum.js';
import { LossOracle, defaultMinresSettings, type MinresSettings } from './finder.js';

export type EndpointKind = 'critical' | 'gradient-flat' | 'neither';

export interface IndexOptions {
  /** Eigenvalues below −threshold count as negative. Default 1e-5. */
  threshold?: number;
  /** Diagonalise the dense Hessian when D ≤ this. Default 500. */
  denseLimit?: number;
  /** Above denseLimit: how many of the smallest eigenvalues Lanczos computes. Default 20. */
  lanczosK?: number;
  /** Seed of the Lanczos start vector. Default 0. */
  seed?: number;
}

export interface HessianIndex {
  /** #negative eigenvalues / D. */
  fraction: number;
  negativeCount: number;
  dim: number;
  method: 'dense' | 'lanczos';
  /** How many eigenvalues were computed (D for dense). */
  eigenvaluesComputed: number;
  minEigenvalue: number;
  /** Lanczos only: every computed eigenvalue was negative, so the true index may be larger. */
  lowerBoundOnly: boolean;
  threshold: number;
}

/** The index of a symmetric operator: dense eigenvalues for small D, Lanczos bottom eigenvalues otherwise. */
export function operatorIndex(op: LinearOperator, options: IndexOptions = {}): HessianIndex {
  const threshold = options.threshold ?? 1e-5;
  const denseLimit = options.denseLimit ?? 500;
  const D = op.dim;
  if (D <= denseLimit) {
    const values = symmetricEigen(symmetrize(denseMatrixFromOperator(op)), { onAsymmetry: 'ignore' }).values;
    const negativeCount = values.filter((v) => v < -threshold).length;
    return { fraction: negativeCount / D, negativeCount, dim: D, method: 'dense', eigenvaluesComputed: D, minEigenvalue: values[0] ?? 0, lowerBoundOnly: false, threshold };
  }
  const k = Math.min(options.lanczosK ?? 20, D);
  const { values } = bottomEigenpairs(op, k, { seed: options.seed ?? 0, tolerance: 1e-8 });
  const negativeCount = values.filter((v) => v < -threshold).length;
  return {
    fraction: negativeCount / D,
    negativeCount,
    dim: D,
    method: 'lanczos',
    eigenvaluesComputed: k,
    minEigenvalue: values[0] ?? 0,
    lowerBoundOnly: negativeCount === k && k < D,
    threshold,
  };
}

/** The index of the loss Hessian at θ. */
export function hessianIndex(loss: LossOfTheta, thetaVector: Vector, options: IndexOptions = {}): HessianIndex {
  const theta = toFloat64(thetaVector);
  return operatorIndex(hessianOperator(loss, theta), options);
}

export interface ClassifyOptions {
  /** ‖∇f‖² below this is critical. Default 1e-10. */
  criticalThreshold?: number;
  /** r above this (and not critical) is gradient-flat. Default 0.9. */
  flatThreshold?: number;
  /** MINRES-QLP settings of the diagnostic solve (default: defaultMinresSettings). */
  minres?: Partial<MinresSettings>;
  /** Compute the index (default true). */
  index?: boolean | IndexOptions;
}

export interface EndpointClassification {
  kind: EndpointKind;
  loss: number;
  squaredGradientNorm: number;
  /** r and r_H of H p = −g at the end point. */
  relativeResidual: number;
  relativeCokernelResidual: number;
  index: HessianIndex | null;
}

/** Classifies ‖∇f‖², r and r_H into critical / gradient-flat / neither. */
export function endpointKind(squaredGradientNorm: number, relativeResidual: number, criticalThreshold = 1e-10, flatThreshold = 0.9): EndpointKind {
  if (squaredGradientNorm < criticalThreshold) return 'critical';
  if (relativeResidual > flatThreshold) return 'gradient-flat';
  return 'neither';
}

/** Where a finder ended: its kind, the residual diagnostics, and the Hessian index. */
export function classifyEndpoint(loss: LossOfTheta, thetaVector: Vector, options: ClassifyOptions = {}): EndpointClassification {
  const theta = toFloat64(thetaVector);
  const oracle = new LossOracle(loss, theta.length);
  const point = oracle.evaluate(theta);
  const H = oracle.hessianAt(theta);
  const solve = minresQlp(H, point.gradient.map((v) => -v), defaultMinresSettings(theta.length, options.minres));
  // At an exact critical point (g = 0) the solver returns x = 0 with r = r_H = 0.
  const kind = endpointKind(point.squaredGradientNorm, solve.relres, options.criticalThreshold, options.flatThreshold);
  const indexOptions = options.index ?? true;
  return {
    kind,
    loss: point.loss,
    squaredGradientNorm: point.squaredGradientNorm,
    relativeResidual: solve.relres,
    relativeCokernelResidual: solve.relAres,
    index: indexOptions === false ? null : operatorIndex(H, indexOptions === true ? {} : indexOptions),
  };
}

/** ‖∇f(θ)‖², for checks. */
export function squaredGradientNorm(loss: LossOfTheta, theta: Float64Array): number {
  return gradientAt(loss, theta).reduce((s, g) => s + g * g, 0);
}
