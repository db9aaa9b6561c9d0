/**
 * Initialisation: empirical statistics of large draws against the formulas
 * (within a few standard errors), conv fans, the multiplier α, and the
 * expected radius √(E‖θ‖²) against closed forms and measured draws.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';

function moments(a: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    s2 += a[i]! * a[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
  }
  return { mean: s / a.length, variance: s2 / a.length, maxAbs }; // variance about the known mean 0
}

/**
 * Checks a draw of n entries with true variance σ²: the mean within 4σ/√n of 0
 * and the second moment within 4 standard errors of σ² (SE = σ²·√(2/n) for a
 * normal, σ²·√(0.8/n) for a uniform, whose fourth moment is 9σ⁴/5).
 */
function checkStatistics(label: string, values: ArrayLike<number>, variance: number, uniform: boolean): void {
  const n = values.length;
  const m = moments(values);
  const se = variance * Math.sqrt((uniform ? 0.8 : 2) / n);
  assert.ok(Math.abs(m.mean) < 4 * Math.sqrt(variance / n), `${label}: mean ${m.mean}`);
  assert.ok(Math.abs(m.variance - variance) < 4 * se, `${label}: variance ${m.variance} vs ${variance} (SE ${se})`);
  if (uniform) {
    const a = Math.sqrt(3 * variance);
    assert.ok(m.maxAbs <= a && m.maxAbs > 0.999 * a, `${label}: uniform bound ${m.maxAbs} vs ${a}`);
  }
}

test('dense weights: empirical variance matches each scheme, biases are zero', () => {
  const [fanIn, fanOut] = [800, 300];
  const layer = nn.dense(fanIn, fanOut);
  const expected: Record<nn.InitName, number> = {
    'xavier-normal': 2 / (fanIn + fanOut),
    'xavier-uniform': 2 / (fanIn + fanOut),
    'he-normal': 2 / fanIn,
    'he-uniform': 2 / fanIn,
    'lecun-normal': 1 / fanIn,
    zeros: 0,
  };
  nn.INIT_NAMES.forEach((init, k) => {
    const params = layer.init(new ad.Random(100 + k), init);
    const w = nn.getParameter(params, 'weight').toTypedArray();
    assert.is(nn.initVariance(init, fanIn, fanOut), expected[init], init);
    if (init === 'zeros') assert.ok(w.every((v) => v === 0));
    else checkStatistics(init, w, expected[init], init.endsWith('uniform'));
    assert.ok(nn.getParameter(params, 'bias').toTypedArray().every((v) => v === 0), `${init}: bias`);
  });
});

test('conv weights use fan_in = in·kh·kw and fan_out = out·kh·kw; α scales the standard deviation', () => {
  const layer = nn.conv2d(40, 64, 5); // fan_in 1000, fan_out 1600; 64 000 weights
  const entry = layer.spec.entries[0]!;
  assert.equal([entry.fanIn, entry.fanOut], [1000, 1600]);
  const he = nn.getParameter(layer.init(new ad.Random(1), 'he-normal'), 'weight').toTypedArray();
  checkStatistics('conv he-normal', he, 2 / 1000, false);
  const xavier = nn.getParameter(layer.init(new ad.Random(2), 'xavier-uniform', 3), 'weight').toTypedArray();
  checkStatistics('conv xavier-uniform × 3', xavier, 9 * (2 / 2600), true);
  // α multiplies the very same draw
  const base = nn.initTheta(layer.spec, new ad.Random(7), 'lecun-normal').toTypedArray();
  const scaled = nn.initTheta(layer.spec, new ad.Random(7), 'lecun-normal', 0.25).toTypedArray();
  assert.ok(scaled.every((v, i) => v === 0.25 * base[i]!));
});

test('expectedRadius: closed forms for 784-200-200-10', () => {
  const model = nn.mlp('784-200-200-10');
  const xavier = Math.sqrt((784 * 200 * 2) / 984 + (200 * 200 * 2) / 400 + (200 * 10 * 2) / 210);
  const he = Math.sqrt(784 * 200 * (2 / 784) + 200 * 200 * (2 / 200) + 200 * 10 * (2 / 200));
  const lecun = Math.sqrt(200 + 200 + 10);
  assert.ok(Math.abs(nn.expectedRadius(model, 'xavier-normal') - xavier) < 1e-12);
  assert.ok(Math.abs(nn.expectedRadius(model, 'xavier-uniform') - xavier) < 1e-12);
  assert.ok(Math.abs(nn.expectedRadius(model, 'he-normal') - he) < 1e-12);
  assert.ok(Math.abs(nn.expectedRadius(model.spec, 'lecun-normal') - lecun) < 1e-12);
  assert.is(Number(nn.expectedRadius(model, 'xavier-normal').toFixed(1)), 23.2);
  assert.is(Number(nn.expectedRadius(model, 'he-normal').toFixed(1)), 28.6);
  assert.is(Number(nn.expectedRadius(model, 'lecun-normal').toFixed(1)), 20.2);
  assert.is(nn.expectedRadius(model, 'zeros'), 0);
  assert.ok(Math.abs(nn.expectedRadius(model, 'he-normal', 0.5) - he / 2) < 1e-12);
  // biases do not count (they start at zero)
  assert.is(nn.expectedRadius(nn.mlp('784-200-200-10', { bias: false }), 'he-normal'), nn.expectedRadius(model, 'he-normal'));
});

test('the measured ‖θ‖ of a 784-200-200-10 draw is within 1 % of the expected radius', () => {
  const model = nn.mlp('784-200-200-10');
  for (const [init, seed] of [['xavier-normal', 1], ['xavier-uniform', 2], ['he-normal', 3], ['lecun-normal', 4]] as const) {
    const expected = nn.expectedRadius(model, init, 2);
    const theta = model.init(new ad.Random(seed), init, 2);
    const measured = nn.parameterNorm(theta);
    assert.ok(Math.abs(measured / expected - 1) < 0.01, `${init}: ‖θ‖ = ${measured} vs ${expected}`);
    assert.ok(Math.abs(nn.parameterNorm(nn.unflatten(theta, model.spec)) - measured) < 1e-9);
  }
  assert.is(nn.parameterNorm(model.init(new ad.Random(0), 'zeros')), 0);
});

test('draws are reproducible from the seed; bad names are refused', () => {
  const model = nn.mlp('10-5-3');
  const a = model.init(new ad.Random(9), 'he-uniform').toTypedArray();
  const b = model.init(new ad.Random(9), 'he-uniform').toTypedArray();
  assert.equal(Array.from(a), Array.from(b));
  assert.throws(() => model.init(new ad.Random(9), 'glorot' as nn.InitName), /unknown initialisation "glorot"/);
  assert.ok(nn.isInitName('lecun-normal') && !nn.isInitName('lecun'));
});

test.run();
