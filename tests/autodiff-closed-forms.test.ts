/**
 * Derivatives whose exact values are known in closed form, and a small MLP
 * with its parameters as one flat vector θ (as the landscape code uses it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { finiteDifferenceDirectional, finiteDifferenceGradient, relativeError, seededVector } from './support/numeric.js';

test('quadratic: the HVP of ½xᵀAx is A·v to rounding, and the Hessian is A', () => {
  const n = 7;
  const m = ad.randn([n, n], new ad.Random(1));
  const A = m.add(m.T); // symmetric
  const f = (x: Tensor): Tensor => x.dot(A.matmul(x)).mul(0.5);
  const x = ad.randn([n], new ad.Random(2));
  const v = ad.randn([n], new ad.Random(3));
  const hv = ad.hvp(f, x, v).toTypedArray();
  const av = A.matmul(v).toTypedArray();
  assert.ok(relativeError(hv, av) < 1e-14, `HVP vs A·v: ${relativeError(hv, av)}`);
  assert.ok(relativeError(ad.hessian(f)(x).toTypedArray(), A.toTypedArray()) < 1e-14);
  // for a non-symmetric B the Hessian of ½xᵀBx is the symmetric part ½(B + Bᵀ)
  const g = (x: Tensor): Tensor => x.dot(m.matmul(x)).mul(0.5);
  assert.ok(relativeError(ad.hessian(g)(x).toTypedArray(), A.mul(0.5).toTypedArray()) < 1e-14);
});

test('log-sum-exp: the Hessian is diag(p) − ppᵀ with p = softmax(x)', () => {
  const x = ad.tensor([0.3, -1.2, 2.0, 0.1]);
  const p = x.softmax().toTypedArray();
  const H = ad.hessian((t: Tensor) => t.logSumExp())(x).toArray() as number[][];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const exact = (i === j ? p[i]! : 0) - p[i]! * p[j]!;
      assert.ok(Math.abs(H[i]![j]! - exact) < 1e-15, `H[${i}][${j}] = ${H[i]![j]} vs ${exact}`);
    }
  }
});

test('Rosenbrock: gradient and Hessian match the textbook formulas', () => {
  const f = (t: Tensor): Tensor => {
    const a = t.index(0);
    const b = t.index(1);
    return ad.sub(1, a).square().add(b.sub(a.square()).square().mul(100));
  };
  const [a, b] = [-1.2, 1];
  const g = ad.grad(f)(ad.tensor([a, b])).toTypedArray();
  assert.ok(relativeError(g, [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]) < 1e-15);
  const H = ad.hessian(f)(ad.tensor([a, b])).toTypedArray();
  assert.ok(relativeError(H, [2 - 400 * (b - 3 * a * a), -400 * a, -400 * a, 200]) < 1e-15);
});

test('elementwise functions: Hessians of Σ exp, Σ tanh, Σ log are the diagonal second derivatives', () => {
  const x = ad.tensor([0.4, 0.9, 1.7]);
  const xs = x.toTypedArray();
  const diag = (h: Tensor): number[] => [0, 1, 2].map((i) => (h.toArray() as number[][])[i]![i]!);
  const offDiagonalZero = (h: Tensor): boolean => (h.toArray() as number[][]).every((row, i) => row.every((v, j) => i === j || v === 0));
  const cases: [(t: Tensor) => Tensor, (v: number) => number][] = [
    [(t) => t.exp().sum(), (v) => Math.exp(v)],
    [(t) => t.tanh().sum(), (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    [(t) => t.log().sum(), (v) => -1 / (v * v)],
  ];
  for (const [f, second] of cases) {
    const H = ad.hessian(f)(x);
    assert.ok(offDiagonalZero(H));
    assert.ok(relativeError(diag(H), Array.from(xs, second)) < 1e-15);
  }
});

/** An MLP with parameters in one flat vector θ, softmax cross-entropy on a batch. */
function mlpLoss(widths: number[], activation: (t: Tensor) => Tensor, X: Tensor, labels: number[]) {
  const shapes: [number[], number[]][] = [];
  for (let l = 0; l + 1 < widths.length; l++) shapes.push([[widths[l]!, widths[l + 1]!], [widths[l + 1]!]]);
  const D = shapes.reduce((s, [w, b]) => s + w[0]! * w[1]! + b[0]!, 0);
  const loss = (theta: Tensor): Tensor => {
    let at = 0;
    const take = (shape: number[]): Tensor => {
      const n = shape.reduce((p, q) => p * q, 1);
      const t = theta.slice([at], [at + n]).reshape(shape);
      at += n;
      return t;
    };
    let h = X;
    shapes.forEach(([ws, bs], l) => {
      h = h.matmul(take(ws)).add(take(bs));
      if (l + 1 < shapes.length) h = activation(h);
    });
    return ad.softmaxCrossEntropy(h, labels);
  };
  return { loss, D };
}

