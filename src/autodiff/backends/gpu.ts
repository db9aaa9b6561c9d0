/**
 * The 'gpu' backend: matrix products as gpu.js kernels, in float32 only.
 *
 * gpu.js compiles a JavaScript-subset kernel for one of several engines and
 * runs it once per output cell ("thread"). On Node its engines are:
 *  - webasm: WebAssembly with f32x4 SIMD across 4 neighbouring threads.
 *    This is what `new GPU()` picks on a machine without a GL context, i.e.
 *    here. It runs on the CPU, single-threaded for synchronous calls (its
 *    threads need gpu.js's async mode, which a synchronous Backend cannot use).
 *  - headlessgl: a real GPU through OpenGL. Needs the optional `gl` package
 *    (`npm install gl`; it builds from source once Debian's libxi-dev
 *    libglu1-mesa-dev libglew-dev pkg-config are installed) and a display:
 *    run under `xvfb-run -a` on a server. Without a GPU driver Xvfb gives
 *    Mesa's software renderer, so check describe() before believing a speed.
 *  - cpu: gpu.js's own JavaScript fallback (slow); it also serves as the
 *    silent fallback when a kernel cannot run where it was asked to.
 * Pick one with the environment variable GOLDILOCKS_GPU_MODE (gpu, webasm,
 * headlessgl, webgl, webgl2, cpu; default: gpu.js's own choice). describe()
 * always names the engine that actually ran and says so loudly when gpu.js
 * fell back to 'cpu' although something else was asked for.
 *
 * The kernel. One thread computes four rows of one column of C, returned as
 * an Array(4) (gpu.js's largest per-thread result): per step of the inner
 * loop it loads one B value and four A values and does four multiply-adds,
 * so each B load is shared by four outputs. A is packed beforehand into
 * quads of rows laid out p-major ([⌈m/4⌉][k][4], zero-padded), and op(B) into
 * row-major [k][n], which also takes care of transA/transB. Sizes are baked
 * into the kernel source as literals (one kernel per (m, k, n), cached), so
 * gpu.js's silent 1000-iteration cap on argument-bounded loops cannot bite;
 * loopMaxIterations is raised as well. Kernels are built from source strings,
 * because under tsx the function bodies would carry esbuild's `__name(...)`
 * wrappers, which gpu.js cannot parse.
 *
 * Arithmetic is float32 throughout (f32 products, f32 running sum, in order):
 * error ≲ k·2⁻²⁴·Σ|a||b| in the worst case, ~√k·2⁻²⁴·Σ|a||b| typically.
 */
import { createRequire } from 'node:module';
import type { GPU, IKernelRunShortcut, Kernel } from 'gpu.js';
import type { Backend, MatmulArgs } from '../backend.js';

/** Rows of C computed by one gpu.js thread. */
const ROWS_PER_THREAD = 4;
/** Compiled kernels kept alive (each holds wasm memory or GPU textures). */
const KERNEL_CACHE_LIMIT = 16;
/** Modes usable from a synchronous backend ('webgpu' and 'async' return Promises). */
const SYNC_MODES = ['gpu', 'webasm', 'headlessgl', 'webgl', 'webgl2', 'cpu'] as const;

export interface GpuBackendInfo {
  /** The mode passed to gpu.js ('default' when gpu.js chose). */
  requestedMode: string;
  /** The gpu.js engine of the most recent kernel, e.g. 'webasm'; null before any ran. */
  engine: string | null;
  /** Its class name, e.g. 'WebAssemblyKernel'. */
  kernelClass: string | null;
  /** Why gpu.js fell back to its cpu engine, when it did. */
  fallbackReason: string | null;
  /** True when the engine is not what was requested (any but 'cpu' for 'gpu'/'default'). */
  fellBack: boolean;
  /** For GL engines, the OpenGL renderer string (e.g. Mesa llvmpipe = software). */
  renderer: string | null;
}

interface GpuState {
  gpu: GPU;
  version: string;
  requestedMode: string;
  kernels: Map<string, IKernelRunShortcut>;
  last: GpuBackendInfo | null;
}

let state: GpuState | null = null;

