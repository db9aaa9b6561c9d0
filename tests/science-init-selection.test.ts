/**
 * Choosing initialisations by curvature (src/landscape/init-selection.ts),
 * fast: the paired tests on differences small enough to work out by hand,
 * best and worst with ties, the comparison over hand-made trials, and the
 * experiment itself on a 2-3-2 network with four scoring points and one
 * short epoch (each run well under a second).
 *
 * Hand values: for differences 1, 2, 3 (mean 2, sd 1) the paired t is
 * 2/(1/√3) = 2√3 on 2 degrees of freedom, where Student's t has the closed
 * form CDF F(t) = ½ + t/(2√(2 + t²)), so the two-sided p is
 * 1 − t/√(2 + t²) = 1 − √(6/7). The exact signed-rank distribution of W⁺ on n
 * pairs gives each of the 2ⁿ sign patterns probability 2⁻ⁿ.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random, fromTypedArray } from '../src/autodiff/index.js';
import { adam, crossEntropy, evaluate, mlp, trainModel, type data } from '../src/nn/index.js';
import {
  HIGHER_IS_BETTER, SELECTION_SCORES, bestAndWorst, compareSelections, initSelectionExperiment, pairedTTest, scaleAssociation, scoreCandidates, selectionTrial, wilcoxonSignedRank,
  type InitCandidate, type InitSelectionOptions, type SelectionTrial, type TrainingOutcome,
} from '../src/landscape/init-selection.js';
import { makeSubspaces, measurePoint } from '../src/landscape/zone.js';
import { modelClassifier } from '../src/landscape/model-classifier.js';
import { minimumDetectableEffect, pairedTTestPower } from '../src/landscape/power.js';
import { norm } from '../src/landscape/linalg/vector.js';

const fails = (fn: () => unknown, message: string, what = message): void => {
  assert.throws(fn, (e: Error) => e.message === message, what);
};

// ---------------------------------------------------------------------------
// The paired tests

test('the scores and which direction is better', () => {
  assert.equal([...SELECTION_SCORES], ['traceOverNorm', 'positiveFraction', 'initialLoss']);
  assert.equal({ ...HIGHER_IS_BETTER }, { traceOverNorm: true, positiveFraction: true, initialLoss: false });
});

test('pairedTTest: t = 2√3 on 2 df and p = 1 − √(6/7) for differences 1, 2, 3', () => {
  const r = pairedTTest([1, 2, 5], [0, 0, 2]);
  assert.is(r.test, 'paired t-test');
  assert.is(r.n, 3);
  assert.is(r.meanDifference, 2);
  assert.is(r.statisticKind, 't');
  assert.is(r.df, 2);
  assert.ok(Math.abs(r.statistic! - 2 * Math.sqrt(3)) < 1e-12, `t = ${r.statistic}`);
  assert.ok(Math.abs(r.pValue! - (1 - Math.sqrt(6 / 7))) < 1e-9, `p = ${r.pValue}`);
  assert.is(r.note, undefined);
  // the sign follows a − b
  assert.ok(Math.abs(pairedTTest([0, 0, 2], [1, 2, 5]).statistic! + 2 * Math.sqrt(3)) < 1e-12);
});

test('pairedTTest: fewer than two pairs, or differences of zero variance, give no statistic', () => {
  assert.equal(pairedTTest([5], [3]), { test: 'paired t-test', n: 1, meanDifference: 2, statisticKind: 't', df: null, statistic: null, pValue: null, note: 'needs at least two pairs' });
  assert.equal(pairedTTest([], []), { test: 'paired t-test', n: 0, meanDifference: 0, statisticKind: 't', df: null, statistic: null, pValue: null, note: 'needs at least two pairs' });
  assert.equal(pairedTTest([3, 4], [1, 2]), { test: 'paired t-test', n: 2, meanDifference: 2, statisticKind: 't', df: 1, statistic: null, pValue: null, note: 'the differences have zero variance' });
  // one pair differing from the others is enough variance: differences 0, 0, 3 give t = 1, df 2, p = 1 − 1/√3
  const r = pairedTTest([1, 1, 4], [1, 1, 1]);
  assert.ok(Math.abs(r.statistic! - 1) < 1e-12 && Math.abs(r.pValue! - (1 - 1 / Math.sqrt(3))) < 1e-9, JSON.stringify(r));
});

test('both tests refuse samples of different lengths and non-finite pairs, naming them', () => {
  for (const t of [pairedTTest, wilcoxonSignedRank]) {
    fails(() => t([1, 2], [1]), 'paired test: the samples have different lengths, 2 and 1');
    fails(() => t([1, Number.NaN, 3], [0, 0, 0]), 'paired test: pair 1 is not finite (NaN, 0)');
    fails(() => t([1, 2], [0, Infinity]), 'paired test: pair 1 is not finite (2, Infinity)');
  }
});

test('wilcoxonSignedRank, exact: differences 1, −2, 3, 4 give W⁺ = 8 and p = 2 · 3/16', () => {
  // W⁺ ≥ 8 for the sign patterns {1,3,4}, {2,3,4}, {1,2,3,4}: 3 of 16
  const r = wilcoxonSignedRank([1, -2, 3, 4], [0, 0, 0, 0]);
  assert.equal(r, { test: 'Wilcoxon signed-rank', n: 4, meanDifference: 1.5, df: null, statistic: 8, statisticKind: 'W+', pValue: 0.375 });
});

test('wilcoxonSignedRank: 50 untied pairs are exact, 51 or a zero or a tie use the normal approximation', () => {
  const ones = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
  const fifty = wilcoxonSignedRank(new Array<number>(50).fill(0), ones(50));
  assert.is(fifty.statisticKind, 'W+');
  assert.is(fifty.note, undefined);
  // all 50 negative: W⁺ = 0, reached by one sign pattern of 2⁵⁰, so p = 2 · 2⁻⁵⁰
  assert.is(fifty.statistic, 0);
  assert.ok(Math.abs(fifty.pValue! - 2 / 2 ** 50) < 1e-27, `p = ${fifty.pValue}`);
  const note = 'normal approximation with continuity correction (zeros, ties, or n > 50)';
  assert.is(wilcoxonSignedRank(ones(51), new Array<number>(51).fill(0)).note, note);
  const zero = wilcoxonSignedRank([1, 2, 3, 5], [1, 0, 0, 0]);
  assert.is(zero.n, 3);
  assert.is(zero.meanDifference, 2.5);
  assert.is(zero.note, note);
  const tie = wilcoxonSignedRank([1, -1, 3], [0, 0, 0]);
  assert.is(tie.n, 3);
  assert.is(tie.note, note);
  // the normal approximation for differences 1, 2, 3, 5 with a zero dropped: W⁺ = 6 = max over n = 3;
  // μ = 3, σ² = 3·4·7/24 = 3.5, z = (6 − 3 − ½)/√3.5 = 1.336306, p = 2(1 − Φ(z)) = erfc(z/√2) = 0.1814492
  // (Python: math.erfc(2.5 / math.sqrt(3.5) / math.sqrt(2)))
  assert.ok(Math.abs(zero.pValue! - 0.1814492) < 1e-7, `p = ${zero.pValue}`);
});

test('wilcoxonSignedRank, normal approximation: the statistic is the z behind the p-value, not W⁺', () => {
  // Student's sleep data (Cushny & Peebles 1905), drug 1 − drug 2: one zero, nine negative differences, 1.3 twice.
  // W⁺ = 0, n = 9, μ = 22.5, σ² = (9·10·19 − ½·(2³ − 2))/24 = 71.125, z = (0 − 22.5 + ½)/√71.125;
  // R's wilcox.test(paired = TRUE) gives V = 0, p = 0.009091 (normal approximation with continuity correction).
  const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const sleep = wilcoxonSignedRank(drug1, drug2);
  assert.is(sleep.statisticKind, 'z');
  assert.ok(Math.abs(sleep.statistic! - -22 / Math.sqrt(71.125)) < 1e-12, `z = ${sleep.statistic}`);
  assert.ok(Math.abs(sleep.pValue! - 0.009091) < 5e-7, `p = ${sleep.pValue}`);
  // differences 1, 2, 3, 5 and a zero: W⁺ = 6 above μ = 3, so z = (6 − 3 − ½)/√3.5 (no ties)
  assert.ok(Math.abs(wilcoxonSignedRank([1, 2, 3, 5], [1, 0, 0, 0]).statistic! - 2.5 / Math.sqrt(3.5)) < 1e-12);
  // differences 1, −1, 3: the |differences| rank 1.5, 1.5, 3 (a tie of two), so W⁺ = 1.5 + 3 = 4.5 above μ = 3;
  // σ² = (3·4·7 − ½·(2³ − 2))/24 = 81/24, z = (4.5 − 3 − ½)/√(81/24) = 1/√3.375
  assert.ok(Math.abs(wilcoxonSignedRank([1, -1, 3], [0, 0, 0]).statistic! - 1 / Math.sqrt(3.375)) < 1e-12);
  // differences 1, 2, −3 and a zero: W⁺ = 3 is exactly μ = 3, so no continuity correction: z = 0, p = 1
  const centre = wilcoxonSignedRank([1, 2, -3, 5], [0, 0, 0, 5]);
  assert.is(centre.statistic, 0);
  assert.is(centre.pValue, 1);
  // 51 differences −1 … −51: W⁺ = 0, μ = 51·52/4 = 663, σ² = 51·52·103/24 = 11381.5, z = −662.5/√11381.5
  const many = wilcoxonSignedRank(new Array<number>(51).fill(0), Array.from({ length: 51 }, (_, i) => i + 1));
  assert.ok(Math.abs(many.statistic! - -662.5 / Math.sqrt(11381.5)) < 1e-12, `z = ${many.statistic}`);
});

test('wilcoxonSignedRank: all differences zero give no statistic; a p-value is never above 1', () => {
  assert.equal(wilcoxonSignedRank([1, 2], [1, 2]), { test: 'Wilcoxon signed-rank', n: 0, meanDifference: 0, df: null, statistic: null, statisticKind: 'W+', pValue: null, note: 'all differences are zero' });
  assert.equal(wilcoxonSignedRank([], []), { test: 'Wilcoxon signed-rank', n: 0, meanDifference: 0, df: null, statistic: null, statisticKind: 'W+', pValue: null, note: 'all differences are zero' });
  // differences 1, 2, −3: W⁺ = 3 is the centre; 2 · P(W⁺ ≤ 3) = 2 · 5/8 = 1.25 is capped at 1
  assert.is(wilcoxonSignedRank([1, 2, -3], [0, 0, 0]).pValue, 1);
});

test('a single pair: neither test has a statistic, and a comparison over one trial still reports (no error)', () => {
  assert.equal(wilcoxonSignedRank([3], [1]), { test: 'Wilcoxon signed-rank', n: 1, meanDifference: 2, df: null, statistic: null, statisticKind: 'W+', pValue: null, note: 'needs at least two pairs' });
  assert.is(wilcoxonSignedRank([3], [3]).note, 'all differences are zero');
  // two pairs, one of them zero, are a test (on one non-zero difference, by the normal approximation)
  assert.is(wilcoxonSignedRank([3, 1], [1, 1]).n, 1);
  assert.ok(wilcoxonSignedRank([3, 1], [1, 1]).pValue! > 0);
  const one = compareSelections([trial(1, [1, 0.5], [2, 0.25])], ['positiveFraction'])[0]!;
  assert.is(one.bestWins, 1);
  assert.is(one.trainLoss.wilcoxon.note, 'needs at least two pairs');
  assert.is(one.trainLoss.tTest.note, 'needs at least two pairs');
  assert.equal(one.trainLoss.power, { observedEffectSize: null, minimumDetectableEffect: null, powerAtMediumEffect: null });
  assert.is(initSelectionExperiment({ ...base, count: 2, epochs: 1, seeds: [5] }).comparisons.length, 3);
});

// ---------------------------------------------------------------------------
// Best and worst, and the comparison over trials

const candidate = (index: number, traceOverNorm: number, positiveFraction: number, initialLoss: number): InitCandidate =>
  ({ index, scale: 1, radius: 1, traceOverNorm, positiveFraction, initialLoss, theta: new Float64Array(1) });

test('bestAndWorst: ties go to the lower index, in both directions; fewer than two candidates refused', () => {
  const tied = [candidate(0, 1, 0.5, 2), candidate(1, 3, 0.5, 2), candidate(2, 3, 0.25, 1), candidate(3, 1, 0.25, 1)];
  const pick = (score: (typeof SELECTION_SCORES)[number]): number[] => {
    const { best, worst } = bestAndWorst(tied, score);
    return [best.index, worst.index];
  };
  assert.equal(pick('traceOverNorm'), [1, 0]);
  assert.equal(pick('positiveFraction'), [0, 2]);
  assert.equal(pick('initialLoss'), [2, 0]);
  // the first candidate is the worst by one score and the best by another
  const first = [candidate(0, -1, 1, 0.5), candidate(1, 2, 0, 0.7)];
  assert.equal([bestAndWorst(first, 'traceOverNorm').worst.index, bestAndWorst(first, 'positiveFraction').best.index, bestAndWorst(first, 'initialLoss').best.index], [0, 0, 0]);
  fails(() => bestAndWorst([candidate(0, 1, 1, 1)], 'initialLoss'), 'init selection: need at least 2 candidates');
});

const outcome = (trainLoss: number, testAccuracy: number): TrainingOutcome => ({ trainLoss, testLoss: 0, testAccuracy, meanEpochTrainLoss: 0 });

const scaled = (index: number, scale: number, traceOverNorm = 0): Omit<InitCandidate, 'theta'> =>
  ({ index, scale, radius: 1, traceOverNorm, positiveFraction: 0, initialLoss: 0 });

/** A trial whose selection by every score pairs best (loss, accuracy) with worst (loss, accuracy); the best has α = 1/2, the worst α = 2. */
const trial = (seed: number, best: [number, number], worst: [number, number]): SelectionTrial => ({
  seed,
  candidates: [scaled(0, 0.5), scaled(1, 2)],
  selections: SELECTION_SCORES.map((score) => ({ score, best: { index: 0, value: 1, outcome: outcome(...best) }, worst: { index: 1, value: 0, outcome: outcome(...worst) } })),
});

