/**
 * Compute backends against the float64 reference: every kernel (wasm float64
 * and float32, js float64, js float32, js threaded, gpu.js float32) on seeded random shapes, all four
 * transA/transB combinations, odd sizes, sizes that do not divide the
 * register tiles (3×2 for js, 4 rows for gpu), m, k or n of 1, empty
 * products, and an inner dimension above gpu.js's 1000-iteration loop cap.
 *
 * Errors are measured elementwise against the natural scale of a dot product,
 * S_ij = Σ_p |a_ip|·|b_pj| (relative to |c_ij| would be meaningless when the
 * sum cancels). With u32 = 2⁻²⁴ and u64 = 2⁻⁵³ the unit roundoffs:
 *  - wasm float64 sums in exactly the reference order with no fused
 *    multiply-add, so it must equal the reference bit for bit: asserted with
 *    Object.is. wasm float32 sums in the same order in float32 (each product
 *    and each partial sum rounded to float32), so it must equal that loop,
 *    written out here with Math.fround, bit for bit; and against the float64
 *    reference, |ĉ - c| ≤ γ_k·S with γ_k = k·u32/(1 − k·u32) (Higham,
 *    Accuracy and Stability of Numerical Algorithms, eq. 3.5, with the
 *    product's rounding included), plus the reference's own 2k·u64·S.
 *  - float64, summed in order: |ĉ - c| ≤ γ_k·S ≈ k·u64·S, and the reference
 *    itself errs by as much, so |ĉ - ref| ≤ 2k·u64·S ≈ 2.4e-13·S for
 *    k ≤ 1100. We assert the stated bound 1e-12·S.
 *  - js float32: inputs are float32 numbers; the kernel sums in float64 and
 *    rounds once, so |ĉ - c| ≤ u32·|c| + k·u64·S and |ĉ - ref| ≤
 *    (u32 + 2k·u64)·S. Asserted exactly so (a rigorous bound).
 *  - gpu.js float32: every product and every partial sum rounds to float32.
 *    The worst case is γ_k ≈ k·u32·S (6.6e-5·S at k = 1100), but rounding
 *    errors behave like a random walk, so in practice the error is
 *    ~√k·u32·S (Higham & Mary, SIAM J. Sci. Comput. 2019: with probability
 *    close to 1 it is below λ·√k·u32·S for a modest λ). We assert
 *    (1 + 4√k)·u32·S: λ = 4 plus the final rounding. That is ~100× below the
 *    worst case at k = 1100 and ~3× above the largest error seen here
 *    (seeded, so the test is deterministic).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableBackends, getBackend, referenceMatmul, setBackend, type MatmulArgs } from '../src/autodiff/backend.js';
import type { DType, FloatArray } from '../src/autodiff/dtype.js';
import { Random } from '../src/autodiff/random.js';
import {
  getMatmulThreads, jsBackend, lastThreadedMatmulStats, matmulSingleThreaded, setMatmulThreads, whenMatmulWorkersReady,
} from '../src/autodiff/backends/js.js';
import { gpuBackend, gpuBackendInfo } from '../src/autodiff/backends/gpu.js';
import { defaultBackendName, registerBuiltinBackends } from '../src/autodiff/backends/index.js';
import { lastWasmJobStats, wasmBackend, wasmBackendAvailable, wasmBackendFailure } from '../src/autodiff/backends/wasm.js';
import { grad, hvp, randn, softmaxCrossEntropy, type Tensor } from '../src/autodiff/index.js';

const U32 = 2 ** -24;
const U64 = 2 ** -53;
const TRANS: ReadonlyArray<readonly [boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];

type Shape3 = readonly [number, number, number];

/** Fixed awkward shapes plus seeded random ones. */
function shapes(rng: Random): Shape3[] {
  const fixed: Shape3[] = [
    [1, 1, 1], [1, 7, 1], [1, 5, 9], [9, 5, 1], [6, 1, 4], [3, 4, 2], [6, 8, 4], [7, 5, 3], [13, 17, 11],
    [5, 1100, 3], // k above gpu.js's silent 1000-iteration loop cap
  ];
  const random: Shape3[] = [];
  for (let i = 0; i < 12; i++) random.push([1 + rng.int(40), 1 + rng.int(40), 1 + rng.int(40)]);
  return [...fixed, ...random];
}

function randomMatrix(rng: Random, size: number, dtype: DType): FloatArray {
  const data = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.normal();
  return data;
}

function makeArgs(rng: Random, [m, k, n]: Shape3, transA: boolean, transB: boolean, dtype: DType): MatmulArgs {
  return { a: randomMatrix(rng, m * k, dtype), b: randomMatrix(rng, k * n, dtype), m, k, n, transA, transB, dtype };
}

