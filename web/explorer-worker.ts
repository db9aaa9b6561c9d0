/**
 * The explorer's Web Worker: runs the zone study off the page's thread, so
 * the page stays responsive, and posts each radius as soon as it is measured.
 *
 * Messages in: { config, backend: 'wasm' | 'gpu' }. Out: { kind: 'backend',
 * text } once the backend is chosen, { kind: 'point', point, index, total }
 * per radius, then { kind: 'done', result } or { kind: 'error', message }.
 * The MNIST subset is fetched from data/mnist/ next to the page and put in
 * the in-memory file table (web/shims/node-fs.ts) under the study's dataDir.
 */
import { process } from './shims/process.js';
import { registerFile } from './shims/node-fs.js';
import { getBackend, setBackend } from '../src/autodiff/index.js';
import { gpuBackendInfo } from '../src/autodiff/backends/index.js';
import { lastWasmJobStats } from '../src/autodiff/backends/wasm.js';
import { runZoneStudy, type ZoneStudyConfig } from './zone-study.js';

export type BackendChoice = 'wasm' | 'gpu';
export interface ExplorerRequest { config: ZoneStudyConfig; backend: BackendChoice }
export type ExplorerMessage =
  | { kind: 'backend'; text: string }
  | { kind: 'point'; point: unknown; index: number; total: number }
  | { kind: 'done'; result: unknown }
  | { kind: 'error'; message: string };

const scope = self as unknown as { postMessage(message: ExplorerMessage): void; onmessage: ((event: { data: ExplorerRequest }) => void) | null };
const post = (message: ExplorerMessage): void => scope.postMessage(message);

export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

async function fetchData(dataDir: string): Promise<void> {
  await Promise.all(MNIST_FILES.map(async (name) => {
    const response = await fetch(new URL(`data/mnist/${name}`, self.location.href.replace(/[^/]*$/, '')));
    if (!response.ok) throw new Error(`data/mnist/${name}: HTTP ${response.status}`);
    registerFile(`${dataDir}/${name}`, new Uint8Array(await response.arrayBuffer()));
  }));
}

/** Why the WebAssembly kernel was not used, when it was asked for and could not load ('' otherwise). */
let wasmUnavailable = '';

/**
 * Selects the backend asked for and says what will run. The WebAssembly
 * kernel needs shared memory, so outside a cross-origin isolated page it
 * cannot load; the study then runs on the 'js' kernel, and the page says why.
 */
function chooseBackend(choice: BackendChoice): string {
  if (choice === 'gpu') {
    process.env.GOLDILOCKS_GPU_MODE = 'webgl2';
    setBackend('gpu');
    return 'gpu.js, WebGL2 requested (float32)';
  }
  try {
    setBackend('wasm');
    getBackend().matmul({ a: new Float64Array(1), b: new Float64Array(1), m: 1, k: 1, n: 1, transA: false, transB: false, dtype: 'float64' });
    return getBackend().describe();
  } catch (error) {
    setBackend('js');
    wasmUnavailable = `the WebAssembly kernel cannot run here (${(error as Error).message}), so: `;
    return `${wasmUnavailable}${getBackend().describe()}`;
  }
}

/** The GPU's name as WebGL reports it unmasked (SwiftShader is Chromium's software renderer), or null. */
function webglRenderer(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    const extension = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && extension ? String(gl.getParameter(extension.UNMASKED_RENDERER_WEBGL)) : null;
  } catch {
    return null;
  }
}

/**
 * What actually ran, in words. For gpu.js, from the kernel it built: a
 * WebGL2Kernel is the GPU path; a CPUKernel is its silent fallback to plain
 * JavaScript, which the page must not pass off as the GPU.
 */
export function describeRun(choice: BackendChoice): string {
  if (getBackend().name === 'wasm') {
    const { chunks, chunksOnMain } = lastWasmJobStats();
    const shared = chunks > 0 ? `; the last threaded product: ${chunks - chunksOnMain} of its ${chunks} chunks computed by worker threads` : '';
    return `${getBackend().describe()}${shared}`;
  }
  if (choice !== 'gpu' || getBackend().name !== 'gpu') return `${wasmUnavailable}${getBackend().describe()}`;
  const info = gpuBackendInfo();
  if (info.kernelClass === 'CPUKernel') return `gpu.js fell back to its CPU mode (no usable WebGL2 here${info.fallbackReason ? `: ${info.fallbackReason}` : ''}), float32`;
  const renderer = webglRenderer();
  return `gpu.js on WebGL2 (${info.kernelClass}${renderer ? `, renderer ${renderer}` : ''}), float32`;
}

scope.onmessage = (event) => {
  void (async () => {
    try {
      const { config, backend } = event.data;
      post({ kind: 'backend', text: chooseBackend(backend) });
      await fetchData(config.dataDir);
      const result = await runZoneStudy(config, (point, index, total) => post({ kind: 'point', point, index, total }));
      post({ kind: 'done', result: { ...result, backend: describeRun(backend) } });
    } catch (error) {
      post({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
};
