/**
 * The operations users call, as functions (`add(x, y)`); Tensor's methods call
 * these. Each one checks its arguments (errors name the op and the shapes),
 * applies NumPy broadcasting by inserting `broadcastTo`, and then binds
 * primitives. Operations that are not primitives — relu, sigmoid, abs,
 * maximum, mean, softmax, logSumExp, cross-entropy, matmul of any rank — are
 * composed here from primitives, so they are differentiable to any order
 * without rules of their own.
 *
 * Ties and kinks, one convention: where a function has a kink (relu, abs,
 * leaky relu at 0) or a tie (maximum(a, b) at a = b; several equal entries of
 * a max or min reduction), its derivative is the midpoint of the one-sided
 * derivatives, as JAX does for maximum and max: relu′(0) = ½, abs′(0) = 0,
 * leakyRelu′(0) = (1 + slope)/2, maximum and minimum give ½ to each tied
 * operand, and a max/min reduction splits the derivative equally among its
 * tied entries. Forms composed from these then agree with each other: the
 * derivative of relu(x) + log(1 + e^(−|x|)) (softplus) at 0 is ½, its
 * derivative as a smooth function. The masks that pick the side ([x > 0],
 * [x = 0]) come from comparisons, which are constants to every derivative, so
 * second derivatives away from the kinks are untouched.
 */
import { ConcreteTensor, Tensor, installOperations, type TensorLike } from './tensor.js';
import { bind } from './trace.js';
import './eval.js'; // installs the level-0 interpreter that evaluates primitives on numbers
import * as operations from './ops.js';
import { allocate, type DType } from './dtype.js';
import type { Comparison } from './primitives.js';
import { broadcastShapes, checkShape, formatShape, normalizeAxes, reducedShape, shapesEqual, sizeOf } from './shape.js';

// ------------------------------------------------------------------ helpers

/** A scalar tensor of the given dtype. */
export function scalar(value: number, dtype: DType = 'float64'): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return ConcreteTensor.fromFlat(data, []);
}

function describe(x: TensorLike): string {
  return typeof x === 'number' ? `number ${x}` : `${formatShape(x.shape)} ${x.dtype}`;
}

/** Two operands as tensors of one dtype, broadcast to a common shape. */
function broadcastPair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${op}: at least one operand must be a Tensor, got two numbers`);
  const ta = typeof a === 'number' ? scalar(a, (b as Tensor).dtype) : a;
  const tb = typeof b === 'number' ? scalar(b, ta.dtype) : b;
  if (ta.dtype !== tb.dtype) throw new Error(`${op}: dtypes differ (${describe(ta)} and ${describe(tb)}); convert one with astype`);
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  return [broadcastTo(ta, shape), broadcastTo(tb, shape)];
}

function checkTensor(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof x === 'object' ? String(x) : typeof x}`);
  return x;
}

// ---------------------------------------------------------------- elementwise

export function add(a: TensorLike, b: TensorLike): Tensor {
  return bind('add', broadcastPair('add', a, b), {});
}
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return bind('sub', broadcastPair('sub', a, b), {});
}
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return bind('mul', broadcastPair('mul', a, b), {});
}
export function div(a: TensorLike, b: TensorLike): Tensor {
  return bind('div', broadcastPair('div', a, b), {});
}
export function neg(x: Tensor): Tensor {
  return bind('neg', [checkTensor('neg', x)], {});
}
export function exp(x: Tensor): Tensor {
  return bind('exp', [checkTensor('exp', x)], {});
}
export function log(x: Tensor): Tensor {
  return bind('log', [checkTensor('log', x)], {});
}
export function tanh(x: Tensor): Tensor {
  return bind('tanh', [checkTensor('tanh', x)], {});
}
export function sin(x: Tensor): Tensor {
  return bind('sin', [checkTensor('sin', x)], {});
}
export function cos(x: Tensor): Tensor {
  return bind('cos', [checkTensor('cos', x)], {});
}