/** Largest |ĉ - ref| / (tolerance(k)·S) over the elements: ≤ 1 passes. */
function worstError(args: MatmulArgs, result: FloatArray, relTol: number): number {
  const { m, n } = args;
  assert.is(result.length, m * n, 'result length');
  const ref = referenceMatmul({ ...args, dtype: 'float64' });
  const scale = referenceMatmul({ ...args, a: args.a.map(Math.abs), b: args.b.map(Math.abs), dtype: 'float64' });
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    const err = Math.abs(result[i]! - ref[i]!);
    if (!(err <= relTol * scale[i]! + Number.MIN_VALUE)) worst = Math.max(worst, err / (relTol * scale[i]!));
    if (Number.isNaN(result[i]!)) return Infinity;
  }
  return worst;
}

function label(args: MatmulArgs): string {
  return `${args.dtype} ${args.m}×${args.k}×${args.n} transA=${args.transA} transB=${args.transB}`;
}

const float32Tolerance = (k: number): number => U32 + 2 * k * U64;
const float32SummedTolerance = (k: number): number => (k * U32) / (1 - k * U32) + 2 * k * U64;

/** C = op(A)·op(B) in float32 throughout: c = fround(c + fround(a·b)) for p = 0 … k − 1, from 0. */
function float32InOrder({ a, b, m, k, n, transA, transB }: MatmulArgs): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let c = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i]! : a[i * k + p]!;
        const y = transB ? b[j * k + p]! : b[p * n + j]!;
        c = Math.fround(c + Math.fround(x * y));
      }
      out[i * n + j] = c;
    }
  }
  return out;
}
const gpuTolerance = (k: number): number => (1 + 4 * Math.sqrt(k)) * U32;

test('js float64 matches the reference within 1e-12·Σ|a||b|', () => {
  const rng = new Random(101);
  for (const shape of shapes(rng)) {
    for (const [transA, transB] of TRANS) {
      const args = makeArgs(rng, shape, transA, transB, 'float64');
      const c = matmulSingleThreaded(args);
      assert.instance(c, Float64Array);
      assert.ok(worstError(args, c, 1e-12) <= 1, label(args));
    }
  }
});

test('js float32 returns Float32Array within (u32 + 2k·u64)·Σ|a||b|', () => {
  const rng = new Random(102);
  for (const shape of shapes(rng)) {
    for (const [transA, transB] of TRANS) {
      const args = makeArgs(rng, shape, transA, transB, 'float32');
      const c = matmulSingleThreaded(args);
      assert.instance(c, Float32Array);
      assert.ok(worstError(args, c, float32Tolerance(shape[1])) <= 1, label(args));
    }
  }
});

test('js handles empty products and rejects inconsistent sizes', () => {
  const empty = jsBackend.matmul({ a: new Float64Array(0), b: new Float64Array(0), m: 2, k: 0, n: 3, transA: false, transB: false, dtype: 'float64' });
  assert.equal(Array.from(empty), [0, 0, 0, 0, 0, 0]);
  assert.is(jsBackend.matmul({ a: new Float32Array(0), b: new Float32Array(6), m: 0, k: 2, n: 3, transA: false, transB: false, dtype: 'float32' }).length, 0);
  assert.throws(
    () => jsBackend.matmul({ a: new Float64Array(5), b: new Float64Array(6), m: 2, k: 3, n: 2, transA: false, transB: false, dtype: 'float64' }),
    /A has 5 elements, expected/,
  );
});

const bitIdentical = (x: FloatArray, y: FloatArray): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

test('wasm float64 equals the reference bit for bit; float32 equals the float32 loop in the same order bit for bit', () => {
  const rng = new Random(105);
  for (const shape of [...shapes(rng), [37, 1001, 29] as Shape3, [130, 64, 130] as Shape3]) {
    for (const [transA, transB] of TRANS) {
      const args64 = makeArgs(rng, shape, transA, transB, 'float64');
      const c64 = wasmBackend.matmul(args64);
      assert.instance(c64, Float64Array);
      assert.ok(bitIdentical(c64, referenceMatmul(args64)), label(args64));
      const args32 = makeArgs(rng, shape, transA, transB, 'float32');
      const c32 = wasmBackend.matmul(args32);
      assert.instance(c32, Float32Array);
      assert.ok(bitIdentical(c32, float32InOrder(args32)), label(args32));
      assert.ok(worstError(args32, c32, float32SummedTolerance(shape[1])) <= 1, label(args32));
    }
  }
});

