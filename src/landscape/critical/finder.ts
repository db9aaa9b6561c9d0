/**
 * What every critical-point finder shares: the record it keeps of each
 * iteration, how it stops, and an "oracle" that evaluates the loss, its
 * gradient and Hessian-vector products while counting them.
 *
 * A critical point of f is a θ with ∇f(θ) = 0. The finders here (Newton-MR,
 * damped Newton, gradient-norm minimisation) all drive the squared gradient
 * norm ‖∇f‖² down, each in its own way, and each records per iteration:
 *
 *   loss f(θ_t), squared gradient norm ‖∇f(θ_t)‖², the step size α_t taken
 *   from θ_t, and — where the method solves H p = −g with MINRES-QLP — the
 *   solver's relative residuals at θ_t (Frye et al.'s gradient-flatness
 *   diagnostics):
 *
 *     r   = ‖Hp + g‖ / (‖H‖‖p‖ + ‖g‖)    ∈ [0, 1]: 1 when g ⟂ range(H),
 *     r_H = ‖H(Hp + g)‖ / (‖H‖‖Hp + g‖)            small when p is a least-squares solution.
 *
 * A run stops at a budget of iterations, when ‖∇f‖² falls below a tolerance
 * (far below the 1e-10 that counts as critical), when the line search finds
 * no acceptable step, or when a step no longer changes θ or ‖∇f‖² by more
 * than rounding (at a gradient-flat point Newton's step is ≈ 0, and GNM's
 * line search would otherwise crawl along rounding noise for ever).
 */
import { valueAndGrad, type Tensor } from '../../autodiff/index.js';
import { flatTensor, toFloat64 } from '../../nn/index.js';
import type { LinearOperator } from '../linalg/vector.js';
import type { MinresQlpOptions } from '../linalg/minres-qlp.js';
import { countingOperator } from '../linalg/operator.js';
import { hessianOperator, type LossOfTheta } from '../hessian-operator.js';

export const FINDER_METHODS = ['newton-mr', 'damped-newton', 'gnm'] as const;
export type FinderMethod = (typeof FINDER_METHODS)[number];

export function isFinderMethod(name: string): name is FinderMethod {
  return (FINDER_METHODS as readonly string[]).includes(name);
}

/** One iteration of a finder, at the iterate θ_t. */
export interface FinderIteration {
  iteration: number;
  loss: number;
  squaredGradientNorm: number;
  /** The step size α with which θ_{t+1} = θ_t + α p_t was taken; null at the last iterate or when no step was taken. */
  stepSize: number | null;
  /** r of the MINRES-QLP solve at θ_t (null for methods that do not solve, and at the last iterate). */
  relativeResidual: number | null;
  /** r_H of the same solve. */
  relativeCokernelResidual: number | null;
  /** Damped Newton: the damping γ of the chosen step (null otherwise). */
  damping: number | null;
  /** GNM: gᵀHg/‖g‖², the curvature along the gradient — free, since H·g is GNM's own gradient (null otherwise). */
  curvatureAlongGradient: number | null;
  /** Cumulative counts so far. */
  gradientEvaluations: number;
  hessianProducts: number;
}

export type StopReason =
  | 'max-iterations' // the budget ran out
  | 'tolerance' // ‖∇f‖² fell below the tolerance
  | 'line-search-failed' // no step size down to the smallest one was acceptable
  | 'stalled'; // the accepted step did not change θ or ‖∇f‖² measurably (or no candidate improved ‖∇f‖²)

export interface FinderResult {
  method: FinderMethod;
  /** The last iterate. */
  theta: Float64Array;
  loss: number;
  squaredGradientNorm: number;
  trace: FinderIteration[];
  stopReason: StopReason;
  gradientEvaluations: number;
  hessianProducts: number;
  seconds: number;
}

/** What every finder accepts. */
export interface FinderOptions {
  /** Most iterations (steps). Defaults: 500 for the Newton methods, 5000 for GNM. */
  maxIterations?: number;
  /** Stop once ‖∇f‖² ≤ this. Default 1e-20 (far below the 1e-10 that counts as critical). */
  squaredGradientTolerance?: number;
  /** Called after each recorded iteration (progress, logging). */
  onIteration?: (record: FinderIteration) => void;
}

/** The MINRES-QLP settings a Newton step uses (see linalg/minres-qlp.ts). */
export type MinresSettings = Required<Pick<MinresQlpOptions, 'rtol' | 'maxit' | 'maxxnorm' | 'acondlim' | 'trancond'>>;

/**
 * Defaults for the inner solves: maxxnorm 1e4, acondlim 1e7, trancond 1e4
 * (papers.md §3.2); maxit = min(D, 200) ("no gain above N"); rtol 1e-4.
 *
 * autocrit's own defaults are rtol 1e-10, maxit 25, and the network
 * experiments used rtol 5e-4. The loose tolerance and the large maxit here
 * were chosen by measurement on the deep linear autoencoder (docs/results.md,
 * "Settings chosen by measurement"). A loose tolerance is not a weakness: an
 * exact solve of a badly conditioned, indefinite H p = −g far from a critical
 * point gives a long step that the line search must cut down, while the
 * early MINRES iterates stay in the well-determined directions.
 */
export function defaultMinresSettings(dim: number, overrides: Partial<MinresSettings> = {}): MinresSettings {
  return { rtol: 1e-4, maxit: Math.max(1, Math.min(dim, 200)), maxxnorm: 1e4, acondlim: 1e7, trancond: 1e4, ...overrides };
}