/**
 * x ** exponent. A number exponent is a constant (the `pow` primitive; x ** 1
 * is x itself, and x ** 0 is 1 with derivative exactly 0, even at x = 0). A
 * Tensor exponent is differentiated too (the `powTensor` primitive; x and the
 * exponent broadcast together, and x may then be a number, as in pow(2, y)):
 *
 *   ∂/∂x x^y = y·x^(y−1)   (exactly 0 where y = 0, even at x = 0)
 *   ∂/∂y x^y = x^y·log x   (taken as 0 at x = 0)
 *
 * Domain: for x < 0, x^y is real only for integer y (otherwise NaN, as
 * Math.pow gives), and it is not differentiable in y there: ∂/∂y is NaN. At
 * x = 0, 0^y is 0 for y > 0, 1 for y = 0 and ∞ for y < 0; ∂/∂x follows the
 * formula (0 for y > 1, 1 for y = 1, ∞ for 0 < y < 1) and ∂/∂y is 0 by
 * convention (JAX's choice), although 0^y is not differentiable in y at y = 0.
 */
export function pow(x: TensorLike, exponent: TensorLike): Tensor {
  if (typeof exponent !== 'number') {
    if (!(exponent instanceof Tensor)) throw new Error(`pow: the exponent must be a number or a Tensor, got ${String(exponent)}`);
    return bind('powTensor', broadcastPair('pow', x, exponent), {});
  }
  const base = checkTensor('pow', x);
  if (!Number.isFinite(exponent)) throw new Error(`pow: a number exponent must be finite, got ${String(exponent)}`);
  if (exponent === 1) return base;
  return bind('pow', [base], { exponent });
}
export function sqrt(x: Tensor): Tensor {
  return pow(x, 0.5);
}
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}