test('compareSelections: wins counted strictly, both tests on the loss and on the accuracy, and the power of the t-test', () => {
  // loss differences best − worst: −1, −2, −3 (and a tie, which is no win, in the second set below)
  const trials = [trial(1, [1, 0.5], [2, 0.25]), trial(2, [1, 0.75], [3, 0.25]), trial(3, [2, 0.5], [5, 0.5])];
  const [comparison, ...rest] = compareSelections(trials, ['initialLoss', 'traceOverNorm']);
  assert.is(rest.length, 1);
  assert.is(rest[0]!.score, 'traceOverNorm');
  assert.is(comparison!.score, 'initialLoss');
  assert.is(comparison!.bestWins, 3);
  assert.is(comparison!.trials, 3);
  assert.equal(comparison!.trainLoss.tTest, pairedTTest([1, 1, 2], [2, 3, 5]));
  assert.is(comparison!.trainLoss.tTest.meanDifference, -2);
  assert.equal(comparison!.trainLoss.wilcoxon, wilcoxonSignedRank([1, 1, 2], [2, 3, 5]));
  assert.equal(comparison!.testAccuracy.tTest, pairedTTest([0.5, 0.75, 0.5], [0.25, 0.25, 0.5]));
  assert.is(comparison!.testAccuracy.tTest.meanDifference, 0.25);
  assert.equal(comparison!.testAccuracy.wilcoxon, wilcoxonSignedRank([0.5, 0.75, 0.5], [0.25, 0.25, 0.5]));
  // d_z of −1, −2, −3 is −2/1
  assert.equal(comparison!.trainLoss.power, { observedEffectSize: -2, minimumDetectableEffect: minimumDetectableEffect(3), powerAtMediumEffect: pairedTTestPower(3, 0.5) });

  const two = compareSelections([trial(1, [1, 0], [1, 0]), trial(2, [1, 0], [2, 0])], ['positiveFraction'])[0]!;
  assert.is(two.bestWins, 1);
  assert.is(two.trainLoss.power.minimumDetectableEffect, minimumDetectableEffect(2));
  assert.is(two.trainLoss.power.powerAtMediumEffect, pairedTTestPower(2, 0.5));
  // each score reads its own selection: the loss picks won by 3 and 4, the positive-fraction picks lost by 2
  const mixed: SelectionTrial[] = [1, 2].map((seed) => ({
    seed,
    candidates: [scaled(0, 1), scaled(1, 1)],
    selections: [
      { score: 'positiveFraction', best: { index: 0, value: 1, outcome: outcome(3, 0) }, worst: { index: 1, value: 0, outcome: outcome(1, 0) } },
      { score: 'initialLoss', best: { index: 1, value: 1, outcome: outcome(1, 0) }, worst: { index: 0, value: 3, outcome: outcome(3 + seed, 0) } },
    ],
  }));
  assert.equal(compareSelections(mixed, ['initialLoss', 'positiveFraction']).map((c) => [c.score, c.bestWins, c.trainLoss.tTest.meanDifference]), [['initialLoss', 2, -3.5], ['positiveFraction', 0, 2]]);
  const missing: SelectionTrial = { seed: 9, candidates: [], selections: [] };
  fails(() => compareSelections([trials[0]!, missing], ['initialLoss']), 'init selection: trial 9 has no selection by initialLoss');
});

