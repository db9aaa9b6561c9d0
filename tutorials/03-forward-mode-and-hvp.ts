/**
 * Tutorial 03 — forward mode, and exact Hessian-vector products.
 *
 * Run it: npx tsx tutorials/03-forward-mode-and-hvp.ts
 *
 * Step 1 builds forward mode on dual numbers. Step 2 uses goldilocks's jvp
 * and checks it against grad. Step 3 composes the two: the derivative of the
 * gradient along v is H·v, exact, at the cost of a few gradients — the tool
 * every loss-landscape analysis in goldilocks is built on. Step 4 shows why
 * nested derivatives need levels. Every step checks its numbers.
 *
 * Exercises: 5 and 6 (the jvp rules of tanh and mul, src/autodiff/jvp.ts),
 * 7 and 8 (hvp and jacrev, src/autodiff/transforms.ts); see
 * tutorials/README.md.
 */
import {
  grad, hvp, hvpReverseOverReverse, jvp, hessian, randn, scalar, Random, softmaxCrossEntropy, type Tensor,
} from '../src/autodiff/index.js';

function check(label: string, got: number, expected: number, tolerance: number): void {
  const error = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  if (!(error <= tolerance)) throw new Error(`${label}: got ${got}, expected ${expected} (relative error ${error})`);
  console.log(`  ✓ ${label}: ${got.toPrecision(12)} (relative error ${error.toExponential(1)})`);
}
const relativeError = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d / Math.max(n, 1e-300));
};

// ---------------------------------------------------------------------------
// Step 1. Dual numbers: carry a value and its derivative together.
//
// Write x + ẋε with ε² = 0. Then (a + ȧε)(b + ḃε) = ab + (ȧb + aḃ)ε: the ε
// part is the product rule. Seeding ẋ = 1 and running f gives f(x) and f'(x)
// in one pass, forwards — no tape.
// ---------------------------------------------------------------------------
class Dual {
  constructor(readonly value: number, readonly tangent: number) {}
  add(o: Dual): Dual { return new Dual(this.value + o.value, this.tangent + o.tangent); }
  mul(o: Dual): Dual { return new Dual(this.value * o.value, this.tangent * o.value + this.value * o.tangent); }
  exp(): Dual { const e = Math.exp(this.value); return new Dual(e, e * this.tangent); }
}

console.log('Step 1: forward mode on dual numbers');
{
  const x = new Dual(0.7, 1); // seed dx = 1
  const f = x.mul(x).exp().add(x); // e^{x²} + x
  check('f(0.7) = e^{0.49} + 0.7', f.value, Math.exp(0.49) + 0.7, 1e-15);
  check("f'(0.7) = 2x·e^{x²} + 1", f.tangent, 2 * 0.7 * Math.exp(0.49) + 1, 1e-15);
}

// ---------------------------------------------------------------------------
// Step 2. jvp in goldilocks.
//
// jvp(f, [x], [v]) returns f(x) and J·v, the derivative of f along v, using
// tracers that carry a tangent beside each value (src/autodiff/jvp.ts). For a
// scalar f, J·v = ∇f·v, so forward mode and reverse mode must agree.
// ---------------------------------------------------------------------------
console.log('Step 2: jvp agrees with grad');
const rng = new Random(2);
const X = randn([16, 5], rng);
const labels = Array.from({ length: 16 }, (_, i) => i % 3);
/** A two-layer tanh network's loss as a function of one flat parameter vector θ. */
const loss = (theta: Tensor): Tensor => {
  const W1 = theta.slice([0], [40]).reshape([5, 8]);
  const W2 = theta.slice([40], [64]).reshape([8, 3]);
  return softmaxCrossEntropy(X.matmul(W1).tanh().matmul(W2), labels);
};
const theta = randn([64], rng, 0.4);
const v = randn([64], rng);
{
  const [, directional] = jvp(loss, [theta], [v]);
  const viaGradient = grad(loss)(theta).dot(v).item();
  check('jvp(loss)(θ; v) = ∇loss(θ)·v', directional.item(), viaGradient, 1e-14);
}

// ---------------------------------------------------------------------------
// Step 3. Hessian-vector products: forward-over-reverse.
//
// grad(loss) is a function like any other, so it has a jvp:
//     d/dt ∇loss(θ + t·v) at t = 0  =  H(θ)·v.
// goldilocks's hvp is exactly that one line. The forward tracers ride along
// through the whole backward pass, so the result is exact (no step size) and
// costs a small multiple of one gradient; H (64 × 64 here, 199,210² for the
// MNIST MLP) is never formed.
// ---------------------------------------------------------------------------
console.log('Step 3: H·v, three ways');
{
  const forwardOverReverse = hvp(loss, theta, v).toTypedArray();
  const reverseOverReverse = hvpReverseOverReverse(loss, theta, v).toTypedArray();
  const h = 1e-5;
  const gPlus = grad(loss)(theta.add(v.mul(h))).toTypedArray();
  const gMinus = grad(loss)(theta.sub(v.mul(h))).toTypedArray();
  const finiteDifference = gPlus.map((g, i) => (g - gMinus[i]!) / (2 * h));
  const modes = relativeError(forwardOverReverse, reverseOverReverse);
  const fd = relativeError(forwardOverReverse, finiteDifference);
  check('forward-over-reverse vs reverse-over-reverse (relative error)', modes, 0, 1e-12);
  check('forward-over-reverse vs finite differences of the gradient (relative error)', fd, 0, 1e-7);

  // The closed form: for f(x) = ½xᵀAx with A symmetric, H·v = A·v exactly.
  const M = randn([6, 6], rng);
  const A = M.add(M.T);
  const quadratic = (x: Tensor): Tensor => x.dot(A.matmul(x)).mul(0.5);
  const x0 = randn([6], rng);
  const u = randn([6], rng);
  check('quadratic: ‖hvp − A·v‖ / ‖A·v‖', relativeError(hvp(quadratic, x0, u).toTypedArray(), A.matmul(u).toTypedArray()), 0, 1e-14);
  const H = hessian(quadratic)(x0);
  check('quadratic: the dense Hessian equals A', relativeError(H.toTypedArray(), A.toTypedArray()), 0, 1e-14);
}

// ---------------------------------------------------------------------------
// Step 4. Levels keep nested derivatives apart.
//
// In d/dx [ x · d/dy (x + y) ], the inner derivative is 1 whatever x is, so
// the answer is 1. An engine that does not tell the two derivatives apart
// lets the inner one see x's perturbation and answers 2 ("perturbation
// confusion"). goldilocks gives each transformation its own level
// (src/autodiff/trace.ts), and x is a constant to the inner one.
// ---------------------------------------------------------------------------
console.log('Step 4: no perturbation confusion');
{
  const outer = (x: Tensor): Tensor => x.mul(grad((y: Tensor) => x.add(y))(scalar(0)));
  check('d/dx [x · d/dy (x + y)] at x = 3', grad(outer)(scalar(3)).item(), 1, 0);
  const [, forward] = jvp(outer, [scalar(3)], [scalar(1)]);
  check('the same with forward mode outside', forward.item(), 1, 0);
}
console.log('Tutorial 03: all checks passed.');
