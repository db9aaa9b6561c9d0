/**
 * Reverse mode: vector-Jacobian products, vjp(f, x) = (f(x), u ↦ uᵀ·J_f(x)).
 *
 * While f runs, each VjpTracer operation appends a node to a tape: which
 * nodes were its inputs and how to pull a cotangent back through it. The
 * pullback then walks the tape backwards from the output, adding up each
 * node's cotangent and handing it to the rule of the primitive that made it:
 * for y = x·w, x̄ += ȳ·w and w̄ += x·ȳ.
 *
 * As in jvp.ts, the rules use the engine's own operations on the primal
 * values, which belong to lower levels; so the backward pass is itself
 * traced by any transformation running below — grad(grad(f)) and
 * jvp(grad(f)) just work. Each rule returns one thunk per input, and only
 * the thunks of inputs that need a cotangent are called (the gradient with
 * respect to training data is never computed).
 */
import { PrimalTracer, Tensor, type Tracer, type Trace } from './tensor.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { bind, withNewLevel } from './trace.js';
import * as ops from './ops.js';
import { zerosLike } from './creation.js';
import { maxSelector, powBaseDerivative, powExponentDerivative, productOfOthers } from './jvp.js';
import { formatShape, reducedShape, shapesEqual } from './shape.js';

interface TapeNode {
  /** Position on the tape (creation order, which is a topological order). */
  readonly id: number;
  /** The nodes of the inputs; null for an input that is a constant here. */
  readonly parents: readonly (TapeNode | null)[];
  /** One thunk per input for the cotangent it receives; null for leaves. */
  readonly backward: ((cotangent: Tensor) => Cotangents) | null;
}

type Cotangents = ReadonlyArray<(() => Tensor) | null>;

/**
 * Primitives whose output is a constant to every derivative (a comparison's
 * 0/1 mask, stopGradient): they get no tape node, so nothing downstream of
 * them (such as relu's mask, built from two comparisons) is ever pulled back.
 */
const constantOutputs: ReadonlySet<Primitive> = new Set<Primitive>(['compare', 'stopGradient']);

export class VjpTracer extends PrimalTracer {
  constructor(readonly trace: VjpTrace, readonly primal: Tensor, readonly node: TapeNode | null) {
    super();
  }
}

export class VjpTrace implements Trace {
  readonly kind = 'vjp';
  readonly tape: TapeNode[] = [];
  constructor(readonly level: number) {}

  lift(x: Tensor): VjpTracer {
    return new VjpTracer(this, x, null);
  }

  /** A leaf: an input of the function being differentiated. */
  input(x: Tensor): VjpTracer {
    return new VjpTracer(this, x, this.record([], null));
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: PrimitiveParams[P]): Tensor {
    const tracers = inputs as VjpTracer[];
    const primals = tracers.map((t) => t.primal);
    const out = bind(prim, primals, params);
    const parents = tracers.map((t) => t.node);
    if (constantOutputs.has(prim) || parents.every((p) => p === null)) return new VjpTracer(this, out, null);
    const node = this.record(parents, (g) => vjpRules[prim](g, primals, out, params));
    return new VjpTracer(this, out, node);
  }

  private record(parents: (TapeNode | null)[], backward: TapeNode['backward']): TapeNode {
    const node = { id: this.tape.length, parents, backward };
    this.tape.push(node);
    return node;
  }

  /** Walks the tape back from `output`; returns the cotangent of each leaf. */
  backpropagate(output: TapeNode, cotangent: Tensor): Map<TapeNode, Tensor> {
    const cotangents = new Map<TapeNode, Tensor>([[output, cotangent]]);
    for (let id = output.id; id >= 0; id--) {
      const node = this.tape[id]!;
      const g = cotangents.get(node);
      if (g === undefined || node.backward === null) continue;
      cotangents.delete(node);
      const thunks = node.backward(g);
      node.parents.forEach((parent, i) => {
        const thunk = thunks[i];
        if (parent === null || !thunk) return;
        const contribution = thunk();
        const previous = cotangents.get(parent);
        cotangents.set(parent, previous === undefined ? contribution : ops.add(previous, contribution));
      });
    }
    return cotangents;
  }
}

/** Maps the output's cotangent to one cotangent thunk per input. */
export type VjpRule<P extends Primitive> = (cotangent: Tensor, primals: Tensor[], out: Tensor, params: PrimitiveParams[P]) => Cotangents;

/** Cotangent of a matrix operand: swap the last two axes. */
const swapLast = (x: Tensor): Tensor => (x.rank === 2 ? ops.transpose(x, [1, 0]) : ops.transpose(x, [0, 2, 1]));

/**
 * Sums a cotangent of the broadcast shape back to the shape it was
 * broadcast from: over the added leading axes, and over the axes of size 1.
 * This is the one place where broadcasting is undone.
 */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.rank - shape.length;
  const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  return ops.reshape(ops.sum(g, axes, true), shape);
}

