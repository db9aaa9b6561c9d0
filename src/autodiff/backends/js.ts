/**
 * The 'js' backend: fast matrix products in plain TypeScript, on one core or
 * several.
 *
 * C = op(A)·op(B) is GotoBLAS in miniature, shaped by what V8 compiles well:
 *
 * 1. Pack. B is copied once into column panels TILE_COLS wide, and A, a block
 *    of rows at a time, into row panels TILE_ROWS tall. Inside a panel the
 *    numbers are stored p-major (all of column p of the panel, then p+1, ...),
 *    so the inner loop walks both operands with unit stride. Packing absorbs
 *    every layout question at O(mk + kn) cost: transA/transB, float32 inputs
 *    (converted to float64 exactly) and ragged edges (panels are zero-padded,
 *    so the inner loop never branches). One kernel then serves all cases.
 * 2. Micro-kernel. A TILE_ROWS × TILE_COLS tile of C lives in local variables
 *    (CPU registers) while p runs over the whole inner dimension: each step
 *    loads 3 + 2 numbers and does 6 multiply-adds.
 * 3. Cache blocking. A is packed BLOCK_ROWS rows at a time (a block that stays
 *    in the core's L2 cache); each B panel (2·k numbers, L1-sized for the
 *    usual k) then sweeps all row panels of the block.
 *
 * Why 3×2 and why plain Arrays for the packed panels (measured on Node 20):
 *  - V8 guards every typed-array read with a map check, a bounds check and a
 *    recomputed data pointer (~6 instructions); a read from an Array whose
 *    elements are unboxed doubles (PACKED_DOUBLE_ELEMENTS) costs ~4. Scalar
 *    JavaScript is bound by instruction count, so this alone is ~15-20%.
 *  - V8 gives a function about 15 double registers on x64, and TurboFan
 *    schedules all products of a step before the sums, so a tile needs about
 *    2·rows·cols registers: 3×2 (or 2×3) fits; 4×4 spills to the stack and is
 *    ~20% slower than 3×2 despite fewer loads per multiply.
 *  - Indices are kept in int32 range with `| 0` so V8 drops overflow checks.
 *
 * Rounding. Every element of C is Σ_p a_ip·b_pj summed left to right in
 * float64, starting from 0: the order of the reference i-k-j loop. A float64
 * product therefore equals referenceMatmul bit for bit (for finite inputs
 * without exact zeros, which the reference skips). A float32 product sums in
 * float64 and rounds once at the end: error ≤ 2⁻²⁴·|c| + k·2⁻⁵³·Σ|a||b|.
 *
 * Threads. Large products split the rows of C into chunks that the main
 * thread and persistent worker_threads claim from a shared atomic counter.
 * The call stays synchronous: the main thread copies A and B into
 * SharedArrayBuffers, posts the job, computes chunks itself, then blocks in
 * Atomics.wait until the last chunk is done. Each element is still computed
 * by the same instruction sequence, so threaded results are bit-identical to
 * single-threaded ones. Workers start lazily (and until one has booted the
 * main thread simply does all the chunks), are unref'd so they never keep the
 * process alive, and run the very same kernel functions: their source is
 * built from these functions' `toString()`. That is why the kernel functions
 * below are self-contained top-level `function`s without inner functions or
 * arrows: tsx (esbuild keepNames) would wrap those in `__name(...)` calls
 * that do not exist in the worker (a shim is provided anyway).
 * `setMatmulThreads(1)` turns threading off.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Backend, MatmulArgs } from '../backend.js';
import type { FloatArray } from '../dtype.js';

// ------------------------------------------------------------------ kernel

/** Rows of C held in registers by the micro-kernel. */
const TILE_ROWS = 3;
/** Columns of C held in registers by the micro-kernel. */
const TILE_COLS = 2;
/** About 256 KiB of packed A (half a Zen 3 L2) per block of rows. */
const BLOCK_DOUBLES = 32768;