test('compareSelections: trials where best and worst tie, and which scales α each score picked', () => {
  // trial 1: best α = 1/4 (value 3), worst α = 4 (value 1); trial 2: best α = 2, worst α = 1/2; trial 3: tied values (2 and 2), α 1 and 1
  const picked = (seed: number, bestScale: number, worstScale: number, bestValue: number, worstValue: number): SelectionTrial => ({
    seed,
    candidates: [scaled(0, bestScale), scaled(1, worstScale)],
    selections: [{ score: 'traceOverNorm', best: { index: 0, value: bestValue, outcome: outcome(1, 0) }, worst: { index: 1, value: worstValue, outcome: outcome(2 + seed, 0) } }],
  });
  const c = compareSelections([picked(1, 0.25, 4, 3, 1), picked(2, 2, 0.5, 3, 1), picked(3, 1, 1, 2, 2)], ['traceOverNorm'])[0]!;
  assert.is(c.tiedTrials, 1);
  // the candidates' own scores (all 0 here) never equal the picks' values 3, 1 and 2: no shared best
  assert.is(c.sharedBestTrials, 0);
  // three candidates, two of them at the best value 5: the best is shared; a best above the rest is not
  const shared = (values: number[]): SelectionTrial => ({
    seed: 7,
    candidates: values.map((v, index) => ({ ...scaled(index, 1), traceOverNorm: v })),
    selections: [{ score: 'traceOverNorm', best: { index: values.indexOf(Math.max(...values)), value: Math.max(...values), outcome: outcome(1, 0) }, worst: { index: values.indexOf(Math.min(...values)), value: Math.min(...values), outcome: outcome(2, 0) } }],
  });
  assert.is(compareSelections([shared([5, 1, 5]), shared([5, 1, 4]), shared([2, 5, 5])], ['traceOverNorm'])[0]!.sharedBestTrials, 2);
  // the best's α is below the worst's in trial 1 only (equal α in trial 3 is not below)
  assert.is(c.scales.bestSmaller, 1);
  // geometric means: (1/4 · 2 · 1)^(1/3) = 2^(−1/3) and (4 · 1/2 · 1)^(1/3) = 2^(1/3)
  assert.ok(Math.abs(c.scales.geometricMeanBest - 2 ** (-1 / 3)) < 1e-15, `${c.scales.geometricMeanBest}`);
  assert.ok(Math.abs(c.scales.geometricMeanWorst - 2 ** (1 / 3)) < 1e-15, `${c.scales.geometricMeanWorst}`);
  // a candidate that is both best and worst (all scores equal) is one tie
  const self: SelectionTrial = { seed: 4, candidates: [scaled(0, 3)], selections: [{ score: 'traceOverNorm', best: { index: 0, value: 1, outcome: outcome(1, 0) }, worst: { index: 0, value: 1, outcome: outcome(1, 0) } }] };
  assert.equal(compareSelections([self], ['traceOverNorm'])[0]!.tiedTrials, 1);
  // exp(log 3) is 3 to within one rounding
  const selfScales = compareSelections([self], ['traceOverNorm'])[0]!.scales;
  assert.is(selfScales.bestSmaller, 0);
  assert.ok(Math.abs(selfScales.geometricMeanBest - 3) < 4e-16 * 3 && selfScales.geometricMeanWorst === selfScales.geometricMeanBest, JSON.stringify(selfScales));
});

