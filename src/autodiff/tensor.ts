/**
 * Tensors and tracers.
 *
 * `Tensor` is the one type users handle. It has a shape, a dtype and every
 * operation as a method (`x.mul(y).sum()`), which calls the function of the
 * same name in ops.ts. Two kinds of tensor exist:
 *
 * - `ConcreteTensor` holds numbers, in an ndarray view (data, shape, stride,
 *   offset), so transposes and broadcasts are free views.
 * - `Tracer` stands for a value while a transformation (jvp, vjp/grad) runs
 *   the user's function. It wraps a `primal` value (a concrete tensor, or a
 *   tracer of a lower level) and belongs to one `Trace`, an interpreter at a
 *   numbered level. Every operation on a tracer is handed to its trace (see
 *   trace.ts), which is how jvp and grad see the function without any change
 *   to its code, and how they nest to any order.
 */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import type { DType, FloatArray } from './dtype.js';
import { dtypeOf } from './dtype.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { formatShape, sizeOf, type Shape } from './shape.js';
import { toContiguous, view, type View } from './kernels.js';
import type * as Operations from './ops.js';

/**
 * The functions behind Tensor's methods. ops.ts builds on Tensor, so this
 * file cannot import it; instead ops.ts hands its functions over once it is
 * loaded (installOperations, at its end). Keeping the imports one-way is what
 * lets the core be read top-down: shape, dtype, kernels → tensor → trace →
 * ops → eval, jvp, vjp, vmap → transforms.
 */
let ops: typeof Operations;

export function installOperations(operations: typeof Operations): void {
  ops = operations;
}

export type TensorLike = Tensor | number;

