/**
 * The dataset helpers of src/nn/data/dataset.ts, by hand and fast (no files
 * read): the checks of a dataset and of a split's name, the standard
 * normalisation constants, picking samples (take, gather, shuffle, subset,
 * trainTestSplit) and cutting an epoch into mini-batches. Every expected
 * value is written out for datasets small enough to follow on paper; sample
 * i of `numbered(n)` is the single number 10·i, so a row shows which sample
 * it came from.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../src/autodiff/index.js';
import {
  batches,
  batchIndices,
  checkDataset,
  checkSampleCount,
  checkSplit,
  CIFAR10_STATS,
  FASHION_MNIST_STATS,
  gather,
  MNIST_STATS,
  numSamples,
  sampleSize,
  shuffle,
  subset,
  take,
  trainTestSplit,
} from '../src/nn/data/index.js';
import type { Dataset } from '../src/nn/data/index.js';
import { throwsWith } from './support/assertions.js';

/** n samples of shape [1]: sample i is the number 10·i with label i mod 3. */
function numbered(n: number): Dataset {
  return {
    name: 'numbered',
    x: Float64Array.from({ length: n }, (_, i) => 10 * i),
    sampleShape: [1],
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    numClasses: 3,
  };
}

/** Three samples of shape [2]: rows (1, 2), (3, 4), (5, 6), labels 0, 1, 0. */
function pairs(): Dataset {
  return { name: 'pairs', x: Float64Array.from([1, 2, 3, 4, 5, 6]), sampleShape: [2], labels: Int32Array.from([0, 1, 0]), numClasses: 2 };
}

test('checkSplit: train and test pass through; anything else is refused, quoted, with what is allowed', () => {
  assert.is(checkSplit('train', 'here'), 'train');
  assert.is(checkSplit('test', 'here'), 'test');
  assert.throws(() => checkSplit('validation', 'loadThing'), (e: Error) => e.message === 'loadThing: unknown split "validation"; allowed: train, test');
  assert.throws(() => checkSplit(undefined, 'x'), /x: unknown split undefined;/);
});

test('the standard normalisation constants, as published', () => {
  // MNIST: the PyTorch MNIST example's transforms.Normalize((0.1307,), (0.3081,)).
  assert.equal([...MNIST_STATS.mean], [0.1307]);
  assert.equal([...MNIST_STATS.std], [0.3081]);
  // Fashion-MNIST: mean 0.2860, std 0.3530 of the training pixels scaled to [0, 1].
  assert.equal([...FASHION_MNIST_STATS.mean], [0.286]);
  assert.equal([...FASHION_MNIST_STATS.std], [0.353]);
  // CIFAR-10: per-channel (R, G, B) means 0.4914, 0.4822, 0.4465 and stds 0.2470, 0.2435, 0.2616 of the training set.
  assert.equal([...CIFAR10_STATS.mean], [0.4914, 0.4822, 0.4465]);
  assert.equal([...CIFAR10_STATS.std], [0.247, 0.2435, 0.2616]);
  for (const stats of [MNIST_STATS, FASHION_MNIST_STATS, CIFAR10_STATS]) assert.ok(Object.isFrozen(stats));
});

test('sampleSize is the product of the sample shape (1 for a scalar); numSamples counts labels', () => {
  assert.is(sampleSize({ sampleShape: [3, 2, 5] }), 30);
  assert.is(sampleSize({ sampleShape: [7] }), 7);
  assert.is(sampleSize({ sampleShape: [] }), 1);
  assert.is(numSamples({ labels: new Int32Array(4) }), 4);
  assert.is(numSamples({ labels: new Int32Array(0) }), 0);
});

test('checkDataset: returns the dataset itself when its parts fit; labels 0 and numClasses − 1 are valid', () => {
  const ds = pairs();
  assert.is(checkDataset(ds), ds);
  const edge: Dataset = { name: 'edge', x: new Float64Array(2), sampleShape: [1], labels: Int32Array.from([0, 1]), numClasses: 2, classNames: ['a', 'b'] };
  assert.is(checkDataset(edge), edge);
  const empty: Dataset = { name: 'empty', x: new Float64Array(0), sampleShape: [4], labels: new Int32Array(0), numClasses: 1 };
  assert.is(checkDataset(empty), empty);
});

