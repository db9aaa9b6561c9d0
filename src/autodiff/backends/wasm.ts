/**
 * The 'wasm' backend: matrix products by a WebAssembly SIMD kernel, split
 * across the machine's cores.
 *
 * JavaScript numbers are scalars: V8 never turns a plain loop into vector
 * instructions, so the 'js' kernel does one multiply per instruction (about
 * 4 GFLOP/s here). WebAssembly has a 128-bit vector type, and a kernel that
 * uses it does two float64 multiplies per instruction. The kernel lives in
 * wasm-kernel/matmul.ts, written in AssemblyScript and compiled to
 * wasm-kernel/matmul.wasm (`npm run build:wasm`); read it for the algorithm
 * (the same packing and register tiling as backends/js.ts, with vectors).
 *
 * This file is the glue. A WebAssembly module sees only its linear memory,
 * so each product copies A and B in (a memcpy, no conversion), packs B once,
 * computes C's rows, and copies C out: O(mk + kn + mn) work around O(mkn).
 *
 * Threads. The memory is a shared one (a SharedArrayBuffer underneath), and
 * every worker_thread instantiates the same module on it. For a large
 * product the rows of C are cut into chunks that the main thread and the
 * workers claim from an atomic counter in a small control block; each thread
 * packs its own rows of A into its own workspace. The call stays
 * synchronous: the main thread computes chunks itself, then waits
 * (Atomics.wait) for the last one. Each element is computed by the same
 * instructions whichever thread runs it, so results do not depend on the
 * number of threads. Workers start on the first large product (until they
 * are up the main thread does every chunk), are unref'd so they never keep
 * the process alive, and obey setMatmulThreads like the 'js' backend's.
 *
 * Job protocol (control block, Int32 cells): the main thread writes the
 * job's parameters, sets DONE = 0 and then NEXT = 0, which opens the job,
 * and wakes the workers, which sleep in Atomics.wait on the WAKE cell (a
 * futex: waking one costs microseconds, a postMessage far more). Anyone
 * claims chunk c = Atomics.add(NEXT, 1) and works on it if c < TOTAL, then
 * adds 1 to DONE. When DONE = TOTAL the main
 * thread sets NEXT to CLOSED (a huge number, so late claims find nothing)
 * before it touches the parameters again. Because parameters are read after
 * a successful claim, a worker that wakes late can never use stale ones.
 *
 * Results: float64 products equal referenceMatmul bit for bit (WebAssembly
 * never fuses multiply and add, and each element is summed in the reference
 * order); float32 products are summed in float32 in the same order (four
 * lanes per instruction), each product and partial sum rounded to float32.
 * Products whose operands exceed the memory's 2 GiB are handed to the 'js'
 * kernel (float64: the same bits; float32: summed in float64, rounded once).
 *
 * Operands that stay in the memory. The memory is carved into blocks
 * (wasm-arena.ts): the products' scratch space, and `residentMemory`, typed
 * arrays viewing blocks of it, which evalJaxpr takes its intermediate
 * results from (buffer-pool.ts). An operand that already lies in the memory
 * is read where it is and a result whose array lies there is written in
 * place, so a program's products copy only what comes from outside.
 * Elementwise add, sub and mul (also with a bias row or a per-row number
 * broadcast) and column sums run there too, as f64x2 / f32x4 loops
 * (wasm-kernel/elementwise.ts), when every large operand lies in the memory
 * and the work is large enough to pay for the call (ELEMENTWISE_MIN); else
 * the TypeScript kernels run. A block goes back to its free list when its
 * array is garbage-collected. setResidentIntermediates(false), or
 * GOLDILOCKS_WASM_RESIDENT=0 in the environment, turns all of this off
 * (every product copies, the TypeScript loops do the elementwise work);
 * the numbers are the same either way.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Backend, BinaryRowsArgs, MatmulArgs, ResidentMemory, RowOperand, SumColumnsArgs } from '../backend.js';
import type { DType, FloatArray } from '../dtype.js';
import { THREADED_MIN_WORK, checkMatmulArgs, getMatmulThreads, jsMatmul, threadingSummary } from './js.js';
import { PAGE_BYTES, WasmArena, type SharedMemory } from './wasm-arena.js';

/** What matmul.wasm exports (see wasm-kernel/matmul.ts). */
interface KernelExports {
  packedColumnsBytes(k: number, n: number, f32: number): number;
  rowWorkspaceBytes(k: number): number;
  blockRowsFor(k: number): number;
  packColumns(b: number, transB: number, f32: number, k: number, n: number, packed: number): void;
  multiplyRows(
    a: number, transA: number, f32: number, m: number, k: number, n: number,
    packedB: number, c: number, rowStart: number, rowEnd: number, work: number,
  ): void;
  binaryRows(op: number, f32: number, a: number, aMode: number, b: number, bMode: number, out: number, rows: number, cols: number): void;
  sumColumns(f32: number, a: number, rows: number, cols: number, out: number, work: number): void;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs declare no WebAssembly global). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

