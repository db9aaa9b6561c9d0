/**
 * Optimisers on the flat parameter vector θ, and learning-rate schedules.
 *
 * An optimiser is a pair of pure functions: `init(θ)` makes its state,
 * `step(θ, g, state, lr)` returns the next θ and the next state, mutating
 * nothing. θ and the gradient g may be Float64Arrays or tensors; results
 * are Float64Arrays (wrap with fromTypedArray(θ, [D]) to get a tensor).
 *
 * SGD (with PyTorch's conventions), weight decay λ, momentum μ:
 *   g ← g + λθ
 *   v ← μv + g                            (v₀ = 0)
 *   θ ← θ − η·v              (heavy ball)
 *   θ ← θ − η·(g + μv)       (Nesterov)
 * With μ = 0 this is plain gradient descent θ ← θ − η(g + λθ).
 *
 * Adam (Kingma & Ba), step t = 1, 2, …:
 *   g ← g + λθ                            (L2 weight decay, when not decoupled)
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *   m̂ = m / (1 − β₁ᵗ),     v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − η·m̂ / (√v̂ + ε)
 *   θ ← θ − ηλθ  first, instead of the L2 term (decoupled: AdamW)
 * At t = 1, m̂ = g and v̂ = g², so the first step is η·g/(|g| + ε) ≈ η·sign(g).
 *
 * Schedules map the step count (0, 1, 2, …) to a learning rate:
 *   constant   η
 *   step       η·γ^⌊t / (every·stepsPerEpoch)⌋      (×γ every `every` epochs)
 *   cosine     η_min + (η − η_min)·(1 + cos(π·min(t, T)/T)) / 2
 */
import { formatShape } from '../autodiff/index.js';
import { toFloat64, type Vector } from './vector.js';

export interface Optimizer<State> {
  readonly name: string;
  /** The learning rate used when step is given none. */
  readonly learningRate: number;
  /** The state before the first step (for θ of this length). */
  init(theta: Vector): State;
  /** One update: the new θ and state. Inputs are not modified. */
  step(theta: Vector, gradient: Vector, state: State, learningRate?: number): { theta: Float64Array; state: State };
}

/** θ or a gradient as a Float64Array (see vector.ts); a tensor must be flat. */
function flatValues(v: Vector): Float64Array {
  if (!(v instanceof Float64Array || v instanceof Float32Array) && v.rank !== 1) {
    throw new Error(`optimizer: expected a flat vector, got a tensor of shape ${formatShape(v.shape)}`);
  }
  return toFloat64(v);
}

function checkStep(where: string, theta: Float64Array, gradient: Float64Array, learningRate: number): void {
  if (theta.length !== gradient.length) throw new Error(`${where}: θ has ${theta.length} entries but the gradient ${gradient.length}`);
  if (!Number.isFinite(learningRate) || learningRate < 0) throw new Error(`${where}: the learning rate must be a non-negative number, got ${learningRate}`);
}

function checkRange(where: string, what: string, v: number, lo: number, hi: number, hiOpen = true): void {
  if (!(v >= lo && (hiOpen ? v < hi : v <= hi))) throw new Error(`${where}: ${what} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${v}`);
}

// ----------------------------------------------------------------------- SGD

export interface SgdOptions {
  /** η (default 0.1). */
  learningRate?: number;
  /** μ (default 0: plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** λ, added to the gradient as λθ (default 0). */
  weightDecay?: number;
}

export interface SgdState {
  /** The velocity v (all zeros, and unused, without momentum). */
  readonly velocity: Float64Array;
}

export function sgd(options: SgdOptions = {}): Optimizer<SgdState> {
  const lr0 = options.learningRate ?? 0.1;
  const mu = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  const wd = options.weightDecay ?? 0;
  checkRange('sgd', 'momentum', mu, 0, 1);
  checkRange('sgd', 'weightDecay', wd, 0, Infinity);
  if (nesterov && mu === 0) throw new Error('sgd: Nesterov momentum needs momentum > 0');
  return {
    name: `sgd(lr=${lr0}${mu ? `, momentum=${mu}${nesterov ? ', nesterov' : ''}` : ''}${wd ? `, weightDecay=${wd}` : ''})`,
    learningRate: lr0,
    init: (theta) => ({ velocity: new Float64Array(flatValues(theta).length) }),
    step(thetaIn, gradientIn, state, lr = lr0) {
      const theta = flatValues(thetaIn);
      const gradient = flatValues(gradientIn);
      checkStep('sgd', theta, gradient, lr);
      const next = new Float64Array(theta.length);
      const velocity = new Float64Array(theta.length);
      for (let i = 0; i < theta.length; i++) {
        const g = gradient[i]! + wd * theta[i]!;
        const v = mu * state.velocity[i]! + g;
        velocity[i] = v;
        next[i] = theta[i]! - lr * (nesterov ? g + mu * v : v);
      }
      return { theta: next, state: { velocity } };
    },
  };
}

