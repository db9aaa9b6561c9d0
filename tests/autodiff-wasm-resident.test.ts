/**
 * Intermediates that live in the WebAssembly memory (backends/wasm.ts,
 * wasm-arena.ts) and the SIMD kernels that run on them there
 * (wasm-kernel/elementwise.ts): evalJaxpr on the 'wasm' backend must give
 * the numbers of the same function evaluated eagerly by the TypeScript
 * loops, bit for bit, in float64 and float32, for every way an operand is
 * read (whole, a broadcast row, one number per row, one number), at sizes
 * below the kernels' threshold, odd sizes (vector tails) and sizes with
 * full vectors, on one thread and on two; the kernels must actually have
 * run (their counters move); and nothing a caller receives may lie in the
 * WebAssembly memory. A few cases are also checked against loops written
 * out here, so the reference is not only the engine's own TypeScript path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ad from '../src/autodiff/index.js';
import { assertSameBits } from './support/assertions.js';
import type { DType, Tensor } from '../src/autodiff/index.js';
import {
  registerBuiltinBackends, residentBytesInUse, residentIntermediatesEnabled, residentKernelStats, setResidentIntermediates,
  wasmBackend, wasmBackendAvailable,
} from '../src/autodiff/backends/index.js';
import { WasmArena, type SharedMemory } from '../src/autodiff/backends/wasm-arena.js';

registerBuiltinBackends();
const available = wasmBackendAvailable();


/** True when the array is a plain one (not a view of a shared memory). */
function plainArray(t: Tensor): boolean {
  return (t.toTypedArray() as Float64Array).buffer instanceof ArrayBuffer;
}

function withBackend<T>(name: string, threads: number, body: () => T): T {
  const before = ad.getBackend().name;
  const threadsBefore = ad.getMatmulThreads();
  ad.setBackend(name);
  ad.setMatmulThreads(threads);
  try {
    return body();
  } finally {
    ad.setBackend(before);
    ad.setMatmulThreads(threadsBefore);
  }
}

/**
 * Every way binaryRows reads an operand, and column sums. Inputs are
 * negated first so that the operands are intermediates (which live in the
 * memory); the broadcast ones (row, column, scalar) are the caller's
 * arrays and are copied in.
 */
function elementwiseProgram(x: Tensor, y: Tensor, row: Tensor, column: Tensor, scalar: Tensor): Tensor[] {
  const p = x.neg();
  const q = y.neg();
  return [
    p.add(q), p.sub(q), p.mul(q), // whole with whole
    p.add(row), row.sub(p), p.mul(row), // a bias row, on either side
    p.mul(column), column.sub(p), // one number per row
    p.mul(scalar), scalar.sub(p), // one number
    p.sum(0), p.mul(q).sum(0, true), // column sums
    p.reshape([2, x.shape[0]! / 2, x.shape[1]!]).sum([0, 1]), // over two leading axes
    p.mul(q).sum(1), // a row sum (not a kernel here): still the same numbers
  ];
}

/** Shapes: tiny (no array in the memory), odd (vector tails everywhere), a few columns, and full vectors. */
const shapes: Array<[number, number]> = [[4, 5], [18, 37], [202, 3], [64, 40]];

function inputs(rows: number, cols: number, dtype: DType, seed: number): Tensor[] {
  const rng = new ad.Random(seed);
  return [ad.randn([rows, cols], rng, 1, dtype), ad.randn([rows, cols], rng, 1, dtype), ad.randn([cols], rng, 1, dtype),
    ad.randn([rows, 1], rng, 1, dtype), ad.randn([], rng, 1, dtype)];
}

