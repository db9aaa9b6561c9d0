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

test.run();
