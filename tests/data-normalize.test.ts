/**
 * Normalisation chores of the datasets, by hand and fast (no files read):
 * normalize shifts and scales each channel's run, computeStats gives each
 * channel's mean and population standard deviation, pixelTable maps bytes,
 * classCounts counts; bad statistics are refused with messages naming them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classCounts, computeStats, normalize, pixelTable } from '../src/nn/data/index.js';
import type { Dataset } from '../src/nn/data/index.js';

function dataset(x: number[], sampleShape: number[], name = 'hand'): Dataset {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  return { name, x: Float64Array.from(x), sampleShape, labels: new Int32Array(x.length / size), numClasses: 1 };
}

test('normalize: (x − mean[c]) / std[c] on each channel-major run of each sample', () => {
  // two samples of shape [2, 3]: channel 0 is entries 0..2, channel 1 entries 3..5 of each sample
  const ds = dataset([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3]);
  const out = normalize(ds, { mean: [1, 4], std: [2, 0.5] });
  assert.equal(Array.from(out.x), [0, 0.5, 1, 0, 2, 4, 3, 3.5, 4, 12, 14, 16]);
  assert.equal(out.sampleShape, [2, 3]);
  assert.is(out.name, 'hand');
  assert.equal(Array.from(ds.x), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // input left alone
  // a vector dataset: one statistic for all features, or one per feature
  const vec = dataset([1, 1, 1, 3, 5, 10], [3]);
  assert.equal(Array.from(normalize(vec, { mean: [1], std: [2] }).x), [0, 0, 0, 1, 2, 4.5]);
  assert.equal(Array.from(normalize(vec, { mean: [0, 1, 2], std: [1, 2, 4] }).x), [1, 0, -0.25, 3, 2, 2]);
});

test('normalize refuses statistics that do not fit, naming the counts, the shape or the bad std', () => {
  const ds = dataset([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.throws(() => normalize(ds, { mean: [0, 0], std: [1] }), /^normalize: 2 means but 1 standard deviations$/);
  assert.throws(() => normalize(ds, { mean: [], std: [] }), /^normalize: 0 channel statistics do not divide samples of shape \[2, 3\]$/);
  assert.throws(() => normalize(ds, { mean: [0, 0, 0, 0], std: [1, 1, 1, 1] }), /^normalize: 4 channel statistics do not divide samples of shape \[2, 3\]$/);
  for (const bad of [0, -1, Number.NaN]) {
    assert.throws(() => normalize(ds, { mean: [0, 0], std: [1, bad] }), new RegExp(`^normalize: standard deviations must be positive, got ${bad}$`));
  }
});

test('computeStats: per-channel mean and population std by hand; channels default to sampleShape[0] for images, 1 for vectors', () => {
  // shape [2, 2]: channel 0 holds 1, 3 | 5, 7 (mean 4, variance (9+1+1+9)/4 = 5); channel 1 holds 10, 10 | 20, 30
  // (mean 17.5, variance (56.25+56.25+6.25+156.25)/4 = 68.75)
  const img = computeStats(dataset([1, 3, 10, 10, 5, 7, 20, 30], [2, 2]));
  assert.equal(img.mean, [4, 17.5]);
  assert.equal(img.std, [Math.sqrt(5), Math.sqrt(68.75)]);
  // a vector [2]: one channel over all four numbers by default; per feature with channels = 2
  const vec = dataset([1, 3, 5, 7], [2]);
  assert.equal(computeStats(vec), { mean: [4], std: [Math.sqrt(5)] });
  assert.equal(computeStats(vec, 2), { mean: [3, 5], std: [2, 2] });
  // a constant channel has std 0
  assert.equal(computeStats(dataset([2, 2, 2], [1])), { mean: [2], std: [0] });
});

test('computeStats refuses channel counts that do not divide the sample, and empty datasets', () => {
  const ds = dataset([1, 2, 3, 4, 5, 6], [2, 3]);
  for (const bad of [0, 1.5, 4, -2]) {
    assert.throws(() => computeStats(ds, bad), new RegExp(`^computeStats: ${bad} channels do not divide samples of shape \\[2, 3\\]$`));
  }
  assert.throws(() => computeStats(dataset([], [2, 3], 'nothing')), /^computeStats: dataset nothing is empty$/);
});

test('pixelTable: byte/255 by default, (byte/255 − mean)/std with statistics', () => {
  const plain = pixelTable();
  assert.is(plain.length, 256);
  assert.equal([plain[0], plain[51], plain[255]], [0, 0.2, 1]);
  const scaled = pixelTable(0.5, 0.25);
  assert.equal([scaled[0], scaled[255]], [-2, 2]);
  assert.ok(Math.abs(scaled[51]! + 1.2) < 1e-15);
});

test('classCounts: how many samples carry each label, zeros included', () => {
  const ds: Dataset = { name: 'c', x: new Float64Array(5), sampleShape: [1], labels: Int32Array.from([2, 0, 2, 1, 2]), numClasses: 4 };
  assert.equal(Array.from(classCounts(ds)), [1, 1, 3, 0]);
});

test.run();
