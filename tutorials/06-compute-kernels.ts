/**
 * Tutorial 06 — compute kernels: what makes a matrix product fast.
 *
 * Run it: npx tsx tutorials/06-compute-kernels.ts
 *
 * Everything the engine differentiates ends in a few numeric kernels, and
 * one dominates the cost of training and of every Hessian-vector product:
 * the matrix product C = A·B, 2·m·k·n floating-point operations. This
 * chapter writes it three ways and measures each in GFLOP/s (10⁹ flops per
 * second) at small sizes:
 *
 *   1. the naive i-j-k loop: walks B down a column, one cache miss per step;
 *   2. a cache-blocked i-k-j loop: works on tiles that stay in cache, and
 *      walks every array along its rows;
 *   3. the project's backends (setBackend / getBackend): register-blocked
 *      TypeScript ('js'), WebAssembly SIMD ('wasm': two f64 multiply-adds per
 *      instruction) with threads for large products, and gpu.js ('gpu').
 *
 * Then a gpu.js kernel of our own. In Node on a machine without a usable
 * graphics card gpu.js does not reach a GPU: it runs the kernel on the CPU,
 * with its WebAssembly ('webasm') or plain JavaScript ('cpu') engine. The
 * chapter prints which engine ran instead of assuming.
 *
 * Every result is checked against the naive loop. Timings are printed, not
 * checked: on a shared machine they vary from run to run, and threads only
 * help when cores are free. The size is 512 (about 10 seconds);
 * GOLDILOCKS_TUTORIAL_QUICK=1 uses 128, where all three matrices fit in the
 * cache and the naive loop's weakness hardly shows: compare the two sizes.
 *
 * Exercise 13: the cache-blocked product, `blockedMatmul` in this file.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { GPU } from 'gpu.js';
import { availableBackends, getBackend, getMatmulThreads, Random, referenceMatmul, setBackend, setMatmulThreads, type FloatArray } from '../src/autodiff/index.js';

const quick = process.env.GOLDILOCKS_TUTORIAL_QUICK === '1'; // documented above
const n = quick ? 128 : 512;
const flops = 2 * n * n * n;

function randomMatrix(rows: number, cols: number, rng: Random): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

/** The best of a few runs, in GFLOP/s, and the last result. */
function measure(label: string, run: () => FloatArray, repeats = quick ? 2 : 3): FloatArray {
  let best = Infinity;
  let out: FloatArray = new Float64Array(0);
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    out = run();
    best = Math.min(best, performance.now() - start);
  }
  console.log(`  ${label.padEnd(44)} ${best.toFixed(1).padStart(8)} ms  ${(flops / best / 1e6).toFixed(2).padStart(6)} GFLOP/s`);
  return out;
}

/** max |x − y| / max |y|: the relative disagreement of two results. */
function disagreement(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return diff / scale;
}

function checkAgrees(label: string, got: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  if (got.length !== expected.length) throw new Error(`${label}: ${got.length} entries, expected ${expected.length}`);
  const d = disagreement(got, expected);
  if (!(d <= tolerance)) throw new Error(`${label}: differs from the naive loop by ${d} (relative), allowed ${tolerance}`);
  console.log(`  ✓ ${label} agrees with the naive loop (relative difference ${d.toExponential(1)})`);
}


// ---------------------------------------------------------------------------
// Step 1. The naive loop: C[i][j] = Σ_p A[i][p]·B[p][j]. The inner loop reads
// B[p][j] for p = 0, 1, …: a stride of n doubles, so every read lands on a
// different cache line, and the processor waits on memory.
// ---------------------------------------------------------------------------
export function naiveMatmul(a: Float64Array, b: Float64Array, size: number): Float64Array {
  const c = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let s = 0;
      for (let p = 0; p < size; p++) s += a[i * size + p]! * b[p * size + j]!;
      c[i * size + j] = s;
    }
  }
  return c;
}

// ---------------------------------------------------------------------------
// Step 2. Cache blocking. Reorder the loops to i-k-j, so the inner loop runs
// along a row of B and a row of C (unit stride: every byte of a cache line
// is used), and cut the matrices into tiles of `tile` columns and rows, so
// the slab of B that the inner loops reuse stays in the L1/L2 cache instead
// of being fetched again for every row of A.
// ---------------------------------------------------------------------------
export function blockedMatmul(a: Float64Array, b: Float64Array, size: number, tile = 64): Float64Array {
  const c = new Float64Array(size * size);
  for (let p0 = 0; p0 < size; p0 += tile) {
    const p1 = Math.min(p0 + tile, size);
    for (let j0 = 0; j0 < size; j0 += tile) {
      const j1 = Math.min(j0 + tile, size);
      for (let i = 0; i < size; i++) {
        const rowC = i * size;
        for (let p = p0; p < p1; p++) {
          const aip = a[i * size + p]!;
          const rowB = p * size;
          for (let j = j0; j < j1; j++) c[rowC + j]! += aip * b[rowB + j]!;
        }
      }
    }
  }
  return c;
}

