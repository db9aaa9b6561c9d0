/**
 * Batching: vmap(f) is f applied to every slice of its arguments along one
 * axis, computed in one pass instead of a loop.
 *
 *     vmap(f)(X)[i] = f(X[i])        for X of shape [B, ...s]
 *
 * It is a transformation like jvp: f runs once, with BatchTracers, at a new
 * level of the interpreter stack. A BatchTracer stands for one slice (shape
 * s) but holds the whole batch (shape [B, ...s], with the batch axis at
 * `batchDim`, not necessarily first). When a primitive meets batched inputs,
 * its batching rule rewrites it into the same primitive (or a few) on the
 * whole batch: an elementwise op just runs on the bigger array; a sum over
 * axis a of the slice becomes a sum over the matching axis of the batch; a
 * matrix product x·W with a batch of x becomes one product with B·m rows.
 * Unbatched inputs (constants, or arguments mapped with `null`) have
 * batchDim null and are broadcast only where a rule needs it.
 *
 * Because the rules call `bind` on the values one level down, vmap composes
 * with every other transformation in both orders: vmap(grad(f)) gives
 * per-example gradients, grad of a function that uses vmap works, and
 * vmap(v ↦ hvp(f, x, v)) computes many Hessian-vector products with the
 * primal forward and backward pass done once.
 */
import { Tensor, Tracer, type ConcreteTensor, type Trace } from './tensor.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { bind, withNewLevel } from './trace.js';
import * as ops from './ops.js';
import { formatShape, type Shape } from './shape.js';

/** Where the batch axis of a value is; null for a value that is the same for every slice. */
type BatchDim = number | null;

export class BatchTracer extends Tracer {
  constructor(readonly trace: BatchTrace, readonly value: Tensor, readonly batchDim: BatchDim) {
    super();
  }
  /** The shape of one slice: the value's shape without the batch axis. */
  get shape(): Shape {
    const d = this.batchDim;
    return d === null ? this.value.shape : this.value.shape.filter((_, i) => i !== d);
  }
  get dtype(): Tensor['dtype'] {
    return this.value.dtype;
  }
  concrete(): ConcreteTensor {
    throw new Error(`vmap: a batched tensor of per-example shape ${formatShape(this.shape)} has no single value inside vmap; return it from the mapped function to read it`);
  }
}

export class BatchTrace implements Trace {
  readonly kind = 'vmap';
  constructor(readonly level: number, readonly size: number) {}

  lift(x: Tensor): BatchTracer {
    return new BatchTracer(this, x, null);
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: PrimitiveParams[P]): Tensor {
    const tracers = inputs as BatchTracer[];
    const values = tracers.map((t) => t.value);
    const dims = tracers.map((t) => t.batchDim);
    if (dims.every((d) => d === null)) return new BatchTracer(this, bind(prim, values, params), null);
    const [out, dim] = batchRules[prim](values, dims, params, this.size);
    return new BatchTracer(this, out, dim);
  }
}

/**
 * Maps batched inputs (at least one batchDim is not null) to the batched
 * output and its batch axis. `size` is the batch size B.
 */
export type BatchRule<P extends Primitive> = (values: Tensor[], dims: BatchDim[], params: PrimitiveParams[P], size: number) => [Tensor, BatchDim];

// ------------------------------------------------------------------ helpers

/** x with its axis `from` moved to position `to` (a free view: a transpose). */
function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return ops.transpose(x, perm);
}

/**
 * x with its batch axis at `to`: moved there, or, for an unbatched x,
 * created there by broadcasting (a view with stride 0, no copy).
 */
function batchAt(x: Tensor, dim: BatchDim, to: number, size: number): Tensor {
  if (dim !== null) return moveAxis(x, dim, to);
  const shape = [...x.shape];
  shape.splice(to, 0, 1);
  const target = [...x.shape];
  target.splice(to, 0, size);
  return ops.broadcastTo(ops.reshape(x, shape), target);
}

/** The batch axis of a batched value moved to the front. */
const atFront = (x: Tensor, dim: BatchDim, size: number): Tensor => batchAt(x, dim, 0, size);

/**
 * Elementwise primitives (their inputs have one shape): line the batch axes
 * up where the first batched input has its own, and apply the primitive once.
 */
function elementwise<P extends Primitive>(prim: P): BatchRule<P> {
  return (values, dims, params, size) => {
    const to = dims.find((d) => d !== null)!;
    return [bind(prim, values.map((x, i) => batchAt(x, dims[i]!, to, size)), params), to];
  };
}

/** The batched-array axis of the slice's axis a, when the batch axis is at d. */
const shifted = (a: number, d: number): number => (a < d ? a : a + 1);