/** f, ∇f and ‖∇f‖² at one point. */
export interface PointEvaluation {
  loss: number;
  gradient: Float64Array;
  squaredGradientNorm: number;
}

/** Evaluates the loss, gradients and Hessian products of a problem, counting them. */
export class LossOracle {
  gradientEvaluations = 0;
  hessianProducts = 0;
  private readonly lossAndGradient: (theta: Tensor) => [Tensor, Tensor];

  constructor(readonly loss: LossOfTheta, readonly dim: number) {
    this.lossAndGradient = valueAndGrad(loss);
  }

  evaluate(theta: Float64Array): PointEvaluation {
    if (theta.length !== this.dim) throw new Error(`finder: θ has ${theta.length} entries, the problem D = ${this.dim}`);
    this.gradientEvaluations += 1;
    const [value, grad] = this.lossAndGradient(flatTensor(theta));
    const gradient = toFloat64(grad);
    let squares = 0;
    for (const g of gradient) squares += g * g;
    return { loss: value.item(), gradient, squaredGradientNorm: squares };
  }

  /** H(θ) as an operator; each product is one exact HVP, added to hessianProducts. */
  hessianAt(theta: Float64Array): LinearOperator {
    let counted = 0;
    return countingOperator(hessianOperator(this.loss, theta), (count) => {
      this.hessianProducts += count - counted;
      counted = count;
    });
  }
}

/** θ + α p, as a new array. */
export function stepAlong(theta: Float64Array, alpha: number, p: Float64Array): Float64Array {
  const out = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) out[i] = theta[i]! + alpha * p[i]!;
  return out;
}

/**
 * True when ‖∇f‖² went from `before` to `after` without a decrease that
 * floating point can vouch for (relative change ≤ 1e-15): the run has stalled,
 * and going on would only crawl along rounding noise.
 */
export function negligibleDecrease(before: number, after: number): boolean {
  return before - after <= 1e-15 * before;
}

/** True when the two vectors are equal entry by entry (a step too small to change θ). */
export function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The smallest step size a back-tracking search can reach: keep multiplying
 * by β until the product no longer changes in floating point (autocrit's
 * compute_min_step_size). The product changes until it underflows, so this
 * is 0: the search goes on while α > 0 (about 1075 halvings from α = 1).
 */
export function smallestStepSize(alpha: number, beta: number): number {
  let a = alpha;
  while (a * beta !== a) a *= beta;
  return a;
}

/** Checks the options shared by every finder and fills in defaults. */
export function resolveFinderOptions(options: FinderOptions, defaultIterations: number): Required<Omit<FinderOptions, 'onIteration'>> {
  const maxIterations = options.maxIterations ?? defaultIterations;
  const squaredGradientTolerance = options.squaredGradientTolerance ?? 1e-20;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) throw new Error(`finder: maxIterations must be a non-negative integer, got ${maxIterations}`);
  if (!(squaredGradientTolerance >= 0)) throw new Error(`finder: squaredGradientTolerance must be ≥ 0, got ${squaredGradientTolerance}`);
  return { maxIterations, squaredGradientTolerance };
}

/** A record with the counts filled in from the oracle and the rest null unless given. */
export function iterationRecord(
  oracle: LossOracle,
  iteration: number,
  point: PointEvaluation,
  extra: Partial<Omit<FinderIteration, 'iteration' | 'loss' | 'squaredGradientNorm' | 'gradientEvaluations' | 'hessianProducts'>> = {},
): FinderIteration {
  return {
    iteration,
    loss: point.loss,
    squaredGradientNorm: point.squaredGradientNorm,
    stepSize: null,
    relativeResidual: null,
    relativeCokernelResidual: null,
    damping: null,
    curvatureAlongGradient: null,
    ...extra,
    gradientEvaluations: oracle.gradientEvaluations,
    hessianProducts: oracle.hessianProducts,
  };
}

/**
 * The bookkeeping every finder shares: the oracle, the trace of recorded
 * iterations (each also passed to onIteration), the end-of-budget test and
 * the final result. A finder only decides where to step.
 */
export class FinderRun {
  readonly oracle: LossOracle;
  readonly trace: FinderIteration[] = [];
  private readonly started = performance.now();

  constructor(loss: LossOfTheta, dim: number, private readonly onIteration?: (record: FinderIteration) => void) {
    this.oracle = new LossOracle(loss, dim);
  }

  /** Appends the record of iteration t at `point` (counts filled in from the oracle). */
  record(iteration: number, point: PointEvaluation, extra: Parameters<typeof iterationRecord>[3] = {}): void {
    const r = iterationRecord(this.oracle, iteration, point, extra);
    this.trace.push(r);
    this.onIteration?.(r);
  }

  /** 'tolerance' once ‖∇f‖² is small enough, 'max-iterations' at the budget, else null. */
  static budgetStop(point: PointEvaluation, iteration: number, options: Required<Omit<FinderOptions, 'onIteration'>>): StopReason | null {
    if (point.squaredGradientNorm <= options.squaredGradientTolerance) return 'tolerance';
    return iteration === options.maxIterations ? 'max-iterations' : null;
  }

  result(method: FinderMethod, theta: Float64Array, point: PointEvaluation, stopReason: StopReason): FinderResult {
    return {
      method,
      theta,
      loss: point.loss,
      squaredGradientNorm: point.squaredGradientNorm,
      trace: this.trace,
      stopReason,
      gradientEvaluations: this.oracle.gradientEvaluations,
      hessianProducts: this.oracle.hessianProducts,
      seconds: (performance.now() - this.started) / 1000,
    };
  }
}
