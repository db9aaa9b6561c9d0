/**
 * Evaluation rules: what each primitive computes on concrete numbers. This is
 * the bottom of the interpreter stack (level 0), installed into trace.ts's
 * `bind` when this module loads. Inputs have already been
 * checked by the functions in ops.ts (same shapes for elementwise ops, valid
 * axes, matching inner dimensions), so each rule only calls its kernel.
 */
import { ConcreteTensor } from './tensor.js';
import { setEvaluator } from './trace.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import * as k from './kernels.js';
import { reducedShape } from './shape.js';

export type EvalRule<P extends Primitive> = (inputs: ConcreteTensor[], params: PrimitiveParams[P]) => ConcreteTensor;

const wrap = (v: k.View): ConcreteTensor => new ConcreteTensor(v);
const arg = (inputs: ConcreteTensor[], i: number): k.View => inputs[i]!.data;

export const evalRules: { [P in Primitive]: EvalRule<P> } = {
  neg: (xs) => wrap(k.unary('neg', arg(xs, 0))),
  exp: (xs) => wrap(k.unary('exp', arg(xs, 0))),
  log: (xs) => wrap(k.unary('log', arg(xs, 0))),
  tanh: (xs) => wrap(k.unary('tanh', arg(xs, 0))),
  sin: (xs) => wrap(k.unary('sin', arg(xs, 0))),
  cos: (xs) => wrap(k.unary('cos', arg(xs, 0))),
  pow: (xs, { exponent }) => wrap(k.power(arg(xs, 0), exponent)),
  add: (xs) => wrap(k.binary('add', arg(xs, 0), arg(xs, 1))),
  sub: (xs) => wrap(k.binary('sub', arg(xs, 0), arg(xs, 1))),
  mul: (xs) => wrap(k.binary('mul', arg(xs, 0), arg(xs, 1))),
  div: (xs) => wrap(k.binary('div', arg(xs, 0), arg(xs, 1))),
  powTensor: (xs) => wrap(k.binary('pow', arg(xs, 0), arg(xs, 1))),
  compare: (xs, { op }) => wrap(k.compare(op, arg(xs, 0), arg(xs, 1))),
  where: (xs) => wrap(k.where(arg(xs, 0), arg(xs, 1), arg(xs, 2))),
  sum: (xs, { axes, keepdims }) => wrap(k.reduce('sum', arg(xs, 0), axes, reducedShape(xs[0]!.shape, axes, keepdims))),
  max: (xs, { axes, keepdims }) => wrap(k.reduce('max', arg(xs, 0), axes, reducedShape(xs[0]!.shape, axes, keepdims))),
  prod: (xs, { axes, keepdims }) => wrap(k.reduce('prod', arg(xs, 0), axes, reducedShape(xs[0]!.shape, axes, keepdims))),
  reshape: (xs, { shape }) => wrap(k.reshape(arg(xs, 0), shape)),
  transpose: (xs, { perm }) => wrap(arg(xs, 0).transpose(...perm)),
  broadcastTo: (xs, { shape }) => wrap(k.broadcastTo(arg(xs, 0), shape)),
  slice: (xs, { starts, ends }) => wrap(k.slice(arg(xs, 0), starts, ends)),
  pad: (xs, { before, after }) => wrap(k.pad(arg(xs, 0), before, after)),
  concatenate: (xs, { axis }) => wrap(k.concatenate(xs.map((x) => x.data), axis)),
  gather: (xs, { indices, indexShape, axis }) => {
    const shape = xs[0]!.shape;
    return wrap(k.gather(arg(xs, 0), indices, axis, [...shape.slice(0, axis), ...indexShape, ...shape.slice(axis + 1)]));
  },
  scatterAdd: (xs, { indices, indexShape, axis, axisSize }) => {
    const shape = xs[0]!.shape;
    const outShape = [...shape.slice(0, axis), axisSize, ...shape.slice(axis + indexShape.length)];
    return wrap(k.scatterAdd(arg(xs, 0), indices, axis, axisSize, outShape));
  },
  matmul: (xs) => wrap(k.matmul(arg(xs, 0), arg(xs, 1))),
  astype: (xs, { dtype }) => wrap(k.astype(arg(xs, 0), dtype)),
  stopGradient: (xs) => xs[0]!,
};

setEvaluator((prim, inputs, params) => evalRules[prim](inputs, params));