test('scaleAssociation: Spearman’s ρ of α against the final loss (each trained candidate once) and against each score (every candidate)', () => {
  // two trials of three candidates; the final loss rises with α except one swap, the score falls with α exactly
  const make = (seed: number, scales: number[], losses: number[]): SelectionTrial => ({
    seed,
    candidates: scales.map((scale, index) => scaled(index, scale, -scale)),
    selections: [
      { score: 'traceOverNorm', best: { index: 0, value: -scales[0]!, outcome: outcome(losses[0]!, 0) }, worst: { index: 2, value: -scales[2]!, outcome: outcome(losses[2]!, 0) } },
      // candidate 0 again (trained once, counted once) and candidate 1
      { score: 'initialLoss', best: { index: 0, value: 0, outcome: outcome(losses[0]!, 0) }, worst: { index: 1, value: 0, outcome: outcome(losses[1]!, 0) } },
    ],
  });
  const trials = [make(1, [1, 2, 3], [10, 20, 30]), make(2, [4, 5, 6], [50, 40, 60])];
  const association = scaleAssociation(trials, ['traceOverNorm', 'positiveFraction']);
  // six pairs (α, loss): ranks of the losses 1 2 3 5 4 6 against 1 … 6, Σd² = 2, ρ = 1 − 6·2/(6·35) = 1 − 2/35
  assert.is(association.finalLoss!.n, 6);
  assert.ok(Math.abs(association.finalLoss!.rho - (1 - 2 / 35)) < 1e-15, `${association.finalLoss!.rho}`);
  assert.is(association.scores.traceOverNorm!.rho, -1);
  // the positive fraction is 0 for every candidate: no correlation
  assert.is(association.scores.positiveFraction, null);
  assert.equal(Object.keys(association.scores), ['traceOverNorm', 'positiveFraction']);
});