function compare(op: Comparison, a: TensorLike, b: TensorLike): Tensor {
  return bind('compare', broadcastPair(op, a, b), { op });
}
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare('greaterEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare('lessEqual', a, b);
export const equal = (a: TensorLike, b: TensorLike): Tensor => compare('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare('notEqual', a, b);
/** The step H(a − b) with H(0) = ½: 1 where a > b, ½ where a = b, 0 where a < b (NaN gives 0). */
export const heaviside = (a: TensorLike, b: TensorLike): Tensor => compare('heaviside', a, b);

/** a where cond ≠ 0, b elsewhere; the three broadcast together. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', cond);
  const [ta, tb] = broadcastPair('where', a, b);
  const shape = broadcastShapes('where', cond.shape, ta.shape);
  const c = cond.dtype === ta.dtype ? cond : astype(cond, ta.dtype);
  return bind('where', [broadcastTo(c, shape), broadcastTo(ta, shape), broadcastTo(tb, shape)], {});
}

/**
 * max(x, 0), written as x · H(x) with H the Heaviside step, H(0) = ½: H is a
 * comparison, a constant to every derivative, so relu′ is H itself (½ at 0,
 * the midpoint convention above), at the cost of one comparison and one
 * product.
 */
export function relu(x: Tensor): Tensor {
  return mul(x, heaviside(x, 0));
}
/**
 * x for x > 0, slope·x otherwise: x times the mask [x > 0] + slope·[x < 0] +
 * ½(1 + slope)·[x = 0], so its derivative at 0 is (1 + slope)/2 (and the
 * value is exactly x or slope·x elsewhere).
 */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  return mul(x, add(greater(x, 0), add(mul(less(x, 0), slope), mul(equal(x, 0), (1 + slope) / 2))));
}
/** 1 / (1 + e^(−x)), computed as ½(1 + tanh(x/2)), which never overflows. */
export function sigmoid(x: Tensor): Tensor {
  return mul(add(tanh(mul(x, 0.5)), 1), 0.5);
}
/** |x| = x · sign(x), with sign(0) = 0: so abs′(0) = 0, the midpoint of −1 and 1. */
export function abs(x: Tensor): Tensor {
  return mul(x, sub(greater(x, 0), less(x, 0)));
}
/**
 * The larger of a and b; at a tie each operand gets half the derivative. The
 * tie's value is ½a + ½b (= a; the halves are exact except for the smallest
 * subnormals), chosen by `where`, so infinite operands stay exact elsewhere.
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = broadcastPair('maximum', a, b);
  return where(greater(ta, tb), ta, where(less(ta, tb), tb, add(mul(ta, 0.5), mul(tb, 0.5))));
}
/** The smaller of a and b; at a tie each operand gets half the derivative. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = broadcastPair('minimum', a, b);
  return where(less(ta, tb), ta, where(greater(ta, tb), tb, add(mul(ta, 0.5), mul(tb, 0.5))));
}

// ----------------------------------------------------------------- reductions

export function sum(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  checkTensor('sum', x);
  return bind('sum', [x], { axes: normalizeAxes(axes, x.rank, 'sum'), keepdims });
}
export function mean(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  checkTensor('mean', x);
  const list = normalizeAxes(axes, x.rank, 'mean');
  const count = list.reduce((n, a) => n * x.shape[a]!, 1);
  if (count === 0) throw new Error(`mean: no elements to average over axes [${list.join(', ')}] of shape ${formatShape(x.shape)}`);
  return div(sum(x, list, keepdims), count);
}
export function max(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  checkTensor('max', x);
  const list = normalizeAxes(axes, x.rank, 'max');
  if (list.some((a) => x.shape[a] === 0)) throw new Error(`max: cannot reduce an empty axis of shape ${formatShape(x.shape)}`);
  return bind('max', [x], { axes: list, keepdims });
}
export function min(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  return neg(max(neg(x), axes, keepdims));
}
/**
 * The product over axes (1 over an empty group). Its derivative with respect
 * to x_i is the product of the other entries of the group, computed as such
 * (never as prod/x_i), so it is right when entries are zero; see
 * productOfOthers in jvp.ts. That costs O(n²) numbers for a group of n
 * entries (O(n³) for a second derivative): meant for small groups.
 */
export function prod(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  checkTensor('prod', x);
  return bind('prod', [x], { axes: normalizeAxes(axes, x.rank, 'prod'), keepdims });
}

/**
 * The maximum over `axes` (kept as size-1 axes), held constant: softmax and
 * log Σ exp do not depend on a shift mathematically, so subtracting it only
 * keeps exp from overflowing. A row that is all −∞ gets a shift of 0.
 */
function stableShift(x: Tensor, axes: number[]): Tensor {
  const m = stopGradient(max(x, axes, true));
  return where(less(abs(m), Infinity), m, 0);
}

/** log Σ exp(x) over axes, computed as m + log Σ exp(x − m) with m the maximum. */
export function logSumExp(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const list = normalizeAxes(axes, x.rank, 'logSumExp');
  const shift = stableShift(x, list);
  const out = add(log(sum(exp(sub(x, shift)), list, true)), shift);
  return keepdims ? out : reshape(out, reducedShape(x.shape, list, false));
}
/** log softmax(x) = (x − m) − log Σ exp(x − m) along one axis. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const list = normalizeAxes(axis, x.rank, 'logSoftmax');
  const shifted = sub(x, stableShift(x, list));
  return sub(shifted, log(sum(exp(shifted), list, true)));
}
/** softmax(x) = exp(x − m) / Σ exp(x − m) along one axis. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const list = normalizeAxes(axis, x.rank, 'softmax');
  const e = exp(sub(x, stableShift(x, list)));
  return div(e, sum(e, list, true));
}

// ---------------------------------------------------------------------- shape

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x);
  const inferred = shape.indexOf(-1);
  let target = [...shape];
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== inferred));
    if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    target[inferred] = x.size / known;
  }
  target = checkShape(target, 'reshape');
  if (sizeOf(target) !== x.size) throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  if (shapesEqual(target, x.shape)) return x;
  return bind('reshape', [x], { shape: target });
}

/** Permutes axes (default: reverses them, NumPy's `.T`). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', x);
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((a, i) => a !== i)) throw new Error(`transpose: [${p.join(', ')}] is not a permutation of the axes of ${formatShape(x.shape)}`);
  if (p.every((a, i) => a === i)) return x;
  return bind('transpose', [x], { perm: p });
}

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  if (shapesEqual(x.shape, shape)) return x;
  const result = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(result, shape)) throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  return bind('broadcastTo', [x], { shape: [...shape] });
}

/**
 * x[starts[0]:ends[0], starts[1]:ends[1], ...]. Missing axes are taken whole;
 * negative positions count from the end, as in Python.
 */
export function slice(x: Tensor, starts: readonly number[], ends?: readonly (number | undefined)[]): Tensor {
  checkTensor('slice', x);
  if (starts.length > x.rank || (ends && ends.length > x.rank)) throw new Error(`slice: more positions than the ${x.rank} axes of ${formatShape(x.shape)}`);
  const s: number[] = [];
  const e: number[] = [];
  x.shape.forEach((d, i) => {
    const norm = (v: number): number => (v < 0 ? v + d : v);
    const lo = norm(starts[i] ?? 0);
    const hi = norm(ends?.[i] ?? d);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > d || lo > hi) {
      throw new Error(`slice: range ${starts[i] ?? 0}:${ends?.[i] ?? d} is out of bounds for axis ${i} of ${formatShape(x.shape)}`);
    }
    s.push(lo);
    e.push(hi);
  });
  if (s.every((v) => v === 0) && e.every((v, i) => v === x.shape[i])) return x;
  return bind('slice', [x], { starts: s, ends: e });
}