const KERNEL_URL = new URL('./wasm-kernel/matmul.wasm', import.meta.url);
/** The memory's maximum (as compiled: --maximumMemory 32768 pages = 2 GiB). */
const MAX_PAGES = 32768;
/** Control block (Int32 cells) in the first page; the arena's blocks start at the second. */
const CONTROL_BYTE_OFFSET = 1024;
const HEAP_START = PAGE_BYTES;
/** At most this many bytes of intermediate results live in the memory at once; past it they are plain arrays. */
const RESIDENT_LIMIT_BYTES = 512 * 1024 * 1024;

// Control block cells.
const NEXT = 0; // next chunk to claim
const DONE = 1; // chunks finished
const TOTAL = 2; // chunks in the job
const CHUNK_ROWS = 3; // rows of C per chunk
const M = 4, K = 5, N = 6, TRANS_A = 7, F32 = 8; // the product
const A_AT = 9, B_PACKED_AT = 10, C_AT = 11, WORK_AT = 12, WORK_BYTES = 13; // byte offsets
const FAILED = 14; // a worker threw
const WAKE = 15; // bumped (and notified) to wake sleeping workers for a new job
const CLOSED = 1 << 30;
const CONTROL_CELLS = 16;

/** Chunks per thread: small enough to even out, large enough to amortise packing. */
const CHUNKS_PER_THREAD = 4;
/** Longest wait for a worker's chunk before the job is declared stuck. */
const STALL_TIMEOUT_MS = 30_000;

interface Kernel {
  module: object;
  memory: SharedMemory;
  exports: KernelExports;
  control: Int32Array;
  arena: WasmArena;
  /** The products' scratch block (packed B, workspaces, copies of operands from outside), grown as needed. */
  scratch: { at: number; bytes: number };
}

let kernel: Kernel | undefined;
let loadFailure: string | undefined;

function loadKernel(): Kernel | undefined {
  if (kernel || loadFailure) return kernel;
  try {
    const module = new WebAssembly.Module(readFileSync(KERNEL_URL));
    const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const control = new Int32Array(memory.buffer, CONTROL_BYTE_OFFSET, CONTROL_CELLS);
    Atomics.store(control, NEXT, CLOSED);
    const arena = new WasmArena(memory, HEAP_START, MAX_PAGES * PAGE_BYTES);
    kernel = { module, memory, exports: instance.exports as unknown as KernelExports, control, arena, scratch: { at: 0, bytes: 0 } };
  } catch (error) {
    loadFailure = error instanceof Error ? error.message : String(error);
  }
  return kernel;
}

/** True when this JavaScript engine runs the kernel (WebAssembly SIMD and threads: Node ≥ 16.4, current browsers). */
export function wasmBackendAvailable(): boolean {
  return loadKernel() !== undefined;
}

/** Why the kernel could not be loaded, or undefined if it loaded. */
export function wasmBackendFailure(): string | undefined {
  loadKernel();
  return loadFailure;
}

// ------------------------------------------------------------------ workers

