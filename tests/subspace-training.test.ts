/**
 * Training on random hyperplanes and hyperspheres, intrinsic dimension and
 * initialisation selection, on tiny problems:
 *  - the pulled-back gradient of every surface (hyperplane through a dense,
 *    sparse and Fastfood P; the full sphere; the sphere inside a subspace)
 *    against central finite differences of w ↦ L(θ(w));
 *  - the sphere holds ‖θ‖ = r₀ to 1e-12 through hundreds of Adam steps;
 *  - a hyperplane run on circles learns;
 *  - d_int90 on made-up accuracy curves, both conventions;
 *  - the paired t-test and Wilcoxon signed-rank test on textbook data;
 *  - the radius recorder, the power-law fit, and best/worst selection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random, fromTypedArray, grad } from '../src/autodiff/index.js';
import { adam, crossEntropy, data, evaluate, mlp, trainModel } from '../src/nn/index.js';
import {
  DENSE_PROJECTION_BYTE_LIMIT, fitDiffusiveGrowth, fitPowerLaw, hyperplaneParametrisation, hypersphereParametrisation, radiusRecorder, randomSubspace,
  type SurfaceParametrisation,
} from '../src/landscape/subspace-training.js';
import { fitLine } from '../src/landscape/line-fit.js';
import { intrinsicDimension90, measureIntrinsicDimension, thresholdCrossing, adamFactory } from '../src/landscape/intrinsic-dimension.js';
import { bestAndWorst, initSelectionExperiment, pairedTTest, wilcoxonSignedRank, type InitCandidate } from '../src/landscape/init-selection.js';
import { norm } from '../src/landscape/linalg/vector.js';

// A tiny tanh network (smooth, so finite differences are clean) on a fixed batch.
const model = mlp('3-5-4-3', { activation: 'tanh' });
const D = model.spec.size;
const batchRng = new Random(11);
const X = fromTypedArray(Float64Array.from({ length: 8 * 3 }, () => batchRng.normal()), [8, 3]);
const labels = Int32Array.from({ length: 8 }, (_, i) => i % 3);
const lossOfTheta = (theta: Float64Array): number => crossEntropy(model.apply(fromTypedArray(theta, [D]), X), labels).item();
const gradientOfTheta = (theta: Float64Array): Float64Array =>
  grad((t) => crossEntropy(model.apply(t, X), labels))(fromTypedArray(theta, [D])).toTypedArray() as Float64Array;
const theta0 = model.init(new Random(5), 'xavier-normal').toTypedArray() as Float64Array;

/** max_i |g_i − fd_i| / max(‖fd‖_∞, 1e-12), with fd the central difference of w ↦ L(θ(w)) at step h. */
function gradientError(surface: SurfaceParametrisation, w: Float64Array, h = 1e-5): number {
  const analytic = surface.pullBack(gradientOfTheta(surface.toTheta(w)), w);
  let worst = 0;
  let scale = 0;
  const probe = Float64Array.from(w);
  for (let j = 0; j < w.length; j++) {
    probe[j] = w[j]! + h;
    const plus = lossOfTheta(surface.toTheta(probe));
    probe[j] = w[j]! - h;
    const minus = lossOfTheta(surface.toTheta(probe));
    probe[j] = w[j]!;
    const fd = (plus - minus) / (2 * h);
    worst = Math.max(worst, Math.abs(analytic[j]! - fd));
    scale = Math.max(scale, Math.abs(fd));
  }
  return worst / Math.max(scale, 1e-12);
}

const randomVector = (n: number, seed: number, sigma: number): Float64Array => {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => sigma * rng.normal());
};