for (const dtype of ['float64', 'float32'] as const) {
  for (const threads of [1, 2]) {
    test(`wasm resident: elementwise kernels equal the TypeScript loops bit for bit (${dtype}, ${threads} thread(s))`, () => {
      if (!available) return;
      withBackend('wasm', threads, () => {
        for (const [rows, cols] of shapes) {
          const args = inputs(rows, cols, dtype, rows * 1000 + cols);
          const expected = elementwiseProgram(...(args as [Tensor, Tensor, Tensor, Tensor, Tensor]));
          const program = ad.makeJaxpr(elementwiseProgram)(...args);
          const before = residentKernelStats();
          for (let run = 0; run < 2; run++) {
            // a second run reuses the first run's arrays
            const outs = ad.evalJaxpr(program, ...args) as Tensor[];
            outs.forEach((o, i) => {
              assertSameBits(o, expected[i]!, `${rows}×${cols} output ${i}, run ${run}`);
              assert.ok(plainArray(o), `${rows}×${cols} output ${i} lies in the WebAssembly memory`);
            });
          }
          const after = residentKernelStats();
          if (rows * cols >= 512) {
            // 12 binary ops (p·q three times) and 3 column sums per run, all with operands in the memory
            assert.is(after.binary - before.binary, 24, `${rows}×${cols}: elementwise kernel calls`);
            assert.is(after.columnSums - before.columnSums, 6, `${rows}×${cols}: column-sum kernel calls`);
          } else {
            assert.is(after.binary, before.binary, `${rows}×${cols}: too small for the kernel`);
          }
        }
      });
    });
  }
}

test('wasm resident: kernel results against loops written out here (float64, float32)', () => {
  if (!available) return;
  withBackend('wasm', 1, () => {
    const rows = 40;
    const cols = 21;
    for (const dtype of ['float64', 'float32'] as const) {
      const [x, y, row] = inputs(rows, cols, dtype, 7);
      const program = ad.makeJaxpr((a: Tensor, b: Tensor, r: Tensor) => {
        const p = a.neg();
        return [p.mul(b.neg()), p.add(r), p.sum(0)];
      })(x!, y!, row!);
      const [prod, biased, sums] = ad.evalJaxpr(program, x!, y!, row!) as Tensor[];
      const X = x!.toTypedArray();
      const Y = y!.toTypedArray();
      const R = row!.toTypedArray();
      // float32: each result is the float64 operation on float32 numbers, rounded once to float32
      const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
      const P = prod!.toTypedArray();
      const B = biased!.toTypedArray();
      const S = sums!.toTypedArray();
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const k = i * cols + j;
          assert.ok(Object.is(P[k], round(-X[k]! * -Y[k]!)), `${dtype} product ${k}`);
          assert.ok(Object.is(B[k], round(-X[k]! + R[j]!)), `${dtype} biased ${k}`);
        }
      }
      for (let j = 0; j < cols; j++) {
        let s = 0; // summed in float64 from i = 0, rounded once
        for (let i = 0; i < rows; i++) s += -X[i * cols + j]!;
        assert.ok(Object.is(S[j], round(s)), `${dtype} column sum ${j}`);
      }
    }
  });
});

test('wasm resident: signed zeros and special values pass through the kernels as in the loops', () => {
  if (!available) return;
  withBackend('wasm', 1, () => {
    const n = 1024;
    const values = [0, -0, Infinity, -Infinity, 1e308, -1e308, 5e-324, 1, -1, 0.1];
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = values[i % values.length]!;
      b[i] = values[(i * 7 + 3) % values.length]!;
    }
    const x = ad.fromTypedArray(a, [32, 32]);
    const y = ad.fromTypedArray(b, [32, 32]);
    const f = (u: Tensor, v: Tensor): Tensor[] => {
      const p = u.neg();
      const q = v.neg();
      return [p.add(q), p.sub(q), p.mul(q), p.sum(0)];
    };
    const before = residentKernelStats().binary;
    const outs = ad.evalJaxpr(ad.makeJaxpr(f)(x, y), x, y) as Tensor[];
    assert.is(residentKernelStats().binary - before, 3, 'the kernel ran');
    const expected = f(x, y);
    // NaN (∞ − ∞, 0·∞) compares as NaN whatever its payload; every other value bit for bit
    outs.forEach((o, i) => {
      const got = o.toTypedArray();
      const want = expected[i]!.toTypedArray();
      for (let k = 0; k < got.length; k++) {
        if (Number.isNaN(want[k])) assert.ok(Number.isNaN(got[k]), `output ${i} element ${k}: NaN`);
        else assert.ok(Object.is(got[k], want[k]), `output ${i} element ${k}: ${got[k]} against ${want[k]}`);
      }
    });
  });
});