function stepsOneAndTwo(A: Float64Array, B: Float64Array): Float64Array {
  console.log(`Steps 1 and 2: ${n}×${n} by ${n}×${n} in float64 (${(flops / 1e6).toFixed(0)} Mflop)`);
  const naive = measure('naive i-j-k loop', () => naiveMatmul(A, B, n));
  const blocked = measure('cache-blocked i-k-j loop (64×64 tiles)', () => blockedMatmul(A, B, n));
  checkAgrees('blocked loop', blocked, naive, 1e-13);
  const reference = measure('referenceMatmul (the project\'s plain i-k-j)', () => referenceMatmul({ a: A, b: B, m: n, k: n, n, transA: false, transB: false, dtype: 'float64' }));
  checkAgrees('referenceMatmul', reference, naive, 1e-13);
  return naive as Float64Array;
}

// ---------------------------------------------------------------------------
// Step 3. SIMD and threads: the project's backends.
//
// After blocking, the loop is limited by how many multiply-adds the core
// issues per cycle. 'js' keeps a 3×2 tile of C in registers (six independent
// sums, so the processor can overlap them); 'wasm' does the same with
// WebAssembly SIMD, two float64 lanes per instruction. Both split products
// with m·k·n ≥ 2²⁰ across threads (setMatmulThreads; the default is the
// number of cores), each thread computing its own rows of C. A backend
// changes speed and rounding, never the mathematics: all agree with the
// naive loop to rounding (float64), or to float32 precision for 'gpu'.
// ---------------------------------------------------------------------------
function stepThree(A: Float64Array, B: Float64Array, naive: Float64Array): void {
  console.log(`Step 3: the backends (${availableBackends().join(', ')}); threads by default: ${getMatmulThreads()}`);
  const original = getBackend().name;
  const defaultThreads = getMatmulThreads();
  for (const name of availableBackends()) {
    if (name === 'gpu') continue; // Step 4
    const backend = setBackend(name);
    for (const threads of name === 'reference' ? [1] : [...new Set([1, defaultThreads])]) {
      setMatmulThreads(threads);
      const out = measure(`${name}, ${threads} thread${threads > 1 ? 's' : ''}`, () => backend.matmul({ a: A, b: B, m: n, k: n, n, transA: false, transB: false, dtype: 'float64' }));
      checkAgrees(`${name} with ${threads} thread${threads > 1 ? 's' : ''}`, out, naive, 1e-13);
    }
    console.log(`    (${backend.describe()})`);
  }
  setMatmulThreads(defaultThreads);
  setBackend(original);
}

// ---------------------------------------------------------------------------
// Step 4. A gpu.js kernel.
//
// gpu.js compiles a JavaScript function into a kernel that runs once per
// output element, `this.thread.x` and `this.thread.y` saying which one. On a
// GPU (WebGL, headless GL) the threads run in parallel on the graphics card.
// Here there is none: gpu.js falls back to an engine that runs on the CPU.
// We write the simplest kernel, one thread per entry of C, and ask gpu.js
// which engine ran it; then the project's 'gpu' backend, which packs four
// rows per thread, and which also reports its engine.
// ---------------------------------------------------------------------------
function stepFour(A: Float64Array, B: Float64Array, naive: Float64Array): void {
  console.log('Step 4: gpu.js');
  const original = getBackend().name;
  {
    const require = createRequire(import.meta.url);
    const { GPU: GPUClass } = require('gpu.js') as { GPU: new () => GPU };
    const gpu = new GPUClass();
    const kernel = gpu.createKernel(
      `function (a, b) {
        let s = 0.0;
        for (let p = 0; p < ${n}; p++) s += a[this.thread.y * ${n} + p] * b[p * ${n} + this.thread.x];
        return s;
      }`,
      { output: [n, n], precision: 'single', tactic: 'precision' },
    );
    kernel.setLoopMaxIterations(n + 1);
    const a32 = Float32Array.from(A);
    const b32 = Float32Array.from(B);
    const rows = measure('our gpu.js kernel (one thread per entry)', () => Float32Array.from((kernel(a32, b32) as Float32Array[]).flatMap((row) => Array.from(row))));
    const engine = kernel.kernel.constructor.name;
    const onCpu = /cpu|webasm|WebAssembly/i.test(engine);
    console.log(`    gpu.js ran the kernel with ${engine}: ${onCpu ? 'on the CPU, not a graphics card' : 'a GPU engine'}`);
    // float32 products of k standard normals: relative rounding about √k · 6e-8.
    checkAgrees('our gpu.js kernel (float32)', rows, naive, 1e-5);
    kernel.destroy();

    const backend = setBackend('gpu');
    const out = measure('the gpu backend (four rows per thread)', () => backend.matmul({ a: a32, b: b32, m: n, k: n, n, transA: false, transB: false, dtype: 'float32' }));
    console.log(`    (${backend.describe()})`);
    checkAgrees('the gpu backend (float32)', out, naive, 1e-5);
  }
  setBackend(original);
}

// Run the steps when this file is executed; exercise 13's checks import
// blockedMatmul without running them.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rng = new Random(6);
  const A = randomMatrix(n, n, rng);
  const B = randomMatrix(n, n, rng);
  const naive = stepsOneAndTwo(A, B);
  stepThree(A, B, naive);
  stepFour(A, B, naive);
  console.log('Tutorial 06: all checks passed.');
}
