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

test.run();
