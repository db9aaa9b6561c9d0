/**
 * d_int90 as the user reads it, on accuracy curves worked out by hand.
 *
 * For a grid d₁ < d₂ < … with accuracies a₁, a₂, …, a fraction f and a
 * reference accuracy r (1 for the absolute convention, the directly trained
 * network's for the trained-baseline one), the threshold is τ = f·r; the
 * first grid d with aᵢ ≥ τ is d_int; when i > 1 the interpolated crossing is
 *   d_{i−1} + (τ − a_{i−1}) / (aᵢ − a_{i−1}) · (dᵢ − d_{i−1}).
 * Most curves below use dyadic accuracies (0.25, 0.5, 0.875, …) and f·r
 * products that are exact in binary, so the expected values are exact.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../src/autodiff/index.js';
import { mlp, sgd, type Optimizer } from '../src/nn/index.js';
import {
  intrinsicDimension90, intrinsicDimensionRun, summarizeIntrinsicDimension, thresholdCrossing, type IntrinsicDimensionOptions, type SubspaceRun,
} from '../src/landscape/intrinsic-dimension.js';

// d:        2     4     8      16
// accuracy: 0.25  0.5   0.875  0.9375
const curve = [
  { subspaceDim: 2, accuracy: 0.25 },
  { subspaceDim: 4, accuracy: 0.5 },
  { subspaceDim: 8, accuracy: 0.875 },
  { subspaceDim: 16, accuracy: 0.9375 },
];

test('thresholdCrossing: the whole result for a bracketed crossing (τ = 0.75 × 0.5 = 0.375)', () => {
  // first a ≥ 0.375 is 0.5 at d = 4; t = (0.375 − 0.25)/(0.5 − 0.25) = 0.5; d = 2 + 0.5·(4 − 2) = 3
  assert.equal(thresholdCrossing(curve, 0.5, 'trained-baseline', 0.75), {
    convention: 'trained-baseline', reference: 0.5, fraction: 0.75, threshold: 0.375,
    firstDim: 4, accuracyAtFirstDim: 0.5, interpolatedDim: 3, bracketed: true,
  });
  // τ = 0.25 × 1 = 0.25 is met exactly at d = 2, the first grid point: not bracketed
  assert.equal(thresholdCrossing(curve, 1, 'absolute', 0.25), {
    convention: 'absolute', reference: 1, fraction: 0.25, threshold: 0.25,
    firstDim: 2, accuracyAtFirstDim: 0.25, interpolatedDim: 2, bracketed: false,
  });
});

test('thresholdCrossing: an accuracy exactly at the threshold counts (τ = 0.5)', () => {
  // a = 0.5 at d = 4 meets τ = 0.5; t = (0.5 − 0.25)/(0.5 − 0.25) = 1, so the crossing is d = 4 itself
  const c = thresholdCrossing(curve, 1, 'absolute', 0.5);
  assert.equal([c.firstDim, c.accuracyAtFirstDim, c.interpolatedDim, c.bracketed], [4, 0.5, 4, true]);
  // just above 0.5 the first d is 8: t = (0.5 + 2⁻²⁰ − 0.5)/(0.875 − 0.5) → d just above 4
  const above = thresholdCrossing(curve, 0.5 + 2 ** -20, 'trained-baseline', 1);
  assert.is(above.firstDim, 8);
  assert.is(above.accuracyAtFirstDim, 0.875);
  // 4 + (2⁻²⁰ / 0.375)·4 = 4 + 2⁻¹⁸/0.375
  assert.ok(Math.abs(above.interpolatedDim! - (4 + 2 ** -18 / 0.375)) < 1e-12, `${above.interpolatedDim}`);
  assert.ok(above.interpolatedDim! > 4);
});

test('intrinsicDimension90, absolute convention: τ = 0.9, between d = 8 and d = 16', () => {
  const { absolute, trainedBaseline } = intrinsicDimension90(curve);
  assert.is(trainedBaseline, null);
  assert.is(absolute.convention, 'absolute');
  assert.is(absolute.reference, 1);
  assert.is(absolute.fraction, 0.9);
  assert.is(absolute.threshold, 0.9);
  assert.is(absolute.firstDim, 16);
  assert.is(absolute.accuracyAtFirstDim, 0.9375);
  assert.is(absolute.bracketed, true);
  // t = (0.9 − 0.875)/(0.9375 − 0.875) = 0.025/0.0625 = 0.4; d = 8 + 0.4·8 = 11.2
  assert.ok(Math.abs(absolute.interpolatedDim! - 11.2) < 1e-12, `${absolute.interpolatedDim}`);
});

test('intrinsicDimension90, trained-baseline convention: τ = 0.9 × 0.9375 = 0.84375, between d = 4 and d = 8', () => {
  const { absolute, trainedBaseline } = intrinsicDimension90(curve, { baselineAccuracy: 0.9375 });
  assert.is(absolute.firstDim, 16); // the absolute one is unchanged by a baseline
  assert.ok(trainedBaseline !== null);
  assert.is(trainedBaseline.convention, 'trained-baseline');
  assert.is(trainedBaseline.reference, 0.9375);
  assert.is(trainedBaseline.fraction, 0.9);
  assert.ok(Math.abs(trainedBaseline.threshold - 0.84375) < 1e-15);
  assert.is(trainedBaseline.firstDim, 8);
  assert.is(trainedBaseline.accuracyAtFirstDim, 0.875);
  assert.is(trainedBaseline.bracketed, true);
  // t = (0.84375 − 0.5)/(0.875 − 0.5) = 0.34375/0.375 = 11/12; d = 4 + (11/12)·4 = 23/3
  assert.ok(Math.abs(trainedBaseline.interpolatedDim! - 23 / 3) < 1e-12, `${trainedBaseline.interpolatedDim}`);
  // an explicit null baseline is the same as none
  assert.is(intrinsicDimension90(curve, { baselineAccuracy: null }).trainedBaseline, null);
});

test('intrinsicDimension90 with a fraction other than 0.9 applies it to both conventions', () => {
  // f = 0.75: absolute τ = 0.75 → first d = 8; t = (0.75 − 0.5)/(0.875 − 0.5) = 2/3; d = 4 + (2/3)·4 = 20/3
  // trained-baseline r = 0.5: τ = 0.375 → d = 3 (as above)
  const { absolute, trainedBaseline } = intrinsicDimension90(curve, { baselineAccuracy: 0.5, fraction: 0.75 });
  assert.is(absolute.fraction, 0.75);
  assert.is(absolute.threshold, 0.75);
  assert.is(absolute.firstDim, 8);
  assert.ok(Math.abs(absolute.interpolatedDim! - 20 / 3) < 1e-12, `${absolute.interpolatedDim}`);
  assert.is(trainedBaseline!.fraction, 0.75);
  assert.is(trainedBaseline!.threshold, 0.375);
  assert.is(trainedBaseline!.firstDim, 4);
  assert.is(trainedBaseline!.interpolatedDim, 3);
  // f = 1 is allowed: τ = 1 is met only by an accuracy of exactly 1
  const full = intrinsicDimension90([...curve, { subspaceDim: 32, accuracy: 1 }], { fraction: 1 });
  assert.equal([full.absolute.threshold, full.absolute.firstDim, full.absolute.interpolatedDim], [1, 32, 32]); // t = (1 − 0.9375)/(1 − 0.9375) = 1
});

test('no grid d meets the threshold: first and interpolated d are null, the threshold is still reported', () => {
  const { absolute, trainedBaseline } = intrinsicDimension90(curve, { baselineAccuracy: 1, fraction: 0.96875 }); // τ = 31/32 > 0.9375
  const expected = { reference: 1, fraction: 0.96875, threshold: 0.96875, firstDim: null, accuracyAtFirstDim: null, interpolatedDim: null, bracketed: false };
  assert.equal(absolute, { convention: 'absolute', ...expected });
  assert.equal(trainedBaseline, { convention: 'trained-baseline', ...expected });
});

test('bad curves, fractions and references are refused, naming the value', () => {
  assert.throws(() => thresholdCrossing([], 1, 'absolute'), /the accuracy curve is empty/);
  assert.throws(() => intrinsicDimension90([]), /the accuracy curve is empty/);
  assert.throws(() => thresholdCrossing([{ subspaceDim: 5, accuracy: NaN }], 1, 'absolute'), /accuracy at d = 5 is NaN/);
  assert.throws(() => thresholdCrossing([{ subspaceDim: 2, accuracy: 0.1 }, { subspaceDim: 7, accuracy: Infinity }], 1, 'absolute'), /accuracy at d = 7 is Infinity/);
  // equal dims are not increasing
  assert.throws(() => thresholdCrossing([{ subspaceDim: 8, accuracy: 0.1 }, { subspaceDim: 8, accuracy: 0.2 }], 1, 'absolute'), /the dims must increase, got 8 then 8/);
  assert.throws(() => thresholdCrossing([{ subspaceDim: 2, accuracy: 0.1 }, { subspaceDim: 9, accuracy: 0.2 }, { subspaceDim: 3, accuracy: 0.3 }], 1, 'absolute'), /the dims must increase, got 9 then 3/);
  for (const fraction of [0, -0.5, 1.5, NaN]) {
    assert.throws(() => thresholdCrossing(curve, 1, 'absolute', fraction), new RegExp(`fraction must be in \\(0, 1\\], got ${fraction}$`));
  }
  for (const reference of [0, -1, 1.0625, NaN]) {
    assert.throws(() => thresholdCrossing(curve, reference, 'trained-baseline'), new RegExp(`the reference accuracy must be in \\(0, 1\\], got ${reference}$`));
  }
  assert.throws(() => intrinsicDimension90(curve, { baselineAccuracy: 0 }), /reference accuracy must be in/);
  // the smallest allowed values pass
  assert.is(thresholdCrossing(curve, 2 ** -10, 'trained-baseline', 2 ** -10).firstDim, 2);
});

function run(subspaceDim: number, testAccuracy: number, direct = false): SubspaceRun {
  return { subspaceDim, direct, testAccuracy, testLoss: 1 - testAccuracy, trainAccuracy: 0.5, trainLoss: 9, seconds: 0, history: [] };
}

test('summarizeIntrinsicDimension: the curve is the runs\' test accuracies; the baseline sets the second reference', () => {
  const runs = curve.map((p) => run(p.subspaceDim, p.accuracy));
  const baseline = run(100, 0.9375, true);
  const result = summarizeIntrinsicDimension(runs, baseline);
  assert.is(result.runs, runs);
  assert.is(result.baseline, baseline);
  assert.is(result.absolute.firstDim, 16);
  assert.ok(Math.abs(result.absolute.interpolatedDim! - 11.2) < 1e-12);
  assert.is(result.trainedBaseline!.reference, 0.9375);
  assert.is(result.trainedBaseline!.firstDim, 8);
  assert.ok(Math.abs(result.trainedBaseline!.interpolatedDim! - 23 / 3) < 1e-12);
  const none = summarizeIntrinsicDimension(runs, null, 0.75);
  assert.is(none.baseline, null);
  assert.is(none.trainedBaseline, null);
  assert.is(none.absolute.fraction, 0.75);
  assert.is(none.absolute.firstDim, 8);
});

test('a sweep refuses a bad grid of dims before it trains anything', () => {
  // only model.spec.size is read before the grid is checked
  const options = { model: { spec: { size: 10 } }, dims: [] as number[] } as unknown as IntrinsicDimensionOptions;
  const refuse = (dims: number[], message: RegExp): void => assert.throws(() => intrinsicDimensionRun({ ...options, dims }, 0), message);
  refuse([0, 2], /every d must be a positive integer, got 0$/);
  refuse([1.5], /every d must be a positive integer, got 1\.5$/);
  refuse([2, 11], /d = 11 exceeds D = 10$/);
  refuse([2, 4, 4], /the dims must increase, got 4 then 4$/);
});

test('a sweep accepts d = 1 and d = D (one step of training on four points)', () => {
  // a 2-2 network: D = 2·2 + 2 = 6 parameters
  const model = mlp('2-2');
  assert.is(model.spec.size, 6);
  const set = { name: 'four', x: Float64Array.from([0, 1, 1, 0, 1, 1, 0, 0]), sampleShape: [2], labels: Int32Array.from([0, 1, 0, 1]), numClasses: 2 };
  const options: IntrinsicDimensionOptions = {
    model, train: set, test: set, origin: model.init(new Random(1), 'xavier-normal').toTypedArray() as Float64Array,
    dims: [1, 6], projection: 'dense', seed: 3, makeOptimizer: () => sgd({ learningRate: 0.1 }) as Optimizer<unknown>, epochs: 1, batchSize: 4,
  };
  assert.equal([intrinsicDimensionRun(options, 0).subspaceDim, intrinsicDimensionRun(options, 1).subspaceDim], [1, 6]);
});

test.run();