test('checkDataset refuses a bad shape, a wrong row count, a label outside [0, numClasses), and too few class names', () => {
  const ds = pairs();
  for (const shape of [[0], [2, -1], [1.5], [2, 0]]) {
    assert.throws(
      () => checkDataset({ ...ds, x: new Float64Array(0), labels: new Int32Array(0), sampleShape: shape }),
      (e: Error) => e.message === `dataset pairs: sampleShape must be positive integers, got [${shape.join(', ')}]`,
      `shape [${shape}]`,
    );
  }
  assert.throws(() => checkDataset({ ...ds, x: new Float64Array(5) }), (e: Error) => e.message === 'dataset pairs: x has 5 numbers, but 3 samples of shape [2] need 6');
  assert.throws(() => checkDataset({ ...ds, x: new Float64Array(7) }), /x has 7 numbers, but 3 samples of shape \[2\] need 6/);
  assert.throws(() => checkDataset({ ...ds, sampleShape: [1, 2], x: new Float64Array(5) }), (e: Error) => e.message === 'dataset pairs: x has 5 numbers, but 3 samples of shape [1, 2] need 6');
  assert.throws(() => checkDataset({ ...ds, labels: Int32Array.from([0, 2, 0]) }), (e: Error) => e.message === 'dataset pairs: sample 1 has label 2, outside [0, 2)');
  assert.throws(() => checkDataset({ ...ds, labels: Int32Array.from([0, 1, -1]) }), (e: Error) => e.message === 'dataset pairs: sample 2 has label -1, outside [0, 2)');
  assert.throws(() => checkDataset({ ...ds, classNames: ['only one'] }), (e: Error) => e.message === 'dataset pairs: 1 class names for 2 classes');
  assert.throws(() => checkDataset({ ...ds, classNames: ['a', 'b', 'c'] }), /3 class names for 2 classes/);
});

test('take and gather: the rows and labels at the indices, in their order, repeats allowed, copied', () => {
  const ds = pairs();
  const picked = take(ds, [2, 0, 2]);
  assert.equal(Array.from(picked.x), [5, 6, 1, 2, 5, 6]);
  assert.equal(Array.from(picked.labels), [0, 0, 0]);
  assert.is(picked.name, 'pairs');
  assert.equal(picked.sampleShape, [2]);
  assert.is(picked.numClasses, 2);
  const middle = gather(ds, Int32Array.from([1]));
  assert.equal(Array.from(middle.x), [3, 4]);
  assert.equal(Array.from(middle.labels), [1]);
  middle.x[0] = 99;
  assert.is(ds.x[2], 3); // a copy, not a view
  const none = gather(ds, []);
  assert.is(none.x.length, 0);
  assert.is(none.labels.length, 0);
});

test('gather refuses indices that are negative, past the end (3 of 3) or fractional, naming the index and the range', () => {
  const ds = pairs();
  for (const bad of [-1, 3, 1.5, Number.NaN]) {
    assert.throws(() => gather(ds, [0, bad]), (e: Error) => e.message === `dataset pairs: sample index ${bad} out of range [0, 3)`, `index ${bad}`);
  }
});

test('shuffle: the samples in the order of the generator’s permutation', () => {
  const ds = numbered(6);
  const order = Array.from(new Random(5).permutation(6));
  const shuffled = shuffle(ds, new Random(5));
  assert.equal(Array.from(shuffled.x), order.map((i) => 10 * i));
  assert.equal(Array.from(shuffled.labels), order.map((i) => i % 3));
});

test('checkSampleCount: whole numbers from 1 to the number available; others refused with the bounds', () => {
  checkSampleCount(1, 5, 'w');
  checkSampleCount(5, 5, 'w');
  for (const bad of [0, 6, 2.5, -1, Number.NaN]) {
    assert.throws(() => checkSampleCount(bad, 5, 'loader'), (e: Error) => e.message === `loader: asked for ${bad} samples, but it must be a whole number from 1 to 5`, `n = ${bad}`);
  }
});