export abstract class Tensor {
  abstract get shape(): Shape;
  abstract get dtype(): DType;
  /** 0 for concrete tensors; the level of its trace for a tracer. */
  abstract get level(): number;
  /** The concrete value under any number of tracers. */
  abstract concrete(): ConcreteTensor;

  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }

  // ------------------------------------------------ reading values (any level)
  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`);
    return this.toTypedArray()[0]!;
  }
  /** The elements in row-major order, as a new typed array. */
  toTypedArray(): FloatArray {
    return toContiguous(this.concrete().data).slice();
  }
  /** The elements as nested JavaScript arrays (a number for rank 0). */
  toArray(): NestedArray {
    return nest(Array.from(this.toTypedArray()), this.shape);
  }
  /** The data as an ndarray (a view of this tensor's storage: do not mutate). */
  toNdarray(): NdArray<FloatArray> {
    return this.concrete().data;
  }
  toString(): string {
    const level = this.level > 0 ? `, traced at level ${this.level}` : '';
    return `Tensor(${JSON.stringify(this.toArray())}, shape=${formatShape(this.shape)}, dtype=${this.dtype}${level})`;
  }

  // ----------------------------------------------------------- elementwise
  add(other: TensorLike): Tensor { return ops.add(this, other); }
  sub(other: TensorLike): Tensor { return ops.sub(this, other); }
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  /** this ** exponent; a Tensor exponent is differentiated too (see ops.pow). */
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  square(): Tensor { return ops.square(this); }
  abs(): Tensor { return ops.abs(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(slope = 0.01): Tensor { return ops.leakyRelu(this, slope); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  greater(other: TensorLike): Tensor { return ops.greater(this, other); }
  greaterEqual(other: TensorLike): Tensor { return ops.greaterEqual(this, other); }
  less(other: TensorLike): Tensor { return ops.less(this, other); }
  lessEqual(other: TensorLike): Tensor { return ops.lessEqual(this, other); }
  equal(other: TensorLike): Tensor { return ops.equal(this, other); }
  notEqual(other: TensorLike): Tensor { return ops.notEqual(this, other); }

  // ------------------------------------------------------------- reductions
  sum(axes?: number | number[], keepdims = false): Tensor { return ops.sum(this, axes, keepdims); }
  mean(axes?: number | number[], keepdims = false): Tensor { return ops.mean(this, axes, keepdims); }
  max(axes?: number | number[], keepdims = false): Tensor { return ops.max(this, axes, keepdims); }
  min(axes?: number | number[], keepdims = false): Tensor { return ops.min(this, axes, keepdims); }
  prod(axes?: number | number[], keepdims = false): Tensor { return ops.prod(this, axes, keepdims); }
  logSumExp(axes?: number | number[], keepdims = false): Tensor { return ops.logSumExp(this, axes, keepdims); }
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }

  // ------------------------------------------------------------------ shape
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  flatten(): Tensor { return ops.reshape(this, [this.size]); }
  transpose(perm?: readonly number[]): Tensor { return ops.transpose(this, perm); }
  /** All axes reversed (NumPy's `.T`). */
  get T(): Tensor { return ops.transpose(this); }
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  slice(starts: readonly number[], ends?: readonly (number | undefined)[]): Tensor { return ops.slice(this, starts, ends); }
  index(i: number): Tensor { return ops.index(this, i); }
  gather(indices: ArrayLike<number>, axis = 0): Tensor { return ops.gather(this, indices, axis); }
  takeAlongAxis(indices: ArrayLike<number>): Tensor { return ops.takeAlongAxis(this, indices); }

  // ---------------------------------------------------------- linear algebra
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  dot(other: Tensor): Tensor { return ops.dot(this, other); }
  outer(other: Tensor): Tensor { return ops.outer(this, other); }

  // ------------------------------------------------------------------ other
  astype(dtype: DType): Tensor { return ops.astype(this, dtype); }
  stopGradient(): Tensor { return ops.stopGradient(this); }
}

/** A tensor that holds numbers. */
export class ConcreteTensor extends Tensor {
  constructor(readonly data: View) {
    super();
  }
  static fromFlat(data: FloatArray, shape: Shape): ConcreteTensor {
    return new ConcreteTensor(view(data, shape));
  }
  static fromNdarray(a: NdArray<FloatArray>): ConcreteTensor {
    return new ConcreteTensor(ndarray(a.data, [...a.shape], [...a.stride], a.offset));
  }
  get shape(): Shape {
    return this.data.shape;
  }
  get dtype(): DType {
    return dtypeOf(this.data.data);
  }
  get level(): number {
    return 0;
  }
  concrete(): ConcreteTensor {
    return this;
  }
}

/** An interpreter for primitives at one level of the transformation stack. */
export interface Trace {
  readonly level: number;
  /** Short name for messages, e.g. "jvp" or "vjp". */
  readonly kind: string;
  /** Wraps a value from a lower level as a tracer of this trace (a constant). */
  lift(x: Tensor): Tracer;
  /** Evaluates one primitive on tracers of this trace. */
  process<P extends Primitive>(prim: P, inputs: Tracer[], params: PrimitiveParams[P]): Tensor;
}

/** A tensor standing for a value during a transformation. */
export abstract class Tracer extends Tensor {
  abstract readonly trace: Trace;
  get level(): number {
    return this.trace.level;
  }
}

/**
 * A tracer that wraps a value of its own shape (jvp's and vjp's tracers):
 * the `primal` is the value itself, one level down, so shape, dtype and the
 * numbers are the primal's. (vmap's tracers are different: they wrap a value
 * with one more axis than the tensor they stand for.)
 */
export abstract class PrimalTracer extends Tracer {
  abstract readonly primal: Tensor;
  get shape(): Shape {
    return this.primal.shape;
  }
  get dtype(): DType {
    return this.primal.dtype;
  }
  concrete(): ConcreteTensor {
    return this.primal.concrete();
  }
}

export type NestedArray = number | NestedArray[];

function nest(flat: number[], shape: Shape): NestedArray {
  if (shape.length === 0) return flat[0]!;
  const [first, ...rest] = shape;
  const step = sizeOf(rest);
  return Array.from({ length: first! }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}
