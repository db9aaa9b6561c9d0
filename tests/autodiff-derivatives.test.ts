/**
 * Every primitive's first and second derivatives, checked three independent
 * ways on the table in support/cases.ts:
 *   1. against central finite differences in float64;
 *   2. against identities that hold exactly (⟨u, Jv⟩ = ⟨Jᵀu, v⟩; Hessians
 *      are symmetric);
 *   3. mode against mode (jvp vs vjp, jacfwd vs jacrev, forward-over-reverse
 *      vs reverse-over-reverse HVP).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Primitive, Tensor } from '../src/autodiff/index.js';
import { evalRules } from '../src/autodiff/eval.js';
import { derivativeCases, type DerivativeCase } from './support/cases.js';
import { finiteDifferenceDirectional, finiteDifferenceGradient, relativeError, seededVector } from './support/numeric.js';

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** The case as functions of one flat parameter vector θ. */
function setup(c: DerivativeCase, seed: number) {
  const sizes = c.shapes.map(size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const split = (theta: Tensor): Tensor[] => {
    let at = 0;
    return c.shapes.map((s, i) => {
      const part = theta.slice([at], [at + sizes[i]!]).reshape(s);
      at += sizes[i]!;
      return part;
    });
  };
  const G = (theta: Tensor): Tensor => c.f(...split(theta)).flatten();
  let theta0 = seededVector(total, seed);
  if (c.positive) theta0 = theta0.map((v) => 1 + 0.5 * v);
  if (c.point) {
    if (c.point.length !== total) throw new Error(`case ${c.name}: point has ${c.point.length} numbers, the shapes need ${total}`);
    theta0 = Float64Array.from(c.point);
  }
  const outSize = G(ad.tensor(theta0)).size;
  const w = ad.tensor(seededVector(outSize, seed + 1));
  const F = (theta: Tensor): Tensor => G(theta).mul(w).sum();
  const onVector = (fn: (t: Tensor) => Tensor) => (x: Float64Array) => fn(ad.tensor(x)).toTypedArray() as Float64Array;
  return { G, F, split, theta0, total, outSize, numF: (x: Float64Array) => F(ad.tensor(x)).item(), numG: onVector(G), numGrad: onVector(ad.grad(F)) };
}

for (const c of derivativeCases) {
  test(`${c.name}: gradient and jvp match finite differences`, () => {
    const { F, G, theta0, total, numF, numG } = setup(c, 11);
    const g = ad.grad(F)(ad.tensor(theta0)).toTypedArray();
    const fd = finiteDifferenceGradient(numF, theta0);
    assert.ok(relativeError(g, fd) < 1e-7, `gradient: relative error ${relativeError(g, fd)}`);
    const v = seededVector(total, 5);
    const [, jv] = ad.jvp(G, [ad.tensor(theta0)], [ad.tensor(v)]);
    const fdJv = finiteDifferenceDirectional(numG, theta0, v);
    assert.ok(relativeError(jv.toTypedArray(), fdJv) < 1e-7, `jvp: relative error ${relativeError(jv.toTypedArray(), fdJv)}`);
  });

  test(`${c.name}: ⟨u, Jv⟩ = ⟨Jᵀu, v⟩ and jacfwd = jacrev`, () => {
    const { G, theta0, total, outSize } = setup(c, 12);
    const x = ad.tensor(theta0);
    const v = ad.tensor(seededVector(total, 3));
    const u = ad.tensor(seededVector(outSize, 4));
    const [, jv] = ad.jvp(G, [x], [v]);
    const [, pullback] = ad.vjp(G, x);
    const left = u.dot(jv).item();
    const right = pullback(u)[0]!.dot(v).item();
    assert.ok(Math.abs(left - right) <= 1e-12 * Math.max(1, Math.abs(left)), `${left} vs ${right}`);
    const jf = ad.jacfwd(G)(x).toTypedArray();
    const jr = ad.jacrev(G)(x).toTypedArray();
    assert.ok(relativeError(jf, jr) < 1e-13, `jacfwd vs jacrev: ${relativeError(jf, jr)}`);
  });

  test(`${c.name}: Hessian-vector products agree (forward-over-reverse, reverse-over-reverse, finite differences)`, () => {
    const { F, theta0, total, numGrad } = setup(c, 13);
    const x = ad.tensor(theta0);
    const v = seededVector(total, 7);
    const forward = ad.hvp(F, x, ad.tensor(v)).toTypedArray();
    const reverse = ad.hvpReverseOverReverse(F, x, ad.tensor(v)).toTypedArray();
    const fd = finiteDifferenceDirectional(numGrad, theta0, v);
    assert.ok(relativeError(forward, reverse, 1e-3) < 1e-12, `fwd-over-rev vs rev-over-rev: ${relativeError(forward, reverse, 1e-3)}`);
    assert.ok(relativeError(forward, fd, 1e-3) < 1e-6, `fwd-over-rev vs finite differences: ${relativeError(forward, fd, 1e-3)}`);
  });

  test(`${c.name}: the Hessian is symmetric and its columns are HVPs`, () => {
    const { F, theta0, total } = setup(c, 14);
    const x = ad.tensor(theta0);
    const H = ad.hessian(F)(x);
    assert.equal(H.shape, [total, total]);
    const h = H.toTypedArray();
    const ht = H.T.toTypedArray();
    assert.ok(relativeError(h, ht, 1e-3) < 1e-12, `asymmetry ${relativeError(h, ht, 1e-3)}`);
    const v = seededVector(total, 9);
    const hv = H.matmul(ad.tensor(v)).toTypedArray();
    const direct = ad.hvp(F, x, ad.tensor(v)).toTypedArray();
    assert.ok(relativeError(hv, direct, 1e-3) < 1e-12, `H·v vs hvp: ${relativeError(hv, direct, 1e-3)}`);
  });
}

/** Runs `body` with every evaluation rule wrapped to record its primitive; returns the primitives that ran. */
function primitivesUsedBy(body: () => void): Set<Primitive> {
  const used = new Set<Primitive>();
  // the table seen as plain functions, to swap its entries for recording ones and back
  const rules = evalRules as unknown as Record<Primitive, (...args: unknown[]) => unknown>;
  const originals = { ...rules };
  try {
    for (const p of Object.keys(originals) as Primitive[]) {
      const original = originals[p];
      rules[p] = (...args) => {
        used.add(p);
        return original(...args);
      };
    }
    body();
  } finally {
    Object.assign(rules, originals);
  }
  return used;
}

test('every primitive is used by some row of tests/support/cases.ts (measured: value, gradient and HVP)', () => {
  const used = new Set<Primitive>();
  for (const c of derivativeCases) {
    const { split, theta0 } = setup(c, 15);
    const inputs = split(ad.tensor(theta0));
    const tangents = inputs.map((x) => ad.onesLike(x));
    const gradient = (...xs: Tensor[]): Tensor => {
      const [y, pullback] = ad.vjp(c.f, ...xs);
      return pullback(ad.onesLike(y))[0]!;
    };
    for (const p of primitivesUsedBy(() => ad.jvp(gradient, inputs, tangents))) used.add(p);
  }
  // float32 round trips defeat float64 finite differences, so astype has its own test below
  const coveredElsewhere: Primitive[] = ['astype'];
  const missing = (Object.keys(evalRules) as Primitive[]).filter((p) => !used.has(p) && !coveredElsewhere.includes(p));
  assert.ok(missing.length === 0, `no row of tests/support/cases.ts uses the primitive(s) ${missing.join(', ')} in its value, gradient or HVP; add a row that does`);
});

test('astype: float32 round trip passes the gradient back in the input dtype', () => {
  const x = ad.tensor([0.1, 0.2, 0.3]);
  const w = ad.tensor([1, -2, 3], [3], 'float32');
  const f = (t: Tensor): Tensor => t.astype('float32').mul(w).sum().astype('float64');
  const g = ad.grad(f)(x);
  assert.is(g.dtype, 'float64');
  assert.equal(Array.from(g.toTypedArray()), [1, -2, 3]);
  const [, tangent] = ad.jvp(f, [x], [ad.tensor([1, 1, 1])]);
  assert.is(tangent.item(), 2);
});

test('stopGradient: the value passes, the derivative does not', () => {
  const x = ad.tensor([1.5, -2]);
  const f = (t: Tensor): Tensor => t.mul(t.stopGradient()).sum();
  assert.equal(Array.from(ad.grad(f)(x).toTypedArray()), [1.5, -2]);
  // the gradient is stopGradient(x) itself, so the second derivative is zero
  assert.equal(Array.from(ad.hvp(f, x, ad.tensor([1, 1])).toTypedArray()), [0, 0]);
  assert.is(f(x).item(), 1.5 * 1.5 + 4);
});

test('third order: grad of grad of grad of x⁴ is 24x', () => {
  const f = (t: Tensor): Tensor => t.pow(4).sum();
  const g1 = (t: Tensor): Tensor => ad.grad(f)(t).sum();
  const g2 = (t: Tensor): Tensor => ad.grad(g1)(t).sum();
  const g3 = ad.grad(g2)(ad.tensor([0.5, 2]));
  assert.equal(Array.from(g3.toTypedArray()), [12, 48]);
});

test('perturbation confusion: d/dx [x · d/dy (x + y)] = 1 at any x', () => {
  for (const x0 of [-3, 0, 0.7, 5]) {
    const outer = (x: Tensor): Tensor => x.mul(ad.grad((y: Tensor) => x.add(y))(ad.scalar(0)));
    assert.is(ad.grad(outer)(ad.scalar(x0)).item(), 1);
    const [, forward] = ad.jvp(outer, [ad.scalar(x0)], [ad.scalar(1)]);
    assert.is(forward.item(), 1);
    // the same with forward mode inside
    const inner = (x: Tensor): Tensor => x.mul(ad.jvp((y: Tensor) => x.add(y), [ad.scalar(0)], [ad.scalar(1)])[1]);
    assert.is(ad.grad(inner)(ad.scalar(x0)).item(), 1);
  }
});

test('jvp of vjp: the pullback is differentiable in forward mode', () => {
  const f = (t: Tensor): Tensor => t.exp().mul(t);
  const x = ad.tensor([0.3, -0.4]);
  const u = ad.tensor([1, 2]);
  const pulled = (t: Tensor): Tensor => ad.vjp(f, t)[1](u)[0]!;
  const [, tangent] = ad.jvp(pulled, [x], [ad.tensor([1, 0])]);
  // pulled(x)_i = u_i e^{x_i}(1 + x_i), so its derivative along e_0 is u_0 e^{x_0}(2 + x_0) in slot 0.
  const expected = 1 * Math.exp(0.3) * (2 + 0.3);
  assert.ok(Math.abs(tangent.toTypedArray()[0]! - expected) < 1e-15 * 4);
  assert.is(tangent.toTypedArray()[1], 0);
});

test.run();