// ---------------------------------------------------------------------- Adam

export interface AdamOptions {
  /** η (default 0.001). */
  learningRate?: number;
  /** β₁ (default 0.9). */
  beta1?: number;
  /** β₂ (default 0.999). */
  beta2?: number;
  /** ε (default 1e-8). */
  eps?: number;
  /** λ (default 0). */
  weightDecay?: number;
  /** Decoupled weight decay θ ← θ − ηλθ (AdamW) instead of adding λθ to the gradient (default false). */
  decoupled?: boolean;
}

export interface AdamState {
  /** Steps taken so far. */
  readonly t: number;
  /** m: running mean of gradients. */
  readonly m: Float64Array;
  /** v: running mean of squared gradients. */
  readonly v: Float64Array;
}

export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  const lr0 = options.learningRate ?? 1e-3;
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = options.eps ?? 1e-8;
  const wd = options.weightDecay ?? 0;
  const decoupled = options.decoupled ?? false;
  checkRange('adam', 'beta1', b1, 0, 1);
  checkRange('adam', 'beta2', b2, 0, 1);
  checkRange('adam', 'eps', eps, 0, Infinity);
  checkRange('adam', 'weightDecay', wd, 0, Infinity);
  return {
    name: `${decoupled ? 'adamw' : 'adam'}(lr=${lr0}, beta1=${b1}, beta2=${b2}, eps=${eps}${wd ? `, weightDecay=${wd}` : ''})`,
    learningRate: lr0,
    init(theta) {
      const d = flatValues(theta).length;
      return { t: 0, m: new Float64Array(d), v: new Float64Array(d) };
    },
    step(thetaIn, gradientIn, state, lr = lr0) {
      const theta = flatValues(thetaIn);
      const gradient = flatValues(gradientIn);
      checkStep('adam', theta, gradient, lr);
      const t = state.t + 1;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      const next = new Float64Array(theta.length);
      const m = new Float64Array(theta.length);
      const v = new Float64Array(theta.length);
      for (let i = 0; i < theta.length; i++) {
        const th = theta[i]!;
        const g = gradient[i]! + (decoupled ? 0 : wd * th);
        m[i] = b1 * state.m[i]! + (1 - b1) * g;
        v[i] = b2 * state.v[i]! + (1 - b2) * g * g;
        const mHat = m[i]! / c1;
        const vHat = v[i]! / c2;
        next[i] = th - (decoupled ? lr * wd * th : 0) - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
      return { theta: next, state: { t, m, v } };
    },
  };
}

// ----------------------------------------------------------------- schedules

/** The learning rate at step t = 0, 1, 2, … */
export type Schedule = (step: number) => number;

/** η at every step. */
export function constantSchedule(learningRate: number): Schedule {
  return () => learningRate;
}

export interface StepScheduleOptions {
  /** Multiply by γ every this many epochs. */
  every: number;
  /** γ (default 0.1). */
  gamma?: number;
  /** Optimizer steps per epoch (default 1: `every` counts steps). */
  stepsPerEpoch?: number;
}

/** η·γ^⌊t / (every·stepsPerEpoch)⌋. */
export function stepSchedule(learningRate: number, options: StepScheduleOptions): Schedule {
  const gamma = options.gamma ?? 0.1;
  const period = options.every * (options.stepsPerEpoch ?? 1);
  if (!Number.isInteger(period) || period <= 0) throw new Error(`stepSchedule: every·stepsPerEpoch must be a positive integer, got ${period}`);
  return (t) => learningRate * gamma ** Math.floor(Math.max(0, t) / period);
}

export interface CosineScheduleOptions {
  /** T: the step at which the rate reaches its minimum (and stays). */
  totalSteps: number;
  /** η_min (default 0). */
  minLearningRate?: number;
}

/** Half a cosine from η at t = 0 down to η_min at t = T. */
export function cosineSchedule(learningRate: number, options: CosineScheduleOptions): Schedule {
  const total = options.totalSteps;
  const low = options.minLearningRate ?? 0;
  if (!Number.isInteger(total) || total <= 0) throw new Error(`cosineSchedule: totalSteps must be a positive integer, got ${total}`);
  return (t) => low + ((learningRate - low) * (1 + Math.cos((Math.PI * Math.min(Math.max(t, 0), total)) / total))) / 2;
}
