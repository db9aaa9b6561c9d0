/**
 * Models: parameter counts and shapes, apply on θ or on a tree, the exact
 * HVP of a loss through the model API against finite differences of its
 * gradient, and homogeneity f(αθ) = α^L f(θ) of bias-free ReLU networks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';
import { finiteDifferenceDirectional, finiteDifferenceGradient, relativeError, seededVector } from './support/numeric.js';

test('MLP, LeNet-300-100 and LeNet-5: parameter counts, L and output shapes', () => {
  const m = nn.mlp('784-200-200-10');
  assert.is(m.spec.size, 784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
  assert.is(m.numLayers, 3);
  assert.equal(m.inputShape, [784]);
  assert.is(m.numClasses, 10);
  assert.equal(nn.mlp([784, 200, 200, 10], { bias: false }).spec.size, 784 * 200 + 200 * 200 + 200 * 10);
  const l3 = nn.lenet300100();
  assert.is(l3.spec.size, 266_610);
  assert.is(l3.numLayers, 3);
  assert.ok(l3.name.startsWith('lenet-300-100'));
  const l5 = nn.lenet5();
  assert.is(l5.spec.size, 61_706);
  assert.is(l5.numLayers, 5);
  assert.equal(l5.inputShape, [1, 28, 28]);
  assert.equal(l5.spec.entries.map((e) => `${e.name}:${e.shape.join('x')}`), [
    'conv1.weight:6x1x5x5', 'conv1.bias:6', 'conv2.weight:16x6x5x5', 'conv2.bias:16',
    'fc1.weight:400x120', 'fc1.bias:120', 'fc2.weight:120x84', 'fc2.bias:84', 'fc3.weight:84x10', 'fc3.bias:10',
  ]);
  assert.equal(l5.network.summary(l5.inputShape).map((r) => r.outputShape.join('x')), [
    '6x28x28', '6x28x28', '6x14x14', '16x10x10', '16x10x10', '16x5x5', '400', '120', '120', '84', '84', '10',
  ]);
  assert.ok(l5.describe().includes('D = 61,706 parameters, L = 5 weight layers'));
  // a CIFAR-shaped LeNet-5: 3×32×32 → 16×6×6 = 576 features
  assert.equal(nn.lenet5({ inputShape: [3, 32, 32] }).spec.entries[4]!.shape, [576, 120]);
});

test('apply takes θ or a parameter tree, and flat rows or shaped samples', () => {
  const model = nn.lenet5({ pooling: 'max', activation: 'tanh' });
  const theta = model.init(new ad.Random(1), 'he-normal');
  const rows = ad.randn([3, 784], new ad.Random(2));
  const fromTheta = model.apply(theta, rows);
  assert.equal(fromTheta.shape, [3, 10]);
  const fromTree = model.apply(nn.unflatten(theta, model.spec), rows.reshape([3, 1, 28, 28]));
  assert.equal(Array.from(fromTree.toTypedArray()), Array.from(fromTheta.toTypedArray()));
  assert.throws(() => model.apply(theta, ad.zeros([3, 783])), /expected a batch of shape \[n, 1, 28, 28\] \(or \[n, 784\]\), got \[3, 783\]/);
  assert.throws(() => model.apply(ad.zeros([10]), rows), /vector of the spec's 61706 parameters/);
});

test('createModel by name', () => {
  assert.is(nn.createModel('lenet5').spec.size, 61_706);
  assert.is(nn.createModel('LeNet-5', { pooling: 'max' }).name, 'lenet5 (relu, max pooling)');
  assert.is(nn.createModel('lenet-300-100').spec.size, 266_610);
  assert.is(nn.createModel('mlp:2-16-16-3').spec.size, 2 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
  assert.is(nn.createModel('784-10', { bias: false }).spec.size, 7840);
  assert.throws(() => nn.createModel('resnet'), /unknown model "resnet"/);
  assert.throws(() => nn.mlp('784-x-10'), /widths must be at least two positive integers/);
});

for (const activation of ['tanh', 'relu'] as const) {
  test(`MLP 5-4-4-3 (${activation}) through the model API: gradient and HVP against finite differences`, () => {
    const model = nn.mlp('5-4-4-3', { activation });
    const x = ad.randn([6, 5], new ad.Random(42));
    const labels = [0, 1, 2, 2, 1, 0];
    const loss = nn.objective(model, x, labels);
    const theta = seededVector(model.spec.size, 99, 0.8);
    const v = seededVector(model.spec.size, 98);
    const numLoss = (t: Float64Array): number => loss(ad.tensor(t)).item();
    const numGrad = (t: Float64Array): Float64Array => ad.grad(loss)(ad.tensor(t)).toTypedArray() as Float64Array;
    const g = numGrad(theta);
    assert.ok(relativeError(g, finiteDifferenceGradient(numLoss, theta)) <= 1e-6);
    const hv = ad.hvp(loss, ad.tensor(theta), ad.tensor(v)).toTypedArray();
    const fd = finiteDifferenceDirectional(numGrad, theta, v);
    assert.ok(relativeError(hv, fd) <= 1e-6, `HVP vs finite differences: ${relativeError(hv, fd)}`);
    const reverse = ad.hvpReverseOverReverse(loss, ad.tensor(theta), ad.tensor(v)).toTypedArray();
    assert.ok(relativeError(hv, reverse) <= 1e-12, `forward-over-reverse vs reverse-over-reverse: ${relativeError(hv, reverse)}`);
  });
}

test('a small conv net (conv → tanh → max pool → dense): HVP against finite differences of the gradient', () => {
  const network = nn.sequential([nn.conv2d(2, 3, 3, { padding: 1, stride: 1 }), nn.activation('tanh'), nn.maxPool2d(2), nn.flattenLayer(), nn.dense(12, 3)]);
  const model = nn.makeModel('tiny conv', network, [2, 4, 4]);
  const x = ad.tensor(seededVector(3 * 32, 5), [3, 2, 4, 4]);
  const loss = nn.objective(model, x, [0, 2, 1], { temperature: 0.7 });
  const theta = seededVector(model.spec.size, 6, 0.6);
  const v = seededVector(model.spec.size, 7);
  const numGrad = (t: Float64Array): Float64Array => ad.grad(loss)(ad.tensor(t)).toTypedArray() as Float64Array;
  const hv = ad.hvp(loss, ad.tensor(theta), ad.tensor(v)).toTypedArray();
  const fd = finiteDifferenceDirectional(numGrad, theta, v);
  assert.ok(relativeError(hv, fd) <= 1e-6, `HVP vs finite differences: ${relativeError(hv, fd)}`);
});

test('homogeneity: bias-free ReLU networks scale their logits by α^L', () => {
  const x = ad.randn([4, 784], new ad.Random(3));
  const cases = [
    nn.mlp('784-30-20-10', { bias: false }),
    nn.mlp('784-30-10', { bias: false, activation: 'leaky-relu', slope: 0.1 }),
    nn.lenet5({ bias: false }),
    nn.lenet5({ bias: false, pooling: 'max' }),
  ];
  for (const model of cases) {
    assert.ok(model.homogeneous, model.name);
    const theta = model.init(new ad.Random(4), 'he-normal');
    const base = model.apply(theta, x).toTypedArray();
    for (const alpha of [0.5, 3]) {
      const scaled = model.apply(theta.mul(alpha), x).toTypedArray();
      const expected = base.map((z) => z * alpha ** model.numLayers);
      assert.ok(relativeError(scaled, expected) < 1e-12, `${model.name}, α = ${alpha}: ${relativeError(scaled, expected)}`);
    }
  }
  assert.not.ok(nn.mlp('784-30-10').homogeneous);
  assert.not.ok(nn.mlp('784-30-10', { bias: false, activation: 'tanh' }).homogeneous);
});

test('homogeneity and temperature: f(αθ) with T = 1 gives the loss of f(θ) with T = α^−L', () => {
  const model = nn.mlp('6-8-3', { bias: false });
  const x = ad.randn([5, 6], new ad.Random(8));
  const labels = [0, 1, 2, 0, 1];
  const theta = model.init(new ad.Random(9), 'xavier-normal');
  const alpha = 1.7;
  const scaled = nn.objective(model, x, labels)(theta.mul(alpha)).item();
  const tempered = nn.objective(model, x, labels, { temperature: alpha ** -model.numLayers })(theta).item();
  assert.ok(Math.abs(scaled - tempered) < 1e-13);
});

test.run();