for (const kind of ['dense', 'sparse', 'fastfood'] as const) {
  test(`hyperplane gradient Pᵀ∇L through a ${kind} projection matches finite differences`, () => {
    const subspace = randomSubspace(kind, D, 7, 3);
    const surface = hyperplaneParametrisation(theta0, subspace);
    assert.equal(Array.from(surface.initial), new Array(7).fill(0));
    assert.equal(Array.from(surface.toTheta(surface.initial)), Array.from(theta0), 'w = 0 is θ₀');
    for (const w of [surface.initial, randomVector(7, 8, 0.5)]) {
      const error = gradientError(surface, w);
      assert.ok(error <= 1e-6, `${kind}: relative error ${error}`);
    }
  });

  test(`sphere inside a ${kind} subspace: gradient matches finite differences and ‖θ(w)‖ = r₀`, () => {
    const radius = 2.5;
    const surface = hypersphereParametrisation(radius, { through: theta0, subspace: randomSubspace(kind, D, 6, 4) });
    const w = randomVector(6, 9, 0.7);
    const error = gradientError(surface, w);
    assert.ok(error <= 1e-6, `${kind}: relative error ${error}`);
    assert.ok(Math.abs(norm(surface.toTheta(w)) - radius) <= 1e-12 * radius);
    const start = surface.toTheta(surface.initial);
    const direction = norm(theta0);
    start.forEach((v, i) => assert.ok(Math.abs(v - (radius * theta0[i]!) / direction) <= 1e-14, 'w = 0 is θ₀ moved onto the sphere'));
  });
}

test('full-space sphere: the tangential gradient is the derivative of L(r₀·w/‖w‖)', () => {
  const radius = 1.7;
  const sphere = hypersphereParametrisation(radius, { through: theta0 });
  // finite differences of w ↦ L(r₀ w/‖w‖) at a point of the sphere
  const chart: SurfaceParametrisation = { ...sphere, toTheta: (w) => w.map((v) => (v * radius) / norm(w)) };
  const error = gradientError(chart, sphere.initial);
  assert.ok(error <= 1e-6, `relative error ${error}`);
  assert.ok(Math.abs(norm(sphere.initial) - radius) <= 1e-14 * radius);
});

const circlesTrain = data.loadDataset('circles', { split: 'train', samples: 300, seed: 1 });
const circlesTest = data.loadDataset('circles', { split: 'test', samples: 300, seed: 1 });
const circlesModel = mlp('2-32-32-3');
const circlesInit = circlesModel.init(new Random(2), 'xavier-normal').toTypedArray() as Float64Array;

for (const withSubspace of [false, true]) {
  test(`the ${withSubspace ? 'subspace' : 'full-space'} sphere holds ‖θ‖ = r₀ to 1e-12 through 400 Adam steps`, () => {
    const radius = 1.3 * norm(circlesInit);
    const surface = hypersphereParametrisation(radius, { through: circlesInit, ...(withSubspace ? { subspace: randomSubspace('sparse', circlesModel.spec.size, 40, 1) } : {}) });
    let worst = 0;
    let steps = 0;
    trainModel({
      model: circlesModel, train: circlesTrain, optimizer: adam({ learningRate: 0.05 }), epochs: 20, batchSize: 16, rng: new Random(3),
      initial: surface.initial, parametrisation: surface,
      onStep: (_info, w) => {
        steps += 1;
        worst = Math.max(worst, Math.abs(norm(surface.toTheta(w)) - radius) / radius);
      },
    });
    assert.is(steps, 20 * Math.ceil(300 / 16));
    assert.ok(worst <= 1e-12, `largest relative deviation ${worst}`);
  });
}

test('training on a random 60-dimensional hyperplane learns the circles', () => {
  const surface = hyperplaneParametrisation(circlesInit, randomSubspace('fastfood', circlesModel.spec.size, 60, 7));
  const before = evaluate(circlesModel, circlesInit, circlesTest).accuracy;
  const result = trainModel({
    model: circlesModel, train: circlesTrain, test: circlesTest, optimizer: adam({ learningRate: 0.05 }), epochs: 15, batchSize: 16,
    rng: new Random(4), initial: surface.initial, parametrisation: surface,
  });
  const after = result.history[result.history.length - 1]!.testAccuracy!;
  assert.ok(after > before + 0.3 && after > 0.8, `accuracy ${before} → ${after}`);
  assert.is(result.w.length, 60);
});

