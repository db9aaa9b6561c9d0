/**
 * Tutorial 09 — training on random hyperplanes and hyperspheres, the
 * intrinsic dimension of a task, and choosing initialisations by curvature.
 *
 * Run it: npx tsx tutorials/09-subspace-training-and-intrinsic-dimension.ts
 * (by default a small MLP on the synthetic circles, in seconds;
 *  GOLDILOCKS_TUTORIAL_FULL=1 uses the MLP 784-200-200-10 on 20,000 MNIST
 *  training images and takes roughly 15–20 minutes on two cores)
 *
 * Li et al. (2018) freeze a random initialisation θ₀ and train only d
 * coordinates w along a random D×d matrix P: θ = θ₀ + P·w. How large d must
 * be for the network to still learn is the task's intrinsic dimension. Fort
 * & Scherlis (2019) move that hyperplane (or a hypersphere) to other radii
 * and find it trains well only where it meets the Goldilocks zone.
 *
 * Step 1 builds a hyperplane and checks its chain rule. Step 2 trains on it.
 * Step 3 trains on a hypersphere and checks the radius never moves. Step 4
 * moves the sphere in and out in radius. Step 5 measures d_int90 under
 * both conventions in use. Step 6 watches ‖θ‖ grow like √t in unconstrained
 * training from a small start. Step 7 picks initialisations by curvature and
 * tests, with paired tests, whether the picks train faster.
 */
import { Random, fromTypedArray, grad } from '../src/autodiff/index.js';
import { adam, crossEntropy, data, euclideanNorm, evaluate, expectedRadius, flatTensor, mlp, toFloat64, trainModel } from '../src/nn/index.js';
import {
  adamFactory, fitDiffusiveGrowth, fitPowerLaw, hyperplaneParametrisation, hypersphereParametrisation, initSelectionExperiment, measureIntrinsicDimension,
  pairedTTest, radiusRecorder, randomSubspace, wilcoxonSignedRank,
} from '../src/landscape/index.js';

// The default sizes run in seconds; GOLDILOCKS_TUTORIAL_FULL=1 runs the full-size study.
const quick = process.env.GOLDILOCKS_TUTORIAL_FULL !== '1';

