/**
 * Run in a fresh process by autodiff-wasm-resident.test.ts: one use of the
 * 'wasm' backend's scratch block, with guard blocks of the WebAssembly
 * memory allocated right before and right after it, filled with known
 * numbers. The operation runs twice (the first call sizes the scratch block,
 * the guards are then placed around it, the second call is the one
 * checked); afterwards both guards must be untouched and the result exact.
 * A fresh process matters: the scratch block only grows, so in a process
 * where a larger operation ran before, a scratch block sized too small
 * would go unnoticed.
 *
 * Sizes are chosen so that each part of the block ends on a 64 KiB page
 * (the block is rounded up to whole pages): a block that leaves out any
 * part, or a part placed over another, spills into a guard or changes the
 * result.
 *
 * Usage: node --import tsx tests/support/wasm-scratch-neighbours.ts
 * (matmul | rows | columns); prints one line of JSON.
 */
import { referenceMatmul, setMatmulThreads } from '../../src/autodiff/index.js';
import { registerBuiltinBackends, wasmBackend } from '../../src/autodiff/backends/index.js';
import type { FloatArray } from '../../src/autodiff/index.js';

registerBuiltinBackends();
const memory = wasmBackend.residentMemory!;

/** A block of the memory holding 0.25, 1.25, 2.25, … */
function guard(length: number): Float64Array {
  const block = memory.allocate('float64', length) as Float64Array;
  for (let i = 0; i < length; i++) block[i] = i + 0.25;
  return block;
}

/** Index of the first entry of a guard that changed, or −1. */
function firstChange(block: Float64Array): number {
  for (let i = 0; i < block.length; i++) if (block[i] !== i + 0.25) return i;
  return -1;
}

/** Index of the first entry that differs bit for bit, or −1. */
function firstDifference(got: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (got.length !== expected.length) return 0;
  for (let i = 0; i < expected.length; i++) if (!Object.is(got[i], expected[i])) return i;
  return -1;
}

const filled = (length: number, seed: number): Float64Array => Float64Array.from({ length }, (_, i) => Math.sin(seed + 0.37 * i));

/** Sizes the scratch block with `run`, puts guards around it, runs it again and reports. */
function guarded(run: () => ArrayLike<number>, expected: ArrayLike<number>): { before: number; after: number; result: number } {
  const before = guard(8192);
  run();
  const after = guard(1 << 20);
  const result = run();
  return { before: firstChange(before), after: firstChange(after), result: firstDifference(result, expected) };
}

const which = process.argv[2];
let report: { before: number; after: number; result: number };
if (which === 'matmul') {
  // float64 on two threads, every operand from outside: copies of A (1.6 MB),
  // B (320 kB) and C (1.6 MB), packed B (320 kB) and a workspace per thread
  // (256 kB each, of which a thread's rows use 205 kB)
  setMatmulThreads(2);
  const warm = filled(128 * 128, 9);
  wasmBackend.matmul({ a: warm, b: warm.subarray(0, 128 * 64), m: 128, k: 128, n: 64, transA: false, transB: false, dtype: 'float64' }); // starts the worker
  await new Promise((resolve) => setTimeout(resolve, 300));
  const [m, k, n] = [1000, 200, 200];
  const args = { a: filled(m * k, 1), b: filled(k * n, 2), m, k, n, transA: false, transB: false, dtype: 'float64' as const };
  report = guarded(() => wasmBackend.matmul(args), referenceMatmul(args));
} else if (which === 'rows') {
  // a bias row of 8192 numbers (exactly 64 KiB) and one number per row, both from outside, copied in
  const [rows, cols] = [64, 8192];
  const out = memory.allocate('float64', rows * cols) as Float64Array;
  const row = filled(cols, 3);
  const each = filled(rows, 4);
  const expected = Float64Array.from({ length: rows * cols }, (_, i) => row[i % cols]! * each[Math.floor(i / cols)]!);
  const run = (): FloatArray => {
    out.fill(0);
    const done = wasmBackend.binaryRows!({ op: 'mul', dtype: 'float64', a: { data: row, offset: 0, mode: 'row' }, b: { data: each, offset: 0, mode: 'each' }, out, rows, cols });
    if (!done) throw new Error('the kernel declined');
    return out;
  };
  report = guarded(run, expected);
} else if (which === 'columns') {
  // float32 column sums of 8192 columns: a float64 workspace (exactly 64 KiB) and the sums, which go to an array outside
  const [rows, cols] = [2, 8192];
  const a = memory.allocate('float32', rows * cols) as Float32Array;
  a.set(filled(rows * cols, 5));
  const out = new Float32Array(cols);
  const expected = Float32Array.from({ length: cols }, (_, j) => a[j]! + a[cols + j]!); // two float32 numbers: exact in float64, then rounded
  const run = (): FloatArray => {
    out.fill(0);
    if (!wasmBackend.sumColumns!({ dtype: 'float32', a, offset: 0, rows, cols, out })) throw new Error('the kernel declined');
    return out;
  };
  report = guarded(run, expected);
} else {
  throw new Error(`wasm-scratch-neighbours: unknown case ${which}; allowed: matmul, rows, columns`);
}
console.log(JSON.stringify(report));
process.exit(0);
