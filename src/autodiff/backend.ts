/**
 * Compute backends: the few heavy kernels that the primitives' evaluation
 * rules hand off (matrix products first of all). Everything the engine
 * differentiates sits above this interface, so a backend changes speed and
 * rounding, never the mathematics.
 *
 * A backend works on flat, row-major typed arrays. `matmul` computes
 * C = op(A) · op(B), where op(A) is A ([m, k]) or, with transA, the transpose
 * of an A stored as [k, m]; likewise B is [k, n], or [n, k] with transB.
 */
import type { DType, FloatArray } from './dtype.js';

export interface MatmulArgs {
  a: FloatArray;
  b: FloatArray;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  dtype: DType;
  /**
   * Where to write C (m·n elements of dtype, any contents), if the caller
   * has an array for it. A backend may ignore it and return a new array;
   * the caller uses whichever array is returned.
   */
  out?: FloatArray;
}

export interface Backend {
  /** Short name used by setBackend and --backend. */
  readonly name: string;
  /** What actually runs (e.g. "gpu.js webasm backend, float32"). */
  describe(): string;
  /** Which dtypes this backend computes natively. */
  readonly dtypes: readonly DType[];
  /** C = op(A) · op(B) as a row-major array of args.dtype: args.out, or a new one. */
  matmul(args: MatmulArgs): FloatArray;
  /**
   * Optional: memory of the backend's own that its kernels read and write
   * where it lies. Evaluators that know when an intermediate result dies
   * (evalJaxpr) take their intermediates' arrays from it.
   */
  readonly residentMemory?: ResidentMemory;
  /** Optional: out = a ∘ b elementwise (BinaryRowsArgs); false when the backend declines and the caller computes it. */
  binaryRows?(args: BinaryRowsArgs): boolean;
  /** Optional: out[j] = Σ_i a[i, j], i = 0 … rows − 1 in order from 0; false when declined. */
  sumColumns?(args: SumColumnsArgs): boolean;
}

/** Typed arrays in a backend's own memory (the 'wasm' backend's WebAssembly memory). */
export interface ResidentMemory {
  /** A new array of this dtype and length in that memory (contents unspecified), or undefined. */
  allocate(dtype: DType, size: number): FloatArray | undefined;
  /** True when the array lies in that memory. */
  holds(array: FloatArray): boolean;
}

/**
 * How an operand of binaryRows is read, from element `offset` of `data`:
 * 'full' = its own rows·cols numbers in row-major order; 'row' = one row of
 * cols numbers used for every row (a bias broadcast over a batch); 'each' =
 * one number per row, repeated along it (rows = 1: one number for all).
 */
export interface RowOperand {
  data: FloatArray;
  offset: number;
  mode: 'full' | 'row' | 'each';
}

/** out[i, j] = a(i, j) ∘ b(i, j) over rows × cols, every element rounded as the TypeScript loop rounds it. */
export interface BinaryRowsArgs {
  op: 'add' | 'sub' | 'mul';
  dtype: DType;
  a: RowOperand;
  b: RowOperand;
  /** rows·cols elements of dtype, overlapping no operand. */
  out: FloatArray;
  rows: number;
  cols: number;
}

/** Column sums of the row-major [rows, cols] numbers at element `offset` of `a`, into `out` (cols elements). */
export interface SumColumnsArgs {
  dtype: DType;
  a: FloatArray;
  offset: number;
  rows: number;
  cols: number;
  out: FloatArray;
}

/**
 * The reference kernel: the plain i-k-j loop. Exact to float64 rounding, slow;
 * kept as the baseline that every faster kernel is compared with.
 */
export function referenceMatmul({ a, b, m, k, n, transA, transB, dtype }: MatmulArgs): FloatArray {
  const out = dtype === 'float64' ? new Float64Array(m * n) : new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i]! : a[i * k + p]!;
      if (aip === 0) continue;
      const rowOut = i * n;
      if (transB) for (let j = 0; j < n; j++) out[rowOut + j]! += aip * b[j * k + p]!;
      else {
        const rowB = p * n;
        for (let j = 0; j < n; j++) out[rowOut + j]! += aip * b[rowB + j]!;
      }
    }
  }
  return out;
}

export const referenceBackend: Backend = {
  name: 'reference',
  describe: () => 'plain i-k-j loops in TypeScript (float64 and float32)',
  dtypes: ['float64', 'float32'],
  matmul: referenceMatmul,
};

const registry = new Map<string, Backend>([[referenceBackend.name, referenceBackend]]);
let current: Backend = referenceBackend;

/** Makes a backend available to setBackend by its name. */
export function registerBackend(backend: Backend): void {
  registry.set(backend.name, backend);
}

export function availableBackends(): string[] {
  return [...registry.keys()];
}

/** Selects the backend used by every later operation. */
export function setBackend(name: string): Backend {
  const b = registry.get(name);
  if (!b) throw new Error(`setBackend: unknown backend ${JSON.stringify(name)}; available: ${availableBackends().join(', ')}`);
  current = b;
  return b;
}

export function getBackend(): Backend {
  return current;
}

/** What a registered backend runs (its describe()), without selecting it. */
export function describeBackend(name: string): string {
  const b = registry.get(name);
  if (!b) throw new Error(`describeBackend: unknown backend ${JSON.stringify(name)}; available: ${availableBackends().join(', ')}`);
  return b.describe();
}
