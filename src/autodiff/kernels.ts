/**
 * Array kernels: the plain loops that evaluate primitives on concrete data.
 *
 * Data lives in ndarray views ({data, shape, stride, offset}), so transpose,
 * broadcastTo and slice cost nothing: they only change strides. Kernels that
 * need row-major data call `toContiguous` first (a copy only when the view is
 * not already a plain row-major array). Results are always row-major arrays
 * that no other value uses: new ones, or ones an evaluator gave back to the
 * active buffer pool (buffer-pool.ts). Matrix products go to the selected
 * backend (backend.ts).
 *
 * These loops know nothing about derivatives; see eval.ts for the table that
 * maps each primitive to its kernel.
 */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { dtypeOf, type DType, type FloatArray } from './dtype.js';
import { allocateOutput, allocateZeros, giveBackUnused } from './buffer-pool.js';
import { contiguousStrides, sizeOf, type Shape } from './shape.js';
import type { Comparison } from './primitives.js';
import { getBackend, type RowOperand } from './backend.js';

export type View = NdArray<FloatArray>;

export function view(data: FloatArray, shape: Shape): View {
  return ndarray(data, [...shape], contiguousStrides(shape), 0);
}

/** True when the view is exactly its whole buffer in row-major order. */
export function isPlainRowMajor(x: View): boolean {
  if (x.offset !== 0 || x.data.length !== x.size) return false;
  const expected = contiguousStrides(x.shape);
  return x.shape.every((d, i) => d === 1 || x.stride[i] === expected[i]);
}

/**
 * Copies the elements of `src` into `dst` (same shape, any strides), walking
 * all axes but the last with a counter and the last one in a tight loop.
 */
export function copyInto(src: View, dst: View): void {
  const shape = src.shape;
  const n = sizeOf(shape);
  if (n === 0) return;
  const rank = shape.length;
  const s = src.data;
  const d = dst.data;
  if (rank === 0) {
    d[dst.offset] = s[src.offset]!;
    return;
  }
  const last = rank - 1;
  const len = shape[last]!;
  const ss = src.stride[last]!;
  const ds = dst.stride[last]!;
  const counter = new Array<number>(rank).fill(0);
  let sBase = src.offset;
  let dBase = dst.offset;
  for (let row = n / len; row > 0; row--) {
    for (let j = 0, sp = sBase, dp = dBase; j < len; j++, sp += ss, dp += ds) d[dp] = s[sp]!;
    for (let ax = last - 1; ax >= 0; ax--) {
      counter[ax]!++;
      sBase += src.stride[ax]!;
      dBase += dst.stride[ax]!;
      if (counter[ax]! < shape[ax]!) break;
      sBase -= src.stride[ax]! * shape[ax]!;
      dBase -= dst.stride[ax]! * shape[ax]!;
      counter[ax] = 0;
    }
  }
}

/** The view's elements as a row-major array (no copy when already plain). */
export function toContiguous(x: View): FloatArray {
  if (isPlainRowMajor(x)) return x.data;
  const out = allocateOutput(dtypeOf(x.data), x.size);
  copyInto(x, view(out, x.shape));
  return out;
}

// ---------------------------------------------------------------- elementwise

/** For the `default` of a switch that covers every case: a missing case is a compile error here. */
function unreachable(value: never, what: string): never {
  throw new Error(`kernels: unknown ${what} ${JSON.stringify(value)}`);
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sin' | 'cos';

export function unary(op: UnaryOp, x: View): View {
  const a = toContiguous(x);
  const out = allocateOutput(dtypeOf(a), a.length);
  const n = a.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -a[i]!; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]!); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(a[i]!); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]!); break;
    case 'sin': for (let i = 0; i < n; i++) out[i] = Math.sin(a[i]!); break;
    case 'cos': for (let i = 0; i < n; i++) out[i] = Math.cos(a[i]!); break;
    default: unreachable(op, 'unary op');
  }
  return view(out, x.shape);
}

export function power(x: View, exponent: number): View {
  const a = toContiguous(x);
  const out = allocateOutput(dtypeOf(a), a.length);
  if (exponent === 2) for (let i = 0; i < a.length; i++) out[i] = a[i]! * a[i]!;
  else if (exponent === 0.5) for (let i = 0; i < a.length; i++) out[i] = Math.sqrt(a[i]!);
  else if (exponent === -1) for (let i = 0; i < a.length; i++) out[i] = 1 / a[i]!;
  else for (let i = 0; i < a.length; i++) out[i] = a[i]! ** exponent;
  return view(out, x.shape);
}

