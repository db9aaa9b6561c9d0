/**
 * Losses and metrics against hand computations: cross-entropy with a
 * temperature, MSE on one-hot targets, accuracy, mean softmax entropy, and
 * the textbook gradient (softmax − one-hot)/n of cross-entropy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';
import { relativeError } from './support/numeric.js';

const Z = [
  [2.0, -1.0, 0.5],
  [0.1, 0.2, 0.3],
  [-3.0, 4.0, 1.0],
  [1.0, 1.0, -2.0],
];
const labels = [0, 2, 1, 1];
const logits = ad.tensor(Z);

function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((z) => Math.exp(z - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

test('crossEntropy: −mean log softmax(z/T)[y], for T = 1 and T ≠ 1', () => {
  for (const T of [1, 0.5, 4]) {
    const expected = -Z.reduce((s, row, i) => s + Math.log(softmaxRow(row.map((z) => z / T))[labels[i]!]!), 0) / Z.length;
    assert.ok(Math.abs(nn.crossEntropy(logits, labels, T).item() - expected) < 1e-15, `T = ${T}`);
    assert.ok(Math.abs(nn.loss(logits, labels, { temperature: T }).item() - expected) < 1e-15);
  }
  assert.throws(() => nn.crossEntropy(logits, labels, 0), /temperature must be a positive number/);
  assert.throws(() => nn.crossEntropy(logits, [0, 1]), /2 labels for 4 rows/);
});

test('the gradient of cross-entropy with respect to the logits is (softmax(z/T) − onehot)/(nT)', () => {
  const T = 2;
  const g = ad.grad((z: Tensor) => nn.crossEntropy(z, labels, T))(logits).toTypedArray();
  const expected = Z.flatMap((row, i) => softmaxRow(row.map((z) => z / T)).map((p, c) => (p - (c === labels[i] ? 1 : 0)) / (Z.length * T)));
  assert.ok(relativeError(g, expected) < 1e-14);
});

test('mse: mean over all entries of (z − onehot(y))², or against a target tensor', () => {
  let s = 0;
  Z.forEach((row, i) => row.forEach((z, c) => (s += (z - (c === labels[i] ? 1 : 0)) ** 2)));
  assert.ok(Math.abs(nn.mse(logits, labels).item() - s / 12) < 1e-15);
  assert.ok(Math.abs(nn.loss(logits, labels, { loss: 'mse' }).item() - s / 12) < 1e-15);
  assert.ok(Math.abs(nn.mse(logits, nn.oneHot(labels, 3)).item() - s / 12) < 1e-15);
  assert.equal(nn.oneHot([2, 0], 3).toArray(), [[0, 0, 1], [1, 0, 0]]);
  assert.throws(() => nn.oneHot([3], 3), /label 3 at position 0 is not a class/);
});

test('accuracy is the fraction of rows whose argmax is the label (first index on ties)', () => {
  // argmaxes: 0, 2, 1, 0 (tie between 0 and 1 → 0)
  assert.is(nn.accuracy(logits, labels), 0.75);
  assert.is(nn.accuracy(logits, [0, 2, 1, 0]), 1);
  assert.is(typeof nn.accuracy(logits, labels), 'number');
});

test('meanEntropy: log C for equal logits, → 0 for a dominant logit, and the formula in between', () => {
  assert.ok(Math.abs(nn.meanEntropy(ad.zeros([5, 4])).item() - Math.log(4)) < 1e-15);
  assert.ok(nn.meanEntropy(ad.tensor([[100, 0, 0]])).item() < 1e-40);
  for (const T of [1, 3]) {
    const expected = Z.reduce((s, row) => s - softmaxRow(row.map((z) => z / T)).reduce((h, p) => h + p * Math.log(p), 0), 0) / Z.length;
    assert.ok(Math.abs(nn.meanEntropy(logits, T).item() - expected) < 1e-15, `T = ${T}`);
  }
  // a high temperature moves the outputs towards uniform
  assert.ok(nn.meanEntropy(logits, 100).item() > nn.meanEntropy(logits).item());
});

test('softmaxRows: each row softmax(z/T) as plain numbers, equal to the hand formula; no overflow at large logits', () => {
  const flat = Float64Array.from(Z.flat());
  for (const T of [1, 0.5, 4]) {
    const p = nn.softmaxRows(flat, 4, 3, T);
    const expected = Z.flatMap((row) => softmaxRow(row.map((z) => z / T)));
    assert.ok(relativeError(p, expected) < 1e-15, `T = ${T}`);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]! - 1) < 1e-15);
  }
  // e^1000 overflows; the shifted form gives (1/(1 + e^−1), e^−1/(1 + e^−1)) exactly as for (1, 0)
  const big = nn.softmaxRows(Float64Array.from([1000, 999]), 1, 2, 1);
  assert.ok(Math.abs(big[0]! - 1 / (1 + Math.exp(-1))) < 1e-15 && Math.abs(big[1]! - Math.exp(-1) / (1 + Math.exp(-1))) < 1e-15, `${big[0]}, ${big[1]}`);
  // the rows are independent: a row of very negative logits next to ordinary ones
  const mixed = nn.softmaxRows(Float64Array.from([-1000, -1001, 0, 0]), 2, 2, 1);
  assert.ok(Math.abs(mixed[0]! - 1 / (1 + Math.exp(-1))) < 1e-15 && mixed[2] === 0.5 && mixed[3] === 0.5);
});

test('crossEntropyRows: the tensor cross-entropy on plain numbers, for every T; exact where p_y underflows', () => {
  const flat = Float64Array.from(Z.flat());
  for (const T of [1, 0.5, 4]) {
    const expected = -Z.reduce((s, row, i) => s + Math.log(softmaxRow(row.map((z) => z / T))[labels[i]!]!), 0) / Z.length;
    assert.ok(Math.abs(nn.crossEntropyRows(flat, labels, 3, T) - expected) < 1e-15, `T = ${T}`);
    assert.ok(Math.abs(nn.crossEntropyRows(flat, labels, 3, T) - nn.crossEntropy(logits, labels, T).item()) < 1e-15, `T = ${T} against the tensor loss`);
  }
  // p_0 = e^−1000 / (1 + e^−1000) underflows to 0, but −log p_0 = 1000 + log(1 + e^−1000) = 1000
  assert.is(nn.crossEntropyRows(Float64Array.from([0, 1000]), [0], 2, 1), 1000);
  assert.is(nn.crossEntropyRows(Float64Array.from([0, 1000]), [0], 2, 2), 500);
  // the mean over rows: a row with loss 1000 and a row with loss log 2
  assert.ok(Math.abs(nn.crossEntropyRows(Float64Array.from([0, 1000, 3, 3]), [0, 1], 2, 1) - (1000 + Math.log(2)) / 2) < 1e-12);
});

test('loss names, the loss by name, objective, and accuracy at the edges', () => {
  assert.equal([...nn.LOSS_NAMES], ['cross-entropy', 'mse']);
  assert.ok(nn.isLossName('mse') && nn.isLossName('cross-entropy'));
  assert.not.ok(nn.isLossName('hinge'));
  assert.is(nn.loss(logits, labels).item(), nn.crossEntropy(logits, labels).item());
  assert.throws(() => nn.loss(logits, labels, { loss: 'hinge' as never }), /loss: unknown loss "hinge"; allowed: cross-entropy, mse/);
  // objective is θ ↦ loss(model(θ, x), y): a linear model z = x·W with W the 2×3 matrix θ
  const model = { apply: (theta: Tensor, x: Tensor): Tensor => ad.matmul(x, ad.reshape(theta, [2, 3])) };
  const x = ad.tensor([[1, 2], [0, -1], [3, 1], [-2, 0.5]]);
  const theta = ad.tensor([0.5, -1, 2, 1, 0, -0.5]);
  for (const options of [{}, { loss: 'mse' as const }, { temperature: 3 }]) {
    const direct = nn.loss(model.apply(theta, x), labels, options).item();
    assert.is(nn.objective(model, x, labels, options)(theta).item(), direct, JSON.stringify(options));
  }
  // accuracy: a label that is not the argmax does not count; no rows gives NaN, not 0
  assert.is(nn.accuracy(ad.tensor([[0, 1], [1, 0], [0, 2]]), [1, 1, 1]), 2 / 3);
  assert.ok(Number.isNaN(nn.accuracy(ad.zeros([0, 3]), [])));
});

test('losses refuse what they cannot mean, naming the function and the value', () => {
  assert.throws(() => nn.crossEntropy(ad.tensor([1, 2, 3]), [0]), /crossEntropy: logits must be a tensor \[n, classes\], got \[3\]/);
  assert.throws(() => nn.accuracy([[1, 2]] as never, [0]), /accuracy: logits must be a tensor \[n, classes\], got object/);
  assert.throws(() => nn.accuracy(logits, [0, 1, 2]), /accuracy: 3 labels for 4 rows of logits/);
  assert.throws(() => nn.mse(ad.tensor([1, 2]), [0]), /mse: logits must be a tensor/);
  assert.throws(() => nn.mse(logits, [0, 1]), /mse: 2 labels for 4 rows of outputs/);
  assert.throws(() => nn.meanEntropy(logits, 0), /meanEntropy: the temperature must be a positive number, got 0/);
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => nn.crossEntropy(logits, labels, bad), /crossEntropy: the temperature must be a positive number/, `T = ${bad}`);
    assert.throws(() => nn.checkTemperature('here', bad), new RegExp(`here: the temperature must be a positive number, got ${bad}`));
  }
  nn.checkTemperature('here', 1e-300); // tiny but positive is allowed
  assert.throws(() => nn.meanEntropy(ad.tensor([1, 2])), /meanEntropy: logits must be a tensor/);
});

test('softmaxRows shifts by the largest z/T (not z·T): no overflow at a small temperature', () => {
  // z/T = (1000, 0) at T = 0.01: e^1000 overflows unless the shift is max z/T = 1000; p = (1, e^−1000 = 0)
  const p = nn.softmaxRows(Float64Array.from([10, 0]), 1, 2, 0.01);
  assert.equal(Array.from(p), [1, 0]);
  // and at a large temperature, z/T = (1, 0) at T = 1000 with z = (1000, 0)
  const q = nn.softmaxRows(Float64Array.from([1000, 0]), 1, 2, 1000);
  assert.ok(Math.abs(q[0]! - 1 / (1 + Math.exp(-1))) < 1e-15 && Math.abs(q[1]! - Math.exp(-1) / (1 + Math.exp(-1))) < 1e-15);
});

test("accuracy compares only within a row: the next row's first logit is never a candidate", () => {
  // row 0 (1, 2) → argmax 1; row 1 (5, 0) → argmax 0; both right
  assert.is(nn.accuracy(ad.tensor([[1, 2], [5, 0]]), [1, 0]), 1);
});

test('oneHot: the matrix of integer labels; negative, fractional and too-large labels refused, naming the label', () => {
  assert.equal(Array.from(nn.oneHot([2, 0, 1], 3).toTypedArray()), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  assert.throws(() => nn.oneHot([0, -1], 3), /^oneHot: label -1 at position 1 is not a class in \[0, 3\)$/);
  assert.throws(() => nn.oneHot([0.5], 3), /^oneHot: label 0\.5 at position 0 is not a class in \[0, 3\)$/);
  assert.throws(() => nn.oneHot([3], 3), /^oneHot: label 3 at position 0 is not a class in \[0, 3\)$/);
  assert.throws(() => nn.mse(logits, [0, 1, -1, 2]), /oneHot: label -1 at position 2/);
});

test.run();