test('wasm: memory is reused across products of different sizes; empty products; clear size errors', () => {
  const rng = new Random(106);
  // A large product grows the module's memory; a small one after it must not see stale data.
  for (const shape of [[300, 500, 200], [3, 2, 5], [64, 700, 3]] as Shape3[]) {
    const args = makeArgs(rng, shape, false, true, 'float64');
    assert.ok(bitIdentical(wasmBackend.matmul(args), referenceMatmul(args)), label(args));
  }
  const empty = wasmBackend.matmul({ a: new Float64Array(0), b: new Float64Array(0), m: 2, k: 0, n: 3, transA: false, transB: false, dtype: 'float64' });
  assert.equal(Array.from(empty), [0, 0, 0, 0, 0, 0]);
  assert.instance(wasmBackend.matmul({ a: new Float32Array(0), b: new Float32Array(6), m: 0, k: 2, n: 3, transA: false, transB: false, dtype: 'float32' }), Float32Array);
  assert.throws(
    () => wasmBackend.matmul({ a: new Float64Array(5), b: new Float64Array(6), m: 2, k: 3, n: 2, transA: false, transB: false, dtype: 'float64' }),
    /A has 5 elements, expected/,
  );
});

/** A small tanh MLP's loss as a function of its flat parameters, in the dtype of X. */
function smallMlp(rng: Random, dtype: DType): { loss: (theta: Tensor) => Tensor; D: number } {
  const X = randn([23, 17], rng, 1, dtype);
  const labels = Array.from({ length: 23 }, (_, i) => i % 5);
  const loss = (theta: Tensor): Tensor => {
    const W1 = theta.slice([0], [153]).reshape([17, 9]);
    const b1 = theta.slice([153], [162]);
    const W2 = theta.slice([162], [207]).reshape([9, 5]);
    const b2 = theta.slice([207], [212]);
    return softmaxCrossEntropy(X.matmul(W1).add(b1).tanh().matmul(W2).add(b2), labels);
  };
  return { loss, D: 17 * 9 + 9 + 9 * 5 + 5 };
}

/** Gradient and HVP of the small MLP on a backend, at seeded θ and v, in a dtype. */
function gradientAndHvp(backend: string, dtype: DType): [FloatArray, FloatArray] {
  const previous = getBackend().name;
  const rng = new Random(107);
  const { loss, D } = smallMlp(rng, dtype);
  const theta = randn([D], rng, 0.3, dtype);
  const v = randn([D], rng, 1, dtype);
  try {
    setBackend(backend);
    return [grad(loss)(theta).toTypedArray(), hvp(loss, theta, v).toTypedArray()];
  } finally {
    setBackend(previous);
  }
}

test('wasm: gradients and HVPs of an MLP equal the reference backend bit for bit (float64)', () => {
  const [gRef, hRef] = gradientAndHvp('reference', 'float64');
  const [gWasm, hWasm] = gradientAndHvp('wasm', 'float64');
  assert.ok(bitIdentical(gWasm, gRef), 'gradient');
  assert.ok(bitIdentical(hWasm, hRef), 'HVP');
});

/**
 * float32 gradients and HVPs (gpu.js, wasm and js kernels) against the float64
 * ones. θ, v and X are rounded to float32 (relative change u32 ≈ 6e-8) and
 * every operation rounds again. The errors behave like a random walk over a
 * few dozen roundings of terms no larger than the result's largest entry,
 * so we assert max|x32 − x64| ≤ 32·u32·max|x64| (1.9e-6); seen here:
 * 0.7–1.2e-7, i.e. 1–2 u32.
 */
test('float32 gradients and HVPs on gpu, wasm and js agree with float64 within 32·u32 of the largest entry', () => {
  const [g64, h64] = gradientAndHvp('wasm', 'float64');
  const maxAbs = (x: FloatArray): number => { let m = 0; for (const v of x) m = Math.max(m, Math.abs(v)); return m; };
  for (const backend of ['gpu', 'wasm', 'js']) {
    const [g32, h32] = gradientAndHvp(backend, 'float32');
    assert.instance(g32, Float32Array, backend);
    for (const [name, x32, x64] of [['gradient', g32, g64], ['HVP', h32, h64]] as const) {
      const error = maxAbs(x64.map((v, i) => v - x32[i]!));
      assert.ok(error <= 32 * U32 * maxAbs(x64), `${backend} ${name}: max error ${error} vs scale ${maxAbs(x64)}`);
      assert.ok(error > 0, `${backend} ${name} really computed in float32`);
    }
  }
});