/** `pow` is x ** y with a tensor exponent (the powTensor primitive). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

/**
 * How to read a (possibly broadcast) operand without copying it, as runs of
 * `run` elements: a run starts at `start(r)` and advances by `step` (1, or 0
 * for a value repeated along the run). Broadcasting a bias [c] to [n, c]
 * gives n runs of c reading the same c numbers; a column [n, 1] broadcast to
 * [n, c] gives n runs of c repeating one number. Anything else is copied to
 * row-major order once.
 */
interface Runs {
  data: FloatArray;
  run: number;
  step: number;
  start: (r: number) => number;
}

function asRuns(x: View): Runs {
  const { shape, stride, offset, data } = x;
  const n = x.size;
  if (isPlainRowMajor(x)) return { data, run: n, step: 1, start: () => 0 };
  // Split the axes where leading ones stop being broadcast (stride 0) and trailing ones are row-major.
  const rank = shape.length;
  const tail = rowMajorTailStart(shape, stride);
  const block = sizeOf(shape.slice(tail));
  if (shape.slice(0, tail).every((d, i) => d === 1 || stride[i] === 0)) {
    // a contiguous block tiled n / block times
    if (block === 1) return { data, run: n, step: 0, start: () => offset }; // one number everywhere
    return { data, run: block, step: 1, start: () => offset };
  }
  // leading axes row-major, trailing ones broadcast: each element repeated `repeat` times
  let k = 0;
  while (k < rank && (shape[k] === 1 || stride[k] !== 0)) k++;
  const lead = shape.slice(0, k);
  const leadStrides = contiguousStrides(lead);
  if (shape.slice(k).every((d, i) => d === 1 || stride[k + i] === 0) && lead.every((d, i) => d === 1 || stride[i] === leadStrides[i])) {
    const repeat = sizeOf(shape.slice(k));
    return { data, run: repeat, step: 0, start: (r) => offset + r };
  }
  // Any other view whose innermost axes are row-major: read that block in
  // order, and find where each block starts from the outer axes' strides.
  if (block >= MIN_STRIDED_RUN) {
    const outerShape = shape.slice(0, tail);
    const outerStride = stride.slice(0, tail);
    return {
      data,
      run: block,
      step: 1,
      start: (r) => {
        let at = offset;
        for (let i = tail - 1; i >= 0; i--) {
          const d = outerShape[i]!;
          at += (r % d) * outerStride[i]!;
          r = Math.floor(r / d);
        }
        return at;
      },
    };
  }
  return { data: toContiguous(x), run: n, step: 1, start: () => 0 };
}

/** Shorter row-major blocks than this are copied instead (the per-block bookkeeping would cost more). */
const MIN_STRIDED_RUN = 16;

/** The first of the trailing axes that together are row-major (size-1 axes count as row-major). */
function rowMajorTailStart(shape: Shape, stride: readonly number[]): number {
  let k = shape.length;
  let expected = 1;
  while (k > 0 && (shape[k - 1] === 1 || stride[k - 1] === expected)) {
    expected *= shape[k - 1]!;
    k--;
  }
  return k;
}

/** Reads two operands run by run; calls `segment` for stretches where both advance uniformly. */
function forEachSegment(
  a: Runs, b: Runs, n: number,
  segment: (outStart: number, ai: number, aStep: number, bi: number, bStep: number, len: number) => void,
): void {
  if (n === 0) return;
  const len = gcdRun(a.run, b.run);
  for (let o = 0; o < n; o += len) {
    const ar = Math.floor(o / a.run);
    const br = Math.floor(o / b.run);
    const ai = a.start(ar) + (a.step === 0 ? 0 : o - ar * a.run);
    const bi = b.start(br) + (b.step === 0 ? 0 : o - br * b.run);
    segment(o, ai, a.step, bi, b.step, len);
  }
}

