/**
 * Forward mode: Jacobian-vector products, jvp(f, [x], [v]) = (f(x), J_f(x)·v).
 *
 * A JvpTracer carries a primal value and its tangent (its derivative in the
 * direction v). Each primitive's rule maps input tangents to the output
 * tangent: for y = x·w, dy = dx·w + x·dw. The rules are written with the
 * engine's own operations, so the tangent computation is itself traced by
 * any transformation running below this one — that is what makes
 * jvp(grad(f)) an exact Hessian-vector product.
 *
 * A tangent of `null` means "exactly zero" (a constant, such as the training
 * data): rules skip the work for it, and a primitive whose inputs all have
 * zero tangents does no tangent work at all.
 */
import { PrimalTracer, Tensor, type Tracer, type Trace } from './tensor.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { bind, withNewLevel } from './trace.js';
import * as ops from './ops.js';
import { zerosLike } from './creation.js';
import { formatShape, reducedShape, shapesEqual } from './shape.js';

type Tangent = Tensor | null;

export class JvpTracer extends PrimalTracer {
  constructor(readonly trace: JvpTrace, readonly primal: Tensor, readonly tangent: Tangent) {
    super();
  }
}

export class JvpTrace implements Trace {
  readonly kind = 'jvp';
  constructor(readonly level: number) {}

  lift(x: Tensor): JvpTracer {
    return new JvpTracer(this, x, null);
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: PrimitiveParams[P]): Tensor {
    const tracers = inputs as JvpTracer[];
    const primals = tracers.map((t) => t.primal);
    const tangents = tracers.map((t) => t.tangent);
    const out = bind(prim, primals, params);
    if (tangents.every((t) => t === null)) return new JvpTracer(this, out, null);
    return new JvpTracer(this, out, jvpRules[prim](primals, tangents, out, params));
  }
}

/** Maps input tangents (null = zero; not all null) to the output tangent. */
export type JvpRule<P extends Primitive> = (primals: Tensor[], tangents: Tangent[], out: Tensor, params: PrimitiveParams[P]) => Tangent;

/** a + b where either may be an exact zero. */
const addTangents = (a: Tangent, b: Tangent): Tangent => (a === null ? b : b === null ? a : ops.add(a, b));
/** Applies a linear map to a tangent, keeping exact zeros. */
const mapTangent = (t: Tangent, f: (t: Tensor) => Tensor): Tangent => (t === null ? null : f(t));
/** For a linear primitive, the tangent is the primitive applied to the tangent. */
const linear = <P extends Primitive>(prim: P): JvpRule<P> => (_, [dx], __, params) => bind(prim, [dx!], params);

/**
 * The normalised selector of a max: 1/count where x equals the maximum of
 * its reduced group, else 0. Built from comparisons, so it is a constant to
 * every derivative.
 */
export function maxSelector(x: Tensor, out: Tensor, axes: number[], keepdims: boolean): Tensor {
  const kept = keepdims ? out : ops.reshape(out, reducedShape(x.shape, axes, true));
  const mask = ops.equal(x, ops.broadcastTo(kept, x.shape));
  return ops.div(mask, ops.sum(mask, axes, true));
}

/**
 * For each entry x_i, the product of the other entries of its group (the
 * entries reduced together over `axes`): ∂ prod(x)/∂x_i. It is computed as a
 * product, never as prod(x)/x_i, so it is exact when entries are zero: with
 * one zero, only the zero's own entry is non-zero; with two or more, all are
 * zero. The group's n entries are laid out along a last axis, gathered into
 * an [n, n − 1] table whose row i lists the others (O(n²) numbers, fine for
 * the small groups products are taken over), and reduced with prod again. As
 * that uses engine ops, differentiating it again (a Hessian) recurses to
 * products of n − 2 entries, exact as well.
 */
export function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  if (n === 0) return zerosLike(x);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const keptShape = kept.map((i) => x.shape[i]!);
  const grouped = ops.reshape(ops.transpose(x, perm), [...keptShape, n]);
  const others = new Int32Array(n * (n - 1));
  for (let i = 0, at = 0; i < n; i++) for (let j = 0; j < n; j++) if (j !== i) others[at++] = j;
  const table = ops.reshape(ops.gather(grouped, others, kept.length), [...keptShape, n, n - 1]);
  const products = ops.reshape(ops.prod(table, kept.length + 1), perm.map((a) => x.shape[a]!));
  return ops.transpose(products, perm.map((_, i) => perm.indexOf(i)));
}

/**
 * ∂(x^y)/∂x = y·x^(y−1). At x = 0 and y = 0 the formula is 0·∞; the
 * derivative there is taken as 0 (x^0 = 1 is constant in x). Only that point
 * is masked, and y is replaced by 1 there so that the unused branch stays
 * finite (otherwise its derivatives would turn 0·∞ into NaN); everywhere else
 * the formula, and so its own derivatives, are exact.
 */