// ---------------------------------------------------------------------------
// The experiment on a 2-3-2 network

const model = mlp('2-3-2');
const pointsRng = new Random(21);
const makeSet = (n: number, split: 'train' | 'test'): data.Dataset => ({
  name: 'tiny', split, x: Float64Array.from({ length: 2 * n }, () => pointsRng.normal()), sampleShape: [2], labels: Int32Array.from({ length: n }, (_, i) => i % 2), numClasses: 2,
});
const train = makeSet(8, 'train');
const held = makeSet(6, 'test');
const scoringBatch = { x: train.x.subarray(0, 8), labels: train.labels.subarray(0, 4) };
const base: InitSelectionOptions = {
  model, train, test: held, scoringBatch, count: 3, init: 'xavier-normal', scaleRange: { min: 0.5, max: 4 }, subspaceDim: 2, projection: 'dense',
  makeOptimizer: () => adam({ learningRate: 0.05 }) as ReturnType<InitSelectionOptions['makeOptimizer']>, epochs: 2, batchSize: 4, seeds: [5],
};

test('scoreCandidates: θ_k = init × α_k from the seed, scored on one subspace drawn from the seed, loss at temperature 1', () => {
  const progress: string[] = [];
  const candidates = scoreCandidates({ ...base, seed: 7, onCandidate: (done, total) => progress.push(`${done}/${total}`) });
  assert.equal(progress, ['1/3', '2/3', '3/3']);
  assert.equal(candidates.map((c) => c.index), [0, 1, 2]);
  const subspaces = makeSubspaces(model.spec.size, { subspaceDim: 2, projection: 'dense', repeats: 1, seed: new Random(7).nextUint32() });
  const classifier = modelClassifier(model, scoringBatch.x, scoringBatch.labels);
  const X = fromTypedArray(Float64Array.from(scoringBatch.x), [4, 2]);
  for (const c of candidates) {
    assert.ok(c.scale >= 0.5 && c.scale <= 4, `α = ${c.scale}`);
    assert.is(c.radius, norm(c.theta));
    const loss = crossEntropy(model.apply(fromTypedArray(c.theta, [model.spec.size]), X), scoringBatch.labels).item();
    assert.ok(Math.abs(c.initialLoss - loss) < 1e-12, `loss ${c.initialLoss} vs ${loss}`);
    const point = measurePoint(classifier, c.theta, 1, subspaces, false);
    assert.is(c.traceOverNorm, point.traceOverNorm);
    assert.is(c.positiveFraction, point.positiveFraction);
  }
  // the scales differ, and α multiplies the same draw: with min = max the candidates are that draw times α
  assert.is(new Set(candidates.map((c) => c.scale)).size, 3);
  const plain = scoreCandidates({ ...base, scaleRange: { min: 1, max: 1 }, seed: 7 });
  const doubled = scoreCandidates({ ...base, scaleRange: { min: 2, max: 2 }, seed: 7 });
  plain.forEach((c, k) => {
    assert.is(c.scale, 1);
    assert.ok(Math.abs(doubled[k]!.scale - 2) < 1e-15);
    c.theta.forEach((v, i) => assert.ok(Math.abs(doubled[k]!.theta[i]! - 2 * v) < 1e-14));
  });
  assert.not.equal(plain[0]!.theta, plain[1]!.theta);
});

