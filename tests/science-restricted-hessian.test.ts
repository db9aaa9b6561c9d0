/**
 * The Hessian operator and the restricted Hessian PᵀHP on a quadratic.
 *
 * For f(θ) = ½ θᵀAθ with A symmetric, ∇f(θ) = Aθ and H = A at every θ. With
 * integer A and a P whose entries are 0, ±1 and ½, every product is a
 * dyadic number, so H·v = A·v and PᵀHP = PᵀAP hold exactly, whatever the
 * order of the sums. Worked out by hand for
 *
 *   A = [[2, 1, 0, 0], [1, 3, 1, 0], [0, 1, 4, 1], [0, 0, 1, 5]],
 *   P = [e₁, (e₂ + e₃)/2, e₄ − e₁]  (columns):
 *
 *   AP = [[2, 1/2, −2], [1, 2, −1], [0, 5/2, 1], [0, 1/2, 5]],
 *   PᵀAP = [[2, 1/2, −2], [1/2, 9/4, 0], [−2, 0, 7]].
 *
 * An asymmetric operator shows what is symmetrised and what is reported; an
 * operator with applyMany shows that the d products are asked for at once;
 * counting the loss's calls shows that the pass at θ is traced once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { gradientAt, hessianOperator } from '../src/landscape/hessian-operator.js';
import { restrictedHessian, restrictOperator } from '../src/landscape/restricted-hessian.js';
import type { RandomSubspace } from '../src/landscape/linalg/subspace.js';
import { denseOperator } from '../src/landscape/linalg/symmetric-eigen.js';

const A = [
  [2, 1, 0, 0],
  [1, 3, 1, 0],
  [0, 1, 4, 1],
  [0, 0, 1, 5],
];
const At = ad.tensor(A);

/** ½ θᵀAθ, counting its calls. */
let lossCalls = 0;
function quadratic(theta: Tensor): Tensor {
  lossCalls++;
  return theta.reshape([1, 4]).matmul(At).reshape([4]).mul(theta).sum().mul(0.5);
}

/** A subspace given by its columns (row-major D×d toDense, products by the definition). */
function subspaceOf(columns: number[][]): RandomSubspace {
  const D = columns[0]!.length;
  const d = columns.length;
  return {
    kind: 'dense',
    ambientDim: D,
    subspaceDim: d,
    project: (w) => Float64Array.from({ length: D }, (_, i) => columns.reduce((sum, c, j) => sum + c[i]! * w[j]!, 0)),
    projectTranspose: (g) => Float64Array.from(columns, (c) => c.reduce((sum, x, i) => sum + x * g[i]!, 0)),
    toDense: () => Float64Array.from({ length: D * d }, (_, k) => columns[k % d]![Math.floor(k / d)]!),
  };
}

const P = subspaceOf([
  [1, 0, 0, 0],
  [0, 0.5, 0.5, 0],
  [-1, 0, 0, 1],
]);
const PtAP = [2, 0.5, -2, 0.5, 2.25, 0, -2, 0, 7];

test('restrictedHessian of ½θᵀAθ is PᵀAP exactly, at any θ, θ a Float64Array or a tensor', () => {
  for (const theta of [Float64Array.of(0, 0, 0, 0), Float64Array.of(1, -2, 0.5, 3)]) {
    const restricted = restrictedHessian(quadratic, theta, P);
    assert.is(restricted.d, 3);
    assert.equal(Array.from(restricted.matrix), PtAP);
    assert.is(restricted.asymmetry, 0);
  }
  assert.equal(Array.from(restrictedHessian(quadratic, ad.tensor([1, 2, 3, 4]), P).matrix), PtAP);
});

test('restrictedHessian refuses a θ of another length than D, naming both', () => {
  assert.throws(
    () => restrictedHessian(quadratic, Float64Array.of(1, 2, 3), P),
    (e: Error) => e.message === 'restrictedHessian: θ has 3 entries but the subspace lives in ℝ^4',
  );
});

test('restrictOperator: an asymmetric product is symmetrised and its asymmetry reported; the d products asked for at once', () => {
  // P = I₂ and A = [[1, 2], [0, 3]]: PᵀAP = A, symmetrised [[1, 1], [1, 3]], asymmetry √(8/14)
  const identity = subspaceOf([[1, 0], [0, 1]]);
  const asymmetric = restrictOperator(denseOperator([[1, 2], [0, 3]]), identity);
  assert.equal(Array.from(asymmetric.matrix), [1, 1, 1, 3]);
  assert.ok(Math.abs(asymmetric.asymmetry - Math.sqrt(8 / 14)) < 1e-16);
  assert.is(asymmetric.d, 2);
  // an operator with applyMany: one call with P e₁ … P e_d, apply never used
  const dense = denseOperator(A);
  const batches: number[][][] = [];
  const batched = restrictOperator(
    {
      dim: 4,
      apply: (): Float64Array => {
        throw new Error('apply is not used when applyMany exists');
      },
      applyMany: (vs) => {
        batches.push(vs.map((v) => Array.from(v)));
        return vs.map((v) => dense.apply(v));
      },
    },
    P,
  );
  assert.equal(batches, [[[1, 0, 0, 0], [0, 0.5, 0.5, 0], [-1, 0, 0, 1]]]);
  assert.equal(Array.from(batched.matrix), PtAP);
});