/** The i-th entry along the first axis, with that axis removed. */
export function index(x: Tensor, i: number): Tensor {
  if (x.rank === 0) throw new Error('index: cannot index a rank-0 tensor');
  const d = x.shape[0]!;
  const j = i < 0 ? i + d : i;
  if (!Number.isInteger(j) || j < 0 || j >= d) throw new Error(`index: ${i} is out of bounds for axis 0 of ${formatShape(x.shape)}`);
  return reshape(slice(x, [j], [j + 1]), x.shape.slice(1));
}

/** Zeros added before and after each axis. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  checkTensor('pad', x);
  if (before.length !== x.rank || after.length !== x.rank || [...before, ...after].some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`pad: need ${x.rank} non-negative integers before and after for shape ${formatShape(x.shape)}`);
  }
  if ([...before, ...after].every((v) => v === 0)) return x;
  return bind('pad', [x], { before: [...before], after: [...after] });
}

export function concatenate(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concatenate: needs at least one tensor');
  const first = checkTensor('concatenate', xs[0]);
  const [ax] = normalizeAxes(axis, first.rank, 'concatenate');
  for (const x of xs) {
    checkTensor('concatenate', x);
    const ok = x.rank === first.rank && x.dtype === first.dtype && x.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) throw new Error(`concatenate: shapes ${xs.map((t) => `${formatShape(t.shape)} ${t.dtype}`).join(', ')} do not match outside axis ${axis}`);
  }
  if (xs.length === 1) return first;
  return bind('concatenate', [...xs], { axis: ax! });
}

/** Joins tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: needs at least one tensor');
  const rank = xs[0]!.rank + 1;
  const ax = axis < 0 ? axis + rank : axis;
  return concatenate(xs.map((x) => reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)])), ax);
}

function checkIndices(op: string, indices: ArrayLike<number>, size: number, what: string): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= size) throw new Error(`${op}: index ${v} at position ${i} is out of range [0, ${size}) for ${what}`);
    out[i] = v;
  }
  return out;
}

/** Entries along `axis` at integer positions (NumPy's take): shape[axis] → indices.length. */
export function gather(x: Tensor, indices: ArrayLike<number>, axis = 0): Tensor {
  checkTensor('gather', x);
  const [ax] = normalizeAxes(axis, x.rank, 'gather');
  const idx = checkIndices('gather', indices, x.shape[ax!]!, `axis ${axis} of ${formatShape(x.shape)}`);
  return bind('gather', [x], { indices: idx, indexShape: [idx.length], axis: ax! });
}

