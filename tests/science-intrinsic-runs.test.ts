/**
 * The runs of an intrinsic-dimension sweep (src/landscape/intrinsic-dimension.ts)
 * on a 2-2 network (D = 6) and four points, two short epochs each (fast):
 * a run on a hyperplane is the training loop with θ = θ₀ + P·w for the
 * documented P (its kind, d and seed: seed·1000 + the run's index), a
 * baseline run trains all of θ from θ₀; the sweep runs them in order,
 * reports each, and summarises d_int90 from the runs' test accuracies.
 * With a learning rate of 0 nothing moves, so every run's accuracy is that of
 * θ₀, worked out by hand below.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../src/autodiff/index.js';
import { adam, evaluate, mlp, sgd, trainModel, type EpochRecord, type Optimizer } from '../src/nn/index.js';
import {
  adamFactory, intrinsicDimensionRun, measureIntrinsicDimension, summarizeIntrinsicDimension, trainOnHyperplane, type IntrinsicDimensionOptions, type SubspaceRun,
} from '../src/landscape/intrinsic-dimension.js';
import { hyperplaneParametrisation, randomSubspace } from '../src/landscape/subspace-training.js';

const model = mlp('2-2');
const D = model.spec.size; // 2·2 + 2 = 6
const points = { name: 'four', x: Float64Array.from([0, 1, 1, 0, 1, 1, 0, 0]), sampleShape: [2], labels: Int32Array.from([0, 1, 0, 1]), numClasses: 2 };
const held = { name: 'held', x: Float64Array.from([0.5, 1, 1, 0.5, 2, 0]), sampleShape: [2], labels: Int32Array.from([1, 0, 0]), numClasses: 2 };
const origin = model.init(new Random(1), 'xavier-normal').toTypedArray() as Float64Array;
const makeSgd = (learningRate: number) => (): Optimizer<unknown> => sgd({ learningRate }) as Optimizer<unknown>;

/** The settings of one run (no grid, no sweep hooks). */
const common: Omit<IntrinsicDimensionOptions, 'dims' | 'onStep'> = {
  model, train: points, test: held, origin, projection: 'sparse', seed: 3, makeOptimizer: makeSgd(0.5), epochs: 2, batchSize: 2,
};
const options: IntrinsicDimensionOptions = { ...common, dims: [1, 3] };

/** A history without its timings, to compare two runs. */
const untimed = (history: readonly EpochRecord[]): Omit<EpochRecord, 'seconds'>[] => history.map(({ seconds: _seconds, ...rest }) => rest);

/** The training loop run directly: on the hyperplane of the given d and projection seed, or (d null) on all of θ. */
function direct(d: number | null, projectionSeed: number, settings: Partial<IntrinsicDimensionOptions> = {}): ReturnType<typeof trainModel> {
  const o = { ...options, ...settings };
  const surface = d === null ? undefined : hyperplaneParametrisation(o.origin, randomSubspace(o.projection, D, d, projectionSeed));
  return trainModel({
    model, train: o.train, test: o.test, optimizer: o.makeOptimizer(), epochs: o.epochs, batchSize: o.batchSize, rng: new Random(o.seed),
    initial: surface ? surface.initial : o.origin, ...(surface ? { parametrisation: surface } : {}), dtype: o.dtype,
  });
}

function sameRun(run: SubspaceRun, expected: ReturnType<typeof trainModel>, subspaceDim: number, isDirect: boolean): void {
  const last = expected.history[expected.history.length - 1]!;
  assert.is(run.subspaceDim, subspaceDim);
  assert.is(run.direct, isDirect);
  assert.equal(untimed(run.history), untimed(expected.history));
  assert.is(run.testAccuracy, last.testAccuracy);
  assert.is(run.testLoss, last.testLoss);
  assert.is(run.trainAccuracy, last.trainAccuracy);
  assert.is(run.trainLoss, last.trainLoss);
}

test('a run on a hyperplane is the training loop on θ₀ + P·w, P of the given kind, d and seed', () => {
  const before = performance.now();
  const run = trainOnHyperplane({ ...common, subspaceDim: 2, projectionSeed: 17 });
  const elapsed = (performance.now() - before) / 1000;
  sameRun(run, direct(2, 17), 2, false);
  assert.ok(run.seconds >= 0 && run.seconds <= elapsed, `seconds ${run.seconds} within ${elapsed}`);
  assert.is(run.history.length, 2);
  // another seed or kind is another plane, and trains differently
  assert.not.equal(untimed(trainOnHyperplane({ ...common, subspaceDim: 2, projectionSeed: 18 }).history), untimed(run.history));
  assert.not.equal(untimed(trainOnHyperplane({ ...common, projection: 'dense', subspaceDim: 2, projectionSeed: 17 }).history), untimed(run.history));
});

test('a run with subspaceDim null trains all D parameters directly from θ₀', () => {
  sameRun(trainOnHyperplane({ ...common, subspaceDim: null, projectionSeed: 0 }), direct(null, 0), D, true);
});