test('wasm resident: operands that start inside their array (a slice of an intermediate) are read from their offset', () => {
  if (!available) return;
  withBackend('wasm', 1, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const [x, y] = inputs(64, 40, dtype, 9);
      // rows 1… of p against rows …62 of q, and column sums of rows 1…: contiguous views at an offset
      const f = (u: Tensor, v: Tensor): Tensor[] => {
        const p = u.neg();
        const q = v.neg();
        const below = p.slice([1, 0], [64, 40]);
        return [below.mul(q.slice([0, 0], [63, 40])), below.sum(0), q.slice([0, 0], [63, 40]).sub(below)];
      };
      const expected = f(x!, y!);
      const before = residentKernelStats();
      const outs = ad.evalJaxpr(ad.makeJaxpr(f)(x!, y!), x!, y!) as Tensor[];
      const after = residentKernelStats();
      assert.is(after.binary - before.binary, 2, `${dtype}: the elementwise kernel ran on the slices`);
      assert.is(after.columnSums - before.columnSums, 1, `${dtype}: the column sums too`);
      outs.forEach((o, i) => assertSameBits(o, expected[i]!, `${dtype} sliced output ${i}`));
    }
  });
});

test('wasm resident: a broadcast row from outside the memory is copied in up to 16384 numbers, longer ones left to TypeScript', () => {
  if (!available) return;
  withBackend('wasm', 1, () => {
    for (const [cols, runs] of [[16384, 1], [16385, 0]] as const) {
      const rng = new ad.Random(cols);
      const x = ad.randn([2, cols], rng);
      const row = ad.randn([cols], rng);
      const f = (u: Tensor, r: Tensor): Tensor => u.neg().add(r);
      const before = residentKernelStats().binary;
      const got = ad.evalJaxpr(ad.makeJaxpr(f)(x, row), x, row);
      assert.is(residentKernelStats().binary - before, runs, `a row of ${cols}`);
      assertSameBits(got, f(x, row), `a row of ${cols}`);
    }
  });
});

/** Products whose operands and result are intermediates: read and written in place. */
function productProgram(a: Tensor, b: Tensor, bias: Tensor): Tensor {
  const h = a.neg().matmul(b.neg());
  return h.add(bias).mul(h).transpose([1, 0]).matmul(a.neg()).sum(0);
}

for (const threads of [1, 2]) {
  test(`wasm resident: products read operands and write results in place, same bits as the reference product (${threads} thread(s))`, () => {
    if (!available) return;
    withBackend('wasm', threads, () => {
      // 128·96·100 ≥ 2^20 multiply-adds: large enough to be threaded on 2 threads
      for (const dtype of ['float64', 'float32'] as const) {
        const rng = new ad.Random(11);
        const a = ad.randn([128, 96], rng, 1, dtype);
        const b = ad.randn([96, 100], rng, 1, dtype);
        const bias = ad.randn([100], rng, 1, dtype);
        const expected = productProgram(a, b, bias); // the same product kernel, operands copied in
        const program = ad.makeJaxpr(productProgram)(a, b, bias);
        const before = residentKernelStats().inPlace;
        const got = ad.evalJaxpr(program, a, b, bias);
        // first product: A and B in place, C in place; second: A (a transposed intermediate) and C; B is -a, in place
        assert.is(residentKernelStats().inPlace - before, 6, `${dtype}: operands used in place`);
        assertSameBits(got, expected, `${dtype} product chain`);
        assert.ok(plainArray(got), 'the output is a plain array');
      }
      // float64 against the plain i-k-j loop
      const rng = new ad.Random(12);
      const a = ad.randn([128, 96], rng);
      const b = ad.randn([96, 100], rng);
      const program = ad.makeJaxpr((u: Tensor, v: Tensor) => u.neg().matmul(v.neg()))(a, b);
      const got = ad.evalJaxpr(program, a, b);
      const neg = (t: Tensor): Float64Array => (t.toTypedArray() as Float64Array).map((v) => -v);
      const reference = ad.referenceMatmul({ a: neg(a), b: neg(b), m: 128, k: 96, n: 100, transA: false, transB: false, dtype: 'float64' });
      assertSameBits(got, ad.fromTypedArray(reference, [128, 100]), 'product against referenceMatmul');
    });
  });
}

