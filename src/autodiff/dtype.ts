/**
 * Data types. A tensor stores its numbers in a typed array of one of two
 * floating-point types: float64 (the reference, the default) or float32 (what
 * gpu.js kernels compute in). Nothing else is supported: integer data such as
 * class labels is passed as plain index arrays, never as tensors.
 */

export type DType = 'float64' | 'float32';
export type FloatArray = Float64Array | Float32Array;

export const DTYPES: readonly DType[] = ['float64', 'float32'];

/** Throws a clear error unless `d` names a supported dtype. */
export function checkDType(d: unknown, where = 'dtype'): DType {
  if (d === 'float64' || d === 'float32') return d;
  throw new Error(`${where}: unknown dtype ${JSON.stringify(d)}; allowed: ${DTYPES.join(', ')}`);
}

/** A new zero-filled typed array of the given dtype. */
export function allocate(dtype: DType, size: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}
