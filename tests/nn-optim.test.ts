/**
 * Optimisers and schedules: SGD (plain, momentum, Nesterov, weight decay)
 * converges to the known minimum of a quadratic; Adam's first step is the
 * closed form η·g/(|g| + ε); AdamW decays decoupled; schedules at chosen
 * steps; updates never modify their inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';
import { relativeError } from './support/numeric.js';

// f(θ) = ½ (θ − c)ᵀ A (θ − c) with A = diag(a): minimum at c, gradient A(θ − c).
const a = [1, 4, 0.5, 2];
const c = [1, -2, 3, 0.5];
const gradient = (theta: Float64Array): Float64Array => theta.map((t, i) => a[i]! * (t - c[i]!));

function run<S>(opt: nn.Optimizer<S>, steps: number, start = new Float64Array(4)): Float64Array {
  let theta: Float64Array = start;
  let state = opt.init(theta);
  for (let t = 0; t < steps; t++) ({ theta, state } = opt.step(theta, gradient(theta), state));
  return theta;
}

test('SGD on a quadratic converges to the minimum (plain, momentum, Nesterov)', () => {
  for (const opt of [nn.sgd({ learningRate: 0.2 }), nn.sgd({ learningRate: 0.05, momentum: 0.9 }), nn.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true })]) {
    const theta = run(opt, 400);
    assert.ok(relativeError(theta, c) < 1e-9, `${opt.name}: ${Array.from(theta)}`);
  }
});

test('SGD with weight decay λ converges to the minimum of f + λ‖θ‖²/2: θ* = A c / (A + λ)', () => {
  const wd = 0.3;
  const theta = run(nn.sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: wd }), 500);
  assert.ok(relativeError(theta, c.map((ci, i) => (a[i]! * ci) / (a[i]! + wd))) < 1e-9);
});

test('one SGD step by hand: heavy ball and Nesterov', () => {
  const theta = Float64Array.from([1, 2]);
  const g = Float64Array.from([0.5, -1]);
  const velocity = Float64Array.from([0.2, 0.1]);
  const heavy = nn.sgd({ learningRate: 0.1, momentum: 0.9 }).step(theta, g, { velocity });
  // v = 0.9·v + g = [0.68, −0.91]; θ − 0.1·v
  assert.ok(relativeError(heavy.theta, [1 - 0.068, 2 + 0.091]) < 1e-15);
  assert.ok(relativeError(heavy.state.velocity, [0.68, -0.91]) < 1e-15);
  const nesterov = nn.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }).step(theta, g, { velocity });
  // θ − 0.1·(g + 0.9·v)
  assert.ok(relativeError(nesterov.theta, [1 - 0.1 * (0.5 + 0.612), 2 - 0.1 * (-1 - 0.819)]) < 1e-15);
  // nothing was modified
  assert.equal(Array.from(theta), [1, 2]);
  assert.equal(Array.from(velocity), [0.2, 0.1]);
  assert.throws(() => nn.sgd({ nesterov: true }), /Nesterov momentum needs momentum > 0/);
});

test("Adam's first step is η·g/(|g| + ε) ≈ η·sign(g), on arrays and on tensors", () => {
  const lr = 0.01;
  const eps = 1e-8;
  const theta = Float64Array.from([0.3, -1.2, 2.0, 0.0]);
  const g = Float64Array.from([4.0, -0.001, 1e-3, -250]);
  const opt = nn.adam({ learningRate: lr, eps });
  const { theta: next, state } = opt.step(theta, g, opt.init(theta));
  const expected = theta.map((t, i) => t - (lr * g[i]!) / (Math.abs(g[i]!) + eps));
  assert.ok(relativeError(next, expected) < 1e-15);
  // |η·g/(|g| + ε) − η·sign(g)| = η·ε/(|g| + ε) < η·ε/|g|
  assert.ok(next.every((v, i) => Math.abs(v - (theta[i]! - lr * Math.sign(g[i]!))) < (1.01 * lr * eps) / Math.abs(g[i]!)));
  assert.is(state.t, 1);
  // the same from tensors
  const fromTensors = opt.step(ad.tensor(theta), ad.tensor(g), opt.init(ad.tensor(theta)));
  assert.equal(Array.from(fromTensors.theta), Array.from(next));
  // second step: bias-corrected moments by hand
  const g2 = Float64Array.from([1, 1, 1, 1]);
  const second = opt.step(next, g2, state).theta;
  const byHand = next.map((t, i) => {
    const m = (0.9 * 0.1 * g[i]! + 0.1 * g2[i]!) / (1 - 0.9 ** 2);
    const v = (0.999 * 0.001 * g[i]! ** 2 + 0.001 * g2[i]! ** 2) / (1 - 0.999 ** 2);
    return t - (lr * m) / (Math.sqrt(v) + eps);
  });
  assert.ok(relativeError(second, byHand) < 1e-14);
});

test('Adam weight decay: L2 enters the moments, AdamW decays θ directly', () => {
  const theta = Float64Array.from([2, -4]);
  const g = Float64Array.from([0, 0]);
  const l2 = nn.adam({ learningRate: 0.1, weightDecay: 0.5 });
  // L2: the gradient becomes λθ = [1, −2], and the first step is −η·sign
  assert.ok(relativeError(l2.step(theta, g, l2.init(theta)).theta, [1.9, -3.9]) < 1e-9);
  const adamw = nn.adam({ learningRate: 0.1, weightDecay: 0.5, decoupled: true });
  // AdamW with a zero gradient: θ ← θ − ηλθ = 0.95 θ
  assert.ok(relativeError(adamw.step(theta, g, adamw.init(theta)).theta, [1.9, -3.8]) < 1e-15);
  assert.ok(adamw.name.startsWith('adamw'));
});

test('Adam minimises the quadratic', () => {
  const opt = nn.adam({ learningRate: 0.05 });
  const theta = run(opt, 3000);
  assert.ok(relativeError(theta, c) < 1e-4, `${Array.from(theta)}`);
});

test('schedules: constant, step, cosine at chosen steps', () => {
  const constant = nn.constantSchedule(0.1);
  assert.equal([0, 10, 1e6].map(constant), [0.1, 0.1, 0.1]);
  const step = nn.stepSchedule(0.1, { every: 30, gamma: 0.1, stepsPerEpoch: 100 });
  const close = (x: number, y: number): boolean => Math.abs(x - y) < 1e-15;
  assert.ok(close(step(0), 0.1) && close(step(2999), 0.1) && close(step(3000), 0.01) && close(step(6000), 0.001) && close(step(8999), 0.001));
  const everyStep = nn.stepSchedule(1, { every: 2, gamma: 0.5 });
  assert.equal([0, 1, 2, 3, 4].map(everyStep), [1, 1, 0.5, 0.5, 0.25]);
  const cosine = nn.cosineSchedule(0.1, { totalSteps: 100 });
  assert.ok(close(cosine(0), 0.1) && close(cosine(50), 0.05) && close(cosine(100), 0) && close(cosine(150), 0));
  assert.ok(close(cosine(25), 0.05 * (1 + Math.SQRT1_2)));
  const floor = nn.cosineSchedule(0.1, { totalSteps: 10, minLearningRate: 0.02 });
  assert.ok(close(floor(5), 0.06) && close(floor(10), 0.02));
  // a schedule drives the optimiser through step's learning-rate argument
  const opt = nn.sgd({ learningRate: 1 });
  const out = opt.step(Float64Array.from([1]), Float64Array.from([1]), opt.init(Float64Array.from([1])), cosine(50));
  assert.ok(close(out.theta[0]!, 0.95));
});

// Adam's recursion written out per coordinate, as in Kingma & Ba (2015), "Adam: A Method for Stochastic
// Optimization", Algorithm 1 (with the L2 term or AdamW's decoupled decay of Loshchilov & Hutter, 2019).
function adamByHand(theta0: number[], grads: number[][], lr: number, b1: number, b2: number, eps: number, wd = 0, decoupled = false): number[] {
  return theta0.map((th0, i) => {
    let th = th0;
    let m = 0;
    let v = 0;
    grads.forEach((gs, k) => {
      const t = k + 1;
      const g = gs[i]! + (decoupled ? 0 : wd * th);
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mHat = m / (1 - b1 ** t);
      const vHat = v / (1 - b2 ** t);
      th = th - (decoupled ? lr * wd * th : 0) - (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
    return th;
  });
}

function runWith<S>(opt: nn.Optimizer<S>, theta0: number[], grads: number[][]): { theta: Float64Array; state: S } {
  let theta: Float64Array = Float64Array.from(theta0);
  let state = opt.init(theta);
  for (const g of grads) ({ theta, state } = opt.step(theta, Float64Array.from(g), state));
  return { theta, state };
}

const grads4 = [
  [0.5, -2, 3e-3, 0],
  [-1, -1.5, 2e-3, 0.25],
  [2, 0.5, -4e-3, -0.5],
  [0.1, -3, 1e-3, 1],
];

test('Adam over four steps matches the bias-corrected recursion by hand (β₁, β₂, ε all felt)', () => {
  const theta0 = [1, -0.5, 2, 0.25];
  // ε = 1e-3 is comparable to the third coordinate's gradients, so ε's place in the update is visible
  const opt = nn.adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-3 });
  const { theta, state } = runWith(opt, theta0, grads4);
  assert.ok(relativeError(theta, adamByHand(theta0, grads4, 0.05, 0.8, 0.95, 1e-3)) < 1e-14);
  assert.is(state.t, 4);
  // the moments by hand for coordinate 0: m = Σ (1−β₁)β₁^(4−k) g_k, v likewise with g²
  const m0 = 0.2 * (0.5 * 0.8 ** 3 + -1 * 0.8 ** 2 + 2 * 0.8 + 0.1);
  const v0 = 0.05 * (0.25 * 0.95 ** 3 + 1 * 0.95 ** 2 + 4 * 0.95 + 0.01);
  assert.ok(Math.abs(state.m[0]! - m0) < 1e-15 && Math.abs(state.v[0]! - v0) < 1e-15);
  // a coordinate whose gradient is 0 at the first step: m̂ and v̂ come from later steps only
  assert.ok(state.m[3]! !== 0);
  // the step's learning-rate argument replaces the default
  const once = opt.step(Float64Array.from(theta0), Float64Array.from(grads4[0]!), opt.init(Float64Array.from(theta0)), 0.2);
  assert.ok(relativeError(once.theta, adamByHand(theta0, [grads4[0]!], 0.2, 0.8, 0.95, 1e-3)) < 1e-15);
});

test('Adam with L2 weight decay and AdamW over four steps match the recursions by hand', () => {
  const theta0 = [1, -0.5, 2, 0.25];
  const l2 = runWith(nn.adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-3, weightDecay: 0.2 }), theta0, grads4).theta;
  assert.ok(relativeError(l2, adamByHand(theta0, grads4, 0.05, 0.8, 0.95, 1e-3, 0.2)) < 1e-14);
  const w = runWith(nn.adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-3, weightDecay: 0.2, decoupled: true }), theta0, grads4).theta;
  assert.ok(relativeError(w, adamByHand(theta0, grads4, 0.05, 0.8, 0.95, 1e-3, 0.2, true)) < 1e-14);
  // the two differ (the decoupled decay does not pass through the moments)
  assert.ok(relativeError(l2, w) > 1e-3);
});

test("Adam's defaults are Kingma & Ba's: η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8", () => {
  // Kingma & Ba (2015), Algorithm 1: "Good default settings ... are α = 0.001, β1 = 0.9, β2 = 0.999 and ε = 10^−8"
  const opt = nn.adam();
  assert.is(opt.learningRate, 0.001);
  assert.is(opt.name, 'adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)');
  // first step with g = ε: η·g/(|g| + ε) = η/2 exactly
  const first = opt.step(Float64Array.from([0]), Float64Array.from([1e-8]), opt.init(Float64Array.from([0])));
  assert.ok(Math.abs(first.theta[0]! + 0.0005) < 1e-18);
  // two steps with the defaults, by hand
  const two = runWith(opt, [0, 0], [[1, -3], [-2, 0.5]]).theta;
  assert.ok(relativeError(two, adamByHand([0, 0], [[1, -3], [-2, 0.5]], 0.001, 0.9, 0.999, 1e-8)) < 1e-15);
  assert.is(nn.adam({ learningRate: 0.1, weightDecay: 0.01, decoupled: true }).name, 'adamw(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0.01)');
  assert.is(nn.adam({ weightDecay: 0.5 }).name, 'adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0.5)');
});

test('SGD step sequences by hand: momentum and Nesterov with weight decay, and the defaults', () => {
  // θ₀ = 1, gradients 0.5, −1, 2; λ = 0.1, μ = 0.5, η = 0.1, in scalar arithmetic step by step
  const gs = [[0.5], [-1], [2]];
  let th = 1;
  let v = 0;
  let thN = 1;
  let vN = 0;
  for (const [g0] of gs) {
    const g = g0! + 0.1 * th;
    v = 0.5 * v + g;
    th = th - 0.1 * v;
    const gN = g0! + 0.1 * thN;
    vN = 0.5 * vN + gN;
    thN = thN - 0.1 * (gN + 0.5 * vN);
  }
  const heavy = runWith(nn.sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: 0.1 }), [1], gs);
  assert.ok(Math.abs(heavy.theta[0]! - th) < 1e-15 && Math.abs(heavy.state.velocity[0]! - v) < 1e-15);
  const nest = runWith(nn.sgd({ learningRate: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1 }), [1], gs);
  assert.ok(Math.abs(nest.theta[0]! - thN) < 1e-15 && Math.abs(nest.state.velocity[0]! - vN) < 1e-15);
  // the first heavy-ball step in literals: g = 0.5 + 0.1 = 0.6, v = 0.6, θ = 1 − 0.06 = 0.94
  const one = runWith(nn.sgd({ learningRate: 0.1, momentum: 0.5, weightDecay: 0.1 }), [1], [[0.5]]);
  assert.ok(Math.abs(one.theta[0]! - 0.94) < 1e-15);
  // defaults: η = 0.1, no momentum, no decay: θ ← θ − 0.1 g, the velocity is g
  const plain = nn.sgd();
  assert.is(plain.learningRate, 0.1);
  assert.is(plain.name, 'sgd(lr=0.1)');
  const p = runWith(plain, [1, -1], [[1, 2], [1, 2]]);
  assert.ok(relativeError(p.theta, [0.8, -1.4]) < 1e-15);
  assert.equal(Array.from(p.state.velocity), [1, 2]);
  assert.is(nn.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.001 }).name, 'sgd(lr=0.05, momentum=0.9, nesterov, weightDecay=0.001)');
  assert.is(nn.sgd({ momentum: 0.9 }).name, 'sgd(lr=0.1, momentum=0.9)');
  assert.is(nn.sgd({ weightDecay: 0.2 }).name, 'sgd(lr=0.1, weightDecay=0.2)');
  // a learning rate of 0 is allowed and moves nothing; the init state is zeros of θ's length
  assert.equal(Array.from(plain.step(Float64Array.from([3]), Float64Array.from([5]), plain.init(Float64Array.from([3])), 0).theta), [3]);
  assert.equal(Array.from(plain.init(Float64Array.from([1, 2, 3])).velocity), [0, 0, 0]);
  const adamInit = nn.adam().init(Float64Array.from([1, 2]));
  assert.equal([adamInit.t, Array.from(adamInit.m), Array.from(adamInit.v)], [0, [0, 0], [0, 0]]);
});

test('bad optimiser and schedule settings are refused with messages naming the value', () => {
  const th = Float64Array.from([1, 2]);
  for (const opt of [nn.sgd(), nn.adam()] as nn.Optimizer<unknown>[]) {
    const where = opt.name.startsWith('sgd') ? 'sgd' : 'adam';
    const s = opt.init(th);
    assert.throws(() => opt.step(th, Float64Array.from([1]), s), new RegExp(`^${where}: θ has 2 entries but the gradient 1$`));
    assert.throws(() => opt.step(th, th, s, -0.1), new RegExp(`^${where}: the learning rate must be a non-negative number, got -0\\.1$`));
    assert.throws(() => opt.step(th, th, s, Number.NaN), /the learning rate must be a non-negative number, got NaN$/);
    assert.throws(() => opt.step(th, th, s, Infinity), /the learning rate must be a non-negative number, got Infinity$/);
    assert.throws(() => opt.init(ad.zeros([2, 1])), /^optimizer: expected a flat vector, got a tensor of shape \[2, 1\]$/);
    assert.throws(() => opt.step(ad.zeros([2, 1]), th, s), /expected a flat vector, got a tensor of shape \[2, 1\]/);
  }
  assert.throws(() => nn.sgd({ momentum: 1 }), /^sgd: momentum must be in \[0, 1\), got 1$/);
  assert.throws(() => nn.sgd({ momentum: -0.1 }), /^sgd: momentum must be in \[0, 1\), got -0\.1$/);
  assert.throws(() => nn.sgd({ momentum: Number.NaN }), /^sgd: momentum must be in \[0, 1\), got NaN$/);
  assert.throws(() => nn.sgd({ weightDecay: -1 }), /^sgd: weightDecay must be in \[0, Infinity\), got -1$/);
  assert.throws(() => nn.sgd({ weightDecay: Infinity }), /^sgd: weightDecay must be in \[0, Infinity\), got Infinity$/);
  assert.throws(() => nn.adam({ beta1: 1 }), /^adam: beta1 must be in \[0, 1\), got 1$/);
  assert.throws(() => nn.adam({ beta2: -0.5 }), /^adam: beta2 must be in \[0, 1\), got -0\.5$/);
  assert.throws(() => nn.adam({ eps: -1e-8 }), /^adam: eps must be in \[0, Infinity\), got -1e-8$/);
  assert.throws(() => nn.adam({ weightDecay: -0.1 }), /^adam: weightDecay must be in \[0, Infinity\), got -0\.1$/);
  // the lower ends are allowed
  nn.sgd({ momentum: 0, weightDecay: 0 });
  nn.adam({ beta1: 0, beta2: 0, eps: 0, weightDecay: 0 });
  assert.throws(() => nn.stepSchedule(0.1, { every: 0 }), /^stepSchedule: every·stepsPerEpoch must be a positive integer, got 0$/);
  assert.throws(() => nn.stepSchedule(0.1, { every: 1.5 }), /got 1\.5$/);
  assert.throws(() => nn.stepSchedule(0.1, { every: 2, stepsPerEpoch: -3 }), /got -6$/);
  assert.throws(() => nn.cosineSchedule(0.1, { totalSteps: 0 }), /^cosineSchedule: totalSteps must be a positive integer, got 0$/);
  assert.throws(() => nn.cosineSchedule(0.1, { totalSteps: 2.5 }), /got 2\.5$/);
  // smallest valid periods
  assert.equal([0, 1, 2].map(nn.stepSchedule(1, { every: 1, gamma: 0.5 })), [1, 0.5, 0.25]);
  assert.is(nn.cosineSchedule(1, { totalSteps: 1 })(1), 0);
});

test('schedules before step 0 give the initial rate; the default γ is 0.1', () => {
  assert.is(nn.stepSchedule(0.5, { every: 2, gamma: 0.5 })(-3), 0.5);
  assert.is(nn.cosineSchedule(0.5, { totalSteps: 10 })(-5), 0.5);
  assert.equal([0, 2, 4].map(nn.stepSchedule(1, { every: 2 })), [1, 0.1, 0.1 ** 2]);
});

test.run();
