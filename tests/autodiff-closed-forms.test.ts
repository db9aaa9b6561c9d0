/**
 * Derivatives whose exact values are known in closed form, and a small MLP
 * with its parameters as one flat vector θ (as the landscape code uses it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { throwsWith } from './support/assertions.js';
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

// ------------------------------------------------------------ sin and cos

test('sin and cos: d sin = cos and d cos = −sin exactly, second derivatives −sin and −cos, and sin² + cos² has derivative 0', () => {
  const points = [0, Math.PI / 6, 1, -2.5];
  const x = ad.tensor(points);
  const sumOf = (f: (t: Tensor) => Tensor) => (t: Tensor): Tensor => f(t).sum();
  assert.equal(Array.from(ad.grad(sumOf((t) => t.sin()))(x).toTypedArray()), points.map(Math.cos));
  assert.equal(Array.from(ad.grad(sumOf((t) => t.cos()))(x).toTypedArray()), points.map((v) => -Math.sin(v)));
  assert.equal(Array.from(ad.jvp((t: Tensor) => t.sin(), [x], [ad.onesLike(x)])[1].toTypedArray()), points.map(Math.cos));
  const ones = ad.onesLike(x);
  assert.equal(Array.from(ad.hvp(sumOf((t) => t.sin()), x, ones).toTypedArray()), points.map((v) => -Math.sin(v)));
  assert.equal(Array.from(ad.hvp(sumOf((t) => t.cos()), x, ones).toTypedArray()), points.map((v) => -Math.cos(v)));
  const pythagoras = sumOf((t) => t.sin().square().add(t.cos().square()));
  assert.ok(Math.abs(pythagoras(x).item() - 4) < 1e-15);
  assert.equal(Array.from(ad.grad(pythagoras)(x).toTypedArray()), [0, 0, 0, 0]);
  assert.ok(ad.hessian(pythagoras)(x).toTypedArray().every((v) => Math.abs(v) < 1e-15));
});

// ------------------------------------------------------------------- prod

test('prod: the gradient is the product of the other entries, exact with one zero and with two', () => {
  const grad = (values: number[]): number[] => Array.from(ad.grad((t: Tensor) => t.prod())(ad.tensor(values)).toTypedArray());
  const hessian = (values: number[]): number[][] => ad.hessian((t: Tensor) => t.prod())(ad.tensor(values)).toArray() as number[][];
  assert.equal(grad([2, 3, 4]), [12, 8, 6]);
  assert.equal(grad([2, 0, 3]), [0, 6, 0]);
  assert.equal(grad([0, 5, 0]), [0, 0, 0]);
  assert.equal(grad([0, 0, 0]), [0, 0, 0]);
  assert.equal(grad([7]), [1]);
  // H_ij = the product of the entries other than i and j
  assert.equal(hessian([2, 0, 3]), [[0, 3, 0], [3, 0, 2], [0, 2, 0]]);
  assert.equal(hessian([0, 5, 0]), [[0, 0, 5], [0, 0, 0], [5, 0, 0]]);
  // forward-over-reverse = reverse-over-reverse, both exact, with two zeros
  const x = ad.tensor([0, 5, 0, 2]);
  const v = ad.tensor([1, -2, 3, 0.5]);
  const f = (t: Tensor): Tensor => t.prod();
  const exact = [10 * 3, 0, 10 * 1, 0]; // the only non-zero entries are H_02 = H_20 = x1·x3 = 10
  assert.equal(Array.from(ad.hvp(f, x, v).toTypedArray()), exact);
  assert.equal(Array.from(ad.hvpReverseOverReverse(f, x, v).toTypedArray()), exact);
});

test('prod over axes: values, keepdims, an empty group (1) and per-group gradients', () => {
  const x = ad.tensor([[1, 2, 3], [0, 4, 5]]);
  assert.equal(x.prod(1).toArray(), [6, 0]);
  assert.equal(x.prod(0, true).toArray(), [[0, 8, 15]]);
  assert.equal(ad.zeros([2, 0]).prod(1).toArray(), [1, 1]);
  assert.equal(ad.grad((t: Tensor) => t.prod(1).sum())(x).toArray(), [[6, 3, 2], [20, 0, 0]]);
  assert.equal(ad.grad((t: Tensor) => t.prod(0).sum())(x).toArray(), [[0, 4, 5], [1, 2, 3]]);
});

// -------------------------------------------------------------------- pow

test('pow(x, y) with a tensor exponent: ∂/∂x = y·x^(y−1), ∂/∂y = x^y·log x, in both modes', () => {
  const xs = [1.5, 2, 0.25];
  const ys = [0.5, 3, -1.2];
  const f = (x: Tensor, y: Tensor): Tensor => x.pow(y).sum();
  const [gx, gy] = ad.grad(f, [0, 1])(ad.tensor(xs), ad.tensor(ys));
  const dx = xs.map((x, i) => ys[i]! * x ** (ys[i]! - 1));
  const dy = xs.map((x, i) => x ** ys[i]! * Math.log(x));
  assert.ok(relativeError(gx!.toTypedArray(), dx) < 1e-15, `∂/∂x ${gx!.toString()}`);
  assert.ok(relativeError(gy!.toTypedArray(), dy) < 1e-15, `∂/∂y ${gy!.toString()}`);
  const [, forward] = ad.jvp((y: Tensor) => ad.pow(ad.tensor(xs), y), [ad.tensor(ys)], [ad.onesLike(ad.tensor(ys))]);
  assert.ok(relativeError(forward.toTypedArray(), dy) < 1e-15);
  // a number base and a broadcast exponent: d/dy 2^y = 2^y log 2
  assert.ok(Math.abs(ad.grad((y: Tensor) => ad.pow(2, y).sum())(ad.scalar(3)).item() - 8 * Math.LN2) < 1e-15);
  // the constant-exponent primitive and the tensor one agree
  const constant = ad.grad((x: Tensor) => x.pow(3).sum())(ad.tensor(xs)).toTypedArray();
  const tensorExponent = ad.grad((x: Tensor) => x.pow(ad.full([3], 3)).sum())(ad.tensor(xs)).toTypedArray();
  assert.ok(relativeError(constant, tensorExponent) < 1e-15);
});

test('pow at 0: x^0, x^1, x^2 have derivatives 0, 1, 0 and second derivatives 0, 0, 2, in both modes; no NaN', () => {
  const zero = ad.scalar(0);
  for (const [exponent, first, second] of [[0, 0, 0], [1, 1, 0], [2, 0, 2], [3, 0, 0]] as const) {
    for (const power of [(t: Tensor) => t.pow(exponent), (t: Tensor) => t.pow(ad.scalar(exponent))]) {
      const d = (t: Tensor): Tensor => ad.grad(power)(t);
      assert.is(d(zero).item(), first, `reverse d/dx x^${exponent}`);
      assert.is(ad.jvp(power, [zero], [ad.scalar(1)])[1].item(), first, `forward d/dx x^${exponent}`);
      assert.is(ad.grad(d)(zero).item(), second, `reverse-over-reverse d²/dx² x^${exponent}`);
      assert.is(ad.jvp(d, [zero], [ad.scalar(1)])[1].item(), second, `forward-over-reverse d²/dx² x^${exponent}`);
      const forwardForward = (t: Tensor): Tensor => ad.jvp(power, [t], [ad.scalar(1)])[1];
      assert.is(ad.jvp(forwardForward, [zero], [ad.scalar(1)])[1].item(), second, `forward-over-forward d²/dx² x^${exponent}`);
    }
  }
});

test('pow domain: 0^y, negative bases, and the derivative in y at x = 0 taken as 0', () => {
  const x = ad.tensor([0, 0, -2, -2]);
  const y = ad.tensor([2, 0, 3, 0.5]);
  const values = Array.from(ad.pow(x, y).toTypedArray());
  assert.equal(values.slice(0, 3), [0, 1, -8]);
  assert.ok(Number.isNaN(values[3]!)); // a negative base to a non-integer power is not real
  const [gx, gy] = ad.grad((a: Tensor, b: Tensor) => ad.pow(a, b).sum(), [0, 1])(x, y);
  assert.equal(Array.from(gx!.toTypedArray()).slice(0, 3), [0, 0, 12]);
  assert.equal(Array.from(gy!.toTypedArray()).slice(0, 2), [0, 0]); // 0^y: derivative in y taken as 0
  assert.ok(Number.isNaN(gy!.toTypedArray()[2]!)); // x < 0: not differentiable in y
});

// ------------------------------------------------------ transform options

test('hasAux: grad returns [gradient, aux] and valueAndGrad [[value, aux], gradient]; aux tensors come back concrete', () => {
  const f = (x: Tensor, y: Tensor) => [x.mul(y).sum(), { product: x.mul(y), label: 'xy', count: 2 }] as const;
  const x = ad.tensor([1, 2]);
  const y = ad.tensor([3, 4]);
  const [g, aux] = ad.grad(f, { hasAux: true })(x, y);
  assert.equal(g.toArray(), [3, 4]);
  assert.equal(aux.product.toArray(), [3, 8]);
  assert.is(aux.product.level, 0);
  assert.is(aux.label, 'xy');
  assert.is(aux.count, 2);
  const [[value, aux2], grads] = ad.valueAndGrad(f, { argnums: [0, 1], hasAux: true })(x, y);
  assert.is(value.item(), 11);
  assert.equal(aux2.product.toArray(), [3, 8]);
  assert.equal(grads.map((t) => t.toArray()), [[3, 4], [1, 2]]);
  // without hasAux the options object behaves like plain argnums
  assert.equal(ad.grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: 1 })(x, y).toArray(), [1, 2]);
  const [plainValue, plainGrad] = ad.valueAndGrad((a: Tensor) => a.square().sum(), {})(x);
  assert.equal([plainValue.item(), plainGrad.toArray()], [5, [2, 4]]);
});

test('hasAux inside another transformation: aux stays differentiable by the outer one', () => {
  // aux = Σ (x·t)² at t = (1, 1); the outer gradient in x is 2x
  const outer = (x: Tensor): Tensor => ad.grad((t: Tensor) => [t.mul(x).sum(), x.mul(t).square().sum()] as const, { hasAux: true })(ad.tensor([1, 1]))[1];
  assert.equal(ad.grad(outer)(ad.tensor([2, 3])).toArray(), [4, 6]);
});

test('hasAux: a function that does not return a pair is rejected with a clear message', () => {
  throwsWith(() => ad.grad((x: Tensor) => [x.sum()] as unknown as readonly [Tensor, number], { hasAux: true })(ad.zeros([2])), 'grad', 'hasAux', '[value, aux]');
});

test('negative argnums count from the end; out-of-range ones name the value and the allowed range', () => {
  const f = (a: Tensor, b: Tensor, c: Tensor): Tensor => a.mul(b).mul(c.square()).sum();
  const args = [ad.tensor([1, 2]), ad.tensor([3, 4]), ad.tensor([5, 6])];
  assert.equal(ad.grad(f, -1)(...args).toArray(), ad.grad(f, 2)(...args).toArray());
  assert.equal(ad.grad(f, [-3, -2]).call(null, ...args).map((t) => t.toArray()), ad.grad(f, [0, 1]).call(null, ...args).map((t) => t.toArray()));
  assert.equal(ad.valueAndGrad(f, -1)(...args)[1].toArray(), [2 * 1 * 3 * 5, 2 * 2 * 4 * 6]);
  throwsWith(() => ad.grad(f, 3)(...args), 'grad', 'argnums 3', '3 argument(s)', '-3 to 2');
  throwsWith(() => ad.valueAndGrad(f, [0, -4])(...args), 'valueAndGrad', 'argnums -4', '-3 to 2');
  throwsWith(() => ad.grad(f, 0.5)(...args), 'argnums 0.5');
});

test('hessian of a vector function: shape out + in + in, against the Jacobian of the Jacobian by hand', () => {
  // f(x) = [x0²·x1, sin x0 + x1³]
  const f = (x: Tensor): Tensor => ad.stack([x.index(0).square().mul(x.index(1)), x.index(0).sin().add(x.index(1).pow(3))]);
  const [a, b] = [0.7, -1.3];
  const H = ad.hessian(f)(ad.tensor([a, b]));
  assert.equal(H.shape, [2, 2, 2]);
  const exact = [[[2 * b, 2 * a], [2 * a, 0]], [[-Math.sin(a), 0], [0, 6 * b]]];
  assert.ok(relativeError(H.toTypedArray(), exact.flat(2)) < 1e-15, H.toString());
  // a matrix input and a vector output: [3] + [2, 2] + [2, 2]
  const g = (m: Tensor): Tensor => ad.concatenate([m.square().sum(0), m.prod().reshape([1])]);
  const M = ad.tensor([[1, 2], [3, 4]]);
  const HM = ad.hessian(g)(M);
  assert.equal(HM.shape, [3, 2, 2, 2, 2]);
  // the Hessian of Σ_i m_i0² is 2 at ((0,0),(0,0)) and ((1,0),(1,0)); of prod it is the product of the two others
  const h = HM.toArray() as number[][][][][];
  assert.is(h[0]![0]![0]![0]![0], 2);
  assert.is(h[0]![1]![0]![1]![0], 2);
  assert.is(h[0]![0]![1]![0]![1], 0);
  assert.is(h[2]![0]![0]![1]![1], 2 * 3);
  assert.is(h[2]![0]![1]![1]![0], 1 * 4);
  // for a scalar function it is still [...in, ...in]
  assert.equal(ad.hessian((t: Tensor) => t.prod())(ad.tensor([1, 2, 3])).shape, [3, 3]);
});

// ----------------------------------------------- ties and kinks: midpoints

test('ties and kinks take the midpoint of the one-sided derivatives', () => {
  const at = (f: (t: Tensor) => Tensor, values: number[]): number[] => Array.from(ad.grad((t: Tensor) => f(t).sum())(ad.tensor(values)).toTypedArray());
  const forward = (f: (t: Tensor) => Tensor, values: number[]): number[] => {
    const x = ad.tensor(values);
    return Array.from(ad.jvp(f, [x], [ad.onesLike(x)])[1].toTypedArray());
  };
  for (const mode of [at, forward]) {
    assert.equal(mode((t) => t.relu(), [-1, 0, 2]), [0, 0.5, 1]);
    assert.equal(mode((t) => t.abs(), [-1, 0, 2]), [-1, 0, 1]);
    assert.equal(mode((t) => t.leakyRelu(0.2), [-1, 0, 2]), [0.2, 0.6, 1]);
  }
  // maximum and minimum at a tie: half to each operand
  const pair = (f: (a: Tensor, b: Tensor) => Tensor, a: number[], b: number[]): number[][] =>
    ad.grad((x: Tensor, y: Tensor) => f(x, y).sum(), [0, 1])(ad.tensor(a), ad.tensor(b)).map((g) => Array.from(g.toTypedArray()));
  assert.equal(pair(ad.maximum, [1, 2, 3], [1, 5, 0]), [[0.5, 0, 1], [0.5, 1, 0]]);
  assert.equal(pair(ad.minimum, [1, 2, 3], [1, 5, 0]), [[0.5, 1, 0], [0.5, 0, 1]]);
  assert.equal(at((t) => ad.maximum(t, 0), [0]), [0.5]);
  // max and min reductions: split among the tied entries
  assert.equal(at((t) => t.max(), [1, 3, 3]), [0, 0.5, 0.5]);
  assert.equal(at((t) => t.min(), [2, 2, 2, 5]), [1 / 3, 1 / 3, 1 / 3, 0]);
});

test('ties: values stay exact, also with infinities', () => {
  assert.equal(ad.heaviside(ad.tensor([-2, 0, 3, NaN, Infinity]), 0).toArray(), [0, 0.5, 1, 0, 1]);
  assert.equal(ad.maximum(ad.tensor([1, -Infinity, Infinity, 0.1, -0]), ad.tensor([1, 3, Infinity, 0.1, 0])).toArray(), [1, 3, Infinity, 0.1, 0]);
  assert.equal(ad.minimum(ad.tensor([1, -Infinity, -Infinity, 7]), ad.tensor([1, 3, -Infinity, -2])).toArray(), [1, -Infinity, -Infinity, -2]);
  assert.equal(ad.tensor([-3, 0, 2.5]).relu().toArray(), [0, 0, 2.5]);
  assert.equal(ad.tensor([-3, 0, 2.5]).abs().toArray(), [3, 0, 2.5]);
  assert.equal(ad.tensor([-3, 0, 2.5]).leakyRelu(0.1).toArray(), [-0.30000000000000004, 0, 2.5]);
});

test('composed forms agree: softplus as relu(x) + log(1 + e^(−|x|)) has derivative exactly ½ at 0 and σ(x) elsewhere', () => {
  const softplus = (t: Tensor): Tensor => t.relu().add(ad.log(ad.add(1, t.abs().neg().exp())));
  const sum = (t: Tensor): Tensor => softplus(t).sum();
  assert.equal(Array.from(ad.grad(sum)(ad.tensor([0])).toTypedArray()), [0.5]);
  assert.equal(Array.from(ad.jvp(softplus, [ad.tensor([0])], [ad.tensor([1])])[1].toTypedArray()), [0.5]);
  const xs = [-2, -0.3, 0.4, 3];
  const sigmoid = xs.map((v) => 1 / (1 + Math.exp(-v)));
  assert.ok(relativeError(ad.grad(sum)(ad.tensor(xs)).toTypedArray(), sigmoid) < 1e-15);
  // second derivatives away from the kink are σ(1 − σ), unchanged by the convention
  const second = ad.hvp(sum, ad.tensor(xs), ad.tensor([1, 1, 1, 1])).toTypedArray();
  assert.ok(relativeError(second, sigmoid.map((s) => s * (1 - s))) < 1e-14);
  // and relu², |x|², leakyRelu² have the usual second derivatives away from 0
  const diag = (f: (t: Tensor) => Tensor, values: number[]): number[] => Array.from(ad.hvp((t: Tensor) => f(t).square().sum(), ad.tensor(values), ad.onesLike(ad.tensor(values))).toTypedArray());
  assert.equal(diag((t) => t.relu(), [-1, 2]), [0, 2]);
  assert.equal(diag((t) => t.abs(), [-1, 2]), [2, 2]);
  assert.equal(diag((t) => t.leakyRelu(0.5), [-1, 2]), [0.5, 2]);
});

test.run();