test('scoreCandidates refuses fewer than two candidates and a bad scale range', () => {
  for (const count of [1, 2.5]) fails(() => scoreCandidates({ ...base, count, seed: 0 }), `init selection: need at least 2 candidates to pick a best and a worst, got ${count}`);
  scoreCandidates({ ...base, count: 2, seed: 0 });
  for (const [min, max] of [[0, 1], [2, 1], [-1, 1], [Number.NaN, 1]]) {
    fails(() => scoreCandidates({ ...base, scaleRange: { min: min!, max: max! }, seed: 0 }), `init selection: need 0 < min ≤ max for the scale range, got ${min}, ${max}`);
  }
});

test('selectionTrial: best and worst by each score, each trained once with the trial’s batch order', () => {
  const events: string[] = [];
  const result = selectionTrial({ ...base, onProgress: (e) => events.push(`${e.trial}:${e.phase}:${e.done}/${e.total}`) }, 5, 4);
  const candidates = scoreCandidates({ ...base, seed: 5 });
  assert.is(result.seed, 5);
  assert.equal(result.candidates, candidates.map(({ theta: _theta, ...rest }) => rest));
  assert.equal(result.selections.map((s) => s.score), [...SELECTION_SCORES]);
  const batchSeed = new Random(5).split().nextUint32();
  const trained = new Set<number>();
  for (const s of result.selections) {
    const { best, worst } = bestAndWorst(candidates, s.score);
    assert.equal([s.best.index, s.worst.index], [best.index, worst.index], s.score);
    assert.is(s.best.value, best[s.score]);
    assert.is(s.worst.value, worst[s.score]);
    for (const pick of [s.best, s.worst]) {
      trained.add(pick.index);
      const run = trainModel({ model, train, test: held, optimizer: base.makeOptimizer(), epochs: 2, batchSize: 4, rng: new Random(batchSeed), initial: candidates[pick.index]!.theta });
      const last = run.history[1]!;
      assert.equal(pick.outcome, {
        trainLoss: evaluate(model, run.theta, train).loss,
        testLoss: last.testLoss!,
        testAccuracy: last.testAccuracy!,
        meanEpochTrainLoss: (run.history[0]!.trainLoss + last.trainLoss) / 2,
      }, `${s.score}: candidate ${pick.index}`);
    }
  }
  const scoring = ['4:score:1/3', '4:score:2/3', '4:score:3/3'];
  assert.equal(events, [...scoring, ...[...trained].map((_, i) => `4:train:${i + 1}/${trained.size}`)]);
  const onlyLoss = selectionTrial({ ...base, scores: ['initialLoss'] }, 5, 0);
  assert.equal(onlyLoss.selections.map((s) => s.score), ['initialLoss']);
});

