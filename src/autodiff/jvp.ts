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

export const jvpRules: { [P in Primitive]: JvpRule<P> } = {
  neg: (_, [dx]) => ops.neg(dx!),
  exp: (_, [dx], out) => ops.mul(dx!, out),
  log: ([x], [dx]) => ops.div(dx!, x!),
  tanh: (_, [dx], out) => ops.mul(dx!, ops.sub(1, ops.square(out))),
  pow: ([x], [dx], _, { exponent }) => ops.mul(dx!, ops.mul(ops.pow(x!, exponent - 1), exponent)),
  add: (_, [da, db]) => addTangents(da!, db!),
  sub: (_, [da, db]) => addTangents(da!, mapTangent(db!, ops.neg)),
  mul: ([a, b], [da, db]) => addTangents(mapTangent(da!, (t) => ops.mul(t, b!)), mapTangent(db!, (t) => ops.mul(a!, t))),
  // d(a/b) = da/b − (a/b)·db/b
  div: ([, b], [da, db], out) => addTangents(mapTangent(da!, (t) => ops.div(t, b!)), mapTangent(db!, (t) => ops.neg(ops.mul(out, ops.div(t, b!))))),
  compare: () => null,
  where: ([cond, a, b], [, da, db]) => bind('where', [cond!, da ?? zerosLike(a!), db ?? zerosLike(b!)], {}),
  sum: linear('sum'),
  max: ([x], [dx], out, { axes, keepdims }) => ops.sum(ops.mul(dx!, maxSelector(x!, out, axes, keepdims)), axes, keepdims),
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
