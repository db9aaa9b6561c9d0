/**
 * The built-in compute backends, registered by name with backend.ts:
 *  - 'wasm': a WebAssembly SIMD kernel, float64 and float32 (backends/wasm.ts,
 *    kernel source in backends/wasm-kernel/matmul.ts);
 *  - 'js': register-blocked TypeScript kernels, float64 and float32, threaded
 *    across the machine's cores for large products (backends/js.ts);
 *  - 'gpu': gpu.js kernels, float32 only (backends/gpu.ts). gpu.js itself is
 *    loaded on first use, so registering costs nothing.
 * ('reference', the plain i-k-j loop, is registered by backend.ts itself.)
 */
import { registerBackend } from '../backend.js';
import { jsBackend } from './js.js';
import { gpuBackend } from './gpu.js';
import { wasmBackend, wasmBackendAvailable } from './wasm.js';

export { jsBackend, setMatmulThreads, getMatmulThreads, whenMatmulWorkersReady, lastThreadedMatmulStats } from './js.js';
export { gpuBackend, gpuBackendInfo, type GpuBackendInfo } from './gpu.js';
export { wasmBackend, wasmBackendAvailable, wasmBackendFailure, setResidentIntermediates, residentIntermediatesEnabled, residentKernelStats, residentBytesInUse } from './wasm.js';

/** Makes 'wasm', 'js' and 'gpu' available to setBackend. Safe to call more than once. */
export function registerBuiltinBackends(): void {
  registerBackend(wasmBackend);
  registerBackend(jsBackend);
  registerBackend(gpuBackend);
}

/**
 * The backend selected when the engine is imported: the fastest one that is
 * correct for both dtypes here (bench/README.md has the measurements):
 * 'wasm' where WebAssembly SIMD runs, else 'js'.
 */
export function defaultBackendName(): 'wasm' | 'js' {
  return wasmBackendAvailable() ? 'wasm' : 'js';
}