/**
 * A worker's whole program (plain JavaScript, no loader needed): instantiate
 * the module on the shared memory, then on every wake-up claim chunks until
 * none is left.
 */
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, controlOffset, threadIndex } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const control = new Int32Array(memory.buffer, controlOffset, ${CONTROL_CELLS});
let seen = Atomics.load(control, ${WAKE});
for (;;) {
  Atomics.wait(control, ${WAKE}, seen); // sleep until the main thread opens a job
  seen = Atomics.load(control, ${WAKE});
  try {
    for (;;) {
      const chunk = Atomics.add(control, ${NEXT}, 1);
      if (chunk >= Atomics.load(control, ${TOTAL})) break;
      const m = control[${M}], rows = control[${CHUNK_ROWS}];
      const rowStart = chunk * rows, rowEnd = Math.min(m, rowStart + rows);
      kernel.multiplyRows(control[${A_AT}], control[${TRANS_A}], control[${F32}], m, control[${K}], control[${N}],
        control[${B_PACKED_AT}], control[${C_AT}], rowStart, rowEnd, control[${WORK_AT}] + threadIndex * control[${WORK_BYTES}]);
      Atomics.add(control, ${DONE}, 1);
      Atomics.notify(control, ${DONE});
    }
  } catch (error) {
    Atomics.store(control, ${FAILED}, 1);
    Atomics.add(control, ${DONE}, 1 << 20);
    Atomics.notify(control, ${DONE});
    parentPort.postMessage({ error: String(error && error.stack || error) });
  }
}
`;

let workers: Worker[] = [];
let lastJob = { chunks: 0, chunksOnMain: 0 };

/** Starts or stops workers so that main + workers = the matmul thread count. */
function resizePool(wasm: Kernel): void {
  const wanted = Math.max(0, getMatmulThreads() - 1);
  while (workers.length > wanted) void workers.pop()!.terminate();
  while (workers.length < wanted) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { module: wasm.module, memory: wasm.memory, controlOffset: CONTROL_BYTE_OFFSET, threadIndex: workers.length + 1 },
    });
    worker.on('message', (message: { error?: string }) => {
      if (message.error) process.emitWarning(`goldilocks wasm matmul worker failed: ${message.error}`);
    });
    worker.on('error', (error) => process.emitWarning(`goldilocks wasm matmul worker failed: ${error.message}`));
    worker.on('exit', () => { workers = workers.filter((w) => w !== worker); });
    worker.unref();
    workers.push(worker);
  }
}

/** How the last threaded product was shared: chunks in all, and how many the main thread did. */
export function lastWasmJobStats(): { chunks: number; chunksOnMain: number } {
  return { ...lastJob };
}

// ------------------------------------------------------------------ products

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** C = op(A)·op(B) on the WebAssembly kernel (same contract as Backend.matmul). */
export function wasmMatmul(args: MatmulArgs): FloatArray {
  const { a, b, m, k, n, transA, transB, dtype } = args;
  checkMatmulArgs(args);
  if (m === 0 || n === 0 || k === 0) return dtype === 'float64' ? new Float64Array(m * n) : new Float32Array(m * n);
  const wasm = loadKernel();
  if (!wasm) throw new Error(`the wasm backend is unavailable here (${loadFailure}); use --backend js`);
  const { exports: kernelFns } = wasm;

  const threaded = getMatmulThreads() > 1 && m * k * n >= THREADED_MIN_WORK && m >= 8;
  const threads = threaded ? getMatmulThreads() : 1;
  const f32 = dtype === 'float32';
  const elementBytes = f32 ? 4 : 8;
  // Operands already in the memory are read where they are, and C is
  // written straight into `out` when `out` is there; the rest is copied
  // into the scratch block.
  const aHere = residentAddress(wasm, a, m * k, f32);
  const bHere = residentAddress(wasm, b, k * n, f32);
  const outHere = args.out === undefined ? -1 : residentAddress(wasm, args.out, m * n, f32);
  stats.inPlace += (aHere >= 0 ? 1 : 0) + (bHere >= 0 ? 1 : 0) + (outHere >= 0 ? 1 : 0);
  const aBytes = aHere < 0 ? align16(m * k * elementBytes) : 0;
  const bBytes = bHere < 0 ? align16(k * n * elementBytes) : 0;
  const cBytes = outHere < 0 ? align16(m * n * elementBytes) : 0;
  const packedBytes = align16(kernelFns.packedColumnsBytes(k, n, f32 ? 1 : 0));
  const workBytes = align16(kernelFns.rowWorkspaceBytes(k));
  const base = scratchAt(wasm, aBytes + bBytes + cBytes + packedBytes + threads * workBytes);
  if (base === undefined) return jsMatmul(args);
  const aAt = aHere >= 0 ? aHere : base;
  const bAt = bHere >= 0 ? bHere : base + aBytes;
  const cAt = outHere >= 0 ? outHere : base + aBytes + bBytes;
  const packedBAt = base + aBytes + bBytes + cBytes;
  const workAt = packedBAt + packedBytes;

  const buffer = wasm.arena.buffer();
  if (aHere < 0) (f32 ? new Float32Array(buffer, aAt, m * k) : new Float64Array(buffer, aAt, m * k)).set(a);
  if (bHere < 0) (f32 ? new Float32Array(buffer, bAt, k * n) : new Float64Array(buffer, bAt, k * n)).set(b);
  kernelFns.packColumns(bAt, transB ? 1 : 0, f32 ? 1 : 0, k, n, packedBAt);
  if (!threaded) {
    kernelFns.multiplyRows(aAt, transA ? 1 : 0, f32 ? 1 : 0, m, k, n, packedBAt, cAt, 0, m, workAt);
  } else {
    resizePool(wasm);
    runThreadedJob(wasm, { m, k, n, transA, f32, aAt, packedBAt, cAt, workAt, workBytes, threads });
  }
  if (outHere >= 0) return args.out!;
  const c = f32 ? new Float32Array(buffer, cAt, m * n) : new Float64Array(buffer, cAt, m * n);
  const out = args.out !== undefined && args.out.length === m * n && (args.out instanceof Float32Array) === f32 ? args.out : undefined;
  if (out === undefined) return c.slice();
  out.set(c);
  return out;
}

/** The scratch block, grown to at least `bytes`; undefined when the memory cannot hold it. */
function scratchAt(wasm: Kernel, bytes: number): number | undefined {
  const { arena, scratch } = wasm;
  if (scratch.bytes >= bytes) return scratch.at;
  if (scratch.bytes > 0) arena.release(scratch.at, scratch.bytes);
  const size = Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES;
  const at = arena.allocate(size);
  if (at === undefined) {
    scratch.bytes = 0;
    return undefined;
  }
  scratch.at = at;
  scratch.bytes = size;
  return at;
}

// ------------------------------------------------ arrays that stay in memory

let residentOn = readResidencySetting();

function readResidencySetting(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.GOLDILOCKS_WASM_RESIDENT !== '0';
}

/**
 * Turns on or off (on by default; GOLDILOCKS_WASM_RESIDENT=0 turns it off)
 * keeping intermediate results in the WebAssembly memory, with the
 * elementwise kernels that run on them there. The numbers are the same
 * either way; benchmarks and tests switch it to compare.
 */
export function setResidentIntermediates(on: boolean): void {
  residentOn = on;
}

export function residentIntermediatesEnabled(): boolean {
  return residentOn;
}

/**
 * Byte address of `array` in the memory if it is a view into it holding
 * exactly `length` elements of the product's type, else −1.
 */
function residentAddress(wasm: Kernel, array: FloatArray, length: number, f32: boolean): number {
  if (!residentOn || array.length !== length || (array instanceof Float32Array) !== f32 || !wasm.arena.holds(array)) return -1;
  return array.byteOffset;
}

/** Gives a block back to the arena when the array viewing it is garbage-collected. */
const blocks = new FinalizationRegistry<{ at: number; bytes: number }>(({ at, bytes }) => {
  kernel?.arena.release(at, bytes);
  residentBytes -= bytes;
});
let residentBytes = 0;

/** Bytes of resident arrays not yet garbage-collected (for tests and benchmarks). */
export function residentBytesInUse(): number {
  return residentBytes;
}

const stats = { inPlace: 0, binary: 0, columnSums: 0 };

/**
 * Counts since the process started (for tests and benchmarks): product
 * operands and results used in place, and calls of the elementwise and
 * column-sum kernels.
 */
export function residentKernelStats(): { inPlace: number; binary: number; columnSums: number } {
  return { ...stats };
}

const residentMemory: ResidentMemory = {
  allocate(dtype: DType, size: number): FloatArray | undefined {
    if (!residentOn || size === 0) return undefined;
    const wasm = loadKernel();
    if (!wasm) return undefined;
    const bytes = size * (dtype === 'float32' ? 4 : 8);
    if (residentBytes + bytes > RESIDENT_LIMIT_BYTES) return undefined;
    const at = wasm.arena.allocate(bytes);
    if (at === undefined) return undefined;
    const buffer = wasm.arena.buffer();
    const array = dtype === 'float32' ? new Float32Array(buffer, at, size) : new Float64Array(buffer, at, size);
    residentBytes += bytes;
    blocks.register(array, { at, bytes });
    return array;
  },
  holds(array: FloatArray): boolean {
    return kernel !== undefined && kernel.arena.holds(array);
  },
};

/**
 * Below this many elements of work the TypeScript loop is about as fast as
 * a call into WebAssembly (measured: equal at 64–128 float64 or float32
 * products, the kernel 1.5–2 times faster at 256, 3–5 times from 1024 on;
 * bench/README.md, "Elementwise kernels"). Arrays under 512 elements never
 * lie in the memory anyway (buffer-pool.ts leaves them to the collector).
 */
export const ELEMENTWISE_MIN = 256;
/** A broadcast operand ('row' or 'each') from outside the memory is copied in when it is at most this long. */
const SMALL_OPERAND = 16384;

const OPS = { add: 0, sub: 1, mul: 2 } as const;
const MODES = { full: 0, row: 1, each: 2 } as const;

/** How many elements of `data` an operand reads, from its offset. */
function operandLength(x: RowOperand, rows: number, cols: number): number {
  return x.mode === 'full' ? rows * cols : x.mode === 'row' ? cols : rows;
}

/**
 * Byte address of an operand: where it lies if its array is in the memory;
 * for a short broadcast operand from outside, a copy in the scratch block
 * at `copyAt`; else −1.
 */
function operandAddress(wasm: Kernel, x: RowOperand, length: number, f32: boolean, copyAt: number): number {
  const elementBytes = f32 ? 4 : 8;
  if ((x.data instanceof Float32Array) !== f32 || x.offset + length > x.data.length) return -1;
  if (wasm.arena.holds(x.data)) return x.data.byteOffset + x.offset * elementBytes;
  if (x.mode === 'full' || length > SMALL_OPERAND) return -1;
  const buffer = wasm.arena.buffer();
  const source = x.data.subarray(x.offset, x.offset + length);
  (f32 ? new Float32Array(buffer, copyAt, length) : new Float64Array(buffer, copyAt, length)).set(source);
  return copyAt;
}

/** binaryRows on the SIMD kernel, when the output and the large operands lie in the memory. */
function wasmBinaryRows(args: BinaryRowsArgs): boolean {
  const { op, dtype, a, b, out, rows, cols } = args;
  const n = rows * cols;
  if (!residentOn || n < ELEMENTWISE_MIN || (a.mode === 'each' && b.mode === 'each')) return false;
  const wasm = loadKernel();
  const f32 = dtype === 'float32';
  if (!wasm || out.length !== n || (out instanceof Float32Array) !== f32 || !wasm.arena.holds(out)) return false;
  const elementBytes = f32 ? 4 : 8;
  const aLength = operandLength(a, rows, cols);
  const bLength = operandLength(b, rows, cols);
  const base = scratchAt(wasm, align16(aLength * elementBytes) + align16(bLength * elementBytes));
  if (base === undefined) return false;
  const aAt = operandAddress(wasm, a, aLength, f32, base);
  if (aAt < 0) return false;
  const bAt = operandAddress(wasm, b, bLength, f32, base + align16(aLength * elementBytes));
  if (bAt < 0) return false;
  wasm.exports.binaryRows(OPS[op], f32 ? 1 : 0, aAt, MODES[a.mode], bAt, MODES[b.mode], out.byteOffset, rows, cols);
  stats.binary++;
  return true;
}

/** Column sums on the SIMD kernel, when the input and the output lie in the memory. */
function wasmSumColumns(args: SumColumnsArgs): boolean {
  const { dtype, a, offset, rows, cols, out } = args;
  if (!residentOn || rows * cols < ELEMENTWISE_MIN) return false;
  const wasm = loadKernel();
  const f32 = dtype === 'float32';
  if (!wasm || (a instanceof Float32Array) !== f32 || (out instanceof Float32Array) !== f32) return false;
  if (out.length < cols || offset + rows * cols > a.length || !wasm.arena.holds(a)) return false;
  const elementBytes = f32 ? 4 : 8;
  const outHere = wasm.arena.holds(out);
  // a float64 workspace for float32 sums, and a place for the sums when `out` lies outside
  const workBytes = f32 ? align16(cols * 8) : 0;
  const base = scratchAt(wasm, workBytes + (outHere ? 0 : align16(cols * elementBytes)));
  if (base === undefined) return false;
  const outAt = outHere ? out.byteOffset : base + workBytes;
  wasm.exports.sumColumns(f32 ? 1 : 0, a.byteOffset + offset * elementBytes, rows, cols, outAt, base);
  stats.columnSums++;
  if (!outHere) out.set(f32 ? new Float32Array(wasm.arena.buffer(), outAt, cols) : new Float64Array(wasm.arena.buffer(), outAt, cols));
  return true;
}

interface Job {
  m: number; k: number; n: number; transA: boolean; f32: boolean;
  aAt: number; packedBAt: number; cAt: number; workAt: number; workBytes: number; threads: number;
}

/** Opens the job in the control block, computes chunks on this thread too, and waits for the rest. */
function runThreadedJob({ exports: kernelFns, control }: Kernel, job: Job): void {
  const blockRows = kernelFns.blockRowsFor(job.k);
  const evenRows = Math.ceil(job.m / (job.threads * CHUNKS_PER_THREAD) / 4) * 4;
  const chunkRows = Math.max(4, Math.min(blockRows, evenRows));
  const total = Math.ceil(job.m / chunkRows);
  const cells: Array<[number, number]> = [
    [TOTAL, total], [CHUNK_ROWS, chunkRows], [M, job.m], [K, job.k], [N, job.n], [TRANS_A, job.transA ? 1 : 0],
    [F32, job.f32 ? 1 : 0], [A_AT, job.aAt], [B_PACKED_AT, job.packedBAt], [C_AT, job.cAt], [WORK_AT, job.workAt],
    [WORK_BYTES, job.workBytes], [FAILED, 0],
  ];
  for (const [cell, value] of cells) Atomics.store(control, cell, value);
  Atomics.store(control, DONE, 0);
  Atomics.store(control, NEXT, 0); // the job is open
  Atomics.add(control, WAKE, 1);
  Atomics.notify(control, WAKE);
  let chunksOnMain = 0;
  for (;;) {
    const chunk = Atomics.add(control, NEXT, 1);
    if (chunk >= total) break;
    const rowStart = chunk * chunkRows;
    kernelFns.multiplyRows(job.aAt, job.transA ? 1 : 0, job.f32 ? 1 : 0, job.m, job.k, job.n, job.packedBAt, job.cAt,
      rowStart, Math.min(job.m, rowStart + chunkRows), job.workAt);
    Atomics.add(control, DONE, 1);
    chunksOnMain++;
  }
  // Wait for chunks that workers claimed; each one notifies DONE when it finishes.
  for (let done = Atomics.load(control, DONE); done < total; done = Atomics.load(control, DONE)) {
    if (Atomics.wait(control, DONE, done, STALL_TIMEOUT_MS) === 'timed-out' && Atomics.load(control, DONE) === done) {
      Atomics.store(control, NEXT, CLOSED);
      throw new Error('wasm matmul: a worker thread stopped responding; call setMatmulThreads(1) or use --backend js');
    }
  }
  Atomics.store(control, NEXT, CLOSED);
  lastJob = { chunks: total, chunksOnMain };
  if (Atomics.load(control, FAILED)) throw new Error('wasm matmul: a worker thread failed (see the warning above)');
}

export const wasmBackend: Backend = {
  name: 'wasm',
  describe: () =>
    'WebAssembly SIMD kernels on packed panels: 4×4 f64x2 for float64, 4×8 f32x4 for float32 (summed in float32), ' +
    threadingSummary(),
  dtypes: ['float64', 'float32'],
  matmul: wasmMatmul,
  residentMemory,
  binaryRows: wasmBinaryRows,
  sumColumns: wasmSumColumns,
};
