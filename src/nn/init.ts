/**
 * Initialisation: where training starts, and how far from the origin.
 *
 * Each scheme draws a weight's entries independently with mean 0 and a
 * variance set by the layer's fans (fan_in = inputs feeding one unit, fan_out
 * = units fed by one input; for a conv layer both include the kernel area,
 * fan_in = in_ch·kh·kw, fan_out = out_ch·kh·kw):
 *
 *   xavier (Glorot)  Var = 2 / (fan_in + fan_out)   keeps forward and backward variance
 *   he (Kaiming)     Var = 2 / fan_in                keeps forward variance through ReLU
 *   lecun            Var = 1 / fan_in                keeps forward variance through a linear map
 *   zeros            Var = 0
 *
 * '-normal' draws N(0, Var); '-uniform' draws U(−a, a) with a = √(3·Var), the
 * same variance. Biases start at 0. A multiplier α scales every draw, so
 * Var becomes α²·Var: the knob that moves the starting point towards or away
 * from the origin.
 *
 * The squared radius of a draw, ‖θ‖² = Σ θ_i², has expectation
 *
 *   E‖θ‖² = α² · Σ_weights (number of entries) · Var
 *
 * — for an MLP, Σ_layers n_in·n_out·Var_l. Since θ has many independent
 * entries, ‖θ‖ concentrates tightly around √(E‖θ‖²): for 784-200-200-10 this
 * is ≈ 23.2 (Xavier), 28.6 (He) and 20.2 (LeCun) at α = 1.
 */
import { Tensor, fromTypedArray, type Random } from '../autodiff/index.js';
import { parameterLeaves, treeFromLeaves, type ParameterDeclaration, type ParameterSpec, type Params } from './parameters.js';

export const INIT_NAMES = ['xavier-normal', 'xavier-uniform', 'he-normal', 'he-uniform', 'lecun-normal', 'zeros'] as const;
export type InitName = (typeof INIT_NAMES)[number];

/** The initialisation a layer uses when none is named. */
export const DEFAULT_INIT: InitName = 'xavier-normal';

export function isInitName(name: string): name is InitName {
  return (INIT_NAMES as readonly string[]).includes(name);
}

function checkInit(init: string, alpha: number, where: string): void {
  if (!isInitName(init)) throw new Error(`${where}: unknown initialisation ${JSON.stringify(init)}; allowed: ${INIT_NAMES.join(', ')}`);
  if (!Number.isFinite(alpha)) throw new Error(`${where}: the multiplier α must be a finite number, got ${alpha}`);
}

/** The variance of one weight entry under `init` (before the multiplier α). */
export function initVariance(init: InitName, fanIn: number, fanOut: number): number {
  switch (init) {
    case 'xavier-normal':
    case 'xavier-uniform':
      return 2 / (fanIn + fanOut);
    case 'he-normal':
    case 'he-uniform':
      return 2 / fanIn;
    case 'lecun-normal':
      return 1 / fanIn;
    case 'zeros':
      return 0;
  }
}

/** The variance of one entry of a declared parameter, multiplier included (0 for biases). */
export function parameterVariance(p: Pick<ParameterDeclaration, 'role' | 'fanIn' | 'fanOut'>, init: InitName, alpha = 1): number {
  return p.role === 'bias' ? 0 : alpha * alpha * initVariance(init, p.fanIn, p.fanOut);
}

/** Fills `out` with independent draws for one parameter. */
function draw(out: Float64Array, p: Pick<ParameterDeclaration, 'role' | 'fanIn' | 'fanOut'>, rng: Random, init: InitName, alpha: number): void {
  const variance = parameterVariance(p, init, alpha);
  if (variance === 0) return; // zero-filled already
  const uniform = init.endsWith('-uniform');
  const scale = uniform ? Math.sqrt(3 * variance) : Math.sqrt(variance);
  for (let i = 0; i < out.length; i++) out[i] = uniform ? rng.uniform(-scale, scale) : scale * rng.normal();
}

/** θ drawn parameter by parameter in the spec's order. */
export function initTheta(spec: ParameterSpec, rng: Random, init: InitName = DEFAULT_INIT, alpha = 1): Tensor {
  checkInit(init, alpha, 'initTheta');
  const theta = new Float64Array(spec.size);
  for (const e of spec.entries) draw(theta.subarray(e.offset, e.offset + e.size), e, rng, init, alpha);
  return fromTypedArray(theta, [spec.size]);
}

/**
 * A parameter tree drawn in the spec's order. Consumes the generator exactly
 * like initTheta, so flatten(initParams(spec, rng₁)) = initTheta(spec, rng₂)
 * when rng₁ and rng₂ start from the same seed.
 */
export function initParams(spec: ParameterSpec, rng: Random, init: InitName = DEFAULT_INIT, alpha = 1): Params {
  const theta = initTheta(spec, rng, init, alpha).toTypedArray();
  return treeFromLeaves(spec.entries.map((e) => [e.name, fromTypedArray(theta.slice(e.offset, e.offset + e.size), e.shape)]));
}

/**
 * √(E‖θ‖²) = α·√(Σ_weights size·Var): the radius a draw is expected to have,
 * exactly, without drawing. Takes a model (anything with a spec) or a spec.
 */
export function expectedRadius(of: { readonly spec: ParameterSpec } | ParameterSpec, init: InitName, alpha = 1): number {
  checkInit(init, alpha, 'expectedRadius');
  const spec = 'spec' in of ? of.spec : of;
  let sumOfVariances = 0;
  for (const e of spec.entries) sumOfVariances += e.size * parameterVariance(e, init, 1);
  return Math.abs(alpha) * Math.sqrt(sumOfVariances);
}

/** ‖θ‖, the Euclidean norm of a flat vector or of every entry of a parameter tree. */
export function parameterNorm(theta: Tensor | Float64Array | Params): number {
  const arrays: ArrayLike<number>[] =
    theta instanceof Float64Array ? [theta] : theta instanceof Tensor ? [theta.toTypedArray()] : parameterLeaves(theta).map(([, t]) => t.toTypedArray());
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