test('wasm resident: switched off, and on the js backend, nothing lies in the memory and the numbers are the same', () => {
  if (!available) return;
  const [x, y, row, column, scalar] = inputs(18, 37, 'float64', 3);
  const args = [x!, y!, row!, column!, scalar!];
  const expected = elementwiseProgram(x!, y!, row!, column!, scalar!);
  for (const [backend, resident] of [['wasm', false], ['js', true]] as const) {
    setResidentIntermediates(resident);
    try {
      withBackend(backend, 1, () => {
        const program = ad.makeJaxpr(elementwiseProgram)(...args);
        const before = residentKernelStats();
        const pool = ad.programBufferPool(program);
        for (let run = 0; run < 2; run++) {
          const outs = ad.evalJaxpr(program, ...args) as Tensor[];
          outs.forEach((o, i) => assertSameBits(o, expected[i]!, `${backend} output ${i}`));
        }
        assert.equal(residentKernelStats(), before, `${backend}: no kernel ran`);
        assert.ok(pool.reused > 0, `${backend}: the pool still reuses arrays`);
      });
    } finally {
      setResidentIntermediates(true);
    }
  }
});

test('wasm resident: the switch, its environment variable, and the bytes held', () => {
  if (!available) return;
  assert.ok(residentIntermediatesEnabled(), 'on by default');
  setResidentIntermediates(false);
  assert.not.ok(residentIntermediatesEnabled());
  assert.is(wasmBackend.residentMemory!.allocate('float64', 1000), undefined, 'switched off: no array in the memory');
  setResidentIntermediates(true);
  const before = residentBytesInUse();
  const kept = wasmBackend.residentMemory!.allocate('float32', 1000);
  assert.is(residentBytesInUse() - before, 4000, '1000 float32 numbers: 4000 bytes');
  assert.ok(kept instanceof Float32Array && kept.length === 1000 && wasmBackend.residentMemory!.holds(kept));
  assert.not.ok(wasmBackend.residentMemory!.holds(new Float32Array(1000)), 'a plain array is not in the memory');
  // GOLDILOCKS_WASM_RESIDENT=0 turns it off from the start (a fresh process reads it)
  const wasmModule = fileURLToPath(new URL('../src/autodiff/backends/wasm.ts', import.meta.url));
  const probe = `import('${wasmModule}').then((m) => process.stdout.write(String(m.residentIntermediatesEnabled())))`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { env: { ...process.env, GOLDILOCKS_WASM_RESIDENT: '0' }, encoding: 'utf8' });
  assert.is(run.stdout, 'false', `GOLDILOCKS_WASM_RESIDENT=0: ${run.stderr}`);
});

test('wasm resident: a product of the caller\'s arrays copies them in and writes only its result in place', () => {
  if (!available) return;
  withBackend('wasm', 1, () => {
    const rng = new ad.Random(13);
    const a = ad.randn([40, 30], rng);
    const b = ad.randn([30, 20], rng);
    const program = ad.makeJaxpr((u: Tensor, v: Tensor) => u.matmul(v))(a, b);
    const before = residentKernelStats().inPlace;
    const got = ad.evalJaxpr(program, a, b);
    assert.is(residentKernelStats().inPlace - before, 1, 'the result only (800 numbers, in the memory)');
    assertSameBits(got, a.matmul(b), 'the product');
  });
});

test('wasm resident: a program\'s pooled intermediates are views of the WebAssembly memory', () => {
  if (!available) return;
  withBackend('wasm', 1, () => {
    const x = ad.randn([30, 30], new ad.Random(5));
    const program = ad.makeJaxpr((u: Tensor) => u.neg().mul(u.neg()).exp())(x);
    ad.evalJaxpr(program, x);
    ad.evalJaxpr(program, x);
    const pool = ad.programBufferPool(program);
    assert.ok(pool.given > 0, 'intermediates were given back');
    // the pool keeps what it was given; every array it hands out again lies in the memory
    const taken = pool.take('float64', 900);
    assert.ok(taken !== undefined, 'a 900-element array is kept');
    assert.ok(wasmBackend.residentMemory!.holds(taken!), 'and it lies in the memory');
    assert.not.ok(taken!.buffer instanceof ArrayBuffer);
  });
});

