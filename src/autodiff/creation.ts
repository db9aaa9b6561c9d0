/**
 * Creating tensors: from JavaScript values, constant fills, ranges, the
 * identity, and seeded random draws. Random tensors take an explicit
 * generator (random.ts), so every random choice flows from a seed.
 */
import { ConcreteTensor, type NestedArray, type Tensor } from './tensor.js';
import { allocate, checkDType, type DType, type FloatArray } from './dtype.js';
import { checkShape, formatShape, sizeOf } from './shape.js';
import type { Random } from './random.js';
import type { NdArray } from 'ndarray';

/**
 * A tensor from nested arrays (`tensor([[1, 2], [3, 4]])`), a flat array or
 * typed array with a shape (`tensor([1, 2, 3, 4], [2, 2])`), or a number.
 * Float32Array data gives float32 unless a dtype is named; everything else
 * float64. The data is copied.
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: readonly number[], dtype?: DType): Tensor {
  const kind = dtype ?? (values instanceof Float32Array ? 'float32' : 'float64');
  checkDType(kind, 'tensor');
  let flat: number[] | ArrayLike<number>;
  let inferred: number[];
  if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (ArrayBuffer.isView(values) || !Array.isArray(values) || values.every((v) => typeof v === 'number')) {
    flat = values as ArrayLike<number>;
    inferred = [flat.length];
  } else {
    inferred = nestedShape(values);
    flat = (values as NestedArray[]).flat(Infinity as 1) as number[];
  }
  const target = shape ? checkShape(shape, 'tensor') : inferred;
  if (sizeOf(target) !== flat.length) throw new Error(`tensor: ${flat.length} values do not fill shape ${formatShape(target)}`);
  const data = allocate(kind, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') throw new Error(`tensor: element ${i} is ${typeof v}, not a number`);
    data[i] = v;
  }
  return ConcreteTensor.fromFlat(data, target);
}

function nestedShape(values: NestedArray[]): number[] {
  const shape: number[] = [values.length];
  const first = values[0];
  if (Array.isArray(first)) shape.push(...nestedShape(first));
  const check = (v: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new Error(`tensor: ragged nested array (expected a number at depth ${depth})`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new Error(`tensor: ragged nested array (expected length ${shape[depth]} at depth ${depth})`);
    v.forEach((w) => check(w, depth + 1));
  };
  check(values, 0);
  return shape;
}

/** A tensor that takes ownership of `data` (no copy) with the given shape. */
export function fromTypedArray(data: FloatArray, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== data.length) throw new Error(`fromTypedArray: ${data.length} values do not fill shape ${formatShape(shape)}`);
  return ConcreteTensor.fromFlat(data, checkShape(shape, 'fromTypedArray'));
}

/** A tensor sharing an ndarray's storage (float64 or float32 data). */
export function fromNdarray(a: NdArray<FloatArray>): Tensor {
  if (!(a.data instanceof Float64Array || a.data instanceof Float32Array)) throw new Error('fromNdarray: data must be a Float64Array or Float32Array');
  return ConcreteTensor.fromNdarray(a);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float64'): Tensor {
  const s = checkShape(shape, 'full');
  const data = allocate(checkDType(dtype, 'full'), sizeOf(s));
  if (value !== 0) data.fill(value);
  return ConcreteTensor.fromFlat(data, s);
}
export const zeros = (shape: readonly number[], dtype: DType = 'float64'): Tensor => full(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float64'): Tensor => full(shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => full(x.shape, 0, x.dtype);
export const onesLike = (x: Tensor): Tensor => full(x.shape, 1, x.dtype);

/** start, start + step, … up to (not including) stop; arange(n) is 0..n−1. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float64'): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return ConcreteTensor.fromFlat(data, [n]);
}

/** The n × n identity matrix. */
export function eye(n: number, dtype: DType = 'float64'): Tensor {
  const data = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return ConcreteTensor.fromFlat(data, checkShape([n, n], 'eye'));
}

/** Standard normal entries (times `std`) from the generator. */
export function randn(shape: readonly number[], rng: Random, std = 1, dtype: DType = 'float64'): Tensor {
  const s = checkShape(shape, 'randn');
  const data = allocate(dtype, sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
  return ConcreteTensor.fromFlat(data, s);
}

/** Uniform entries on [low, high) from the generator. */
export function uniform(shape: readonly number[], rng: Random, low = 0, high = 1, dtype: DType = 'float64'): Tensor {
  const s = checkShape(shape, 'uniform');
  const data = allocate(dtype, sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return ConcreteTensor.fromFlat(data, s);
}