export const vjpRules: { [P in Primitive]: VjpRule<P> } = {
  neg: (g) => [() => ops.neg(g)],
  exp: (g, _, out) => [() => ops.mul(g, out)],
  log: (g, [x]) => [() => ops.div(g, x!)],
  tanh: (g, _, out) => [() => ops.mul(g, ops.sub(1, ops.square(out)))],
  sin: (g, [x]) => [() => ops.mul(g, ops.cos(x!))],
  cos: (g, [x]) => [() => ops.neg(ops.mul(g, ops.sin(x!)))],
  // x^0 = 1 has derivative exactly 0, also at x = 0 (where 0·x^(−1) would be NaN)
  pow: (g, [x], _, { exponent }) => [exponent === 0 ? null : () => ops.mul(g, ops.mul(ops.pow(x!, exponent - 1), exponent))],
  add: (g) => [() => g, () => g],
  sub: (g) => [() => g, () => ops.neg(g)],
  mul: (g, [a, b]) => [() => ops.mul(g, b!), () => ops.mul(a!, g)],
  div: (g, [, b], out) => [() => ops.div(g, b!), () => ops.neg(ops.mul(g, ops.div(out, b!)))],
  powTensor: (g, [x, y], out) => [() => ops.mul(g, powBaseDerivative(x!, y!)), () => ops.mul(g, powExponentDerivative(x!, out))],
  compare: () => [null, null],
  where: (g, [cond]) => [null, () => ops.where(cond!, g, 0), () => ops.where(cond!, 0, g)],
  sum: (g, [x], _, { axes }) => [() => ops.broadcastTo(ops.reshape(g, reducedShape(x!.shape, axes, true)), x!.shape)],
  max: (g, [x], out, { axes, keepdims }) => [
    () => ops.mul(ops.broadcastTo(ops.reshape(g, reducedShape(x!.shape, axes, true)), x!.shape), maxSelector(x!, out, axes, keepdims)),
  ],
  prod: (g, [x], _, { axes }) => [() => ops.mul(ops.broadcastTo(ops.reshape(g, reducedShape(x!.shape, axes, true)), x!.shape), productOfOthers(x!, axes))],
  reshape: (g, [x]) => [() => ops.reshape(g, x!.shape)],
  transpose: (g, _, __, { perm }) => [() => ops.transpose(g, perm.map((_, i) => perm.indexOf(i)))],
  broadcastTo: (g, [x]) => [() => unbroadcast(g, x!.shape)],
  slice: (g, [x], _, { starts, ends }) => [() => ops.pad(g, starts, ends.map((e, i) => x!.shape[i]! - e))],
  pad: (g, [x], _, { before }) => [() => ops.slice(g, before, before.map((b, i) => b + x!.shape[i]!))],
  concatenate: (g, primals, _, { axis }) => {
    let at = 0;
    return primals.map((x) => {
      const start = at;
      at += x.shape[axis]!;
      return () => ops.slice(g, g.shape.map((_, i) => (i === axis ? start : 0)), g.shape.map((d, i) => (i === axis ? start + x.shape[axis]! : d)));
    });
  },
  gather: (g, [x], _, { indices, indexShape, axis }) => [() => bind('scatterAdd', [g], { indices, indexShape, axis, axisSize: x!.shape[axis]! })],
  scatterAdd: (g, _, __, { indices, indexShape, axis }) => [() => bind('gather', [g], { indices, indexShape, axis })],
  matmul: (g, [a, b]) => [() => bind('matmul', [g, swapLast(b!)], {}), () => bind('matmul', [swapLast(a!), g], {})],
  astype: (g, [x]) => [() => ops.astype(g, x!.dtype)],
  stopGradient: () => [null],
};

/**
 * Evaluates f at `primals` and returns [f(x), pullback], where pullback(u)
 * gives uᵀ·J_f(x) as one cotangent per input (same shapes as the inputs).
 */
export function vjp(f: (...xs: Tensor[]) => Tensor, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  primals.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`vjp: argument ${i} must be a Tensor`);
  });
  return withNewLevel((level) => {
    const trace = new VjpTrace(level);
    const inputs = primals.map((p) => trace.input(p));
    const result = f(...inputs);
    if (!(result instanceof Tensor)) throw new Error('vjp: the function must return a Tensor');
    const ours = result instanceof VjpTracer && result.trace === trace;
    const out = ours ? result.primal : result;
    const outNode = ours ? result.node : null;
    const pullback = (cotangent: Tensor): Tensor[] => {
      if (!(cotangent instanceof Tensor) || !shapesEqual(cotangent.shape, out.shape) || cotangent.dtype !== out.dtype) {
        const got = cotangent instanceof Tensor ? `${formatShape(cotangent.shape)} ${cotangent.dtype}` : typeof cotangent;
        throw new Error(`vjp: the cotangent must match the output, ${formatShape(out.shape)} ${out.dtype}; got ${got}`);
      }
      const leaves = outNode === null ? new Map<TapeNode, Tensor>() : trace.backpropagate(outNode, cotangent);
      return inputs.map((x) => leaves.get(x.node!) ?? zerosLike(x.primal));
    };
    return [out, pullback];
  });
}