export function powBaseDerivative(x: Tensor, y: Tensor): Tensor {
  const singular = ops.mul(ops.equal(x, 0), ops.equal(y, 0));
  const safeY = ops.where(singular, 1, y);
  return ops.where(singular, 0, ops.mul(safeY, ops.pow(x, ops.sub(safeY, 1))));
}

/** ∂(x^y)/∂y = x^y·log x, taken as 0 at x = 0 (NaN for x < 0); `out` is x^y. */
export function powExponentDerivative(x: Tensor, out: Tensor): Tensor {
  const zeroBase = ops.equal(x, 0);
  return ops.where(zeroBase, 0, ops.mul(out, ops.log(ops.where(zeroBase, 1, x))));
}

export const jvpRules: { [P in Primitive]: JvpRule<P> } = {
  neg: (_, [dx]) => ops.neg(dx!),
  exp: (_, [dx], out) => ops.mul(dx!, out),
  log: ([x], [dx]) => ops.div(dx!, x!),
  tanh: (_, [dx], out) => ops.mul(dx!, ops.sub(1, ops.square(out))),
  sin: ([x], [dx]) => ops.mul(dx!, ops.cos(x!)),
  cos: ([x], [dx]) => ops.neg(ops.mul(dx!, ops.sin(x!))),
  // x^0 = 1 has derivative exactly 0, also at x = 0 (where 0·x^(−1) would be NaN)
  pow: ([x], [dx], _, { exponent }) => (exponent === 0 ? null : ops.mul(dx!, ops.mul(ops.pow(x!, exponent - 1), exponent))),
  add: (_, [da, db]) => addTangents(da!, db!),
  sub: (_, [da, db]) => addTangents(da!, mapTangent(db!, ops.neg)),
  mul: ([a, b], [da, db]) => addTangents(mapTangent(da!, (t) => ops.mul(t, b!)), mapTangent(db!, (t) => ops.mul(a!, t))),
  // d(a/b) = da/b − (a/b)·db/b
  div: ([, b], [da, db], out) => addTangents(mapTangent(da!, (t) => ops.div(t, b!)), mapTangent(db!, (t) => ops.neg(ops.mul(out, ops.div(t, b!))))),
  powTensor: ([x, y], [dx, dy], out) =>
    addTangents(mapTangent(dx!, (t) => ops.mul(t, powBaseDerivative(x!, y!))), mapTangent(dy!, (t) => ops.mul(t, powExponentDerivative(x!, out)))),
  compare: () => null,
  where: ([cond, a, b], [, da, db]) => bind('where', [cond!, da ?? zerosLike(a!), db ?? zerosLike(b!)], {}),
  sum: linear('sum'),
  max: ([x], [dx], out, { axes, keepdims }) => ops.sum(ops.mul(dx!, maxSelector(x!, out, axes, keepdims)), axes, keepdims),
  prod: ([x], [dx], _, { axes, keepdims }) => ops.sum(ops.mul(dx!, productOfOthers(x!, axes)), axes, keepdims),
  reshape: linear('reshape'),
  transpose: linear('transpose'),
  broadcastTo: linear('broadcastTo'),
  slice: linear('slice'),
  pad: linear('pad'),
  concatenate: (primals, tangents, _, params) => bind('concatenate', tangents.map((t, i) => t ?? zerosLike(primals[i]!)), params),
  gather: linear('gather'),
  scatterAdd: linear('scatterAdd'),
  matmul: ([a, b], [da, db]) => addTangents(mapTangent(da!, (t) => bind('matmul', [t, b!], {})), mapTangent(db!, (t) => bind('matmul', [a!, t], {}))),
  astype: linear('astype'),
  stopGradient: () => null,
};

/**
 * Evaluates f at `primals` and its directional derivative along `tangents`:
 * returns [f(x), J_f(x)·v]. Runs f once, at a new level of the stack.
 */
export function jvp(f: (...xs: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  if (primals.length !== tangents.length) throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  primals.forEach((p, i) => {
    const t = tangents[i]!;
    if (!(p instanceof Tensor) || !(t instanceof Tensor)) throw new Error(`jvp: primal and tangent ${i} must be Tensors`);
    if (!shapesEqual(p.shape, t.shape) || p.dtype !== t.dtype) {
      throw new Error(`jvp: tangent ${i} is ${formatShape(t.shape)} ${t.dtype} but its primal is ${formatShape(p.shape)} ${p.dtype}`);
    }
  });
  return withNewLevel((level) => {
    const trace = new JvpTrace(level);
    const result = f(...primals.map((p, i) => new JvpTracer(trace, p, tangents[i]!)));
    if (!(result instanceof Tensor)) throw new Error('jvp: the function must return a Tensor');
    if (result instanceof JvpTracer && result.trace === trace) return [result.primal, result.tangent ?? zerosLike(result.primal)];
    return [result, zerosLike(result)]; // f did not depend on its inputs
  });
}