test('wasm threaded: bit-identical to one thread, rows really shared with a worker', () => {
  const saved = getMatmulThreads();
  try {
    const rng = new Random(108);
    // m·k·n above the threading threshold (2^20); m, k, n odd and not tile multiples.
    const shape: Shape3 = [301, 97, 89];
    let chunksOnWorkers = 0;
    for (const dtype of ['float64', 'float32'] as const) {
      for (const [transA, transB] of TRANS) {
        const args = makeArgs(rng, shape, transA, transB, dtype);
        setMatmulThreads(1);
        const single = wasmBackend.matmul(args);
        setMatmulThreads(2);
        const threaded = wasmBackend.matmul(args);
        const stats = lastWasmJobStats();
        assert.ok(stats.chunks > 1, 'the product took the threaded path');
        chunksOnWorkers += stats.chunks - stats.chunksOnMain;
        assert.is(threaded.constructor, single.constructor, label(args));
        assert.ok(bitIdentical(threaded, single), `bit-identical: ${label(args)}`);
        if (dtype === 'float64') assert.ok(bitIdentical(threaded, referenceMatmul(args)), label(args));
      }
    }
    // A worker boots in the background; on a busy machine the main thread may
    // take every chunk until it has. Give it a few larger jobs before concluding.
    const big = makeArgs(rng, [600, 200, 150], false, false, 'float64');
    const deadline = Date.now() + 20_000;
    while (chunksOnWorkers === 0 && Date.now() < deadline) {
      wasmBackend.matmul(big);
      chunksOnWorkers += lastWasmJobStats().chunks - lastWasmJobStats().chunksOnMain;
    }
    assert.ok(chunksOnWorkers > 0, 'a worker computed some chunks');
    assert.match(wasmBackend.describe(), /2 threads/);
  } finally {
    setMatmulThreads(saved);
  }
});