/** For x of shape [n, c] and n integers, the entries x[i, indices[i]]. */
export function takeAlongAxis(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (x.rank !== 2 || indices.length !== x.shape[0]) {
    throw new Error(`takeAlongAxis: expects a [n, c] tensor and n indices, got ${formatShape(x.shape)} and ${indices.length} indices`);
  }
  const [n, c] = x.shape as [number, number];
  const cols = checkIndices('takeAlongAxis', indices, c, `the ${c} columns of ${formatShape(x.shape)}`);
  const flat = new Int32Array(n);
  for (let i = 0; i < n; i++) flat[i] = i * c + cols[i]!;
  return gather(reshape(x, [n * c]), flat, 0);
}

// ------------------------------------------------------------- linear algebra

/**
 * Matrix product with NumPy's rules: 1-D operands are treated as a row or
 * column vector (and that axis dropped), and leading batch axes broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', a);
  checkTensor('matmul', b);
  const fail = (): never => {
    throw new Error(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not match (inner dimensions must agree)`);
  };
  if (a.dtype !== b.dtype) throw new Error(`matmul: dtypes differ (${describe(a)} and ${describe(b)})`);
  if (a.rank === 0 || b.rank === 0) throw new Error(`matmul: operands must have rank ≥ 1, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.rank === 1 && b.rank === 1) {
    if (a.size !== b.size) fail();
    return dot(a, b);
  }
  if (a.rank === 1) {
    const out = matmul(reshape(a, [1, a.size]), b);
    return reshape(out, [...out.shape.slice(0, -2), out.shape[out.rank - 1]!]);
  }
  if (b.rank === 1) return reshape(matmul(a, reshape(b, [b.size, 1])), a.shape.slice(0, -1));
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) fail();
  if (a.rank === 2 && b.rank === 2) return bind('matmul', [a, b], {});
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const count = sizeOf(batch);
  const a3 = reshape(broadcastTo(a, [...batch, m, k]), [count, m, k]);
  const b3 = reshape(broadcastTo(b, [...batch, k, n]), [count, k, n]);
  return reshape(bind('matmul', [a3, b3], {}), [...batch, m, n]);
}

/** Inner product of two vectors of one length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1 || a.size !== b.size) throw new Error(`dot: expects two vectors of one length, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  return sum(mul(a, b));
}

/** Outer product of two vectors: [m] × [n] → [m, n]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1) throw new Error(`outer: expects two vectors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  return mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}

// ---------------------------------------------------------------------- other

export function astype(x: Tensor, dtype: DType): Tensor {
  checkTensor('astype', x);
  if (dtype !== 'float64' && dtype !== 'float32') throw new Error(`astype: unknown dtype ${JSON.stringify(dtype)}; allowed: float64, float32`);
  if (x.dtype === dtype) return x;
  return bind('astype', [x], { dtype });
}

/** The identity, but seen as a constant by every derivative. */
export function stopGradient(x: Tensor): Tensor {
  return bind('stopGradient', [checkTensor('stopGradient', x)], {});
}

// ---------------------------------------------------------------- losses

/**
 * Mean softmax cross-entropy of logits [n, c] against integer labels:
 * −(1/n) Σ_i log softmax(logits_i)[label_i].
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>): Tensor {
  if (logits.rank !== 2) throw new Error(`softmaxCrossEntropy: logits must be [n, classes], got ${formatShape(logits.shape)}`);
  return neg(mean(takeAlongAxis(logSoftmax(logits, 1), labels)));
}

/** Mean squared error (1/N) Σ (prediction − target)². */
export function meanSquaredError(prediction: Tensor, target: TensorLike): Tensor {
  return mean(square(sub(prediction, target)));
}

// Tensor's methods (x.add(y), x.sum()) call the functions of this module.
installOperations(operations);