function requestedModeFromEnv(): (typeof SYNC_MODES)[number] | undefined {
  const mode = process.env.GOLDILOCKS_GPU_MODE?.trim();
  if (!mode) return undefined;
  if (!(SYNC_MODES as readonly string[]).includes(mode)) {
    throw new Error(`GOLDILOCKS_GPU_MODE=${JSON.stringify(mode)} is not supported; use one of ${SYNC_MODES.join(', ')} (or leave it unset)`);
  }
  return mode as (typeof SYNC_MODES)[number];
}

/** Loads gpu.js on first use (it takes ~0.1 s to load) and creates the GPU. */
function getState(): GpuState {
  if (state) return state;
  const require = createRequire(import.meta.url);
  const { GPU: GPUClass } = require('gpu.js') as { GPU: new (settings?: { mode?: string }) => GPU };
  const { version } = require('gpu.js/package.json') as { version: string };
  const mode = requestedModeFromEnv();
  let gpu: GPU;
  try {
    gpu = new GPUClass(mode ? { mode } : {});
  } catch (error) {
    const hint = mode === 'headlessgl' ? ' (headlessgl needs the optional `gl` package and a display, e.g. xvfb-run)' : '';
    throw new Error(`gpu backend: gpu.js cannot run GOLDILOCKS_GPU_MODE=${mode} here${hint}: ${(error as Error).message}`, { cause: error });
  }
  state = {
    gpu,
    version,
    requestedMode: mode ?? 'default',
    kernels: new Map(),
    last: null,
  };
  return state;
}

/** The kernel source for given k and n (m only sets the output size). */
function kernelSource(k: number, n: number): string {
  return `function (a, b) {
  let ai = this.thread.y * ${ROWS_PER_THREAD * k};
  let bi = this.thread.x;
  let s0 = 0.0;
  let s1 = 0.0;
  let s2 = 0.0;
  let s3 = 0.0;
  for (let p = 0; p < ${k}; p++) {
    const bv = b[bi];
    s0 += a[ai] * bv;
    s1 += a[ai + 1] * bv;
    s2 += a[ai + 2] * bv;
    s3 += a[ai + 3] * bv;
    ai += ${ROWS_PER_THREAD};
    bi += ${n};
  }
  return [s0, s1, s2, s3];
}`;
}

function kernelFor(s: GpuState, m: number, k: number, n: number): IKernelRunShortcut {
  const key = `${m}x${k}x${n}`;
  let kernel = s.kernels.get(key);
  if (kernel) {
    s.kernels.delete(key); // re-insert: the Map's order is the LRU order
  } else {
    kernel = s.gpu.createKernel(kernelSource(k, n), {
      output: [n, Math.ceil(m / ROWS_PER_THREAD)],
      precision: 'single', // float32 (GL engines would otherwise pack into 8-bit channels)
      tactic: 'precision',
    });
    kernel.setLoopMaxIterations(Math.max(1000, k + 1));
    if (s.kernels.size >= KERNEL_CACHE_LIMIT) {
      const [oldestKey, oldest] = s.kernels.entries().next().value as [string, IKernelRunShortcut];
      s.kernels.delete(oldestKey);
      oldest.destroy();
    }
  }
  s.kernels.set(key, kernel);
  return kernel;
}

/** op(A) ([m, k]) as quads of rows, p-major: packed[(q·k + p)·4 + r] = op(A)[4q + r, p]. */
function packRowQuads(a: ArrayLike<number>, transA: boolean, m: number, k: number): Float32Array {
  const quads = Math.ceil(m / ROWS_PER_THREAD);
  const packed = new Float32Array(quads * k * ROWS_PER_THREAD);
  for (let i = 0; i < m; i++) {
    const base = Math.floor(i / ROWS_PER_THREAD) * k * ROWS_PER_THREAD + (i % ROWS_PER_THREAD);
    for (let p = 0; p < k; p++) packed[base + p * ROWS_PER_THREAD] = transA ? a[p * m + i]! : a[i * k + p]!;
  }
  return packed;
}

/** op(B) ([k, n]) row-major, as float32. */
function rowMajorB(b: ArrayLike<number>, transB: boolean, k: number, n: number): Float32Array {
  if (!transB) return b instanceof Float32Array ? b : Float32Array.from(b);
  const out = new Float32Array(k * n);
  for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[p * n + j] = b[j * k + p]!;
  return out;
}