test('randomSubspace refuses a dense projection that would not fit in memory', () => {
  const d = Math.ceil(DENSE_PROJECTION_BYTE_LIMIT / 8 / 199_210) + 1;
  assert.throws(() => randomSubspace('dense', 199_210, d, 0), /use the sparse or fastfood projection/);
  assert.throws(() => hyperplaneParametrisation(new Float64Array(5), randomSubspace('sparse', 6, 2, 0)), /θ₀ has 5 entries/);
  assert.throws(() => hypersphereParametrisation(1, { through: new Float64Array(4) }), /norm 0/);
});

// ---------------------------------------------------------------------------
// d_int90

const curve = [
  { subspaceDim: 10, accuracy: 0.2 },
  { subspaceDim: 100, accuracy: 0.6 },
  { subspaceDim: 300, accuracy: 0.82 },
  { subspaceDim: 500, accuracy: 0.86 },
  { subspaceDim: 750, accuracy: 0.9 },
  { subspaceDim: 1000, accuracy: 0.92 },
];

test('d_int90, absolute convention: the first d with accuracy ≥ 0.90, and the interpolation before it', () => {
  const { absolute, trainedBaseline } = intrinsicDimension90(curve);
  assert.is(trainedBaseline, null);
  assert.is(absolute.convention, 'absolute');
  assert.is(absolute.threshold, 0.9);
  assert.is(absolute.firstDim, 750); // 0.90 meets 0.90 exactly
  assert.ok(absolute.bracketed);
  assert.ok(Math.abs(absolute.interpolatedDim! - 750) < 1e-9, `${absolute.interpolatedDim}`);
});

test('d_int90, trained-baseline convention: 0.9 × the direct accuracy', () => {
  const { absolute, trainedBaseline } = intrinsicDimension90(curve, { baselineAccuracy: 0.98 });
  assert.is(absolute.firstDim, 750);
  assert.ok(Math.abs(trainedBaseline!.threshold - 0.882) < 1e-12);
  assert.is(trainedBaseline!.firstDim, 750); // 0.86 < 0.882 ≤ 0.90
  // linear between (500, 0.86) and (750, 0.90): 500 + 250·(0.882 − 0.86)/0.04 = 637.5
  assert.ok(Math.abs(trainedBaseline!.interpolatedDim! - 637.5) < 1e-9, `${trainedBaseline!.interpolatedDim}`);
  // a weaker baseline lowers the bar
  const weak = thresholdCrossing(curve, 0.9, 'trained-baseline');
  assert.is(weak.firstDim, 300); // threshold 0.81
  assert.ok(Math.abs(weak.interpolatedDim! - (100 + (200 * (0.81 - 0.6)) / 0.22)) < 1e-9);
});

test('d_int90 when the threshold is never met, or met at the first grid point', () => {
  const low = curve.map((p) => ({ ...p, accuracy: p.accuracy * 0.5 }));
  const none = intrinsicDimension90(low, { baselineAccuracy: 0.98 });
  assert.is(none.absolute.firstDim, null);
  assert.is(none.absolute.interpolatedDim, null);
  const first = thresholdCrossing([{ subspaceDim: 50, accuracy: 0.95 }, { subspaceDim: 60, accuracy: 0.97 }], 1, 'absolute');
  assert.is(first.firstDim, 50);
  assert.is(first.interpolatedDim, 50);
  assert.not.ok(first.bracketed);
  assert.throws(() => thresholdCrossing([{ subspaceDim: 50, accuracy: 0.5 }, { subspaceDim: 40, accuracy: 0.6 }], 1, 'absolute'), /must increase/);
});