/**
 * An empty Array whose elements are already unboxed doubles. An Array built
 * from `[]` starts as small integers and would stay so if every value stored
 * were an integer; then the kernel would see two element kinds and V8 would
 * deoptimise it. Pushing an integer into a double array keeps it double.
 */
function newDoubleArray(): number[] {
  const array = [0.5];
  array.pop();
  return array;
}

function ensureLength(array: number[], length: number): void {
  while (array.length < length) array.push(0);
}

/** Rows of A packed per block: a multiple of TILE_ROWS, ~BLOCK_DOUBLES numbers. */
function blockRowsFor(k: number): number {
  const rows = Math.floor(BLOCK_DOUBLES / Math.max(k, 1) / TILE_ROWS) * TILE_ROWS;
  return Math.max(TILE_ROWS, rows);
}

/**
 * Packs op(B) ([k, n]) into column panels: panel q holds columns
 * q·TILE_COLS ... +TILE_COLS-1, stored as packed[q·k·TILE_COLS + p·TILE_COLS + c].
 * Columns past n are zero.
 */
function packColumnPanels(b: FloatArray, transB: boolean, k: number, n: number, packed: number[]): void {
  const panels = Math.ceil(n / TILE_COLS);
  ensureLength(packed, panels * k * TILE_COLS);
  let w = 0;
  for (let j0 = 0; j0 < n; j0 += TILE_COLS) {
    for (let p = 0; p < k; p++) {
      for (let c = 0; c < TILE_COLS; c++) {
        const j = j0 + c;
        packed[w++] = j >= n ? 0 : transB ? b[j * k + p]! : b[p * n + j]!;
      }
    }
  }
}

/**
 * Packs rows [rowStart, rowStart + rows) of op(A) ([m, k]) into row panels:
 * panel q holds rows rowStart + q·TILE_ROWS ..., stored as
 * packed[q·k·TILE_ROWS + p·TILE_ROWS + r]. Rows past the block are zero.
 */
function packRowPanels(a: FloatArray, transA: boolean, m: number, k: number, rowStart: number, rows: number, packed: number[]): void {
  const panels = Math.ceil(rows / TILE_ROWS);
  ensureLength(packed, panels * k * TILE_ROWS);
  let w = 0;
  for (let r0 = 0; r0 < rows; r0 += TILE_ROWS) {
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < TILE_ROWS; r++) {
        const i = rowStart + r0 + r;
        packed[w++] = r0 + r >= rows ? 0 : transA ? a[p * m + i]! : a[i * k + p]!;
      }
    }
  }
}

/**
 * The micro-kernel loop nest: C[rowStart + ..., :] for one packed block of A
 * (`rows` rows) against all of packed B. Writes into `out` ([m, n] float64).
 */
function multiplyPackedBlock(packedA: number[], packedB: number[], out: Float64Array, rowStart: number, rows: number, k: number, n: number): void {
  const panelA = TILE_ROWS * k;
  const panelB = TILE_COLS * k;
  for (let j0 = 0, bStart = 0; j0 < n; j0 += TILE_COLS, bStart += panelB) {
    const cols = n - j0;
    for (let r0 = 0, aStart = 0; r0 < rows; r0 += TILE_ROWS, aStart += panelA) {
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0;
      let ai = aStart | 0;
      let bi = bStart | 0;
      const aEnd = (aStart + panelA) | 0;
      while (ai < aEnd) {
        const a0 = packedA[ai]!, a1 = packedA[(ai + 1) | 0]!, a2 = packedA[(ai + 2) | 0]!;
        const b0 = packedB[bi]!, b1 = packedB[(bi + 1) | 0]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c20 += a2 * b0;
        c21 += a2 * b1;
        ai = (ai + TILE_ROWS) | 0;
        bi = (bi + TILE_COLS) | 0;
      }
      // Store the valid part of the tile (edge tiles are partly padding).
      const validRows = rows - r0;
      let o = (rowStart + r0) * n + j0;
      out[o] = c00;
      if (cols > 1) out[o + 1] = c01;
      if (validRows > 1) {
        o += n;
        out[o] = c10;
        if (cols > 1) out[o + 1] = c11;
      }
      if (validRows > 2) {
        o += n;
        out[o] = c20;
        if (cols > 1) out[o + 1] = c21;
      }
    }
  }
}