/** sum, max and prod over axes of a slice: the same reduction over the matching axes of the batch. */
function reduction<P extends 'sum' | 'max' | 'prod'>(prim: P): BatchRule<P> {
  return ([x], [dim], params) => {
    const d = dim!;
    const { axes, keepdims } = params as PrimitiveParams['sum'];
    const out = bind(prim, [x!], { axes: axes.map((a) => shifted(a, d)), keepdims } as PrimitiveParams[P]);
    return [out, keepdims ? d : d - axes.filter((a) => a < d).length];
  };
}

/** Shape primitives: move the batch axis to the front and prepend it to the parameters. */
function withLeadingBatch<P extends Primitive>(prim: P, lift: (params: PrimitiveParams[P], size: number) => PrimitiveParams[P]): BatchRule<P> {
  return ([x], [dim], params, size) => [bind(prim, [atFront(x!, dim!, size)], lift(params, size)), 0];
}

/** Below this many columns per slice, a batched right operand is folded into the columns (a copy) rather than stacked. */
const FOLD_COLUMNS_BELOW = 32;

/**
 * Matrix products. A slice's product is [m, k]·[k, n] (or a stack of them,
 * [b, m, k]·[b, k, n]). With only the left operand batched, the batch is
 * folded into its rows: one product with B·m rows. With only the right one
 * batched and few columns (a matrix times a vector), into its columns: one
 * product with B·n columns. Otherwise the batch becomes a stack of B
 * products (the unbatched operand is broadcast: a view, no copy), which
 * keeps the batch axis first. Every entry of the result is
 * summed in the same order as in one slice's product, so vmap of a product
 * equals the loop exactly.
 */
const matmulRule: BatchRule<'matmul'> = ([A, B], dims, _, size) => {
  const [da, db] = [dims[0]!, dims[1]!];
  if (A === undefined || B === undefined) throw new Error('matmul: two operands expected');
  const sliceRank = da === null ? A.rank : A.rank - 1;
  if (sliceRank === 2 && db === null) {
    // [B, m, k] or [m, B, k] → rows (B·m or m·B) · [k, n]
    const x = da === 2 ? moveAxis(A, 2, 0) : A;
    const d = da === 2 ? 0 : da!;
    const [p, q, k] = x.shape as [number, number, number];
    const product = bind('matmul', [ops.reshape(x, [p * q, k]), B], {});
    return [ops.reshape(product, [p, q, B.shape[1]!]), d];
  }
  if (sliceRank === 2 && da === null && B.shape[db === 2 ? 1 : 2]! < FOLD_COLUMNS_BELOW) {
    // matrix-vector-like products (few columns per slice): fold the batch
    // into the columns, [k, B, n] → [k, B·n], one product instead of B tiny ones
    const y = db === 1 ? B : moveAxis(B, db!, 1);
    const [k, p, q] = y.shape as [number, number, number];
    const product = bind('matmul', [A, ops.reshape(y, [k, p * q])], {});
    return [ops.reshape(product, [A.shape[0]!, p, q]), 1];
  }
  const x = atFront(A, da, size);
  const y = atFront(B, db, size);
  if (sliceRank === 2) return [bind('matmul', [x, y], {}), 0];
  // stacks of products: fold the batch into the stack
  const [, s, m, k] = x.shape as [number, number, number, number];
  const n = y.shape[3]!;
  const product = bind('matmul', [ops.reshape(x, [size * s, m, k]), ops.reshape(y, [size * s, k, n])], {});
  return [ops.reshape(product, [size, s, m, n]), 0];
};

// --------------------------------------------------------------- the rules

export const batchRules: { [P in Primitive]: BatchRule<P> } = {
  neg: elementwise('neg'),
  exp: elementwise('exp'),
  log: elementwise('log'),
  tanh: elementwise('tanh'),
  sin: elementwise('sin'),
  cos: elementwise('cos'),
  pow: elementwise('pow'),
  add: elementwise('add'),
  sub: elementwise('sub'),
  mul: elementwise('mul'),
  div: elementwise('div'),
  powTensor: elementwise('powTensor'),
  compare: elementwise('compare'),
  where: elementwise('where'),
  sum: reduction('sum'),
  max: reduction('max'),
  prod: reduction('prod'),
  reshape: withLeadingBatch('reshape', ({ shape }, size) => ({ shape: [size, ...shape] })),
  transpose: withLeadingBatch('transpose', ({ perm }) => ({ perm: [0, ...perm.map((p) => p + 1)] })),
  broadcastTo: ([x], dims, { shape }, size) => {
    // [B, ...s] → [B, 1, …, 1, ...s] → [B, ...shape]
    const front = atFront(x!, dims[0]!, size);
    const slice = front.shape.slice(1);
    const padded = [size, ...new Array<number>(shape.length - slice.length).fill(1), ...slice];
    return [ops.broadcastTo(ops.reshape(front, padded), [size, ...shape]), 0];
  },
  slice: withLeadingBatch('slice', ({ starts, ends }, size) => ({ starts: [0, ...starts], ends: [size, ...ends] })),
  pad: withLeadingBatch('pad', ({ before, after }) => ({ before: [0, ...before], after: [0, ...after] })),
  concatenate: (values, dims, { axis }, size) => [bind('concatenate', values.map((x, i) => atFront(x, dims[i]!, size)), { axis: axis + 1 }), 0],
  gather: withLeadingBatch('gather', (params) => ({ ...params, axis: params.axis + 1 })),
  scatterAdd: withLeadingBatch('scatterAdd', (params) => ({ ...params, axis: params.axis + 1 })),
  matmul: matmulRule,
  astype: elementwise('astype'),
  stopGradient: elementwise('stopGradient'),
};

