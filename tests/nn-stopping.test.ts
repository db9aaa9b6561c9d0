/**
 * Training to convergence: the loss-plateau stopping rule on hand-written
 * histories, and trainModel ending when its stopWhen says so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';

/** Epoch records with these mean training losses (the rule reads nothing else). */
const history = (losses: number[]): nn.EpochRecord[] => losses.map((trainLoss, i) => ({
  epoch: i + 1, trainLoss, trainAccuracy: 0, testLoss: null, testAccuracy: null, learningRate: 0.1, radius: 1, seconds: 0,
}));

test('lossPlateau: stops after `patience` epochs without a relative improvement of minImprovement on the best loss', () => {
  const stop = nn.lossPlateau(2, 0.01);
  assert.is(stop(history([1])), false);
  assert.is(stop(history([1, 0.5])), false);
  assert.is(stop(history([1, 0.5, 0.499])), false); // 0.499 is not below 0.5·0.99 = 0.495: one epoch without improvement
  assert.is(stop(history([1, 0.5, 0.499, 0.498])), true); // two
  assert.is(stop(history([1, 0.5, 0.499, 0.49])), false); // 0.49 < 0.495 improves: the count starts again
  assert.is(stop(history([1, 0.5, 0.499, 0.49, 0.6, 0.7])), true); // worse epochs count as no improvement
  // the improvement is measured against the best loss, not the previous epoch's
  assert.is(stop(history([1, 2, 1.5, 1.2])), true);
  // minImprovement 0: any decrease counts
  assert.is(nn.lossPlateau(1, 0)(history([1, 0.999999])), false);
  assert.is(nn.lossPlateau(1, 0)(history([1, 1])), true);
  assert.is(nn.lossPlateau(3)(history([1, 1, 1])), false);
  assert.is(nn.lossPlateau(3)(history([1, 1, 1, 1])), true);
});

test('lossPlateau: bad settings are refused with the value', () => {
  assert.throws(() => nn.lossPlateau(0), /patience must be a positive integer, got 0/);
  assert.throws(() => nn.lossPlateau(1.5), /patience must be a positive integer, got 1.5/);
  assert.throws(() => nn.lossPlateau(2, 1), /minImprovement must lie in \[0, 1\), got 1/);
  assert.throws(() => nn.lossPlateau(2, -0.1), /minImprovement must lie in \[0, 1\), got -0.1/);
});

test('trainModel ends at the epoch where stopWhen first says so, with the same weights as a run of that many epochs', () => {
  const train = nn.data.loadDataset('circles', { split: 'train', samples: 60, seed: 1 });
  const model = nn.createModel('2-8-3', { activation: 'tanh', bias: true });
  const initial = model.init(new Random(2), 'xavier-normal');
  const run = (epochs: number, stopWhen?: (h: readonly nn.EpochRecord[]) => boolean) => nn.trainModel({
    model, train, optimizer: nn.sgd({ learningRate: 0.1 }), epochs, batchSize: 20, rng: new Random(3), initial, ...(stopWhen ? { stopWhen } : {}),
  });
  const asked: number[] = [];
  const stopped = run(10, (h) => {
    asked.push(h.length);
    return h.length === 3;
  });
  assert.equal(asked, [1, 2, 3]);
  assert.is(stopped.history.length, 3);
  assert.equal(Array.from(stopped.theta), Array.from(run(3).theta));
  assert.is(run(4, () => false).history.length, 4);
});

test.run();