/**
 * Rows [rowStart, rowEnd) of C = op(A)·op(B) into `out`, given B already
 * packed by packColumnPanels. `packedA` is scratch space.
 */
function multiplyRows(
  a: FloatArray, transA: boolean, m: number, k: number, n: number,
  packedB: number[], packedA: number[], out: Float64Array, rowStart: number, rowEnd: number,
): void {
  const blockRows = blockRowsFor(k);
  for (let i0 = rowStart; i0 < rowEnd; i0 += blockRows) {
    const rows = Math.min(blockRows, rowEnd - i0);
    packRowPanels(a, transA, m, k, i0, rows, packedA);
    multiplyPackedBlock(packedA, packedB, out, i0, rows, k, n);
  }
}

/** Per-thread scratch: packed panels, reused from call to call. */
interface Scratch {
  packedA: number[];
  packedB: number[];
}

/**
 * One threaded product as the threads see it. Typed arrays over
 * SharedArrayBuffers cross postMessage as shared memory, not copies.
 * control: [next chunk to claim, chunks done, failure flag, chunks done by workers].
 */
interface SharedJob {
  a: Float64Array;
  b: Float64Array;
  out: Float64Array;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  chunkRows: number;
  chunkCount: number;
  control: Int32Array;
}

/**
 * Claims chunks of rows until none are left; run by the main thread and by
 * every worker. B is packed (privately: plain Arrays cannot be shared) only
 * once a chunk has actually been claimed.
 */
function runSharedJob(job: SharedJob, scratch: Scratch, isWorker: boolean): void {
  let packed = false;
  for (;;) {
    const chunk = Atomics.add(job.control, 0, 1);
    if (chunk >= job.chunkCount) return;
    if (!packed) {
      packColumnPanels(job.b, job.transB, job.k, job.n, scratch.packedB);
      packed = true;
    }
    const rowStart = chunk * job.chunkRows;
    const rowEnd = Math.min(job.m, rowStart + job.chunkRows);
    multiplyRows(job.a, job.transA, job.m, job.k, job.n, scratch.packedB, scratch.packedA, job.out, rowStart, rowEnd);
    if (isWorker) Atomics.add(job.control, 3, 1);
    Atomics.add(job.control, 1, 1);
    Atomics.notify(job.control, 1);
  }
}

// ----------------------------------------------------- single-threaded API

const mainScratch: Scratch = { packedA: newDoubleArray(), packedB: newDoubleArray() };

/** Throws a clear error unless m, k, n are non-negative integers and A, B hold m·k and k·n numbers. */
export function checkMatmulArgs({ a, b, m, k, n }: MatmulArgs): void {
  for (const [name, v] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`matmul: ${name} must be a non-negative integer, got ${v}`);
  }
  if (a.length !== m * k) throw new Error(`matmul: A has ${a.length} elements, expected m·k = ${m}·${k} = ${m * k}`);
  if (b.length !== k * n) throw new Error(`matmul: B has ${b.length} elements, expected k·n = ${k}·${n} = ${k * n}`);
}

/** Converts the float64 result to the requested dtype (float32: one rounding). */
function finish(out64: Float64Array, dtype: MatmulArgs['dtype']): FloatArray {
  return dtype === 'float64' ? out64 : new Float32Array(out64);
}

/** The single-threaded product (always available, whatever setMatmulThreads says). */
export function matmulSingleThreaded(args: MatmulArgs): FloatArray {
  checkMatmulArgs(args);
  const { a, b, m, k, n, transA, transB, dtype } = args;
  const out = new Float64Array(m * n);
  if (m > 0 && n > 0 && k > 0) {
    packColumnPanels(b, transB, k, n, mainScratch.packedB);
    multiplyRows(a, transA, m, k, n, mainScratch.packedB, mainScratch.packedA, out, 0, m);
  }
  return finish(out, dtype);
}

// ------------------------------------------------------------------ threads