test('measureIntrinsicDimension on circles: accuracy per d, a baseline and both conventions', () => {
  const result = measureIntrinsicDimension({
    model: circlesModel, train: circlesTrain, test: circlesTest, origin: circlesInit, dims: [2, 200], projection: 'sparse', seed: 1,
    makeOptimizer: adamFactory(0.05), epochs: 6, batchSize: 32,
  });
  assert.is(result.runs.length, 2);
  assert.ok(result.baseline!.direct);
  assert.is(result.baseline!.subspaceDim, circlesModel.spec.size);
  assert.ok(result.runs[1]!.testAccuracy > result.runs[0]!.testAccuracy, `${result.runs.map((r) => r.testAccuracy)}`);
  assert.is(result.trainedBaseline!.reference, result.baseline!.testAccuracy);
});

// ---------------------------------------------------------------------------
// Significance tests

// Student's sleep data (Cushny & Peebles 1905): extra hours of sleep under two drugs, ten patients.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

test('paired t-test on the sleep data: t = −4.0621, df = 9, p = 0.002833 (R: t.test(paired = TRUE))', () => {
  const r = pairedTTest(drug1, drug2);
  assert.ok(Math.abs(r.statistic! - -4.062128) < 1e-5, `t = ${r.statistic}`);
  assert.is(r.df, 9);
  assert.ok(Math.abs(r.pValue! - 0.002832890) < 1e-8, `p = ${r.pValue}`);
  assert.ok(Math.abs(r.meanDifference - -1.58) < 1e-12);
  const degenerate = pairedTTest([1, 2, 3], [0, 1, 2]);
  assert.is(degenerate.pValue, null);
  assert.match(degenerate.note!, /zero variance/);
});

test('Wilcoxon signed-rank: exact p-values computed by hand', () => {
  // ten differences of one sign: W⁺ = 0, p = 2 · (1/2¹⁰)
  const allBelow = wilcoxonSignedRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5, 15]);
  assert.is(allBelow.statisticKind, 'W+');
  assert.is(allBelow.statistic, 0);
  assert.ok(Math.abs(allBelow.pValue! - 2 / 1024) < 1e-12, `p = ${allBelow.pValue}`);
  // differences 1, 2, 3, 4, −5: W⁺ = 10; P(W⁺ ≥ 10) = P(W⁺ ≤ 5) = 10/32, two-sided 0.625
  const mixed = wilcoxonSignedRank([1, 2, 3, 4, -5], [0, 0, 0, 0, 0]);
  assert.is(mixed.statistic, 10);
  assert.ok(Math.abs(mixed.pValue! - 0.625) < 1e-12, `p = ${mixed.pValue}`);
  // differences 1, 2, −3: W⁺ = 3, the centre of its distribution; doubling P(W⁺ ≤ 3) = 5/8 would give 1.25
  assert.is(wilcoxonSignedRank([1, 2, -3], [0, 0, 0]).pValue, 1);
  // with ties and a zero (the sleep data) it falls back to the normal approximation (R: p = 0.009091)
  const sleep = wilcoxonSignedRank(drug1, drug2);
  assert.is(sleep.statisticKind, 'z');
  assert.is(sleep.n, 9);
  assert.ok(Math.abs(sleep.pValue! - 0.009091) < 5e-6, `p = ${sleep.pValue}`);
});

// ---------------------------------------------------------------------------
// Radius recorder, power law, selection

test('radiusRecorder samples ‖θ(w)‖ every N steps; fitPowerLaw and fitDiffusiveGrowth recover their parameters', () => {
  const surface = hyperplaneParametrisation(circlesInit, randomSubspace('sparse', circlesModel.spec.size, 30, 2));
  const recorder = radiusRecorder({ every: 5, parametrisation: surface });
  recorder.start(surface.initial);
  trainModel({ model: circlesModel, train: circlesTrain, optimizer: adam({ learningRate: 0.01 }), epochs: 1, batchSize: 10, rng: new Random(1), initial: surface.initial, parametrisation: surface, onStep: recorder.onStep });
  assert.equal(recorder.samples.map((s) => s.step), [0, 5, 10, 15, 20, 25, 30]);
  assert.ok(Math.abs(recorder.samples[0]!.radius - norm(circlesInit)) < 1e-12);
  const fit = fitPowerLaw([1, 4, 9, 16, 100].map((t) => ({ x: t, y: 3 * Math.sqrt(t) })));
  assert.ok(Math.abs(fit.exponent - 0.5) < 1e-12 && Math.abs(fit.prefactor - 3) < 1e-12 && Math.abs(fit.rSquared - 1) < 1e-12);
  assert.throws(() => fitPowerLaw([{ x: 1, y: 1 }]), /at least two points/);
  // r = √(4 + 0.25 t): r² is exactly linear in t
  const walk = fitDiffusiveGrowth([0, 10, 20, 50, 100].map((step) => ({ step, radius: Math.sqrt(4 + 0.25 * step) })));
  assert.ok(Math.abs(walk.offset - 4) < 1e-12 && Math.abs(walk.rate - 0.25) < 1e-12 && Math.abs(walk.rSquared - 1) < 1e-12);
});