test('hessianOperator: H·v = A·v exactly, one at a time and in blocks (a partial last block), counted; no vectors, no products', () => {
  const theta = Float64Array.of(1, -1, 2, 0.5);
  const vs = [Float64Array.of(1, 0, 0, 0), Float64Array.of(0, 1, 0, 0), Float64Array.of(1, 2, 3, 4), Float64Array.of(-1, 0.5, 0, 2), Float64Array.of(0, 0, 0, 1)];
  const Av = vs.map((v) => Array.from(denseOperator(A).apply(v)));
  for (const blockSize of [1, 2, 3, 5, 8]) {
    const H = hessianOperator(quadratic, theta, { blockSize });
    assert.is(H.dim, 4);
    assert.equal(H.applyMany!([]), [], `blockSize ${blockSize}: nothing asked, nothing computed (first call)`);
    assert.equal(H.applyMany!(vs).map((v) => Array.from(v)), Av, `blockSize ${blockSize}, first call`);
    assert.equal(H.applyMany!(vs).map((v) => Array.from(v)), Av, `blockSize ${blockSize}, again`);
    assert.equal(Array.from(H.apply(vs[2]!)), Av[2], `blockSize ${blockSize}, apply`);
    assert.equal(H.applyMany!([]), []);
    assert.is(H.products(), 11);
  }
});

test('hessianOperator traces the pass at θ once: later products, single or batched, do not call the loss', () => {
  const theta = Float64Array.of(0.25, 1, -1, 2);
  const v = Float64Array.of(1, 1, 1, 1);
  for (const blockSize of [1, 2]) {
    lossCalls = 0;
    const H = hessianOperator(quadratic, theta, { blockSize });
    assert.is(lossCalls, 0, 'nothing traced before the first product');
    H.applyMany!([v, v, v]);
    const traced = lossCalls;
    assert.ok(traced >= 1);
    H.apply(v);
    H.applyMany!([v, v, v, v]);
    assert.is(lossCalls, traced, `blockSize ${blockSize}: the loss was called again`);
  }
  // θ is copied: changing the caller's array later changes nothing (for a quadratic H does not depend on θ,
  // so check the gradient-based products through a cubic instead)
  const cubic = (t: Tensor): Tensor => t.mul(t).mul(t).sum().div(6); // H = diag(θ)
  const mutable = Float64Array.of(1, 2, 3, 4);
  const H = hessianOperator(cubic, mutable);
  mutable[0] = 100;
  assert.equal(Array.from(H.apply(Float64Array.of(1, 1, 1, 1))), [1, 2, 3, 4]);
});

test('hessianOperator.gradient(): ∇L(θ) from the pass at θ, the numbers of gradientAt bit for bit, without calling the loss again', () => {
  // closed form first: ∇(½θᵀAθ) = Aθ
  const theta = Float64Array.of(1, -2, 0.5, 3);
  const H = hessianOperator(quadratic, theta);
  H.apply(Float64Array.of(1, 0, 0, 0));
  lossCalls = 0;
  assert.equal(Array.from(H.gradient()), [0, -4.5, 3, 15.5]);
  assert.is(lossCalls, 0, 'the gradient came from the pass at θ');
  // a loss whose gradient rounds: the same bits as a separate backward pass
  const W = ad.tensor([[0.3, -1.7, 0.45], [2.2, 0.05, -0.9]]);
  const wavy = (t: Tensor): Tensor => t.reshape([2, 2]).matmul(W).tanh().mul(t.sum().exp()).sum().div(3);
  const at = Float64Array.of(0.1, -0.7, 1.3, 0.35);
  const expected = gradientAt(wavy, at);
  for (const first of ['product', 'gradient'] as const) {
    const op = hessianOperator(wavy, at);
    if (first === 'product') op.applyMany!([Float64Array.of(1, 2, 3, 4), Float64Array.of(-1, 0, 0.5, 0)]);
    const g = op.gradient();
    for (let i = 0; i < 4; i++) assert.ok(Object.is(g[i], expected[i]), `${first} first: entry ${i} is ${g[i]}, gradientAt gives ${expected[i]}`);
    // a copy each call
    g.fill(0);
    assert.equal(Array.from(op.gradient()), Array.from(expected));
    // the products after a gradient asked for first are those of a fresh operator
    assert.equal(Array.from(op.apply(Float64Array.of(0, 1, 0, 0))), Array.from(hessianOperator(wavy, at).apply(Float64Array.of(0, 1, 0, 0))));
  }
});

test('hessianOperator refuses a block size that is not a positive integer, naming it', () => {
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(
      () => hessianOperator(quadratic, new Float64Array(4), { blockSize: bad }),
      (e: Error) => e.message === `hessianOperator: blockSize must be a positive integer, got ${bad}`,
    );
  }
});

test('gradientAt: ∇(½θᵀAθ) = Aθ, θ a Float64Array or a tensor', () => {
  const theta = [1, -2, 0.5, 3];
  const expected = Array.from(denseOperator(A).apply(Float64Array.from(theta))); // (0, −4.5, 3, 15.5)
  assert.equal(expected, [0, -4.5, 3, 15.5]);
  assert.equal(Array.from(gradientAt(quadratic, Float64Array.from(theta))), expected);
  assert.equal(Array.from(gradientAt(quadratic, ad.tensor(theta))), expected);
});

test.run();