for (const [name, activation] of [['tanh', (t: Tensor) => t.tanh()], ['relu', (t: Tensor) => t.relu()]] as const) {
  test(`MLP 5-4-4-3 (${name}), softmax cross-entropy: loss, gradient and HVP against finite differences and each other`, () => {
    const rng = new ad.Random(42);
    const X = ad.randn([6, 5], rng);
    const labels = [0, 1, 2, 2, 1, 0];
    const { loss, D } = mlpLoss([5, 4, 4, 3], activation, X, labels);
    assert.is(D, 5 * 4 + 4 + 4 * 4 + 4 + 4 * 3 + 3);
    const theta = seededVector(D, 99, 0.8);
    const v = seededVector(D, 98);

    // the loss itself, recomputed independently with plain loops
    const value = loss(ad.tensor(theta)).item();
    assert.ok(Math.abs(value - plainMlpLoss(theta, [5, 4, 4, 3], name, X.toTypedArray(), labels)) < 1e-14);

    const numLoss = (t: Float64Array): number => loss(ad.tensor(t)).item();
    const numGrad = (t: Float64Array): Float64Array => ad.grad(loss)(ad.tensor(t)).toTypedArray() as Float64Array;
    const g = numGrad(theta);
    assert.ok(relativeError(g, finiteDifferenceGradient(numLoss, theta)) <= 1e-6);
    const forward = ad.hvp(loss, ad.tensor(theta), ad.tensor(v)).toTypedArray();
    const reverse = ad.hvpReverseOverReverse(loss, ad.tensor(theta), ad.tensor(v)).toTypedArray();
    const fd = finiteDifferenceDirectional(numGrad, theta, v);
    assert.ok(relativeError(forward, fd) <= 1e-6, `HVP vs finite differences: ${relativeError(forward, fd)}`);
    assert.ok(relativeError(forward, reverse) <= 1e-12, `fwd-over-rev vs rev-over-rev: ${relativeError(forward, reverse)}`);
  });
}

/** The same MLP loss written with plain loops, as an independent reference. */
function plainMlpLoss(theta: Float64Array, widths: number[], activation: string, X: ArrayLike<number>, labels: number[]): number {
  const n = labels.length;
  let h = Array.from({ length: n }, (_, i) => Array.from({ length: widths[0]! }, (_, j) => X[i * widths[0]! + j]!));
  let at = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [a, b] = [widths[l]!, widths[l + 1]!];
    const W = theta.subarray(at, at + a * b);
    const bias = theta.subarray(at + a * b, at + a * b + b);
    at += a * b + b;
    h = h.map((row) =>
      Array.from({ length: b }, (_, j) => {
        let s = bias[j]!;
        for (let k = 0; k < a; k++) s += row[k]! * W[k * b + j]!;
        if (l + 2 < widths.length) s = activation === 'tanh' ? Math.tanh(s) : Math.max(s, 0);
        return s;
      }),
    );
  }
  let total = 0;
  h.forEach((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
    total += lse - row[labels[i]!]!;
  });
  return total / n;
}

test('hvp costs the same for any direction and never forms H: linear in v', () => {
  const f = (t: Tensor): Tensor => t.tanh().mul(t).sum();
  const x = ad.tensor([0.2, -0.5, 1.1]);
  const v1 = ad.tensor([1, 2, 3]);
  const v2 = ad.tensor([-1, 0.5, 2]);
  const combined = ad.hvp(f, x, v1.mul(2).add(v2.mul(-3))).toTypedArray();
  const separate = ad.hvp(f, x, v1).mul(2).add(ad.hvp(f, x, v2).mul(-3)).toTypedArray();
  assert.ok(relativeError(combined, separate) < 1e-15);
});

test.run();
