/**
 * The built-in compute backends, registered by name with backend.ts:
 *  - 'js': register-blocked TypeScript kernels, float64 and float32, threaded
 *    across the machine's cores for large products (backends/js.ts);
 *  - 'gpu': gpu.js kernels, float32 only (backends/gpu.ts). gpu.js itself is
 *    loaded on first use, so registering costs nothing.
 * ('reference', the plain i-k-j loop, is registered by backend.ts itself.)
 */
import { registerBackend } from '../backend.js';
import { jsBackend } from './js.js';
import { gpuBackend } from './gpu.js';

export { jsBackend, setMatmulThreads, getMatmulThreads, whenMatmulWorkersReady, lastThreadedMatmulStats } from './js.js';
export { gpuBackend, gpuBackendInfo, type GpuBackendInfo } from './gpu.js';

/** Makes 'js' and 'gpu' available to setBackend. Safe to call more than once. */
export function registerBuiltinBackends(): void {
  registerBackend(jsBackend);
  registerBackend(gpuBackend);
}