/** The OpenGL renderer behind a GL kernel, best effort (null for other engines). */
function glRenderer(impl: Kernel): string | null {
  try {
    const context = impl.context as { getParameter?: (name: number) => unknown; RENDERER?: number } | null;
    if (!context?.getParameter || context.RENDERER === undefined) return null;
    return String(context.getParameter(context.RENDERER));
  } catch {
    return null;
  }
}

function engineInfo(s: GpuState, kernel: IKernelRunShortcut): GpuBackendInfo {
  const impl: Kernel = kernel.kernel;
  const engine = (impl.constructor as { mode?: string }).mode ?? impl.constructor.name;
  const requested = s.requestedMode;
  const anyEngine = requested === 'default' || requested === 'gpu';
  return {
    requestedMode: requested,
    engine,
    kernelClass: impl.constructor.name,
    fallbackReason: impl.fallbackReason ?? null,
    fellBack: anyEngine ? engine === 'cpu' : engine !== requested,
    renderer: glRenderer(impl),
  };
}

/** C = op(A)·op(B) in float32 on the gpu.js engine. */
export function gpuMatmul({ a, b, m, k, n, transA, transB, dtype }: MatmulArgs): Float32Array {
  if (dtype !== 'float32') {
    throw new Error(`the gpu backend computes float32 only (gpu.js has no float64); got dtype ${dtype}. Use float32 tensors or another backend (js, reference)`);
  }
  for (const [name, v] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`matmul: ${name} must be a non-negative integer, got ${v}`);
  }
  if (a.length !== m * k) throw new Error(`matmul: A has ${a.length} elements, expected m·k = ${m * k}`);
  if (b.length !== k * n) throw new Error(`matmul: B has ${b.length} elements, expected k·n = ${k * n}`);
  const out = new Float32Array(m * n);
  if (m === 0 || n === 0 || k === 0) return out;

  const s = getState();
  const kernel = kernelFor(s, m, k, n);
  const result = kernel(packRowQuads(a, transA, m, k), rowMajorB(b, transB, k, n)) as ArrayLike<ArrayLike<ArrayLike<number>>>;
  s.last = engineInfo(s, kernel);
  // result[q][j] holds rows 4q ... 4q+3 of column j.
  for (let q = 0; q * ROWS_PER_THREAD < m; q++) {
    const row = result[q]!;
    const rows = Math.min(ROWS_PER_THREAD, m - q * ROWS_PER_THREAD);
    for (let j = 0; j < n; j++) {
      const cell = row[j]!;
      for (let r = 0; r < rows; r++) out[(q * ROWS_PER_THREAD + r) * n + j] = cell[r]!;
    }
  }
  return out;
}

/**
 * Which gpu.js engine runs the kernels. Runs a 1×1×1 probe product first if
 * nothing has run yet, so the answer is what actually happens, not a guess.
 */
export function gpuBackendInfo(): GpuBackendInfo {
  const s = getState();
  if (!s.last) gpuMatmul({ a: new Float32Array([1]), b: new Float32Array([1]), m: 1, k: 1, n: 1, transA: false, transB: false, dtype: 'float32' });
  return { ...s.last! };
}

function describeGpu(): string {
  let s: GpuState;
  let info: GpuBackendInfo;
  try {
    s = getState();
    info = gpuBackendInfo();
  } catch (error) {
    return `gpu.js unavailable: ${(error as Error).message}`;
  }
  const renderer = info.renderer ? ` on ${info.renderer}` : '';
  const head = `gpu.js ${s.version} ${info.engine} backend (${info.kernelClass}${renderer}), float32, requested mode: ${info.requestedMode}`;
  if (!info.fellBack) return head;
  const reason = info.fallbackReason ? ` (${info.fallbackReason})` : '';
  return `${head}; WARNING: gpu.js did not run the requested engine but fell back to ${info.engine}${reason}`;
}

export const gpuBackend: Backend = {
  name: 'gpu',
  describe: describeGpu,
  dtypes: ['float32'],
  matmul: gpuMatmul,
};
