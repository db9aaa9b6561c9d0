/**
 * The boundary between tensors and plain vectors.
 *
 * The engine computes with `Tensor`s; what goes around a training loop or
 * into a matrix-free eigensolver is a flat vector of numbers: θ ∈ ℝ^D, a
 * gradient, a direction. Those are plain `Float64Array`s (cheap to index, to
 * copy and to hand to linear algebra). This file is the one place where the
 * two meet:
 *
 *   toFloat64(v)               a tensor (any shape, row-major) or typed array
 *                              → Float64Array; float32 values are widened;
 *   toTensor(values, shape)    a Float64Array → a tensor of that shape (float64,
 *                              or float32 when asked), for the engine;
 *   flatTensor(v)              any vector → a flat float64 tensor;
 *   euclideanNorm(v)           ‖v‖₂, the one vector norm every layer uses.
 *
 * Everything that accepts a `Vector` — the optimisers here, the landscape
 * functions above — takes what `model.init(...)` returns as readily as a
 * Float64Array.
 */
import { fromTypedArray, type DType, type Tensor } from '../autodiff/index.js';

/** A flat vector: θ, a gradient or a direction, as a tensor or a plain typed array. */
export type Vector = Float64Array | Float32Array | Tensor;

/**
 * The vector's entries as a Float64Array: a Float64Array itself (not copied),
 * anything else as a new array (a tensor's values in row-major order, float32
 * widened).
 */
export function toFloat64(v: Vector): Float64Array {
  if (v instanceof Float64Array) return v;
  if (v instanceof Float32Array) return Float64Array.from(v);
  const values = v.toTypedArray();
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * A tensor of the given shape (default [n], a flat vector) over the values:
 * float64 shares the array's storage (do not modify it while the tensor is in
 * use), float32 is a rounded copy.
 */
export function toTensor(values: Float64Array, shape: readonly number[] = [values.length], dtype: DType = 'float64'): Tensor {
  return fromTypedArray(dtype === 'float64' ? values : Float32Array.from(values), shape);
}

/** Any vector as a flat float64 tensor [n] (a Float64Array's storage is shared, anything else copied). */
export function flatTensor(v: Vector): Tensor {
  return toTensor(toFloat64(v));
}

/**
 * The Euclidean norm ‖v‖₂ = √(Σ vᵢ²), computed as s·√(Σ (vᵢ/s)²) with
 * s = max |vᵢ| so that huge or tiny entries neither overflow nor underflow.
 */
export function euclideanNorm(v: Vector): number {
  const x = toFloat64(v);
  let scale = 0;
  for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const t = x[i]! / scale;
    sum += t * t;
  }
  return scale * Math.sqrt(sum);
}