test('selectionTrial trains and evaluates in the dtype asked for (the scores stay float64)', () => {
  const single = selectionTrial({ ...base, dtype: 'float32', scores: ['initialLoss'] }, 5, 0);
  assert.equal(single.candidates, selectionTrial({ ...base, scores: ['initialLoss'] }, 5, 0).candidates);
  const pick = single.selections[0]!.best;
  const theta = scoreCandidates({ ...base, seed: 5 })[pick.index]!.theta;
  const run = trainModel({ model, train, test: held, optimizer: base.makeOptimizer(), epochs: 2, batchSize: 4, rng: new Random(new Random(5).split().nextUint32()), initial: theta, dtype: 'float32' });
  const inFloat32 = evaluate(model, run.theta, train, { dtype: 'float32' }).loss;
  assert.is(pick.outcome.trainLoss, inFloat32);
  assert.is.not(inFloat32, evaluate(model, run.theta, train).loss);
});

test('initSelectionExperiment: one trial per seed, compared by the asked scores; no seeds refused', () => {
  const options = { ...base, epochs: 1, seeds: [5, 6], scores: ['initialLoss', 'positiveFraction'] as const };
  const report = initSelectionExperiment(options);
  assert.equal(report.trials.map((t) => t.seed), [5, 6]);
  assert.equal(report.trials[1], selectionTrial(options, 6, 1));
  assert.equal(report.comparisons, compareSelections(report.trials, ['initialLoss', 'positiveFraction']));
  assert.equal(report.scale, scaleAssociation(report.trials, ['initialLoss', 'positiveFraction']));
  const all = initSelectionExperiment({ ...base, count: 2, epochs: 1, seeds: [5, 6] });
  assert.equal(all.comparisons.map((c) => c.score), [...SELECTION_SCORES]);
  fails(() => initSelectionExperiment({ ...base, seeds: [] }), 'init selection: need at least one seed');
});

test.run();