test('subset: the first n samples of the seeded permutation; n from 1 to N', () => {
  const ds = numbered(8);
  const order = Array.from(new Random(3).permutation(8));
  assert.equal(Array.from(subset(ds, 3, new Random(3)).x), order.slice(0, 3).map((i) => 10 * i));
  assert.equal(Array.from(subset(ds, 8, new Random(3)).x), order.map((i) => 10 * i));
  assert.equal(Array.from(subset(ds, 1, new Random(3)).labels), [order[0]! % 3]);
  throwsWith(() => subset(ds, 9, new Random(0)), 'subset of numbered: asked for 9 samples', 'from 1 to 8');
  throwsWith(() => subset(ds, 0, new Random(0)), 'subset of numbered: asked for 0 samples');
});

test('trainTestSplit: the first round(f·N) of the permutation are the test part, the rest train, each labelled', () => {
  const ds = numbered(5);
  const order = Array.from(new Random(2).permutation(5));
  // 0.3 · 5 = 1.5 rounds up to 2
  const { train, test: held } = trainTestSplit(ds, 0.3, new Random(2));
  assert.equal(Array.from(held.x), order.slice(0, 2).map((i) => 10 * i));
  assert.equal(Array.from(train.x), order.slice(2).map((i) => 10 * i));
  assert.equal(Array.from(held.labels), order.slice(0, 2).map((i) => i % 3));
  assert.is(train.split, 'train');
  assert.is(held.split, 'test');
  assert.is(train.name, 'numbered');
  // 0.29 · 5 = 1.45 rounds down to 1
  assert.is(numSamples(trainTestSplit(ds, 0.29, new Random(2)).test), 1);
  for (const bad of [0, 1, -0.5, 1.5, Number.NaN]) {
    assert.throws(
      () => trainTestSplit(ds, bad, new Random(0)),
      (e: Error) => e.message === `trainTestSplit: testFraction must lie strictly between 0 and 1, got ${bad}`,
      `fraction ${bad}`,
    );
  }
});

test('batchIndices: 0..N−1 in batches of b, the last one short; with a generator, its permutation', () => {
  assert.equal([...batchIndices(7, 3)].map((b) => Array.from(b)), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.equal([...batchIndices(6, 3)].map((b) => Array.from(b)), [[0, 1, 2], [3, 4, 5]]);
  assert.equal([...batchIndices(2, 5)].map((b) => Array.from(b)), [[0, 1]]);
  assert.equal([...batchIndices(3, 1)].map((b) => Array.from(b)), [[0], [1], [2]]);
  assert.equal([...batchIndices(0, 4)], []);
  const order = Array.from(new Random(8).permutation(5));
  assert.equal([...batchIndices(5, 2, new Random(8))].map((b) => Array.from(b)), [order.slice(0, 2), order.slice(2, 4), order.slice(4)]);
  for (const bad of [0, -2, 1.5]) {
    assert.throws(() => batchIndices(5, bad).next(), (e: Error) => e.message === `batches: batchSize must be a positive integer, got ${bad}`, `batch size ${bad}`);
  }
});

test('batches: each batch holds its indices and copies of those rows and labels', () => {
  const ds = pairs();
  const inOrder = [...batches(ds, 2)];
  assert.is(inOrder.length, 2);
  assert.equal(Array.from(inOrder[0]!.indices), [0, 1]);
  assert.equal(Array.from(inOrder[0]!.x), [1, 2, 3, 4]);
  assert.equal(Array.from(inOrder[0]!.labels), [0, 1]);
  assert.equal(Array.from(inOrder[1]!.indices), [2]);
  assert.equal(Array.from(inOrder[1]!.x), [5, 6]);
  const order = Array.from(new Random(4).permutation(3));
  const shuffled = [...batches(ds, 3, new Random(4))];
  assert.equal(Array.from(shuffled[0]!.indices), order);
  assert.equal(Array.from(shuffled[0]!.x), order.flatMap((i) => [2 * i + 1, 2 * i + 2]));
});

test.run();
