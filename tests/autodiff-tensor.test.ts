/**
 * Tensors as arrays: creation, NumPy broadcasting, views, reductions,
 * indexing, ndarray interop, float32, the seeded generator, and the values
 * of every forward computation against hand-computed numbers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ndarray from 'ndarray';
import * as ad from '../src/autodiff/index.js';

const values = (t: ad.Tensor): number[] => Array.from(t.toTypedArray());

test('creation from nested arrays, flat arrays with a shape, typed arrays and numbers', () => {
  const a = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(a.shape, [2, 3]);
  assert.is(a.dtype, 'float64');
  assert.equal(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(ad.tensor([1, 2, 3, 4], [2, 2]).toArray(), [[1, 2], [3, 4]]);
  const f32 = ad.tensor(new Float32Array([1, 2]));
  assert.is(f32.dtype, 'float32');
  assert.is(ad.tensor(7).rank, 0);
  assert.is(ad.tensor(7).item(), 7);
  assert.equal(ad.zeros([2]).toArray(), [0, 0]);
  assert.equal(ad.ones([2], 'float32').toArray(), [1, 1]);
  assert.equal(ad.full([1, 2], 3).toArray(), [[3, 3]]);
  assert.equal(ad.arange(4).toArray(), [0, 1, 2, 3]);
  assert.equal(ad.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.equal(ad.eye(2).toArray(), [[1, 0], [0, 1]]);
  assert.equal(ad.zerosLike(a).shape, [2, 3]);
});

test('broadcasting follows NumPy: trailing alignment, size-1 axes stretch', () => {
  const a = ad.tensor([[1], [2], [3]]); // [3, 1]
  const b = ad.tensor([10, 20]); // [2]
  const c = a.add(b);
  assert.equal(c.shape, [3, 2]);
  assert.equal(c.toArray(), [[11, 21], [12, 22], [13, 23]]);
  assert.equal(ad.tensor([[1, 2]]).mul(2).toArray(), [[2, 4]]);
  assert.equal(ad.sub(1, ad.tensor([1, 2])).toArray(), [0, -1]);
  assert.equal(ad.zeros([2, 1, 4]).add(ad.zeros([3, 1])).shape, [2, 3, 4]);
});

test('elementwise kernels read broadcast and strided operands without copying, with identical results', () => {
  const r = new ad.Random(1);
  const materialise = (t: ad.Tensor, shape: readonly number[]): ad.Tensor => ad.tensor(Array.from(t.broadcastTo(shape).toTypedArray()), shape);
  const cases: [number[], ad.Tensor][] = [
    [[4, 5], ad.randn([5], r)], // a bias: tiled rows
    [[4, 5], ad.randn([4, 1], r)], // a column: repeated entries
    [[4, 5], ad.randn([], r)], // a scalar
    [[2, 3, 4], ad.randn([3, 1], r)],
    [[2, 3, 4], ad.randn([2, 1, 4], r)], // neither pattern: copied once
    [[3, 4], ad.randn([4, 3], r).T], // a transpose
    [[2, 3], ad.randn([4, 3], r).slice([1], [3])], // a slice with an offset
  ];
  for (const [shape, b] of cases) {
    const a = ad.randn(shape, r);
    const full = ad.add(a, b).shape;
    const [A, B] = [materialise(a, full), materialise(b, full)];
    for (const op of ['add', 'sub', 'mul', 'div', 'greater', 'lessEqual'] as const) {
      assert.equal(values(a[op](b)), values(A[op](B)), `${op} ${shape} with ${b.shape}`);
      assert.equal(values(b[op](a)), values(B[op](A)), `${op} ${b.shape} with ${shape}`);
    }
  }
});

test('transpose and broadcastTo are views: no data is copied', () => {
  const a = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  const t = a.T;
  assert.equal(t.toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.ok(t.toNdarray().data === a.toNdarray().data);
  const b = ad.tensor([1, 2]).broadcastTo([3, 2]);
  assert.equal(b.toNdarray().stride, [0, 1]);
  assert.equal(b.toArray(), [[1, 2], [1, 2], [1, 2]]);
  const s = a.slice([0, 1], [2, 3]);
  assert.ok(s.toNdarray().data === a.toNdarray().data);
  assert.equal(s.toArray(), [[2, 3], [5, 6]]);
});

test('ndarray interop: toNdarray and fromNdarray share storage and respect strides', () => {
  const nd = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0);
  const t = ad.fromNdarray(nd);
  assert.equal(t.shape, [3, 2]);
  assert.equal(t.toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(t.mul(2).toArray(), [[2, 8], [4, 10], [6, 12]]);
  const back = ad.tensor([[1, 2], [3, 4]]).toNdarray();
  assert.is(back.get(1, 0), 3);
});

test('reductions with axes and keepdims; max, min, mean', () => {
  const a = ad.tensor([[1, 5, 3], [4, 2, 6]]);
  assert.is(a.sum().item(), 21);
  assert.equal(a.sum(0).toArray(), [5, 7, 9]);
  assert.equal(a.sum(1, true).toArray(), [[9], [12]]);
  assert.equal(a.sum(-1).toArray(), [9, 12]);
  assert.equal(a.max(1).toArray(), [5, 6]);
  assert.equal(a.min(0).toArray(), [1, 2, 3]);
  assert.equal(a.mean(0).toArray(), [2.5, 3.5, 4.5]);
  assert.is(ad.zeros([2, 3, 4]).sum([0, 2]).shape.join(), '3');
});

test('max passes the gradient to ties in equal shares', () => {
  const g = ad.grad((t: ad.Tensor) => t.max())(ad.tensor([1, 3, 3, 2]));
  assert.equal(values(g), [0, 0.5, 0.5, 0]);
});

test('elementwise values: relu, sigmoid, abs, maximum, where, comparisons, pow', () => {
  const x = ad.tensor([-2, 0, 3]);
  assert.equal(values(x.relu()), [0, 0, 3]);
  assert.equal(values(x.abs()), [2, 0, 3]);
  assert.equal(values(x.maximum(1)), [1, 1, 3]);
  assert.equal(values(x.greater(0)), [0, 0, 1]);
  assert.equal(values(x.lessEqual(0)), [1, 1, 0]);
  assert.equal(values(x.equal(0)), [0, 1, 0]);
  assert.equal(values(x.notEqual(0)), [1, 0, 1]);
  assert.equal(values(ad.where(x.less(0), x, ad.tensor([9, 9, 9]))), [-2, 9, 9]);
  assert.equal(values(x.square()), [4, 0, 9]);
  assert.ok(Math.abs(ad.tensor([0]).sigmoid().item() - 0.5) < 1e-16);
  assert.ok(Math.abs(ad.tensor([2]).sigmoid().item() - 1 / (1 + Math.exp(-2))) < 1e-15);
  assert.is(ad.tensor([-800]).sigmoid().item(), 0); // no overflow
});

test('softmax, logSumExp and cross-entropy are stable for large logits', () => {
  const big = ad.tensor([[1000, 1000], [-1000, 0]]);
  assert.equal(values(big.softmax()), [0.5, 0.5, 0, 1]);
  assert.ok(Math.abs(big.logSumExp(1).toTypedArray()[0]! - (1000 + Math.log(2))) < 1e-12);
  const ce = ad.softmaxCrossEntropy(ad.tensor([[0, 0, 0], [1000, 0, 0]]), [1, 0]).item();
  assert.ok(Math.abs(ce - Math.log(3) / 2) < 1e-15);
  assert.is(ad.tensor([-Infinity, -Infinity]).logSumExp().item(), -Infinity);
});

test('matmul of every rank combination and batched products', () => {
  const A = ad.tensor([[1, 2], [3, 4]]);
  const v = ad.tensor([1, 1]);
  assert.equal(A.matmul(A).toArray(), [[7, 10], [15, 22]]);
  assert.equal(A.matmul(v).toArray(), [3, 7]);
  assert.equal(v.matmul(A).toArray(), [4, 6]);
  assert.is(v.matmul(v).item(), 2);
  const batch = ad.stack([A, A.mul(2)]);
  assert.equal(batch.matmul(A).toArray(), [[[7, 10], [15, 22]], [[14, 20], [30, 44]]]);
  assert.equal(A.T.matmul(A).toArray(), [[10, 14], [14, 20]]);
  assert.equal(v.outer(ad.tensor([1, 2, 3])).shape, [2, 3]);
});

test('shape operations: reshape with -1, index, concatenate, stack, pad, gather, takeAlongAxis', () => {
  const a = ad.arange(6).reshape([2, -1]);
  assert.equal(a.shape, [2, 3]);
  assert.equal(a.index(1).toArray(), [3, 4, 5]);
  assert.equal(ad.concatenate([a, a], 1).shape, [2, 6]);
  assert.equal(ad.stack([a, a], 0).shape, [2, 2, 3]);
  assert.equal(ad.pad(ad.tensor([1, 2]), [1], [2]).toArray(), [0, 1, 2, 0, 0]);
  assert.equal(a.gather([2, 0], 1).toArray(), [[2, 0], [5, 3]]);
  assert.equal(a.takeAlongAxis([2, 0]).toArray(), [2, 3]);
  assert.equal(a.flatten().shape, [6]);
  assert.equal(a.transpose([1, 0]).shape, [3, 2]);
});

test('float32 tensors compute in float32 and keep their dtype through derivatives', () => {
  const x = ad.tensor([0.1, 0.2], [2], 'float32');
  const y = x.mul(3).exp();
  assert.is(y.dtype, 'float32');
  assert.ok(y.toTypedArray() instanceof Float32Array);
  const g = ad.grad((t: ad.Tensor) => t.exp().sum())(x);
  assert.is(g.dtype, 'float32');
  assert.equal(values(g), Array.from(new Float32Array([Math.exp(0.1), Math.exp(0.2)])));
});

test('Random: seeded streams are reproducible, independent across seeds, and well distributed', () => {
  const a = new ad.Random(123);
  const b = new ad.Random(123);
  const c = new ad.Random(124);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.equal(xs, Array.from({ length: 5 }, () => b.next()));
  assert.not.equal(xs, Array.from({ length: 5 }, () => c.next()));
  const r = new ad.Random(7);
  const n = 20000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  // mean within 5 standard errors of 0, variance within 5 standard errors of 1
  assert.ok(Math.abs(s / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(s2 / n - 1) < 5 * Math.sqrt(2 / n));
  const p = r.permutation(10);
  assert.equal([...p].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const u = ad.uniform([1000], new ad.Random(3), -2, 2).toTypedArray();
  assert.ok(u.every((v) => v >= -2 && v < 2));
  assert.equal(values(ad.randn([3], new ad.Random(5))), values(ad.randn([3], new ad.Random(5))));
});

test('toString names the shape, the dtype and the trace level', () => {
  assert.match(ad.tensor([1, 2]).toString(), 'shape=[2], dtype=float64');
  let inside = '';
  ad.grad((t: ad.Tensor) => {
    inside = t.toString();
    return t.sum();
  })(ad.tensor([1]));
  assert.match(inside, 'traced at level 1');
});

test.run();