test('wasm: idle workers do not keep the process alive', () => {
  const script = [
    `import { wasmBackend, lastWasmJobStats } from ${JSON.stringify(new URL('../src/autodiff/backends/wasm.ts', import.meta.url).href)};`,
    `import { setMatmulThreads } from ${JSON.stringify(new URL('../src/autodiff/backends/js.ts', import.meta.url).href)};`,
    `setMatmulThreads(2);`,
    `const m = 200, k = 100, n = 100;`,
    `wasmBackend.matmul({ a: new Float64Array(m * k).fill(1), b: new Float64Array(k * n).fill(1), m, k, n, transA: false, transB: false, dtype: 'float64' });`,
    `console.log(JSON.stringify(lastWasmJobStats()));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.is(child.error, undefined, 'child exited by itself (no hang)');
  assert.is(child.status, 0, child.stderr);
  assert.ok((JSON.parse(child.stdout.trim()) as { chunks: number }).chunks > 1, 'the product took the threaded path');
});

test('wasm: the committed matmul.wasm is exactly what the AssemblyScript source compiles to', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goldilocks-wasm-'));
  try {
    const out = join(dir, 'matmul.wasm');
    const asc = fileURLToPath(new URL('../node_modules/assemblyscript/bin/asc.js', import.meta.url));
    const source = fileURLToPath(new URL('../src/autodiff/backends/wasm-kernel/matmul.ts', import.meta.url));
    // The same flags as `npm run build:wasm`, read from package.json.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const flags = pkg.scripts['build:wasm']!.split(/\s+/).slice(2).filter((_, i, all) => all[i - 1] !== '--outFile' && all[i] !== '--outFile');
    const child = spawnSync(process.execPath, [asc, source, '--outFile', out, ...flags], { encoding: 'utf8', timeout: 60_000 });
    assert.is(child.status, 0, child.stderr);
    const committed = readFileSync(new URL('../src/autodiff/backends/wasm-kernel/matmul.wasm', import.meta.url));
    assert.ok(readFileSync(out).equals(committed), 'matmul.wasm is stale: run `npm run build:wasm` and commit it');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('js threaded: bit-identical to single-threaded, work really shared with a worker', async () => {
  const saved = getMatmulThreads();
  setMatmulThreads(2);
  try {
    await whenMatmulWorkersReady();
    const rng = new Random(103);
    // m·k·n above the threading threshold (2^20); m, k, n odd and not tile multiples.
    const shape: Shape3 = [301, 97, 89];
    let chunksOnWorkers = 0;
    for (const dtype of ['float64', 'float32'] as const) {
      for (const [transA, transB] of TRANS) {
        const args = makeArgs(rng, shape, transA, transB, dtype);
        const single = matmulSingleThreaded(args);
        const threaded = jsBackend.matmul(args);
        assert.is(threaded.constructor, single.constructor, label(args));
        assert.ok(threaded.every((v, i) => Object.is(v, single[i])), `bit-identical: ${label(args)}`);
        chunksOnWorkers += lastThreadedMatmulStats().chunksOnWorkers;
        if (dtype === 'float64') assert.ok(worstError(args, threaded, 1e-12) <= 1, label(args));
      }
    }
    // On a busy machine the main thread may take every chunk of a job before
    // the worker is scheduled; give it a few larger jobs before concluding.
    const big = makeArgs(rng, [600, 200, 150], false, false, 'float64');
    for (let attempt = 0; attempt < 30 && chunksOnWorkers === 0; attempt++) {
      jsBackend.matmul(big);
      chunksOnWorkers += lastThreadedMatmulStats().chunksOnWorkers;
    }
    assert.ok(chunksOnWorkers > 0, 'the worker computed some chunks');
  } finally {
    setMatmulThreads(saved);
  }
});

test('setMatmulThreads validates its argument; 1 turns threading off', () => {
  const saved = getMatmulThreads();
  assert.throws(() => setMatmulThreads(0), /positive integer/);
  assert.throws(() => setMatmulThreads(1.5), /positive integer/);
  setMatmulThreads(1);
  assert.match(jsBackend.describe(), /single-threaded/);
  setMatmulThreads(saved);
});

test('idle matmul workers do not keep the process alive (worker source runs under tsx)', () => {
  const script = [
    `import { jsBackend, setMatmulThreads, whenMatmulWorkersReady, lastThreadedMatmulStats } from ${JSON.stringify(new URL('../src/autodiff/backends/js.ts', import.meta.url).href)};`,
    `setMatmulThreads(2);`,
    `await whenMatmulWorkersReady();`,
    `const m = 200, k = 100, n = 100;`,
    `jsBackend.matmul({ a: new Float64Array(m * k).fill(1), b: new Float64Array(k * n).fill(1), m, k, n, transA: false, transB: false, dtype: 'float64' });`,
    `console.log(JSON.stringify(lastThreadedMatmulStats()));`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.is(child.error, undefined, 'child exited by itself (no hang)');
  assert.is(child.status, 0, child.stderr);
  const stats = JSON.parse(child.stdout.trim()) as { chunks: number };
  assert.ok(stats.chunks > 1, 'the product took the threaded path');
});

test('gpu float32 (gpu.js) matches the reference within (1 + 4√k)·u32·Σ|a||b|', () => {
  const rng = new Random(104);
  for (const shape of shapes(rng)) {
    for (const [transA, transB] of TRANS) {
      const args = makeArgs(rng, shape, transA, transB, 'float32');
      const c = gpuBackend.matmul(args);
      assert.instance(c, Float32Array);
      assert.ok(worstError(args, c, gpuTolerance(shape[1])) <= 1, label(args));
    }
  }
});

test('gpu reports the gpu.js engine that actually ran and refuses float64', () => {
  // gpu.js picks webasm on Node without the optional `gl` package; set
  // GOLDILOCKS_GPU_MODE to run this suite against another engine.
  const expected = process.env.GOLDILOCKS_GPU_MODE?.trim() || 'webasm';
  const info = gpuBackendInfo();
  assert.is(info.engine, expected === 'gpu' ? info.engine : expected);
  assert.is(info.kernelClass, expected === 'webasm' ? 'WebAssemblyKernel' : info.kernelClass);
  assert.not.ok(info.fellBack, `fell back: ${info.fallbackReason}`);
  assert.ok(gpuBackend.describe().includes(`${info.engine} backend`), gpuBackend.describe());
  assert.equal(gpuBackend.dtypes, ['float32']);
  assert.throws(
    () => gpuBackend.matmul({ a: new Float64Array(1), b: new Float64Array(1), m: 1, k: 1, n: 1, transA: false, transB: false, dtype: 'float64' }),
    /computes float32 only/,
  );
});

test('registerBuiltinBackends makes wasm, js and gpu selectable; wasm is the default here', () => {
  const previous = getBackend().name;
  registerBuiltinBackends();
  assert.ok(availableBackends().includes('js') && availableBackends().includes('gpu') && availableBackends().includes('wasm'));
  assert.is(setBackend('wasm'), wasmBackend);
  assert.is(setBackend('js'), jsBackend);
  // Node 20 runs WebAssembly SIMD, so the default is the SIMD kernel.
  assert.ok(wasmBackendAvailable(), `wasm unavailable: ${wasmBackendFailure()}`);
  assert.is(defaultBackendName(), 'wasm');
  assert.is(setBackend('gpu'), gpuBackend);
  setBackend(previous);
});

test.run();