/** The longest stretch over which both operands advance uniformly: a run length dividing both. */
function gcdRun(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * How a backend's binaryRows kernel (backend.ts) would read an operand: all
 * of it in row-major order from its offset ('full'), one row of `cols`
 * numbers repeated over the leading axes ('row', a broadcast bias), or one
 * number per row repeated along the trailing `cols` ('each'; all axes
 * broadcast: one number, cols = 0 meaning "any"). Undefined for any other view.
 */
function rowOperand(x: View): (RowOperand & { cols: number }) | undefined {
  const { shape, stride, offset, data } = x;
  const broadcast = (from: number, to: number): boolean => shape.slice(from, to).every((d, i) => d === 1 || stride[from + i] === 0);
  const tail = rowMajorTailStart(shape, stride);
  if (tail === 0) return { data, offset, mode: 'full', cols: 0 };
  if (broadcast(0, shape.length)) return { data, offset, mode: 'each', cols: 0 };
  if (broadcast(0, tail)) return { data, offset, mode: 'row', cols: sizeOf(shape.slice(tail)) };
  let lead = 0;
  while (lead < shape.length && (shape[lead] === 1 || stride[lead] !== 0)) lead++;
  if (broadcast(lead, shape.length) && rowMajorTailStart(shape.slice(0, lead), stride.slice(0, lead)) === 0) {
    return { data, offset, mode: 'each', cols: sizeOf(shape.slice(lead)) };
  }
  return undefined;
}

/**
 * out = x ∘ y on the backend's binaryRows kernel when it has one and takes
 * the operands (one of them read whole, the other whole, as a broadcast row
 * or as one number per row); false to compute it here.
 */
function backendBinary(op: BinaryOp, x: View, y: View, out: FloatArray): boolean {
  const backend = getBackend();
  if (backend.binaryRows === undefined || (op !== 'add' && op !== 'sub' && op !== 'mul')) return false;
  const a = rowOperand(x);
  const b = rowOperand(y);
  if (a === undefined || b === undefined) return false;
  const n = out.length;
  let cols: number;
  if (a.mode === 'full' && b.mode === 'full') cols = n;
  else if (a.mode === 'full') cols = b.cols === 0 || b.cols === n ? n : b.cols;
  else if (b.mode === 'full') cols = a.cols === 0 || a.cols === n ? n : a.cols;
  else return false;
  // one number for everything: a single row of it
  const rows = n / cols;
  const single = (o: RowOperand & { cols: number }): RowOperand => ({ data: o.data, offset: o.offset, mode: o.mode === 'row' && rows === 1 ? 'full' : o.mode });
  return backend.binaryRows({ op, dtype: dtypeOf(out), a: single(a), b: single(b), out, rows, cols });
}

export function binary(op: BinaryOp, x: View, y: View): View {
  const n = x.size;
  const out = allocateOutput(dtypeOf(x.data), n);
  if (n > 0 && backendBinary(op, x, y, out)) return view(out, x.shape);
  if (isPlainRowMajor(x) && isPlainRowMajor(y)) {
    // The common case (same shape, both row-major): one plain loop per op.
    const a = x.data;
    const b = y.data;
    switch (op) {
      case 'add': for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!; break;
      case 'sub': for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!; break;
      case 'mul': for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!; break;
      case 'div': for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!; break;
      case 'pow': for (let i = 0; i < n; i++) out[i] = a[i]! ** b[i]!; break;
      default: unreachable(op, 'binary op');
    }
    return view(out, x.shape);
  }
  const A = asRuns(x);
  const B = asRuns(y);
  const a = A.data;
  const b = B.data;
  forEachSegment(A, B, n, (o, ai, as, bi, bs, len) => {
    const end = o + len;
    switch (op) {
      case 'add': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! + b[bi]!; break;
      case 'sub': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! - b[bi]!; break;
      case 'mul': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! * b[bi]!; break;
      case 'div': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! / b[bi]!; break;
      case 'pow': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! ** b[bi]!; break;
      default: unreachable(op, 'binary op');
    }
  });
  return view(out, x.shape);
}

export function compare(op: Comparison, x: View, y: View): View {
  const n = x.size;
  const out = allocateOutput(dtypeOf(x.data), n);
  const A = asRuns(x);
  const B = asRuns(y);
  const a = A.data;
  const b = B.data;
  forEachSegment(A, B, n, (o, ai, as, bi, bs, len) => {
    const end = o + len;
    switch (op) {
      case 'greater': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! > b[bi]! ? 1 : 0; break;
      case 'heaviside': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! > b[bi]! ? 1 : a[ai]! === b[bi]! ? 0.5 : 0; break;
      case 'greaterEqual': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! >= b[bi]! ? 1 : 0; break;
      case 'less': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! < b[bi]! ? 1 : 0; break;
      case 'lessEqual': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! <= b[bi]! ? 1 : 0; break;
      case 'equal': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! === b[bi]! ? 1 : 0; break;
      case 'notEqual': for (let i = o; i < end; i++, ai += as, bi += bs) out[i] = a[ai]! !== b[bi]! ? 1 : 0; break;
      default: unreachable(op, 'comparison');
    }
  });
  return view(out, x.shape);
}

export function where(cond: View, x: View, y: View): View {
  const c = toContiguous(cond);
  const a = toContiguous(x);
  const b = toContiguous(y);
  const out = allocateOutput(dtypeOf(a), a.length);
  for (let i = 0; i < out.length; i++) out[i] = c[i]! !== 0 ? a[i]! : b[i]!;
  return view(out, x.shape);
}

// ----------------------------------------------------------------- reductions

export type ReduceOp = 'sum' | 'max' | 'prod';

/**
 * Reduces `axes` with sum, max or product. The reduced axes are moved to the
 * end (a free transpose), the data made row-major, and each contiguous block
 * of `inner` numbers folded into one. An empty block gives the identity of
 * the fold: 0 for sum, 1 for product, −∞ for max.
 */
export function reduce(kind: ReduceOp, x: View, axes: readonly number[], outShape: Shape): View {
  if (kind === 'sum') {
    const columns = backendColumnSums(x, axes, outShape);
    if (columns !== undefined) return columns;
  }
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = x.transpose(...keep, ...axes);
  const a = toContiguous(moved);
  const inner = axes.reduce((p, ax) => p * x.shape[ax]!, 1);
  const outer = inner === 0 ? sizeOf(keep.map((i) => x.shape[i]!)) : a.length / inner;
  const out = allocateOutput(dtypeOf(a), outer);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    switch (kind) {
      case 'sum': {
        let s = 0;
        for (let j = 0; j < inner; j++) s += a[base + j]!;
        out[o] = s;
        break;
      }
      case 'prod': {
        let p = 1;
        for (let j = 0; j < inner; j++) p *= a[base + j]!;
        out[o] = p;
        break;
      }
      case 'max': {
        let m = -Infinity;
        for (let j = 0; j < inner; j++) {
          const v = a[base + j]!;
          if (v > m || Number.isNaN(v)) m = v;
          if (Number.isNaN(m)) break;
        }
        out[o] = m;
        break;
      }
      default: unreachable(kind, 'reduction');
    }
  }
  return view(out, outShape);
}

