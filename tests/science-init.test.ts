/**
 * Initialisation's contract beyond its variances (those are in
 * science-constants and nn-init): the order in which draws are taken from the
 * generator, normal draws that are normal, the default scheme, the radius of
 * a flat vector, and the errors that name what is wrong. Each of these was a
 * mutant of src/nn/init.ts that no test noticed (see tests/README.md).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';

test('θ is drawn entry by entry in the spec\'s order, σ·N(0, 1) per weight entry, biases taking no draws', () => {
  const model = nn.mlp([3, 4, 2]);
  const theta = model.init(new ad.Random(11), 'he-normal').toTypedArray();
  const reference = new ad.Random(11);
  const expected = new Float64Array(model.spec.size);
  for (const e of model.spec.entries) {
    if (e.role === 'bias') continue; // zeros, and no random numbers used
    const sigma = Math.sqrt(2 / e.fanIn); // He et al. 2015
    for (let i = 0; i < e.size; i++) expected[e.offset + i] = sigma * reference.normal();
  }
  assert.equal(Array.from(theta), Array.from(expected));
  // and nothing more was taken from the generator: the next draw is the same
  const rng = new ad.Random(11);
  model.init(rng, 'he-normal');
  assert.is(rng.normal(), reference.normal());
  // so networks with and without biases start from the same weights
  const withoutBias = nn.mlp([3, 4, 2], { bias: false });
  const weights = (m: nn.Model, t: Float64Array): number[] => m.spec.entries.filter((e) => e.role !== 'bias').flatMap((e) => Array.from(t.subarray(e.offset, e.offset + e.size)));
  assert.equal(weights(withoutBias, withoutBias.init(new ad.Random(11), 'he-normal').toTypedArray() as Float64Array), weights(model, theta as Float64Array));
});

test('normal schemes draw normal numbers: fourth moment 3σ⁴ (a uniform draw has 1.8σ⁴)', () => {
  const w = nn.getParameter(nn.dense(1000, 200).init(new ad.Random(4), 'xavier-normal'), 'weight').toTypedArray();
  const variance = 2 / 1200;
  let m4 = 0;
  for (const v of w) m4 += v ** 4;
  m4 /= w.length;
  // SE of the fourth moment of a normal: σ⁴·√(96/n) ≈ 0.02σ⁴ for n = 200 000
  assert.ok(Math.abs(m4 / variance ** 2 - 3) < 0.15, `m4/σ⁴ = ${m4 / variance ** 2}`);
});

test('the default scheme is Xavier (Glorot) normal', () => {
  assert.is(nn.DEFAULT_INIT, 'xavier-normal');
  const model = nn.mlp([5, 3]);
  assert.equal(Array.from(nn.initTheta(model.spec, new ad.Random(2)).toTypedArray()), Array.from(nn.initTheta(model.spec, new ad.Random(2), 'xavier-normal').toTypedArray()));
});

test('parameterNorm of a flat vector, a tensor and a tree', () => {
  assert.is(nn.parameterNorm(Float64Array.of(3, 4)), 5);
  assert.is(nn.parameterNorm(ad.tensor([3, 4])), 5);
  const model = nn.mlp([2, 2]);
  const theta = model.init(new ad.Random(1), 'he-normal');
  const flat = theta.toTypedArray();
  let s = 0;
  for (const v of flat) s += v * v;
  assert.ok(Math.abs(nn.parameterNorm(nn.initParams(model.spec, new ad.Random(1), 'he-normal')) - Math.sqrt(s)) < 1e-15);
});

test('errors name the function, the bad value and what is allowed', () => {
  const spec = nn.mlp([2, 2]).spec;
  const allowed = 'allowed: xavier-normal, xavier-uniform, he-normal, he-uniform, lecun-normal, zeros';
  assert.throws(() => nn.initTheta(spec, new ad.Random(0), 'glorot' as nn.InitName), (e: Error) => e.message === `initTheta: unknown initialisation "glorot"; ${allowed}`);
  assert.throws(() => nn.expectedRadius(spec, 'kaiming' as nn.InitName), (e: Error) => e.message === `expectedRadius: unknown initialisation "kaiming"; ${allowed}`);
  assert.throws(() => nn.initTheta(spec, new ad.Random(0), 'he-normal', Number.NaN), (e: Error) => e.message === 'initTheta: the multiplier α must be a finite number, got NaN');
  assert.throws(() => nn.expectedRadius(spec, 'he-normal', Infinity), /expectedRadius: the multiplier α must be a finite number, got Infinity/);
});

test.run();
