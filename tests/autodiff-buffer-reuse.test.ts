/**
 * evalJaxpr's reuse of intermediate arrays (buffer-pool.ts): the numbers
 * must be exactly those of the same program evaluated without reuse, an
 * array must never be handed out again while a variable still views it, and
 * results already returned must never change.
 *
 * The arrays here have at least 512 elements (smaller ones are not pooled),
 * and the programs are built so that a wrongly freed array *is* reused: each
 * case frees arrays of exactly the size a later equation needs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import { assertSameBits } from './support/assertions.js';
import type { Jaxpr, Tensor } from '../src/autodiff/index.js';


function withoutReuse<T>(body: () => T): T {
  ad.setBufferReuse(false);
  try {
    return body();
  } finally {
    ad.setBufferReuse(true);
  }
}

const n = 600;
const vec = (seed: number, dtype: ad.DType = 'float64'): Tensor => ad.randn([n], new ad.Random(seed), 1, dtype);

/**
 * Views outlive the variable they view: `a` dies after `c`, but `b` (a
 * reshape of a, the same array) is read at the very end. Freeing a's array
 * when `a` dies would let `d` or `e` overwrite it.
 */
const viewsOutliveTheirSource = (x: Tensor, y: Tensor): Tensor => {
  const a = x.exp();
  const b = a.reshape([20, 30]).transpose().reshape([n]); // a view of a, then a copy
  const s = a.reshape([20, 30]).slice([0, 0], [20, 30]); // a view of a
  const c = a.add(y); // a's last read
  const d = c.mul(y).tanh();
  const e = d.sub(x);
  return b.add(e).add(s.reshape([n])).mul(ad.stopGradient(c));
};

/** pad and scatterAdd need zeros where they write nothing: a reused array holds old numbers. */
const zeroNeedingKernels = (x: Tensor, y: Tensor): Tensor => {
  const junk = x.exp().add(y).mul(3); // arrays of n numbers, freed before pad and gather's gradient run
  const padded = junk.sum().mul(ad.pad(x.slice([50], [n - 50]), [50], [50]));
  const picked = ad.gather(y, Int32Array.from({ length: n / 2 }, (_, i) => (7 * i) % n), 0);
  const scattered = ad.vjp((t: Tensor) => ad.gather(t, Int32Array.from({ length: n / 2 }, (_, i) => (7 * i) % n), 0), y)[1](picked)[0]!;
  return padded.add(scattered);
};

/** Elementwise ops, broadcasting, reductions and matrix products in one program. */
const mixed = (x: Tensor, y: Tensor): Tensor => {
  const M = x.reshape([30, 20]);
  const N = y.reshape([20, 30]);
  const P = M.matmul(N).tanh(); // [30, 30]
  const Q = P.matmul(P.T).relu(); // reads P twice, once as a transposed view
  const r = Q.sum(1, true).add(Q.max(0)).div(31); // [30, 30] by broadcasting
  return r.reshape([900]).slice([0], [n]).mul(x).add(y.pow(2)).logSumExp().add(x.mul(y).sum());
};

const cases: [string, (x: Tensor, y: Tensor) => Tensor][] = [
  ['views outlive their source', viewsOutliveTheirSource],
  ['pad and scatterAdd on reused arrays', zeroNeedingKernels],
  ['elementwise, broadcasting, reductions, products', mixed],
];

for (const [name, f] of cases) {
  for (const dtype of ['float64', 'float32'] as const) {
    test(`${name} (${dtype}): with reuse the same bits as without, run after run; earlier results unchanged`, () => {
      const args = (seed: number): [Tensor, Tensor] => [vec(seed, dtype), vec(seed + 100, dtype)];
      const jaxpr = ad.makeJaxpr(f)(...args(1));
      const expected = [1, 2, 3].map((s) => withoutReuse(() => ad.evalJaxpr(jaxpr, ...args(s))));
      const results = [1, 2, 3].map((s) => ad.evalJaxpr(jaxpr, ...args(s)));
      const again = ad.evalJaxpr(jaxpr, ...args(1));
      results.forEach((r, i) => assertSameBits(r, expected[i]!, `run ${i + 1}`));
      assertSameBits(again, expected[0]!, 'a fourth run');
      assertSameBits(results[0]!, f(...args(1)), 'the function itself');
      const pool = ad.programBufferPool(jaxpr);
      assert.ok(pool.reused > 0, `arrays were reused (${pool.reused} of ${pool.given} given back)`);
    });
  }
}

test('a program\'s outputs, arguments and constants are never given back', () => {
  const big = vec(7);
  // outputs: a reshape of an intermediate (whose own variable dies) and an argument itself
  const f = (x: Tensor): Tensor[] => {
    const a = x.mul(big); // big is a constant of the program
    const b = a.reshape([20, 30]);
    const c = a.exp();
    return [b, x, c.add(1)];
  };
  const jaxpr: Jaxpr<Tensor[]> = ad.makeJaxpr(f)(vec(1));
  const keep = vec(2);
  const bigBefore = big.toTypedArray();
  const keepBefore = keep.toTypedArray();
  const first = ad.evalJaxpr(jaxpr, keep);
  const firstValues = first.map((t) => t.toTypedArray());
  for (let s = 3; s < 6; s++) ad.evalJaxpr(jaxpr, vec(s));
  first.forEach((t, i) => assert.equal(Array.from(t.toTypedArray()), Array.from(firstValues[i]!), `output ${i} unchanged`));
  assert.equal(Array.from(keep.toTypedArray()), Array.from(keepBefore), 'argument unchanged');
  assert.equal(Array.from(big.toTypedArray()), Array.from(bigBefore), 'constant unchanged');
  const expected = f(vec(2));
  first.forEach((t, i) => assertSameBits(t, expected[i]!, `output ${i}`));
});

test('under a transformation (tracer arguments) evalJaxpr binds as usual: the gradient through the program is f\'s', () => {
  const jaxpr = ad.makeJaxpr(mixed)(vec(1), vec(2));
  const viaProgram = ad.grad((x: Tensor, y: Tensor) => ad.evalJaxpr(jaxpr, x, y), [0, 1])(vec(3), vec(4));
  const direct = ad.grad(mixed, [0, 1])(vec(3), vec(4));
  viaProgram.forEach((g, i) => assertSameBits(g, direct[i]!, `gradient ${i}`));
});

test('makeJaxprWithValue: the value is f at the example arguments, bit for bit, and the program is makeJaxpr\'s', () => {
  const { jaxpr, value } = ad.makeJaxprWithValue(mixed)(vec(1), vec(2));
  assertSameBits(value, mixed(vec(1), vec(2)), 'value');
  assert.is(jaxpr.toString(), ad.makeJaxpr(mixed)(vec(1), vec(2)).toString());
  assertSameBits(jaxpr.call(vec(5), vec(6)), mixed(vec(5), vec(6)), 'program at other arguments');
});

test.run();