test('with a learning rate of 0 a run stays at θ₀: its accuracies are θ₀’s', () => {
  // θ₀'s accuracy on the held-out points, computed directly
  const atOrigin = evaluate(model, origin, held);
  for (const subspaceDim of [2, null]) {
    const run = trainOnHyperplane({ ...common, makeOptimizer: makeSgd(0), subspaceDim, projectionSeed: 5 });
    assert.is(run.testAccuracy, atOrigin.accuracy);
    assert.ok(Math.abs(run.testLoss - atOrigin.loss) < 1e-15, `${run.testLoss} vs ${atOrigin.loss}`);
  }
});

test('a run passes on the epochs, batch size, dtype, stopping rule and the step hook', () => {
  const steps: number[] = [];
  const run = trainOnHyperplane({ ...common, epochs: 3, batchSize: 3, subspaceDim: 2, projectionSeed: 1, onStep: (s) => steps.push(s) });
  // 4 points in batches of 3: two steps an epoch
  assert.equal(steps, [1, 2, 3, 4, 5, 6]);
  sameRun(run, direct(2, 1, { epochs: 3, batchSize: 3 }), 2, false);
  const stopped = trainOnHyperplane({ ...common, epochs: 3, stopWhen: (h) => h.length === 2, subspaceDim: 2, projectionSeed: 1 });
  assert.is(stopped.history.length, 2);
  const single = trainOnHyperplane({ ...common, dtype: 'float32', subspaceDim: 2, projectionSeed: 1 });
  sameRun(single, direct(2, 1, { dtype: 'float32' }), 2, false);
  assert.not.equal(single.trainLoss, trainOnHyperplane({ ...common, subspaceDim: 2, projectionSeed: 1 }).trainLoss);
  // the evaluation batch size changes only how the test set is cut
  const batched = trainOnHyperplane({ ...common, evalBatchSize: 1, subspaceDim: 2, projectionSeed: 1 });
  assert.is(batched.testAccuracy, trainOnHyperplane({ ...common, subspaceDim: 2, projectionSeed: 1 }).testAccuracy);
});

test('intrinsicDimensionRun: run i is the hyperplane of dims[i] with projection seed seed·1000 + i; run dims.length is the baseline', () => {
  const hooks: string[] = [];
  const withHooks = { ...options, onStep: (run: number, step: number) => hooks.push(`${run}:${step}`) };
  sameRun(intrinsicDimensionRun(withHooks, 0), direct(1, 3000), 1, false);
  sameRun(intrinsicDimensionRun(withHooks, 1), direct(3, 3001), 3, false);
  sameRun(intrinsicDimensionRun(withHooks, 2), direct(null, 0), D, true);
  // two steps an epoch, two epochs, three runs
  assert.equal(hooks, ['0:1', '0:2', '0:3', '0:4', '1:1', '1:2', '1:3', '1:4', '2:1', '2:2', '2:3', '2:4']);
  // the baseline takes its own optimiser when one is given
  sameRun(intrinsicDimensionRun({ ...options, makeBaselineOptimizer: makeSgd(0.1) }, 2), direct(null, 0, { makeOptimizer: makeSgd(0.1) }), D, true);
  sameRun(intrinsicDimensionRun({ ...options, makeBaselineOptimizer: makeSgd(0.1) }, 0), direct(1, 3000), 1, false);
});

test('measureIntrinsicDimension: the runs in order, the baseline by default, each reported as it finishes', () => {
  const reported: string[] = [];
  const result = measureIntrinsicDimension({ ...options, onRun: (done, total, run) => reported.push(`${done}/${total}:${run.subspaceDim}`) });
  assert.equal(reported, ['1/3:1', '2/3:3', '3/3:6']);
  const runs = [intrinsicDimensionRun(options, 0), intrinsicDimensionRun(options, 1)];
  const baseline = intrinsicDimensionRun(options, 2);
  assert.equal(result.runs.map((r) => untimed(r.history)), runs.map((r) => untimed(r.history)));
  assert.equal(untimed(result.baseline!.history), untimed(baseline.history));
  const expected = summarizeIntrinsicDimension(runs, baseline);
  assert.equal(result.absolute, expected.absolute);
  assert.equal(result.trainedBaseline, expected.trainedBaseline);
  assert.is(result.absolute.fraction, 0.9);
});

test('measureIntrinsicDimension without the baseline: no trained-baseline result; the fraction is passed on', () => {
  const reported: string[] = [];
  const result = measureIntrinsicDimension({ ...options, trainBaseline: false, fraction: 0.5, onRun: (done, total) => reported.push(`${done}/${total}`) });
  assert.equal(reported, ['1/2', '2/2']);
  assert.is(result.runs.length, 2);
  assert.is(result.baseline, null);
  assert.is(result.trainedBaseline, null);
  assert.is(result.absolute.fraction, 0.5);
  assert.is(result.absolute.threshold, 0.5);
  const withBaseline = measureIntrinsicDimension({ ...options, trainBaseline: true, fraction: 0.5 });
  assert.is(withBaseline.trainedBaseline!.fraction, 0.5);
  assert.is(withBaseline.runs.length, 2);
});

test('adamFactory: a fresh Adam with the given learning rate on every call', () => {
  const make = adamFactory(0.25);
  const first = make();
  assert.is(first.name, adam({ learningRate: 0.25 }).name);
  assert.is.not(make(), first);
});

test.run();