test('bestAndWorst: higher Tr/‖H‖ and positive fraction are better, lower initial loss is better', () => {
  const c = (index: number, traceOverNorm: number, positiveFraction: number, initialLoss: number): InitCandidate =>
    ({ index, scale: 1, radius: 1, traceOverNorm, positiveFraction, initialLoss, theta: new Float64Array(1) });
  const candidates = [c(0, 0.1, 0.5, 2.0), c(1, 2.0, 0.4, 3.0), c(2, -0.5, 0.9, 1.0)];
  assert.equal([bestAndWorst(candidates, 'traceOverNorm').best.index, bestAndWorst(candidates, 'traceOverNorm').worst.index], [1, 2]);
  assert.equal([bestAndWorst(candidates, 'positiveFraction').best.index, bestAndWorst(candidates, 'positiveFraction').worst.index], [2, 1]);
  assert.equal([bestAndWorst(candidates, 'initialLoss').best.index, bestAndWorst(candidates, 'initialLoss').worst.index], [2, 1]);
});

test('initSelectionExperiment on circles: scores, pairs and tests, reproducibly', () => {
  const run = () => initSelectionExperiment({
    model: mlp('2-8-3'), train: data.loadDataset('circles', { split: 'train', samples: 60, seed: 3 }), test: circlesTest,
    scoringBatch: { x: circlesTrain.x.subarray(0, 2 * 40), labels: circlesTrain.labels.subarray(0, 40) },
    count: 3, init: 'xavier-normal', scaleRange: { min: 0.3, max: 3 }, subspaceDim: 4, projection: 'dense',
    makeOptimizer: adamFactory(0.02), epochs: 1, batchSize: 20, seeds: [1, 2, 3],
  });
  const report = run();
  assert.is(report.trials.length, 3);
  assert.is(report.trials[0]!.candidates.length, 3);
  assert.is(report.comparisons.length, 3);
  for (const comparison of report.comparisons) {
    assert.is(comparison.trials, 3);
    assert.is(comparison.trainLoss.tTest.n, 3);
  }
  const scales = report.trials.flatMap((t) => t.candidates.map((c) => c.scale));
  assert.ok(scales.every((s) => s >= 0.3 && s <= 3));
  assert.equal(run().comparisons, report.comparisons, 'same seeds, same result');
});

test('fitLine: the least-squares line by hand, an exact line, equal y and equal x', () => {
  // points (0, 1), (1, 3), (2, 2): x̄ = 1, ȳ = 2, Sxx = 2, Sxy = 1, Syy = 2 → b = 1/2, a = 3/2, R² = 1/4
  assert.equal(fitLine([0, 1, 2], [1, 3, 2]), { intercept: 1.5, slope: 0.5, rSquared: 0.25 });
  assert.equal(fitLine([1, 2, 4], [5, 7, 11]), { intercept: 3, slope: 2, rSquared: 1 });
  assert.equal(fitLine([1, 2, 4], [5, 5, 5]), { intercept: 5, slope: 0, rSquared: 1 });
  assert.is(fitLine([3, 3], [1, 2]), null);
  assert.throws(() => fitLine([1, 2], [1]), /2 x values but 1 y values/);
});

test.run();