function check(label: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${label}: ${detail}`);
  console.log(`  ✓ ${label}: ${detail}`);
}
const percent = (a: number): string => `${(100 * a).toFixed(2)} %`;

const setup = quick
  ? {
      dataset: 'circles', model: '2-32-32-3', samples: 300, testSamples: 300, batch: 16,
      hyperplane: { dim: 60, projection: 'fastfood' as const, epochs: 15, lr: 0.05, target: 0.9 },
      sphereDim: 60,
      radius: { dim: 60, scales: [0.01, 1, 100], epochs: 15, lr: 0.05 },
      intrinsic: { dims: [2, 10, 60, 200], epochs: 15, lr: 0.05, baselineLr: 0.02 },
      growth: { scale: 0.01, epochs: 60, lr: 1e-3, every: 5 },
      selection: { samples: 150, candidates: 4, trials: 6, epochs: 2, lr: 0.01, scoreSamples: 60, subspaceDim: 6 },
    }
  : {
      dataset: 'mnist', model: '784-200-200-10', samples: 20000, testSamples: 10000, batch: 128,
      hyperplane: { dim: 1000, projection: 'sparse' as const, epochs: 1, lr: 0.05, target: 0.85 },
      sphereDim: 1000,
      radius: { dim: 1000, scales: [0.03, 1, 30], epochs: 1, lr: 0.05 },
      intrinsic: { dims: [100, 300, 1000, 3000], epochs: 1, lr: 0.1, baselineLr: 1e-3 },
      growth: { scale: 0.01, epochs: 3, lr: 1e-3, every: 3 },
      selection: { samples: 2000, candidates: 4, trials: 6, epochs: 1, lr: 1e-3, scoreSamples: 200, subspaceDim: 10 },
    };

const train = data.loadDataset(setup.dataset, { split: 'train', samples: setup.samples, seed: 0 });
const test = data.loadDataset(setup.dataset, { split: 'test', samples: setup.testSamples, seed: 0 });
const model = mlp(setup.model);
const D = model.spec.size;
const thetaInit = toFloat64(model.init(new Random(0), 'xavier-normal'));
const rInit = euclideanNorm(thetaInit);
console.log(`${model.name} on ${setup.dataset}: D = ${D}, ‖θ_init‖ = ${rInit.toFixed(3)} (r_Xavier = ${expectedRadius(model, 'xavier-normal').toFixed(3)})`);

// ---------------------------------------------------------------------------
// Step 1. A random hyperplane through θ₀, and its chain rule.
//
// θ(w) = θ₀ + P·w. The loop in src/nn/train.ts differentiates the loss with
// respect to θ; to train w it needs ∂L/∂w = (∂θ/∂w)ᵀ ∂L/∂θ = Pᵀ∇θL. So all we
// need from P are the products P·w and Pᵀ·g, which the sparse and Fastfood
// constructions give without ever storing a D×d matrix (at D = 199,210 and
// d = 1000 a dense P would take 1.6 GB).
// ---------------------------------------------------------------------------
console.log('Step 1: the hyperplane θ = θ₀ + P·w and its gradient Pᵀ∇L');
{
  const P = randomSubspace(setup.hyperplane.projection, D, setup.hyperplane.dim, 1);
  const plane = hyperplaneParametrisation(thetaInit, P);
  const batch = data.gather(train, Int32Array.from({ length: 32 }, (_, i) => i));
  const x = fromTypedArray(batch.x, [32, ...train.sampleShape]);
  const lossAt = (theta: Float64Array): number => crossEntropy(model.apply(flatTensor(theta), x), batch.labels).item();
  const gradientAt = (theta: Float64Array): Float64Array => toFloat64(grad((t) => crossEntropy(model.apply(t, x), batch.labels))(flatTensor(theta)));
  const w = Float64Array.from({ length: P.subspaceDim }, (_, j) => 0.01 * Math.sin(j + 1));
  const pulledBack = plane.pullBack(gradientAt(plane.toTheta(w)), w);
  let worst = 0;
  for (const j of [0, 1, P.subspaceDim - 1]) {
    const h = 1e-5;
    const plus = Float64Array.from(w);
    const minus = Float64Array.from(w);
    plus[j] = plus[j]! + h;
    minus[j] = minus[j]! - h;
    const finiteDifference = (lossAt(plane.toTheta(plus)) - lossAt(plane.toTheta(minus))) / (2 * h);
    worst = Math.max(worst, Math.abs(pulledBack[j]! - finiteDifference) / Math.max(Math.abs(finiteDifference), 1e-8));
  }
  check('Pᵀ∇θL matches finite differences of w ↦ L(θ₀ + P·w)', worst < 1e-5, `largest relative error ${worst.toExponential(2)} over 3 coordinates`);
  const column = P.project(Float64Array.from({ length: P.subspaceDim }, (_, j) => (j === 0 ? 1 : 0)));
  check('P has columns of about unit length', Math.abs(euclideanNorm(column) - 1) < 0.2, `‖P·e₁‖ = ${euclideanNorm(column).toFixed(4)}`);
}

// ---------------------------------------------------------------------------
// Step 2. Training on the hyperplane.
//
// Only d numbers are trained; the D-dimensional θ₀ stays frozen. Adam moves
// each coordinate of w by about lr per step, so ‖Δθ‖ ≈ lr·√d: subspace
// training tolerates (and wants) a larger learning rate than direct training.
// ---------------------------------------------------------------------------
console.log(`Step 2: train on a random ${setup.hyperplane.dim}-dimensional hyperplane (${setup.hyperplane.projection} P)`);
{
  const { dim, projection, epochs, lr, target } = setup.hyperplane;
  const plane = hyperplaneParametrisation(thetaInit, randomSubspace(projection, D, dim, 1));
  const before = evaluate(model, thetaInit, test).accuracy;
  const started = performance.now();
  const result = trainModel({ model, train, test, optimizer: adam({ learningRate: lr }), epochs, batchSize: setup.batch, rng: new Random(2), initial: plane.initial, parametrisation: plane });
  const after = result.history[result.history.length - 1]!.testAccuracy!;
  check(`d = ${dim} of D = ${D} parameters reach ≥ ${percent(target)}`, after >= target, `test accuracy ${percent(before)} → ${percent(after)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------
// Step 3. A hypersphere: ‖θ‖ = r₀ throughout.
//
// Inside the span of θ₀ and P, θ(w) = r₀·u/‖u‖ with u = r₀θ̂₀ + P·w: the
// hyperplane pushed radially onto the sphere. The chain rule through the
// normalisation removes the radial part of ∇θL and rescales by r₀/‖u‖.
// ---------------------------------------------------------------------------
console.log(`Step 3: train on a random ${setup.sphereDim}-dimensional hypersphere of radius r_init`);
{
  const sphere = hypersphereParametrisation(rInit, { through: thetaInit, subspace: randomSubspace(setup.hyperplane.projection, D, setup.sphereDim, 3) });
  const before = evaluate(model, sphere.toTheta(sphere.initial), test).accuracy;
  let drift = 0;
  const result = trainModel({
    model, train, test, optimizer: adam({ learningRate: setup.hyperplane.lr }), epochs: setup.hyperplane.epochs, batchSize: setup.batch, rng: new Random(2),
    initial: sphere.initial, parametrisation: sphere,
    onStep: (_info, w) => void (drift = Math.max(drift, Math.abs(euclideanNorm(sphere.toTheta(w)) - rInit) / rInit)),
  });
  check('the radius never moves', drift <= 1e-12, `largest |‖θ‖ − r₀|/r₀ = ${drift.toExponential(2)}`);
  const after = result.history[result.history.length - 1]!.testAccuracy!;
  // On the hyperplane ‖θ‖ was free to grow (and did); here it is not, which caps how confident — and,
  // for a small network, how accurate — the classifier can become at this radius.
  check('the network still learns on the sphere', after > before + 0.2, `test accuracy ${percent(before)} → ${percent(after)}`);
}

// ---------------------------------------------------------------------------
// Step 4. Where the surface sits matters (Fort & Scherlis).
//
// The same P, now on spheres of radius α·r_init. Tiny α puts the network in
// the flat middle of the landscape (all outputs ≈ equal, gradients ≈ 0);
// huge α where the softmax saturates and the curvature is wild. Only around
// r_init does the sphere meet the Goldilocks zone and train well.
// (A hyperplane through α·θ_init is a weaker test of the inner side: it also
// passes through larger radii, and a large enough step size walks out to
// them. The sphere cannot leave its radius.)
// ---------------------------------------------------------------------------
console.log('Step 4: accuracy after training on the sphere of radius α·r_init');
{
  const { dim, scales, epochs, lr } = setup.radius;
  const P = randomSubspace(setup.hyperplane.projection, D, dim, 4);
  const accuracies = scales.map((alpha) => {
    const sphere = hypersphereParametrisation(alpha * rInit, { through: thetaInit, subspace: P });
    const result = trainModel({ model, train, test, optimizer: adam({ learningRate: lr }), epochs, batchSize: setup.batch, rng: new Random(2), initial: sphere.initial, parametrisation: sphere });
    const accuracy = result.history[result.history.length - 1]!.testAccuracy!;
    console.log(`    α = ${alpha}: r = ${(alpha * rInit).toFixed(3)}, test accuracy ${percent(accuracy)}`);
    return accuracy;
  });
  const [inside, middle, outside] = [accuracies[0]!, accuracies[1]!, accuracies[2]!];
  check('the sphere at r_init beats both far-away ones', middle > inside + 0.1 && middle > outside + 0.1, `${percent(inside)} | ${percent(middle)} | ${percent(outside)}`);
}

// ---------------------------------------------------------------------------
// Step 5. Intrinsic dimension, two conventions.
//
// d_int90 is the smallest d reaching 90 % of a reference accuracy. Li et al.'s
// headline numbers use the reference 1.0 (a threshold of 0.90: "absolute");
// the alternative is 0.9 × the accuracy of direct training
// ("trained-baseline"), a lower bar whenever direct training is below 100 %.
// Direct training gets its own, smaller learning rate: Adam moves each
// trained coordinate by about lr per step, so ‖Δθ‖ ≈ lr·√d on a subspace but
// lr·√D when all D parameters move.
// ---------------------------------------------------------------------------
console.log(`Step 5: accuracy against d ∈ {${setup.intrinsic.dims.join(', ')}} and d_int90`);
{
  const { dims, epochs, lr, baselineLr } = setup.intrinsic;
  const result = measureIntrinsicDimension({
    model, train, test, origin: thetaInit, dims, projection: setup.hyperplane.projection, seed: 5,
    makeOptimizer: adamFactory(lr), makeBaselineOptimizer: adamFactory(baselineLr), epochs, batchSize: setup.batch,
    onRun: (_done, _total, run) => console.log(`    ${run.direct ? `direct (all ${run.subspaceDim})` : `d = ${run.subspaceDim}`}: test accuracy ${percent(run.testAccuracy)} (${run.seconds.toFixed(1)} s)`),
  });
  const { absolute, trainedBaseline } = result;
  const show = (c: typeof absolute): string => (c.firstDim === null ? `not reached (threshold ${percent(c.threshold)})` : `${c.firstDim} (interpolated ${c.interpolatedDim!.toFixed(0)}; threshold ${percent(c.threshold)})`);
  console.log(`    d_int90 absolute: ${show(absolute)}; trained-baseline: ${show(trainedBaseline!)}`);
  const first = result.runs[0]!.testAccuracy;
  const last = result.runs[result.runs.length - 1]!.testAccuracy;
  check('accuracy rises with d', last > first + 0.1, `${percent(first)} at d = ${dims[0]} → ${percent(last)} at d = ${dims[dims.length - 1]}`);
  check('the trained-baseline threshold is the lower one', trainedBaseline!.threshold <= absolute.threshold, `${percent(trainedBaseline!.threshold)} ≤ ${percent(absolute.threshold)}`);
  const ordered = absolute.firstDim === null || (trainedBaseline!.firstDim !== null && trainedBaseline!.firstDim <= absolute.firstDim);
  check('so its d_int90 is no larger', ordered, `trained-baseline ${trainedBaseline!.firstDim}, absolute ${absolute.firstDim}`);
}

// ---------------------------------------------------------------------------
// Step 6. From a small initial radius, ‖θ‖ grows like √t.
//
// Unconstrained training (all D parameters) from 0.01·θ_init with Adam. First
// the network escapes the flat region near the origin, fast. Then Adam keeps
// taking steps of about the same length, nearly orthogonal to θ and to each
// other, and they add up like a random walk: ‖θ_t‖² ≈ a + b·t, a straight
// line in t — r(t) = √(a + b·t), the √t law (with an offset a left by the
// escape, which is why a plain power-law fit r ∝ t^β over a finite window
// comes out at or below ½).
// ---------------------------------------------------------------------------
console.log(`Step 6: ‖θ‖ from a small start (α = ${setup.growth.scale}), recorded every ${setup.growth.every} steps`);
{
  const { scale, epochs, lr, every } = setup.growth;
  const start = thetaInit.map((v) => scale * v);
  const recorder = radiusRecorder({ every });
  recorder.start(start);
  trainModel({ model, train, optimizer: adam({ learningRate: lr }), epochs, batchSize: setup.batch, rng: new Random(6), initial: start, onStep: recorder.onStep });
  const samples = recorder.samples;
  const totalSteps = samples[samples.length - 1]!.step;
  const secondHalf = samples.filter((s) => s.step >= totalSteps / 2);
  const line = fitDiffusiveGrowth(secondHalf);
  const power = fitPowerLaw(secondHalf.map((s) => ({ x: s.step, y: s.radius })));
  console.log(`    r: ${samples[0]!.radius.toFixed(3)} at t = 0 → ${samples[samples.length - 1]!.radius.toFixed(3)} at t = ${totalSteps}; power-law fit over the second half: β = ${power.exponent.toFixed(3)}`);
  check('over the second half of training ‖θ‖² grows linearly in t', line.rate > 0 && line.rSquared > 0.98, `‖θ‖² ≈ ${line.offset.toFixed(2)} + ${line.rate.toPrecision(3)}·t, R² = ${line.rSquared.toFixed(4)}`);
}

// ---------------------------------------------------------------------------
// Step 7. Choosing initialisations by curvature, with a significance test.
//
// Paired data (best and worst pick of the same trial) call for a paired test.
// First the test itself, on Student's own data (the sleep study, 1908):
// R gives t = −4.0621, df = 9, p = 0.002833.
// ---------------------------------------------------------------------------
console.log('Step 7: paired tests, then selecting initialisations by Tr(H)/‖H‖, positive curvature and initial loss');
{
  const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const t = pairedTTest(drug1, drug2);
  check('the paired t-test reproduces the sleep data', Math.abs(t.statistic! + 4.0621) < 1e-4 && Math.abs(t.pValue! - 0.002833) < 1e-6, `t = ${t.statistic!.toFixed(4)}, df = ${t.df}, p = ${t.pValue!.toPrecision(4)}`);
  const w = wilcoxonSignedRank([1, 2, 3, 4, -5], [0, 0, 0, 0, 0]);
  check('the Wilcoxon signed-rank test gives the exact p by hand', w.statistic === 10 && Math.abs(w.pValue! - 0.625) < 1e-12, `W⁺ = ${w.statistic}, p = ${w.pValue} (= 2·10/32)`);

  const { samples, candidates, trials, epochs, lr, scoreSamples, subspaceDim } = setup.selection;
  const small = data.loadDataset(setup.dataset, { split: 'train', samples, seed: 1 });
  const report = initSelectionExperiment({
    model, train: small, test, count: candidates, init: 'xavier-normal', scaleRange: { min: 0.25, max: 4 },
    scoringBatch: { x: small.x.subarray(0, scoreSamples * data.sampleSize(small)), labels: small.labels.subarray(0, scoreSamples) },
    subspaceDim, projection: 'dense', makeOptimizer: adamFactory(lr), epochs, batchSize: setup.batch,
    seeds: Array.from({ length: trials }, (_, i) => 100 + i),
  });
  for (const c of report.comparisons) {
    console.log(`    by ${c.score}: best beats worst in ${c.bestWins}/${c.trials} trials; mean Δ(train loss) ${c.trainLoss.tTest.meanDifference.toFixed(4)}, t-test p = ${c.trainLoss.tTest.pValue?.toPrecision(3)}, Wilcoxon p = ${c.trainLoss.wilcoxon.pValue?.toPrecision(3)}`);
  }
  const byLoss = report.trials.map((trial) => trial.selections.find((s) => s.score === 'initialLoss')!);
  check('the pick by initial loss has the lower initial loss in every trial', byLoss.every((s) => s.best.value <= s.worst.value), `${trials} trials`);
  const pValues = report.comparisons.flatMap((c) => [c.trainLoss.tTest.pValue, c.trainLoss.wilcoxon.pValue]).filter((p): p is number => p !== null);
  check('every p-value is a probability', pValues.every((p) => p >= 0 && p <= 1), `${pValues.length} p-values`);
}

console.log('all checks passed');