/**
 * A sum over the leading axes of a row-major view (a batch's column sums:
 * the same sums in the same order as the loop above) on the backend's
 * sumColumns kernel, when it has one and takes them; else undefined.
 */
function backendColumnSums(x: View, axes: readonly number[], outShape: Shape): View | undefined {
  const backend = getBackend();
  if (backend.sumColumns === undefined || axes.length === 0 || rowMajorTailStart(x.shape, x.stride) !== 0) return undefined;
  const sorted = [...axes].sort((p, q) => p - q);
  if (!sorted.every((ax, i) => ax === i)) return undefined;
  const rows = sizeOf(x.shape.slice(0, sorted.length));
  const cols = sizeOf(x.shape.slice(sorted.length));
  if (rows === 0 || cols === 0) return undefined;
  const out = allocateOutput(dtypeOf(x.data), cols);
  if (!backend.sumColumns({ dtype: dtypeOf(x.data), a: x.data, offset: x.offset, rows, cols, out })) {
    giveBackUnused(out);
    return undefined;
  }
  return view(out, outShape);
}

// ---------------------------------------------------------------------- shape

/**
 * A new shape for the same elements. When it only inserts or removes axes of
 * size 1, it is a view (the other axes keep their strides), which keeps a
 * broadcast or transposed view uncopied; otherwise the data is made
 * row-major first.
 */
export function reshape(x: View, shape: Shape): View {
  const kept = x.shape.flatMap((d, i) => (d === 1 ? [] : [i]));
  const target = shape.filter((d) => d !== 1);
  if (target.length === kept.length && target.every((d, j) => d === x.shape[kept[j]!])) {
    let j = 0;
    const stride = shape.map((d) => (d === 1 ? 0 : x.stride[kept[j++]!]!));
    return ndarray(x.data, [...shape], stride, x.offset);
  }
  return view(toContiguous(x), shape);
}

