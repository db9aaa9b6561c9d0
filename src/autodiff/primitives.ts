/**
 * The primitives: the small set of operations the engine knows how to
 * evaluate and differentiate. Everything else (softmax, cross-entropy, relu,
 * mean, dense layers, convolutions) is composed from these, so it needs no
 * derivative rules of its own.
 *
 * Each primitive has a parameter record (static, non-differentiable data such
 * as the axes of a sum). The rule tables in eval.ts, jvp.ts and vjp.ts are
 * typed `{ [P in Primitive]: Rule<P> }`: adding a primitive here without
 * rules for it is a compile error.
 */
import type { DType } from './dtype.js';

/**
 * The comparisons: 1 where the relation holds, else 0. `heaviside` is the
 * step H(a − b) with H(0) = ½ (1 where a > b, ½ where a = b, 0 where a < b):
 * relu's derivative under the midpoint convention at kinks, in one pass.
 */
export type Comparison = 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual' | 'heaviside';

type NoParams = Record<string, never>;

export interface PrimitiveParams {
  // elementwise, one input
  neg: NoParams;
  exp: NoParams;
  log: NoParams;
  tanh: NoParams;
  sin: NoParams;
  cos: NoParams;
  /** x ** exponent, for a constant exponent */
  pow: { exponent: number };
  // elementwise, two inputs of the same shape (ops.ts broadcasts first)
  add: NoParams;
  sub: NoParams;
  mul: NoParams;
  div: NoParams;
  /** x ** y elementwise, for a tensor exponent y (differentiable in both) */
  powTensor: NoParams;
  /** 1 where the comparison holds, else 0 (½ at equality for heaviside); not differentiable */
  compare: { op: Comparison };
  /** where(cond, a, b): a where cond ≠ 0, else b; cond is not differentiated */
  where: NoParams;
  // reductions
  sum: { axes: number[]; keepdims: boolean };
  max: { axes: number[]; keepdims: boolean };
  /** the product over axes (1 for an empty group) */
  prod: { axes: number[]; keepdims: boolean };
  // shape
  reshape: { shape: number[] };
  transpose: { perm: number[] };
  broadcastTo: { shape: number[] };
  /** x[starts[i] : ends[i]] along every axis i */
  slice: { starts: number[]; ends: number[] };
  /** zeros before[i] and after[i] around axis i (the transpose of slice) */
  pad: { before: number[]; after: number[] };
  concatenate: { axis: number };
  /** take entries along `axis` at integer `indices` (NumPy's take) */
  gather: { indices: Int32Array; indexShape: number[]; axis: number };
  /** the transpose of gather: add rows into a zero tensor of size axisSize at `indices` */
  scatterAdd: { indices: Int32Array; indexShape: number[]; axis: number; axisSize: number };
  // linear algebra
  /** [m, k] @ [k, n], or batched [b, m, k] @ [b, k, n] */
  matmul: NoParams;
  // dtype and differentiation control
  astype: { dtype: DType };
  /** the identity whose derivative is zero */
  stopGradient: NoParams;
}

export type Primitive = keyof PrimitiveParams;