// ------------------------------------------------------------ the transform

/** Where each argument's batch axis is: one number for all, null for "not mapped", or one entry per argument. */
export type InAxes = number | null | readonly (number | null)[];

type MapOutput = Tensor | Tensor[];

/** The batch axis of each output, normalised against its rank. */
function outputAxis(axis: number | null, rank: number, which: string): number | null {
  if (axis === null) return null;
  if (!Number.isInteger(axis) || axis < -rank - 1 || axis > rank) throw new Error(`vmap: outAxes ${axis} is out of range for ${which} of rank ${rank} (allowed ${-rank - 1} to ${rank})`);
  return axis < 0 ? axis + rank + 1 : axis;
}

/** Finishes one output: the batch axis put where outAxes asks. */
function finishOutput(result: Tensor, trace: BatchTrace, axis: number | null, which: string): Tensor {
  if (!(result instanceof Tensor)) throw new Error(`vmap: the function must return a Tensor or an array of Tensors; ${which} is ${typeof result}`);
  const ours = result instanceof BatchTracer && result.trace === trace;
  const value = ours ? result.value : result;
  const dim = ours ? result.batchDim : null;
  const to = outputAxis(axis, result.rank, which);
  if (to === null) {
    if (dim !== null) throw new Error(`vmap: outAxes is null for ${which}, but it differs between slices`);
    return value;
  }
  return batchAt(value, dim, to, trace.size);
}

/**
 * Vectorising map: returns a function that applies f to every slice of its
 * arguments along `inAxes` (default 0; null leaves an argument unmapped) and
 * stacks the results along `outAxes` (default 0). Like JAX's vmap.
 */
export function vmap<R extends MapOutput>(
  f: (...xs: Tensor[]) => R,
  inAxes: InAxes = 0,
  outAxes: number | null | readonly (number | null)[] = 0,
): (...args: Tensor[]) => R {
  return (...args: Tensor[]): R => {
    if (Array.isArray(inAxes) && inAxes.length !== args.length) throw new Error(`vmap: inAxes has ${inAxes.length} entries but the function got ${args.length} argument(s)`);
    const axes = args.map((x, i): number | null => {
      if (!(x instanceof Tensor)) throw new Error(`vmap: argument ${i} must be a Tensor, got ${typeof x}`);
      const axis = Array.isArray(inAxes) ? (inAxes as (number | null)[])[i]! : (inAxes as number | null);
      if (axis === null) return null;
      if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
        throw new Error(`vmap: inAxes ${axis} is out of range for argument ${i} of shape ${formatShape(x.shape)} (allowed ${-x.rank} to ${x.rank - 1}, or null)`);
      }
      return axis < 0 ? axis + x.rank : axis;
    });
    const mapped = axes.flatMap((a, i) => (a === null ? [] : [[i, args[i]!.shape[a]!] as const]));
    if (mapped.length === 0) throw new Error('vmap: no argument is mapped (every inAxes entry is null)');
    const size = mapped[0]![1];
    const clash = mapped.find(([, n]) => n !== size);
    if (clash) throw new Error(`vmap: mapped axes differ in size: argument ${mapped[0]![0]} has ${size} along its axis, argument ${clash[0]} has ${clash[1]}`);

    return withNewLevel((level) => {
      const trace = new BatchTrace(level, size);
      const result = f(...args.map((x, i) => (axes[i] === null ? x : new BatchTracer(trace, x, axes[i]!))));
      if (Array.isArray(result)) {
        if (Array.isArray(outAxes) && outAxes.length !== result.length) throw new Error(`vmap: outAxes has ${outAxes.length} entries but the function returned ${result.length} outputs`);
        return result.map((r: Tensor, i) => finishOutput(r, trace, Array.isArray(outAxes) ? outAxes[i]! : (outAxes as number | null), `output ${i}`)) as R;
      }
      if (Array.isArray(outAxes)) throw new Error('vmap: outAxes is an array but the function returned a single Tensor');
      return finishOutput(result as Tensor, trace, outAxes as number | null, 'the output') as R;
    });
  };
}
