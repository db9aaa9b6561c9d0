/**
 * End to end: a 2-16-16-3 MLP trained with full-batch Adam on three noisy
 * concentric rings (generated here, seeded) fits the training set exactly.
 * No straight line separates rings, so this needs the hidden layers, the
 * gradient through the model API, and the optimiser to all be right.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';

/** 3·perClass points on rings of radius 1/3, 2/3 and 1 (class = ring), radial noise σ = 0.04. */
function rings(perClass: number, seed: number): { x: ad.Tensor; labels: Int32Array } {
  const rng = new ad.Random(seed);
  const n = 3 * perClass;
  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const r = (k + 1) / 3 + 0.04 * rng.normal();
    const angle = rng.uniform(0, 2 * Math.PI);
    x[2 * i] = r * Math.cos(angle);
    x[2 * i + 1] = r * Math.sin(angle);
    labels[i] = k;
  }
  return { x: ad.fromTypedArray(x, [n, 2]), labels };
}

for (const activation of ['tanh', 'relu'] as const) {
  test(`MLP 2-16-16-3 (${activation}) + Adam reaches 100 % training accuracy on three rings`, () => {
    const { x, labels } = rings(50, 7);
    const model = nn.mlp('2-16-16-3', { activation });
    const lossAndGradient = ad.valueAndGrad(nn.objective(model, x, labels));
    const steps = 300;
    const schedule = nn.cosineSchedule(0.02, { totalSteps: steps, minLearningRate: 0.002 });
    const opt = nn.adam({ learningRate: 0.02 });
    let theta = model.init(new ad.Random(1), 'xavier-normal');
    let state = opt.init(theta);
    const initialAccuracy = nn.accuracy(model.apply(theta, x), labels);
    let firstLoss = NaN;
    let lastLoss = NaN;
    for (let t = 0; t < steps; t++) {
      const [value, gradient] = lossAndGradient(theta);
      if (t === 0) firstLoss = value.item();
      lastLoss = value.item();
      const next = opt.step(theta, gradient, state, schedule(t));
      theta = ad.fromTypedArray(next.theta, [model.spec.size]);
      state = next.state;
    }
    const accuracy = nn.accuracy(model.apply(theta, x), labels);
    assert.ok(initialAccuracy < 0.7, `initial accuracy ${initialAccuracy}`);
    assert.is(accuracy, 1, `final accuracy ${accuracy} (loss ${firstLoss} → ${lastLoss})`);
    assert.ok(lastLoss < 0.1 * firstLoss, `loss ${firstLoss} → ${lastLoss}`);
  });
}

test.run();