/** Products with m·k·n below this stay on one thread (posting a job costs ~50 µs); the 'wasm' backend uses it too. */
export const THREADED_MIN_WORK = 1 << 20;
/** Row chunks per thread: a few, so a thread that started late still gets work. */
const CHUNKS_PER_THREAD = 4;
/** Longest wait for any progress before the workers are declared dead. */
const STALL_TIMEOUT_MS = 30_000;

/** The worker's whole program: the kernel functions above, by their source. */
function workerSource(): string {
  const kernelFunctions = [newDoubleArray, ensureLength, blockRowsFor, packColumnPanels, packRowPanels, multiplyPackedBlock, multiplyRows, runSharedJob];
  return [
    `'use strict';`,
    `const { parentPort } = require('node:worker_threads');`,
    `const __name = (target) => target; // esbuild keepNames helper, in case tsx added calls`,
    `const TILE_ROWS = ${TILE_ROWS}, TILE_COLS = ${TILE_COLS}, BLOCK_DOUBLES = ${BLOCK_DOUBLES};`,
    ...kernelFunctions.map((f) => f.toString()),
    `const scratch = { packedA: newDoubleArray(), packedB: newDoubleArray() };`,
    `parentPort.on('message', (job) => {`,
    `  try { runSharedJob(job, scratch, true); }`,
    `  catch (error) { Atomics.store(job.control, 2, 1); Atomics.notify(job.control, 1); parentPort.postMessage({ error: String(error && error.stack || error) }); }`,
    `});`,
    `parentPort.postMessage({ ready: true });`,
  ].join('\n');
}

interface PooledWorker {
  worker: Worker;
  ready: Promise<void>;
}

let threadCount = Math.max(1, Math.min(8, availableParallelism()));
let pool: PooledWorker[] = [];
let cachedWorkerSource: string | null = null;
let lastJob = { chunks: 0, chunksOnWorkers: 0 };
let workerFailures = 0;

function startWorker(): PooledWorker {
  cachedWorkerSource ??= workerSource();
  // execArgv: [] keeps the parent's loaders (e.g. tsx) out: the worker is plain JS.
  const worker = new Worker(cachedWorkerSource, { eval: true, execArgv: [] });
  const entry: PooledWorker = {
    worker,
    ready: new Promise<void>((resolve, reject) => {
      worker.on('message', (message: { ready?: boolean; error?: string }) => {
        if (message.ready) resolve();
        if (message.error) process.emitWarning(`goldilocks matmul worker failed: ${message.error}`);
      });
      worker.on('error', (error) => {
        reject(error);
        pool = pool.filter((p) => p !== entry);
        // Do not restart workers forever: after a few failures stay single-threaded.
        if (++workerFailures >= 3 && threadCount > 1) {
          process.emitWarning(`goldilocks: matmul workers keep failing (${error.message}); threading is now off`);
          setMatmulThreads(1);
        }
      });
      worker.on('exit', () => {
        reject(new Error('matmul worker exited'));
        pool = pool.filter((p) => p !== entry);
      });
    }),
  };
  entry.ready.catch(() => undefined); // failures surface through whenMatmulWorkersReady
  // After the listeners: adding a 'message' listener re-refs the worker's port.
  worker.unref();
  return entry;
}

function ensurePool(): void {
  while (pool.length < threadCount - 1) pool.push(startWorker());
}

/**
 * Sets how many threads large products use (the main thread included);
 * 1 turns threading off. Workers start lazily on the next large product.
 */
export function setMatmulThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`setMatmulThreads: expected a positive integer, got ${threads}`);
  threadCount = threads;
  for (const extra of pool.slice(Math.max(0, threads - 1))) void extra.worker.terminate();
  pool = pool.slice(0, Math.max(0, threads - 1));
}

export function getMatmulThreads(): number {
  return threadCount;
}

/**
 * Starts the workers now (they normally start on the first large product) and
 * resolves once all have booted. Useful before timing anything; rejects if a
 * worker fails to start or `timeoutMs` passes.
 */