/** A stand-in for a shared WebAssembly.Memory: growing gives a new, longer buffer object (or throws, if `refuse`). */
function fakeMemory(pages: number, refuse = false): SharedMemory & { buffers: SharedArrayBuffer[] } {
  const buffers = [new SharedArrayBuffer(pages * 65536)];
  return {
    buffers,
    get buffer() { return buffers[buffers.length - 1]!; },
    grow(n: number) {
      if (refuse) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      const before = buffers[buffers.length - 1]!.byteLength / 65536;
      buffers.push(new SharedArrayBuffer((before + n) * 65536));
      return before;
    },
  };
}

test('wasm resident: the scratch block of a product, of copied-in broadcast operands and of float32 column sums holds all it is given, and no more', () => {
  if (!available) return;
  // each case in a fresh process (the scratch block only grows), with guard blocks right before and after it
  const script = fileURLToPath(new URL('./support/wasm-scratch-neighbours.ts', import.meta.url));
  for (const which of ['matmul', 'rows', 'columns']) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, which], { encoding: 'utf8' });
    assert.is(run.status, 0, `${which}: exit ${run.status}: ${run.stderr}`);
    const report = JSON.parse(run.stdout.trim()) as { before: number; after: number; result: number };
    assert.is(report.before, -1, `${which}: the block before the scratch block changed at entry ${report.before}`);
    assert.is(report.after, -1, `${which}: the block after the scratch block changed at entry ${report.after}`);
    assert.is(report.result, -1, `${which}: the result differs at element ${report.result}`);
  }
});

test('WasmArena: blocks are aligned, reused by exact size, and the memory grows by what is needed without moving them', () => {
  const memory = fakeMemory(1);
  const arena = new WasmArena(memory, 100, 4 * 65536);
  const a = arena.allocate(10)!;
  const b = arena.allocate(100)!;
  assert.is(a, 128, 'the first block starts on a 64-byte boundary after the start');
  assert.is(b, 192, 'the next one after the 64 bytes of the first (100 bytes take 128)');
  // 320 + 65216 = 65536: exactly the first page's end, no growth
  assert.is(arena.allocate(65216), 320);
  assert.is(memory.buffers.length, 1, 'a block ending exactly at the memory\'s end needs no growth');
  const big = arena.allocate(70000)!;
  assert.is(big, 65536);
  assert.is(memory.buffers.length, 2, 'the memory grew');
  // 65536 + 70016 = 135552 bytes: 3 pages (196608 bytes)
  assert.is(memory.buffer.byteLength, 3 * 65536, 'by the pages the block needs');
  assert.ok(arena.holds(new Float64Array(memory.buffers[0]!)) && arena.holds(new Float64Array(arena.buffer())), 'views of old and new buffers are in it');
  assert.not.ok(arena.holds(new Float64Array(8)), 'a plain array is not');
  arena.release(b, 100);
  arena.release(a, 64);
  const c = arena.allocate(80)!;
  assert.is(c, b, 'a released block is handed out again for the same rounded size');
  assert.is(arena.allocate(1), a, 'and each released block of a size, the last first');
  assert.is(arena.allocate(80), 135552, 'once they are used up, a new block at the top');
  arena.release(c, 80);
  arena.release(135552, 128);
  assert.equal([arena.allocate(100), arena.allocate(100)], [135552, c], 'two released blocks of one size are both kept');
  assert.is(arena.allocate(4 * 65536 - 135680 - 64), 135680, 'a block that ends 64 bytes before the maximum (80 bytes took 128)');
  assert.is(arena.allocate(64), 4 * 65536 - 64, 'one that ends exactly at the maximum');
  assert.is(arena.allocate(1), undefined, 'past the maximum: undefined');
});

test('WasmArena: a memory that refuses to grow gives undefined, and the arena stays usable', () => {
  const arena = new WasmArena(fakeMemory(1, true), 0, 100 * 65536);
  assert.is(arena.allocate(65536 + 1), undefined, 'growth refused');
  assert.is(arena.allocate(64), 0, 'the next block that fits still starts at the bottom');
});

test.run();
