/**
 * Newton-MR (Roosta, Liu, Xu & Mahoney 2018), the critical-point finder of
 * Frye et al. (2021; thesis Algorithm "nmr").
 *
 * Newton's method for ∇f = 0 steps by p solving H p = −g (H = ∇²f, g = ∇f).
 * Near a saddle or on a loss of a network H is indefinite and often
 * singular, so "H⁻¹" does not exist. Newton-MR instead takes the
 * minimum-length least-squares solution
 *
 *     p = argmin ‖p‖ over the minimisers of ‖H p + g‖,   i.e. p = −H⁺g,
 *
 * computed by MINRES-QLP from Hessian-vector products only (H is never
 * formed). That is exactly a Newton step on the merit function ‖∇f‖²:
 * its gradient is 2Hg, and pᵀ(2Hg) = −2gᵀHH⁺g = −2‖P_range(H) g‖² ≤ 0, so
 * p is a descent direction for ‖∇f‖² unless g ⟂ range(H).
 *
 * The step size comes from a back-tracking line search on ‖∇f‖² with
 * Roosta's sufficient-decrease test
 *
 *     ‖∇f(θ + αp)‖² ≤ ‖∇f(θ)‖² + 2ρα pᵀH∇f(θ),
 *
 * α shrinking by β until the test passes. The "pure" Newton step α = 1 is
 * tried first, with the laxer ρ_pure; after a step α ← min(1, α/β), so a
 * run that had to shorten its steps lengthens them again. Defaults follow
 * autocrit (papers.md §3.2): β = ½, ρ = 1e-4, ρ_pure = ½; the search gives
 * up only where α·β = α in floating point, i.e. once α has underflowed to 0.
 *
 * Where g has a component in ker H — most strikingly at a gradient-flat
 * point, g ∈ ker H — that component is invisible to the step: p ignores it,
 * the merit function cannot decrease along p, and the run stalls with
 * ‖∇f‖² > 0 and r = ‖Hp + g‖/(‖H‖‖p‖ + ‖g‖) close to 1.
 */
import { toFloat64, type Vector } from '../../nn/index.js';
import { dot } from '../linalg/vector.js';
import { minresQlp } from '../linalg/minres-qlp.js';
import type { LossOfTheta } from '../hessian-operator.js';
import {
  FinderRun, defaultMinresSettings, negligibleDecrease, resolveFinderOptions, sameVector, smallestStepSize, stepAlong,
  type FinderOptions, type FinderResult, type MinresSettings, type PointEvaluation, type StopReason,
} from './finder.js';

export interface NewtonMrOptions extends FinderOptions {
  /** MINRES-QLP settings for H p = −g (defaults: defaultMinresSettings). */
  minres?: Partial<MinresSettings>;
  /** Shrink factor of the line search. Default 0.5. */
  beta?: number;
  /** Sufficient-decrease constant. Default 1e-4. */
  rho?: number;
  /** Try the pure step α = 1 first (with rhoPure). Default true. */
  checkPure?: boolean;
  /** Sufficient-decrease constant of the pure step. Default 0.5. */
  rhoPure?: number;
  /** The first step size tried. Default 1. */
  initialStepSize?: number;
  /** Give up once α ≤ this. Default: where α·β = α in floating point (autocrit's rule), which is 0: α shrinks until it underflows. */
  minStepSize?: number;
}

/** Runs Newton-MR from θ₀. */
export function newtonMR(loss: LossOfTheta, theta0Vector: Vector, options: NewtonMrOptions = {}): FinderResult {
  const theta0 = toFloat64(theta0Vector);
  const budget = resolveFinderOptions(options, 500);
  const beta = options.beta ?? 0.5;
  const rho = options.rho ?? 1e-4;
  const rhoPure = options.rhoPure ?? 0.5;
  const checkPure = options.checkPure ?? true;
  let alpha = options.initialStepSize ?? 1;
  if (!(beta > 0 && beta < 1)) throw new Error(`newtonMR: beta must be in (0, 1), got ${beta}`);
  if (!(alpha > 0 && alpha <= 1)) throw new Error(`newtonMR: initialStepSize must be in (0, 1], got ${alpha}`);
  const minStepSize = options.minStepSize ?? smallestStepSize(1, beta);
  const settings = defaultMinresSettings(theta0.length, options.minres);

  const run = new FinderRun(loss, theta0.length, options.onIteration);
  const oracle = run.oracle;
  let theta: Float64Array = Float64Array.from(theta0);
  let point = oracle.evaluate(theta);
  let stopReason: StopReason;

  for (let t = 0; ; t++) {
    const end = FinderRun.budgetStop(point, t, budget);
    if (end !== null) {
      stopReason = end;
      run.record(t, point);
      break;
    }
    // The Newton-MR direction: p ≈ −H⁺g.
    const H = oracle.hessianAt(theta);
    const minusG = point.gradient.map((v) => -v);
    const solve = minresQlp(H, minusG, settings);
    const p = solve.x;
    const slope = dot(H.apply(p), point.gradient); // pᵀHg (H symmetric)
    const diagnostics = { relativeResidual: solve.relres, relativeCokernelResidual: solve.relAres };

    // Back-tracking line search on ‖∇f‖² (Roosta's criterion).
    const current = point;
    const tryStep = (a: number, r: number): PointEvaluation | null => {
      const next = oracle.evaluate(stepAlong(theta, a, p));
      return next.squaredGradientNorm <= current.squaredGradientNorm + 2 * r * a * slope ? next : null;
    };
    let accepted: PointEvaluation | null = null;
    if (checkPure && alpha !== 1) {
      accepted = tryStep(1, rhoPure);
      if (accepted) alpha = 1;
    }
    while (!accepted) {
      accepted = tryStep(alpha, rho);
      if (accepted) break;
      alpha *= beta;
      if (alpha <= minStepSize) break;
    }
    if (!accepted) {
      stopReason = 'line-search-failed';
      run.record(t, point, diagnostics);
      break;
    }
    const next = stepAlong(theta, alpha, p);
    if (sameVector(next, theta) || negligibleDecrease(point.squaredGradientNorm, accepted.squaredGradientNorm)) {
      stopReason = 'stalled';
      run.record(t, point, diagnostics);
      break;
    }
    run.record(t, point, { ...diagnostics, stepSize: alpha });
    theta = next;
    point = accepted;
    alpha = Math.min(1, alpha / beta);
  }

  return run.result('newton-mr', theta, point, stopReason);
}
