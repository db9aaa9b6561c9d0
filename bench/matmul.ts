/**
 * Benchmark: one matrix product C = A·B at the sizes the MNIST MLP uses
 * (1000×784 @ 784×200: the first layer at batch 1000; 1000×200 @ 200×200;
 * and a square 256³), for every kernel, all measured in the same run:
 *  - the naive i-k-j loop (referenceMatmul, float64): the baseline;
 *  - wasm float64 / float32 on one thread and on all threads: the
 *    WebAssembly SIMD kernel (the default backend);
 *  - js float64 / float32 on one thread;
 *  - js float64 / float32 on all threads (setMatmulThreads);
 *  - gpu.js float32, naming the engine that actually ran (webasm here).
 * Each kernel gets one warm-up call (JIT, worker start-up, gpu.js compile),
 * then `repeats` timed calls; the table shows the median and the best in
 * GFLOP/s (2·m·k·n flops per product) and the median's ratio to the
 * baseline. Every result is checked against the reference before it counts.
 *
 * Run: npx tsx bench/matmul.ts [repeats] [kernel] (kernel: only the rows
 * whose name contains it, e.g. `wasm`, next to the naive loop)
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { referenceMatmul, type MatmulArgs } from '../src/autodiff/backend.js';
import type { DType, FloatArray } from '../src/autodiff/dtype.js';
import { Random } from '../src/autodiff/random.js';
import { jsMatmul, matmulSingleThreaded, getMatmulThreads, setMatmulThreads, whenMatmulWorkersReady } from '../src/autodiff/backends/js.js';
import { gpuBackendInfo, gpuMatmul } from '../src/autodiff/backends/gpu.js';
import { wasmMatmul } from '../src/autodiff/backends/wasm.js';
import { timeRuns } from './mlp.js';

export interface MatmulBenchRow {
  shape: string;
  kernel: string;
  dtype: DType;
  threads: number;
  medianMs: number;
  bestMs: number;
  /** From the median time. */
  gflops: number;
  /** From the best time. */
  bestGflops: number;
  /** Median speed over the baseline's median speed for the same shape. */
  ratio: number;
}

export const MATMUL_SHAPES: ReadonlyArray<readonly [number, number, number]> = [[1000, 784, 200], [1000, 200, 200], [256, 256, 256]];

interface Candidate {
  kernel: string;
  dtype: DType;
  threads: number;
  run: (args: MatmulArgs) => FloatArray;
}

/** Throws unless `c` is op(A)·op(B) up to the dtype's rounding. */
function check(kernel: string, args: MatmulArgs, c: FloatArray, ref: Float64Array, scale: Float64Array): void {
  const tol = args.dtype === 'float64' ? 1e-12 : (1 + 4 * Math.sqrt(args.k)) * 2 ** -24;
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(c[i]! - ref[i]!) <= tol * scale[i]!)) throw new Error(`bench: ${kernel} ${args.dtype} gives a wrong product at element ${i}`);
  }
}

/** Times every kernel on every shape; see the header comment. */
export async function benchMatmul(repeats = 5, shapes = MATMUL_SHAPES, only?: string): Promise<MatmulBenchRow[]> {
  const threads = Math.max(2, Math.min(8, availableParallelism()));
  const savedThreads = getMatmulThreads();
  setMatmulThreads(threads);
  await whenMatmulWorkersReady();
  const gpuEngine = gpuBackendInfo().engine ?? 'unknown';
  const candidates: Candidate[] = [
    { kernel: 'naive i-k-j (reference)', dtype: 'float64', threads: 1, run: referenceMatmul },
    { kernel: 'wasm 4×4 SIMD f64x2', dtype: 'float64', threads: 1, run: wasmMatmul },
    { kernel: 'wasm 4×8 SIMD f32x4', dtype: 'float32', threads: 1, run: wasmMatmul },
    { kernel: 'wasm 4×4 SIMD f64x2', dtype: 'float64', threads, run: wasmMatmul },
    { kernel: 'wasm 4×8 SIMD f32x4', dtype: 'float32', threads, run: wasmMatmul },
    { kernel: 'js 3×2 register-blocked', dtype: 'float64', threads: 1, run: matmulSingleThreaded },
    { kernel: 'js 3×2 register-blocked', dtype: 'float32', threads: 1, run: matmulSingleThreaded },
    { kernel: 'js 3×2 register-blocked', dtype: 'float64', threads, run: jsMatmul },
    { kernel: 'js 3×2 register-blocked', dtype: 'float32', threads, run: jsMatmul },
    { kernel: `gpu.js ${gpuEngine}`, dtype: 'float32', threads: 1, run: gpuMatmul },
  ];
  const chosen = only === undefined ? candidates : candidates.filter((c, i) => i === 0 || c.kernel.includes(only));
  const rows: MatmulBenchRow[] = [];
  try {
    for (const [m, k, n] of shapes) {
      const rng = new Random(m * 7 + k * 11 + n);
      const a64 = Float64Array.from({ length: m * k }, () => rng.normal());
      const b64 = Float64Array.from({ length: k * n }, () => rng.normal());
      const a32 = new Float32Array(a64);
      const b32 = new Float32Array(b64);
      const flops = 2 * m * k * n;
      let baselineGflops = NaN;
      for (const c of chosen) {
        const args: MatmulArgs = c.dtype === 'float64'
          ? { a: a64, b: b64, m, k, n, transA: false, transB: false, dtype: 'float64' }
          : { a: a32, b: b32, m, k, n, transA: false, transB: false, dtype: 'float32' };
        setMatmulThreads(c.threads); // the wasm kernel reads it on every call
        const ref = referenceMatmul({ ...args, dtype: 'float64' }) as Float64Array;
        const scale = referenceMatmul({ ...args, a: args.a.map(Math.abs), b: args.b.map(Math.abs), dtype: 'float64' }) as Float64Array;
        check(c.kernel, args, c.run(args), ref, scale);
        // The first threaded wasm product starts its workers; let them boot before timing.
        if (c.threads > 1) await new Promise((resolve) => setTimeout(resolve, 300));
        const t = timeRuns(() => c.run(args), repeats);
        const gflops = flops / t.median / 1e6;
        if (rows.length === 0 || rows[rows.length - 1]!.shape !== `${m}×${k}×${n}`) baselineGflops = gflops;
        rows.push({
          shape: `${m}×${k}×${n}`, kernel: c.kernel, dtype: c.dtype, threads: c.threads,
          medianMs: t.median, bestMs: t.best, gflops, bestGflops: flops / t.best / 1e6, ratio: gflops / baselineGflops,
        });
      }
    }
  } finally {
    setMatmulThreads(savedThreads);
  }
  return rows;
}

/** The rows as a fixed-width text table. */
export function formatMatmulTable(rows: readonly MatmulBenchRow[]): string {
  const header = ['shape m×k×n', 'kernel', 'dtype', 'threads', 'median ms', 'GFLOP/s', 'best GFLOP/s', '× baseline'];
  const body = rows.map((r) => [
    r.shape, r.kernel, r.dtype, String(r.threads), r.medianMs.toFixed(1), r.gflops.toFixed(2), r.bestGflops.toFixed(2), r.ratio.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repeats = Number(process.argv[2] ?? 5);
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`matmul benchmark: Node ${process.version}, ${availableParallelism()} cores, load average ${load} (other processes skew timings)`);
  console.log(formatMatmulTable(await benchMatmul(repeats, MATMUL_SHAPES, process.argv[3])));
}