export function whenMatmulWorkersReady(timeoutMs = 10_000): Promise<void> {
  ensurePool();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`matmul workers not ready after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([Promise.all(pool.map((p) => p.ready)).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** Chunks of the last threaded product, and how many of them workers did. */
export function lastThreadedMatmulStats(): { chunks: number; chunksOnWorkers: number } {
  return { ...lastJob };
}

// Shared input/output buffers, grown as needed and reused (one job at a time).
let sharedA: Float64Array = new Float64Array(new SharedArrayBuffer(8));
let sharedB: Float64Array = new Float64Array(new SharedArrayBuffer(8));
let sharedOut: Float64Array = new Float64Array(new SharedArrayBuffer(8));

/** `current` if it holds `length` numbers, else a new, larger shared array. */
function growShared(current: Float64Array, length: number): Float64Array {
  return current.length >= length ? current : new Float64Array(new SharedArrayBuffer(length * 8));
}

function matmulThreaded(args: MatmulArgs): FloatArray {
  const { a, b, m, k, n, transA, transB, dtype } = args;
  ensurePool();
  sharedA = growShared(sharedA, m * k);
  sharedB = growShared(sharedB, k * n);
  sharedOut = growShared(sharedOut, m * n);
  const jobA = sharedA.subarray(0, m * k);
  const jobB = sharedB.subarray(0, k * n);
  jobA.set(a); // float32 → float64 is exact, so the numbers are the same
  jobB.set(b);
  const threads = pool.length + 1;
  const chunkRows = Math.max(TILE_ROWS, Math.ceil(m / (threads * CHUNKS_PER_THREAD) / TILE_ROWS) * TILE_ROWS);
  const job: SharedJob = {
    a: jobA, b: jobB, out: sharedOut.subarray(0, m * n), m, k, n, transA, transB,
    chunkRows, chunkCount: Math.ceil(m / chunkRows),
    control: new Int32Array(new SharedArrayBuffer(4 * 4)),
  };
  for (const { worker } of pool) worker.postMessage(job);
  runSharedJob(job, mainScratch, false);
  // Wait for chunks that workers claimed but have not finished.
  let done = Atomics.load(job.control, 1);
  let lastProgress = Date.now();
  while (done < job.chunkCount && Atomics.load(job.control, 2) === 0) {
    Atomics.wait(job.control, 1, done, 100);
    const now = Atomics.load(job.control, 1);
    if (now !== done) lastProgress = Date.now();
    else if (Date.now() - lastProgress > STALL_TIMEOUT_MS) break;
    done = now;
  }
  if (Atomics.load(job.control, 1) < job.chunkCount) {
    // A worker failed or hung: never return a partial result.
    process.emitWarning('goldilocks: a matmul worker failed or stalled; threading is now off');
    setMatmulThreads(1);
    return matmulSingleThreaded(args);
  }
  lastJob = { chunks: job.chunkCount, chunksOnWorkers: Atomics.load(job.control, 3) };
  return dtype === 'float64' ? job.out.slice() : new Float32Array(job.out);
}

// ------------------------------------------------------------------ backend

/** C = op(A)·op(B); threaded when large enough and threads > 1. */
export function jsMatmul(args: MatmulArgs): FloatArray {
  checkMatmulArgs(args);
  const { m, k, n } = args;
  if (threadCount > 1 && m * k * n >= THREADED_MIN_WORK && m >= 2 * TILE_ROWS) return matmulThreaded(args);
  return matmulSingleThreaded(args);
}

/** How products are split across threads now (shared by the 'js' and 'wasm' backends' descriptions). */
export function threadingSummary(): string {
  return threadCount > 1 ? `${threadCount} threads for products with m·k·n ≥ ${THREADED_MIN_WORK}` : 'single-threaded';
}

export const jsBackend: Backend = {
  name: 'js',
  describe: () =>
    `register-blocked ${TILE_ROWS}×${TILE_COLS} TypeScript kernels on packed panels (float64 and float32, summed in float64), ` +
    threadingSummary(),
  dtypes: ['float64', 'float32'],
  matmul: jsMatmul,
};