/** A zero-copy view with stride 0 along broadcast axes. */
export function broadcastTo(x: View, shape: Shape): View {
  const lead = shape.length - x.shape.length;
  const stride = shape.map((d, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead]!;
    return own === 1 && d !== 1 ? 0 : x.stride[i - lead]!;
  });
  return ndarray(x.data, [...shape], stride, x.offset);
}

export function slice(x: View, starts: readonly number[], ends: readonly number[]): View {
  return x.hi(...ends).lo(...starts);
}

export function pad(x: View, before: readonly number[], after: readonly number[]): View {
  const shape = x.shape.map((d, i) => d + before[i]! + after[i]!);
  const out = allocateZeros(dtypeOf(x.data), sizeOf(shape));
  const target = view(out, shape).hi(...shape.map((d, i) => d - after[i]!)).lo(...before);
  copyInto(x, target);
  return view(out, shape);
}

export function concatenate(xs: readonly View[], axis: number): View {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
  const out = view(allocateOutput(dtypeOf(first.data), sizeOf(shape)), shape);
  let at = 0;
  for (const x of xs) {
    const starts = shape.map((_, i) => (i === axis ? at : 0));
    const ends = shape.map((d, i) => (i === axis ? at + x.shape[axis]! : d));
    copyInto(x, slice(out, starts, ends));
    at += x.shape[axis]!;
  }
  return out;
}

/** Splits a shape around `axis` into (outer, size, inner) element counts. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

export function gather(x: View, indices: Int32Array, axis: number, outShape: Shape): View {
  const a = toContiguous(x);
  const [outer, size, inner] = around(x.shape, axis);
  const out = allocateOutput(dtypeOf(a), sizeOf(outShape));
  const k = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * size + indices[j]!) * inner;
      const dst = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = a[src + i]!;
    }
  }
  return view(out, outShape);
}

export function scatterAdd(x: View, indices: Int32Array, axis: number, axisSize: number, outShape: Shape): View {
  const a = toContiguous(x);
  const k = indices.length;
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const out = allocateZeros(dtypeOf(a), sizeOf(outShape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const dst = (o * axisSize + indices[j]!) * inner;
      const src = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += a[src + i]!;
    }
  }
  return view(out, outShape);
}

export function astype(x: View, dtype: DType): View {
  const out = allocateOutput(dtype, x.size);
  copyInto(x, view(out, x.shape));
  return view(out, x.shape);
}

// ------------------------------------------------------------- linear algebra

/**
 * A 2-D operand for the backend: its row-major data and whether it is stored
 * transposed. A transposed row-major array (the usual result of `.T`) is
 * passed as is, with the flag set, instead of being copied.
 */
function matrixOperand(x: View): { data: FloatArray; transposed: boolean } {
  if (isPlainRowMajor(x)) return { data: x.data, transposed: false };
  const t = x.transpose(1, 0);
  if (isPlainRowMajor(t)) return { data: t.data, transposed: true };
  return { data: toContiguous(x), transposed: false };
}

function matmul2d(a: View, b: View): FloatArray {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const A = matrixOperand(a);
  const B = matrixOperand(b);
  const dtype = dtypeOf(a.data);
  const out = allocateOutput(dtype, m * n);
  const c = getBackend().matmul({ a: A.data, b: B.data, m, k, n, transA: A.transposed, transB: B.transposed, dtype, out });
  // an operand copied to row-major order is dead now: the active pool may hand it out again
  if (A.data !== a.data) giveBackUnused(A.data);
  if (B.data !== b.data) giveBackUnused(B.data);
  return c;
}

export function matmul(a: View, b: View): View {
  if (a.shape.length === 2) return view(matmul2d(a, b), [a.shape[0]!, b.shape[1]!]);
  const [batch, m] = a.shape as [number, number];
  const n = b.shape[2]!;
  const out = allocateOutput(dtypeOf(a.data), batch * m * n);
  for (let i = 0; i < batch; i++) out.set(matmul2d(a.pick(i, null, null), b.pick(i, null, null)), i * m * n);
  return view(out, [batch, m, n]);
}
