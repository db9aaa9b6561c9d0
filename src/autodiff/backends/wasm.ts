/**
 * The 'wasm' backend: matrix products by a WebAssembly SIMD kernel.
 *
 * JavaScript numbers are scalars: V8 never turns a plain loop into vector
 * instructions, so the 'js' kernel does one multiply per instruction (about
 * 4 GFLOP/s here). WebAssembly has a 128-bit vector type, and a kernel that
 * uses it does two float64 multiplies per instruction. The kernel lives in
 * wasm-kernel/matmul.ts, written in AssemblyScript and compiled to
 * wasm-kernel/matmul.wasm (`npm run build:wasm`); read it for the algorithm
 * (the same packing and register tiling as backends/js.ts, with vectors).
 *
 * This file is the glue. A WebAssembly module sees only its own linear
 * memory, so each product copies A and B in (a memcpy, no conversion), calls
 * the kernel, and copies C out: O(mk + kn + mn) work around O(mkn).
 *
 * Results: float64 products equal referenceMatmul bit for bit (WebAssembly
 * never fuses multiply and add, and each element is summed in the reference
 * order); float32 products are summed in float64 and rounded once, exactly
 * like the 'js' backend's, so the two backends agree bit for bit too.
 * Products too large for a 32-bit memory (over 2 GiB of operands) are handed
 * to the 'js' kernel, which gives the same bits.
 */
import { readFileSync } from 'node:fs';
import type { Backend, MatmulArgs } from '../backend.js';
import type { FloatArray } from '../dtype.js';
import { jsMatmul } from './js.js';

/** What matmul.wasm exports (see wasm-kernel/matmul.ts). */
interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number, f32: number, work: number): void;
  workspaceBytes(k: number, n: number): number;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs declare no WebAssembly global). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

const KERNEL_URL = new URL('./wasm-kernel/matmul.wasm', import.meta.url);
const PAGE_BYTES = 65536;
/** Larger products go to the 'js' kernel (a wasm32 memory tops out at 4 GiB). */
const MAX_BYTES = 2 ** 31;

let kernel: KernelExports | undefined;
let loadFailure: string | undefined;
/** First byte of memory that the kernel's own data does not use. */
let heapStart = 0;

function loadKernel(): KernelExports | undefined {
  if (kernel || loadFailure) return kernel;
  try {
    const module = new WebAssembly.Module(readFileSync(KERNEL_URL));
    const instance = new WebAssembly.Instance(module, {
      env: { abort: () => { throw new Error('wasm matmul kernel aborted'); } },
    });
    kernel = instance.exports as unknown as KernelExports;
    heapStart = kernel.memory.buffer.byteLength;
  } catch (error) {
    loadFailure = error instanceof Error ? error.message : String(error);
  }
  return kernel;
}

/** True when this JavaScript engine runs WebAssembly SIMD (Node ≥ 16.4, current browsers). */
export function wasmBackendAvailable(): boolean {
  return loadKernel() !== undefined;
}

/** Why the kernel could not be loaded, or undefined if it loaded. */
export function wasmBackendFailure(): string | undefined {
  loadKernel();
  return loadFailure;
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** C = op(A)·op(B) on the WebAssembly kernel (same contract as Backend.matmul). */
export function wasmMatmul(args: MatmulArgs): FloatArray {
  const { a, b, m, k, n, transA, transB, dtype } = args;
  if (a.length !== m * k || b.length !== k * n) return jsMatmul(args); // its error message names the mismatch
  if (m === 0 || n === 0 || k === 0) return dtype === 'float64' ? new Float64Array(m * n) : new Float32Array(m * n);
  const wasm = loadKernel();
  if (!wasm) throw new Error(`the wasm backend is unavailable here (${loadFailure}); use --backend js`);
  const f32 = dtype === 'float32';
  const elementBytes = f32 ? 4 : 8;
  const aOffset = heapStart;
  const bOffset = aOffset + align16(m * k * elementBytes);
  const cOffset = bOffset + align16(k * n * elementBytes);
  const workOffset = cOffset + align16(m * n * 8);
  const end = workOffset + wasm.workspaceBytes(k, n);
  if (end > MAX_BYTES) return jsMatmul(args);
  const memory = wasm.memory;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  const buffer = memory.buffer;
  if (f32) {
    new Float32Array(buffer, aOffset, m * k).set(a);
    new Float32Array(buffer, bOffset, k * n).set(b);
  } else {
    new Float64Array(buffer, aOffset, m * k).set(a);
    new Float64Array(buffer, bOffset, k * n).set(b);
  }
  wasm.matmul(aOffset, bOffset, cOffset, m, k, n, transA ? 1 : 0, transB ? 1 : 0, f32 ? 1 : 0, workOffset);
  const c = new Float64Array(buffer, cOffset, m * n);
  return f32 ? new Float32Array(c) : c.slice();
}

export const wasmBackend: Backend = {
  name: 'wasm',
  describe: () => '4×4 register-blocked WebAssembly SIMD (f64x2) kernel on packed panels (float64 and float32, summed in float64), single-threaded',
  dtypes: ['float64', 'float32'],
  matmul: wasmMatmul,
};
