/**
 * Damped Newton (Dauphin et al. 2014 style; autocrit's NewtonTR).
 *
 * Where H is singular or badly conditioned, the Newton system H p = −g can
 * be regularised by adding γI: the step p_γ = −(H + γI)⁻¹g interpolates
 * between Newton's step (γ → 0) and a short gradient step −g/γ (γ large).
 * This is the same family of steps a trust-region method explores. Without
 * knowing the right γ in advance, try several — γ ∈ {1e-1, 1e-2, …, 1e-6}
 * by default — and keep the candidate θ + η·p_γ with the smallest ‖∇f‖²;
 * if none is smaller than the current one, the run has stalled. The step
 * size η is 0.1, the default of Frye et al.'s experiment scripts
 * (autocrit_tools: newton_step_size = 0.1); with η = 1 the full steps
 * overshoot so far on the deep linear autoencoder that no candidate
 * improves and every run stalls at once.
 *
 * Each (H + γI) p = −g is solved by MINRES-QLP (its `shift` option solves
 * (A − σI)x = b, so σ = −γ), from Hessian-vector products only. The r and
 * r_H recorded per iteration are those of the chosen damped system, not of
 * H p = −g; the endpoint classification (classify.ts) computes the undamped
 * ones at the final point.
 */
import { toFloat64, type Vector } from '../../nn/index.js';
import { minresQlp } from '../linalg/minres-qlp.js';
import type { LossOfTheta } from '../hessian-operator.js';
import {
  FinderRun, defaultMinresSettings, resolveFinderOptions, stepAlong,
  type FinderOptions, type FinderResult, type MinresSettings, type PointEvaluation, type StopReason,
} from './finder.js';

export const DEFAULT_DAMPINGS: readonly number[] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];

export interface DampedNewtonOptions extends FinderOptions {
  /** The dampings γ tried at every iteration. Default 1e-1 … 1e-6. */
  dampings?: readonly number[];
  /** θ + stepSize·p_γ are the candidates. Default 0.1. */
  stepSize?: number;
  minres?: Partial<MinresSettings>;
}

export function dampedNewton(loss: LossOfTheta, theta0Vector: Vector, options: DampedNewtonOptions = {}): FinderResult {
  const theta0 = toFloat64(theta0Vector);
  const budget = resolveFinderOptions(options, 500);
  const dampings = options.dampings ?? DEFAULT_DAMPINGS;
  const stepSize = options.stepSize ?? 0.1;
  if (dampings.length === 0 || dampings.some((g) => !(g > 0))) throw new Error(`dampedNewton: dampings must be positive numbers, got ${dampings.join(', ')}`);
  if (!(stepSize > 0)) throw new Error(`dampedNewton: stepSize must be positive, got ${stepSize}`);
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
    const H = oracle.hessianAt(theta);
    const minusG = point.gradient.map((v) => -v);
    let best: { theta: Float64Array; point: PointEvaluation; gamma: number; relres: number; relAres: number } | null = null;
    for (const gamma of dampings) {
      const solve = minresQlp(H, minusG, { ...settings, shift: -gamma });
      const candidate = stepAlong(theta, stepSize, solve.x);
      const evaluation = oracle.evaluate(candidate);
      if (!best || evaluation.squaredGradientNorm < best.point.squaredGradientNorm) {
        best = { theta: candidate, point: evaluation, gamma, relres: solve.relres, relAres: solve.relAres };
      }
    }
    const diagnostics = { relativeResidual: best!.relres, relativeCokernelResidual: best!.relAres, damping: best!.gamma };
    if (!(best!.point.squaredGradientNorm < point.squaredGradientNorm)) {
      stopReason = 'stalled';
      run.record(t, point, diagnostics);
      break;
    }
    run.record(t, point, { ...diagnostics, stepSize });
    theta = best!.theta;
    point = best!.point;
  }

  return run.result('damped-newton', theta, point, stopReason);
}
