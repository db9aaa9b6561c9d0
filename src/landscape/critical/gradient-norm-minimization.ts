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
  type FinderOptions, type FinderResult, type LossOracle, type PointEvaluation, type StopReason,
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

/** The line-search constants, defaults filled in and checked. */
interface LineSearchSettings {
  initialStepSize: number;
  beta: number;
  rho: number;
  curvature: number;
  wolfe: boolean;
  minStepSize: number;
}

function resolveLineSearch(options: GradientNormMinimizationOptions): LineSearchSettings {
  const initialStepSize = options.initialStepSize ?? 0.1;
  const beta = options.beta ?? 0.5;
  if (!(initialStepSize > 0)) throw new Error(`gradientNormMinimization: initialStepSize must be positive, got ${initialStepSize}`);
  if (!(beta > 0 && beta < 1)) throw new Error(`gradientNormMinimization: beta must be in (0, 1), got ${beta}`);
  return {
    initialStepSize,
    beta,
    rho: options.rho ?? 1e-4,
    curvature: options.curvature ?? 0.9,
    wolfe: (options.criterion ?? 'wolfe') === 'wolfe',
    minStepSize: options.minStepSize ?? smallestStepSize(initialStepSize, beta),
  };
}

/** A step the line search tried: the point θ + αd, its evaluation, and ∇G there when it was computed. */
interface Candidate {
  theta: Float64Array;
  point: PointEvaluation;
  gradG: Float64Array | null;
  alpha: number;
}

/** Where one GNM iteration starts: θ, f, ∇f and ‖∇f‖² there, and ∇G = H∇f. */
interface Iterate {
  theta: Float64Array;
  point: PointEvaluation;
  gradG: Float64Array;
}

/**
 * The back-tracking search along d = −∇G from α: the first step that passes
 * the Wolfe (or Armijo) test, else the longest step that passed the Armijo
 * test, else null when α fell below the smallest step size.
 */
function backtrackingLineSearch(
  at: Iterate,
  alphaStart: number,
  settings: LineSearchSettings,
  oracle: LossOracle,
  gradientOfG: (theta: Float64Array, evaluation: PointEvaluation) => Float64Array,
): Candidate | null {
  const { beta, rho, curvature: c, wolfe, minStepSize } = settings;
  const direction = at.gradG.map((v) => -v);
  const slope = -dot(at.gradG, at.gradG); // dᵀ∇G
  const G = 0.5 * at.point.squaredGradientNorm;
  let alpha = alphaStart;
  let firstArmijo: Candidate | null = null; // the longest step that passed the Armijo test
  for (;;) {
    const candidate = stepAlong(at.theta, alpha, direction);
    const evaluation = oracle.evaluate(candidate);
    if (0.5 * evaluation.squaredGradientNorm <= G + rho * alpha * slope) {
      if (!wolfe) return { theta: candidate, point: evaluation, gradG: null, alpha };
      const candidateGradG = gradientOfG(candidate, evaluation);
      const passed = { theta: candidate, point: evaluation, gradG: candidateGradG, alpha };
      if (dot(direction, candidateGradG) >= c * slope) return passed;
      firstArmijo ??= passed;
    }
    alpha *= beta;
    if (alpha <= minStepSize) break;
  }
  // Shrinking can never meet the curvature test once the steps are too short
  // for it; then take the longest step that decreased G enough.
  return firstArmijo;
}

/** Minimises ½‖∇f‖² by back-tracking gradient descent, from θ₀. */
export function gradientNormMinimization(loss: LossOfTheta, theta0Vector: Vector, options: GradientNormMinimizationOptions = {}): FinderResult {
  const theta0 = toFloat64(theta0Vector);
  const budget = resolveFinderOptions(options, 5000);
  const settings = resolveLineSearch(options);
  const run = new FinderRun(loss, theta0.length, options.onIteration);
  const oracle = run.oracle;
  /** ∇G(θ) = H(θ)·∇f(θ): one HVP. */
  const gradientOfG = (at: Float64Array, evaluation: PointEvaluation): Float64Array => oracle.hessianAt(at).apply(evaluation.gradient);
  const theta = Float64Array.from(theta0);
  const start = oracle.evaluate(theta);
  let current: Iterate = { theta, point: start, gradG: gradientOfG(theta, start) };
  let alpha = settings.initialStepSize;

  for (let t = 0; ; t++) {
    const { point } = current;
    const curvatureAlongGradient = point.squaredGradientNorm > 0 ? dot(point.gradient, current.gradG) / point.squaredGradientNorm : 0;
    const stop = (reason: StopReason): FinderResult => {
      run.record(t, point, { curvatureAlongGradient });
      return run.result('gnm', current.theta, point, reason);
    };
    const end = FinderRun.budgetStop(point, t, budget);
    if (end !== null) return stop(end);
    const accepted = backtrackingLineSearch(current, alpha, settings, oracle, gradientOfG);
    if (!accepted) return stop('line-search-failed');
    alpha = accepted.alpha;
    if (sameVector(accepted.theta, current.theta) || negligibleDecrease(point.squaredGradientNorm, accepted.point.squaredGradientNorm)) return stop('stalled');
    run.record(t, point, { curvatureAlongGradient, stepSize: alpha });
    current = { theta: accepted.theta, point: accepted.point, gradG: accepted.gradG ?? gradientOfG(accepted.theta, accepted.point) };
    alpha /= settings.beta;
  }
}
