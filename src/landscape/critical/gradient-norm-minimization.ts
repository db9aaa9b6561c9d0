/**
 * Gradient-norm minimisation (GNM): find critical points of f by minimising
 *
 *     G(θ) = ½‖∇f(θ)‖²,   whose gradient is   ∇G = H ∇f   (H = ∇²f),
 *
 * one Hessian-vector product per gradient (autocrit's fast_grad_g). Every
 * critical point of f is a global minimum of G (G = 0) — but G has other
 * stationary points too: wherever H∇f = 0 with ∇f ≠ 0, i.e. ∇f ∈ ker H, the
 * gradient-flat points. A first-order method on G can end at those, and
 * that is part of what Frye et al. show.
 *
 * The descent is Frye et al.'s BTLS-GNM: gradient descent on G with a
 * back-tracking line search. Each iteration tries θ + α d with d = −∇G,
 * shrinking α by β until the Wolfe conditions hold,
 *
 *     G(θ + αd) ≤ G(θ) + ρα dᵀ∇G(θ)                 (sufficient decrease, Armijo)
 *     dᵀ∇G(θ + αd) ≥ c dᵀ∇G(θ)                       (curvature)
 *
 * and after an accepted step α ← α/β (autocrit: α₀ = 0.1, β = ½, ρ = 1e-4,
 * c = 0.9). The curvature test needs ∇G at the candidate, one more HVP,
 * which is then the next iteration's ∇G. With `criterion: 'armijo'` only the
 * first condition is checked.
 *
 * One departure from autocrit: a search that only shrinks α cannot meet the
 * curvature condition once α is too short for it (at α → 0 the left side
 * tends to dᵀ∇G(θ) < c·dᵀ∇G(θ)). autocrit then gives up and the run ends;
 * on the deep linear autoencoder that ended every run within a few hundred
 * iterations. Here the longest step that passed the Armijo test is taken
 * instead, and the search fails only when no step down to the smallest one
 * decreases G.
 *
 * Iterations are cheap (one or two gradients and HVPs) but many are needed:
 * the curvature of G near a critical point is H², whose condition number is
 * that of H squared. Frye et al. gave GNM 25 000 iterations on the deep
 * linear autoencoder (Newton-MR 500); the default budget here is 5000.
 *
 * GNM solves no linear system, so it has no r or r_H per iteration. It
 * records instead the curvature along the gradient, gᵀHg/‖g‖², which it
 * gets for free (Hg is its own gradient): near a gradient-flat point both
 * it and ‖Hg‖ go to 0 while ‖g‖ does not. The endpoint classification
 * (classify.ts) computes r and r_H at the final point with one MINRES-QLP
 * solve, the same for every method.
 */
import { toFloat64, type Vector } from '../../nn/index.js';
import { dot } from '../linalg/vector.js';
import type { LossOfTheta } from '../hessian-operator.js';
import {
  FinderRun, negligibleDecrease, resolveFinderOptions, sameVector, smallestStepSize, stepAlong,
  type FinderOptions, type FinderResult, type PointEvaluation, type StopReason,
} from './finder.js';

export interface GradientNormMinimizationOptions extends FinderOptions {
  /** First step size. Default 0.1. */
  initialStepSize?: number;
  /** Shrink factor. Default 0.5. */
  beta?: number;
  /** Armijo constant. Default 1e-4. */
  rho?: number;
  /** Curvature constant c of the Wolfe test. Default 0.9. */
  curvature?: number;
  /** 'wolfe' (default, as in Frye et al.) or 'armijo'. */
  criterion?: 'wolfe' | 'armijo';
  /** Give up below this step size. Default: the smallest α reachable from initialStepSize by factors β. */
  minStepSize?: number;
}

/** Minimises ½‖∇f‖² by back-tracking gradient descent, from θ₀. */
export function gradientNormMinimization(loss: LossOfTheta, theta0Vector: Vector, options: GradientNormMinimizationOptions = {}): FinderResult {
  const theta0 = toFloat64(theta0Vector);
  const budget = resolveFinderOptions(options, 5000);
  let alpha = options.initialStepSize ?? 0.1;
  const beta = options.beta ?? 0.5;
  const rho = options.rho ?? 1e-4;
  const c = options.curvature ?? 0.9;
  const wolfe = (options.criterion ?? 'wolfe') === 'wolfe';
  if (!(alpha > 0)) throw new Error(`gradientNormMinimization: initialStepSize must be positive, got ${alpha}`);
  if (!(beta > 0 && beta < 1)) throw new Error(`gradientNormMinimization: beta must be in (0, 1), got ${beta}`);
  const minStepSize = options.minStepSize ?? smallestStepSize(alpha, beta);

  const run = new FinderRun(loss, theta0.length, options.onIteration);
  const oracle = run.oracle;
  let theta: Float64Array = Float64Array.from(theta0);
  let point = oracle.evaluate(theta);
  /** ∇G(θ) = H(θ)·∇f(θ): one HVP. */
  const gradientOfG = (at: Float64Array, evaluation: PointEvaluation): Float64Array => oracle.hessianAt(at).apply(evaluation.gradient);
  let gradG = gradientOfG(theta, point);
  let stopReason: StopReason;

  for (let t = 0; ; t++) {
    const curvatureAlongGradient = point.squaredGradientNorm > 0 ? dot(point.gradient, gradG) / point.squaredGradientNorm : 0;
    const end = FinderRun.budgetStop(point, t, budget);
    if (end !== null) {
      stopReason = end;
      run.record(t, point, { curvatureAlongGradient });
      break;
    }
    const direction = gradG.map((v) => -v);
    const slope = -dot(gradG, gradG); // dᵀ∇G
    const G = 0.5 * point.squaredGradientNorm;
    type Candidate = { theta: Float64Array; point: PointEvaluation; gradG: Float64Array | null; alpha: number };
    let accepted: Candidate | null = null;
    let firstArmijo: Candidate | null = null; // the longest step that passed the Armijo test
    for (;;) {
      const candidate = stepAlong(theta, alpha, direction);
      const evaluation = oracle.evaluate(candidate);
      if (0.5 * evaluation.squaredGradientNorm <= G + rho * alpha * slope) {
        if (!wolfe) {
          accepted = { theta: candidate, point: evaluation, gradG: null, alpha };
          break;
        }
        const candidateGradG = gradientOfG(candidate, evaluation);
        const passed = { theta: candidate, point: evaluation, gradG: candidateGradG, alpha };
        if (dot(direction, candidateGradG) >= c * slope) {
          accepted = passed;
          break;
        }
        firstArmijo ??= passed;
      }
      alpha *= beta;
      if (alpha <= minStepSize) break;
    }
    // Shrinking can never meet the curvature test once the steps are too short
    // for it; then take the longest step that decreased G enough.
    if (!accepted && firstArmijo) accepted = firstArmijo;
    if (accepted) alpha = accepted.alpha;
    if (!accepted) {
      stopReason = 'line-search-failed';
      run.record(t, point, { curvatureAlongGradient });
      break;
    }
    if (sameVector(accepted.theta, theta) || negligibleDecrease(point.squaredGradientNorm, accepted.point.squaredGradientNorm)) {
      stopReason = 'stalled';
      run.record(t, point, { curvatureAlongGradient });
      break;
    }
    run.record(t, point, { curvatureAlongGradient, stepSize: alpha });
    theta = accepted.theta;
    point = accepted.point;
    gradG = accepted.gradG ?? gradientOfG(theta, point);
    alpha /= beta;
  }

  return run.result('gnm', theta, point, stopReason);
}
