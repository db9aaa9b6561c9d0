/**
 * Choosing initialisations by curvature (Fort & Scherlis 2019, §"selecting
 * initialisations").
 *
 * Draw K initialisations θ₁ … θ_K (seeded). Score each one on a fixed batch
 * without training it:
 *
 *   traceOverNorm     Tr(H)/‖H‖_F of the Hessian restricted to a random
 *                     d-dimensional subspace (higher is better: more of the
 *                     Goldilocks zone's excess positive curvature),
 *   positiveFraction  the fraction of its eigenvalues that are positive
 *                     (higher is better),
 *   initialLoss       the loss at θ_k (lower is better),
 *
 * all from one call of measurePoint (src/landscape/zone.ts). For each score,
 * train the best and the worst candidate for the same fixed budget, with the
 * same mini-batch order, and record the training loss (evaluated on the whole
 * training set after the budget), the test loss and the test accuracy.
 * Repeat over T independent trials (seeds). A trial gives one pair
 * (best, worst) per score; the question is whether best beats worst more
 * often and by more than chance allows. Two paired tests answer it:
 *
 *   paired t-test       t = mean(Δ) / (sd(Δ)/√n), n − 1 degrees of freedom,
 *                       Δ_i = best_i − worst_i. Assumes Δ roughly normal.
 *   Wilcoxon signed-rank W⁺ = sum of the ranks of |Δ_i| over Δ_i > 0;
 *                       no normality assumed. Exact null distribution for
 *                       n ≤ 50 without ties or zeros, else the normal
 *                       approximation with continuity correction.
 *
 * Both are two-sided and come from the maintained stdlib packages
 * @stdlib/stats-ttest and @stdlib/stats-wilcoxon; `pairedTTest` and
 * `wilcoxonSignedRank` wrap them into plain, JSON-safe records.
 *
 * The K candidates are drawn as init × α with α log-uniform in
 * [scaleRange.min, scaleRange.max] (α = 1 for all when min = max). With one
 * fixed scale the candidates differ only by the random draw, and their
 * radii concentrate tightly, so the curvature scores vary little; spreading
 * α across and beyond the Goldilocks zone is what gives the scores something
 * to select.
 */
import type ttestFunction from '@stdlib/stats-ttest';
import type wilcoxonFunction from '@stdlib/stats-wilcoxon';
import { Random, type DType } from '../autodiff/index.js';
import { evaluate, toFloat64, trainModel, type InitName, type Model, type Optimizer, type data } from '../nn/index.js';
import { modelClassifier } from './model-classifier.js';
import { makeSubspaces, measurePoint, type ProjectionKind } from './zone.js';
import { mean, norm } from './linalg/vector.js';
import { lazyDependency } from './lazy-dependency.js';
import { minimumDetectableEffect, pairedEffectSize, pairedTTestPower } from './power.js';
import { rankCorrelation, type RankCorrelation } from './rank-correlation.js';

/** The two tests, loaded on first use (see lazy-dependency.ts). */
const ttest = lazyDependency<typeof ttestFunction>('@stdlib/stats-ttest');
const wilcoxon = lazyDependency<typeof wilcoxonFunction>('@stdlib/stats-wilcoxon');

export const SELECTION_SCORES = ['traceOverNorm', 'positiveFraction', 'initialLoss'] as const;
export type SelectionScore = (typeof SELECTION_SCORES)[number];

/** Whether a larger value of the score marks a better initialisation. */
export const HIGHER_IS_BETTER: Readonly<Record<SelectionScore, boolean>> = { traceOverNorm: true, positiveFraction: true, initialLoss: false };

export interface InitCandidate {
  index: number;
  /** α, the factor on the initialisation. */
  scale: number;
  radius: number;
  traceOverNorm: number;
  positiveFraction: number;
  initialLoss: number;
  theta: Float64Array;
}

export interface CandidateOptions {
  model: Model;
  /** The batch the scores are measured on. */
  scoringBatch: { x: Float64Array; labels: Int32Array };
  count: number;
  init: InitName;
  /** α is log-uniform in [min, max]; min = max = 1 draws plain initialisations. */
  scaleRange: { min: number; max: number };
  subspaceDim: number;
  projection: ProjectionKind;
  seed: number;
  /** The dtype of the training runs (scores are always measured in float64). */
  dtype?: DType;
  onCandidate?: (done: number, total: number) => void;
}

/** Draws `count` initialisations from `seed` and scores each on one random subspace (the same for all). */
export function scoreCandidates(options: CandidateOptions): InitCandidate[] {
  const { model, count, scaleRange } = options;
  if (!Number.isInteger(count) || count < 2) throw new Error(`init selection: need at least 2 candidates to pick a best and a worst, got ${count}`);
  if (!(scaleRange.min > 0 && scaleRange.max >= scaleRange.min)) throw new Error(`init selection: need 0 < min ≤ max for the scale range, got ${scaleRange.min}, ${scaleRange.max}`);
  const rng = new Random(options.seed);
  const subspaces = makeSubspaces(model.spec.size, { subspaceDim: options.subspaceDim, projection: options.projection, repeats: 1, seed: rng.nextUint32() });
  const classifier = modelClassifier(model, options.scoringBatch.x, options.scoringBatch.labels);
  const candidates: InitCandidate[] = [];
  for (let index = 0; index < count; index++) {
    const candidateRng = rng.split();
    const scale = Math.exp(candidateRng.uniform(Math.log(scaleRange.min), Math.log(scaleRange.max)));
    const theta = toFloat64(model.init(candidateRng, options.init, scale));
    const point = measurePoint(classifier, theta, 1, subspaces, false);
    candidates.push({ index, scale, radius: norm(theta), traceOverNorm: point.traceOverNorm, positiveFraction: point.positiveFraction, initialLoss: point.loss, theta });
    options.onCandidate?.(index + 1, count);
  }
  return candidates;
}

/** The best and the worst candidate by one score (ties: the lower index). */
export function bestAndWorst(candidates: readonly InitCandidate[], score: SelectionScore): { best: InitCandidate; worst: InitCandidate } {
  if (candidates.length < 2) throw new Error('init selection: need at least 2 candidates');
  const sign = HIGHER_IS_BETTER[score] ? 1 : -1;
  let best = candidates[0]!;
  let worst = candidates[0]!;
  for (const c of candidates) {
    if (sign * c[score] > sign * best[score]) best = c;
    if (sign * c[score] < sign * worst[score]) worst = c;
  }
  return { best, worst };
}

// ---------------------------------------------------------------------------
// Paired significance tests

export interface PairedTestResult {
  test: 'paired t-test' | 'Wilcoxon signed-rank';
  /** n, the number of pairs used (Wilcoxon drops zero differences). */
  n: number;
  /** mean of a − b over all pairs. */
  meanDifference: number;
  /** t (paired t-test); W⁺ (Wilcoxon, exact) or its z-score (normal approximation); null when undefined. */
  statistic: number | null;
  statisticKind: 't' | 'W+' | 'z';
  /** Degrees of freedom (t-test only). */
  df: number | null;
  /** Two-sided p-value; null when the test is undefined (e.g. all differences zero). */
  pValue: number | null;
  note?: string;
}

function differences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`paired test: the samples have different lengths, ${a.length} and ${b.length}`);
  return a.map((v, i) => {
    const d = v - b[i]!;
    if (!Number.isFinite(d)) throw new Error(`paired test: pair ${i} is not finite (${v}, ${b[i]})`);
    return d;
  });
}

/** Two-sided paired t-test of mean(a − b) = 0 (Student 1908), via @stdlib/stats-ttest. */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTestResult {
  const d = differences(a, b);
  const base = { test: 'paired t-test' as const, n: d.length, meanDifference: d.length ? mean(d) : 0, statisticKind: 't' as const, df: d.length - 1 };
  if (d.length < 2) return { ...base, statistic: null, pValue: null, df: null, note: 'needs at least two pairs' };
  const m = mean(d);
  if (d.every((v) => v === m)) return { ...base, statistic: null, pValue: null, note: 'the differences have zero variance' };
  const result = ttest()([...a], [...b], { alternative: 'two-sided' });
  return { ...base, statistic: result.statistic, df: result.df, pValue: Math.min(1, result.pValue) };
}

/** Two-sided Wilcoxon signed-rank test of a − b symmetric about 0 (zeros dropped), via @stdlib/stats-wilcoxon. */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): PairedTestResult {
  const d = differences(a, b);
  const nonzero = d.filter((v) => v !== 0);
  const base = { test: 'Wilcoxon signed-rank' as const, n: nonzero.length, meanDifference: d.length ? mean(d) : 0, df: null };
  if (nonzero.length === 0) return { ...base, statistic: null, statisticKind: 'W+', pValue: null, note: 'all differences are zero' };
  // one pair is no test (its exact p is 1), and @stdlib/stats-wilcoxon refuses it
  if (d.length < 2) return { ...base, statistic: null, statisticKind: 'W+', pValue: null, note: 'needs at least two pairs' };
  const absolute = nonzero.map(Math.abs);
  const hasTies = new Set(absolute).size !== absolute.length;
  const exact = nonzero.length <= 50 && nonzero.length === d.length && !hasTies;
  const result = wilcoxon()([...a], [...b], { alternative: 'two-sided', zeroMethod: 'wilcox', correction: true });
  // stdlib reports W⁺ as its statistic either way; with the normal approximation the record gives the z behind the p-value
  const statistic = exact ? result.statistic : signedRankZ(result.statistic, absolute);
  // doubling a one-sided p at the centre of the distribution can give 1 + ε: a p-value is at most 1
  return { ...base, statistic, statisticKind: exact ? 'W+' : 'z', pValue: Math.min(1, result.pValue), ...(exact ? {} : { note: 'normal approximation with continuity correction (zeros, ties, or n > 50)' }) };
}

/**
 * The normal approximation of W⁺ on the n non-zero |differences|:
 * z = (W⁺ − μ − ½·sign(W⁺ − μ)) / σ with μ = n(n + 1)/4 and
 * σ² = (n(n + 1)(2n + 1) − ½·Σ(t³ − t)) / 24, t the size of each group of
 * tied |differences| (what @stdlib/stats-wilcoxon computes its p-value from).
 */
function signedRankZ(wPlus: number, absolute: readonly number[]): number {
  const n = absolute.length;
  const mu = (n * (n + 1)) / 4;
  const groups = new Map<number, number>();
  for (const v of absolute) groups.set(v, (groups.get(v) ?? 0) + 1);
  let ties = 0;
  for (const t of groups.values()) ties += t * t * t - t;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1) - ties / 2) / 24);
  return (wPlus - mu - 0.5 * Math.sign(wPlus - mu)) / sigma;
}

// ---------------------------------------------------------------------------
// The experiment

/** What a fixed training budget made of one candidate. */
export interface TrainingOutcome {
  /** Loss on the whole training set after the budget. */
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** Mean of the per-epoch training losses (lower = faster early progress). */
  meanEpochTrainLoss: number;
}

export interface ScoreSelection {
  score: SelectionScore;
  best: { index: number; value: number; outcome: TrainingOutcome };
  worst: { index: number; value: number; outcome: TrainingOutcome };
}

export interface SelectionTrial {
  seed: number;
  candidates: Omit<InitCandidate, 'theta'>[];
  selections: ScoreSelection[];
}

export interface ScoreComparison {
  score: SelectionScore;
  /** How many trials had best strictly better than worst in training loss. */
  bestWins: number;
  trials: number;
  /** best − worst in final training loss (negative: best trains faster). */
  trainLoss: { tTest: PairedTestResult; wilcoxon: PairedTestResult; power: TestPower };
  /** best − worst in test accuracy (positive: best is better). */
  testAccuracy: { tTest: PairedTestResult; wilcoxon: PairedTestResult };
  /** Trials in which best and worst have the same score, so the score chose nothing (the pair is one candidate with itself, or two tied ones). */
  tiedTrials: number;
  /** Trials in which several candidates share the best score, so the pick among them went by index (no choice of the score's). */
  sharedBestTrials: number;
  /** Which scales α the score picked: trials with the best's α below the worst's, and the geometric means of the two. */
  scales: { bestSmaller: number; geometricMeanBest: number; geometricMeanWorst: number };
}

/**
 * How the scale α ties the scores and the outcome together (Spearman's ρ;
 * null where undefined). With α spread over a wide range, a score that
 * follows α selects by α; whether that helps depends on how the final loss
 * follows α.
 */
export interface ScaleAssociation {
  /** α against the final training loss, over every trained candidate (each counted once per trial). */
  finalLoss: RankCorrelation | null;
  /** α against each score, over every candidate. */
  scores: Partial<Record<SelectionScore, RankCorrelation | null>>;
}

/** What the paired t-test on these trials could find (power.ts). */
export interface TestPower {
  /** Cohen's d_z of best − worst, mean/sd of the differences; null when undefined. */
  observedEffectSize: number | null;
  /** The smallest |d_z| the two-sided test at α = 0.05 finds with probability 0.8 on this many trials; null under 2 trials. */
  minimumDetectableEffect: number | null;
  /** The test's power against a medium effect, |d_z| = 0.5 (Cohen); null under 2 trials. */
  powerAtMediumEffect: number | null;
}

export interface InitSelectionOptions extends Omit<CandidateOptions, 'seed' | 'onCandidate'> {
  train: data.Dataset;
  test: data.Dataset;
  makeOptimizer: () => Optimizer<unknown>;
  epochs: number;
  batchSize: number;
  /** One trial per seed. */
  seeds: readonly number[];
  scores?: readonly SelectionScore[];
  onProgress?: (event: { trial: number; phase: 'score' | 'train'; done: number; total: number }) => void;
}

export interface InitSelectionReport {
  trials: SelectionTrial[];
  comparisons: ScoreComparison[];
  scale: ScaleAssociation;
}

function trainCandidate(options: InitSelectionOptions, theta: Float64Array, batchSeed: number): TrainingOutcome {
  const result = trainModel({
    model: options.model, train: options.train, test: options.test,
    optimizer: options.makeOptimizer(), epochs: options.epochs, batchSize: options.batchSize,
    rng: new Random(batchSeed), initial: theta, dtype: options.dtype,
  });
  const last = result.history[result.history.length - 1]!;
  const onTrain = evaluate(options.model, result.theta, options.train, { dtype: options.dtype });
  return {
    trainLoss: onTrain.loss,
    testLoss: last.testLoss ?? NaN,
    testAccuracy: last.testAccuracy ?? NaN,
    meanEpochTrainLoss: mean(result.history.map((r) => r.trainLoss)),
  };
}

/** The effect size of best − worst and what a paired t-test on this many pairs can detect. */
function testPower(best: readonly number[], worst: readonly number[]): TestPower {
  const n = best.length;
  return {
    observedEffectSize: pairedEffectSize(best, worst),
    minimumDetectableEffect: n >= 2 ? minimumDetectableEffect(n) : null,
    powerAtMediumEffect: n >= 2 ? pairedTTestPower(n, 0.5) : null,
  };
}

/** Compares best and worst per score over the trials with both paired tests, and says what the t-test could detect. */
export function compareSelections(trials: readonly SelectionTrial[], scores: readonly SelectionScore[]): ScoreComparison[] {
  return scores.map((score) => {
    const picks = trials.map((t) => {
      const s = t.selections.find((x) => x.score === score);
      if (!s) throw new Error(`init selection: trial ${t.seed} has no selection by ${score}`);
      return s;
    });
    const best = picks.map((p) => p.best.outcome);
    const worst = picks.map((p) => p.worst.outcome);
    const bestLoss = best.map((o) => o.trainLoss);
    const worstLoss = worst.map((o) => o.trainLoss);
    const bestAccuracy = best.map((o) => o.testAccuracy);
    const worstAccuracy = worst.map((o) => o.testAccuracy);
    const scaleOf = (t: SelectionTrial, index: number): number => t.candidates[index]!.scale;
    const bestScales = picks.map((p, i) => scaleOf(trials[i]!, p.best.index));
    const worstScales = picks.map((p, i) => scaleOf(trials[i]!, p.worst.index));
    const geometricMean = (v: readonly number[]): number => Math.exp(mean(v.map(Math.log)));
    return {
      score,
      bestWins: bestLoss.filter((b, i) => b < worstLoss[i]!).length,
      trials: picks.length,
      trainLoss: { tTest: pairedTTest(bestLoss, worstLoss), wilcoxon: wilcoxonSignedRank(bestLoss, worstLoss), power: testPower(bestLoss, worstLoss) },
      testAccuracy: { tTest: pairedTTest(bestAccuracy, worstAccuracy), wilcoxon: wilcoxonSignedRank(bestAccuracy, worstAccuracy) },
      tiedTrials: picks.filter((p) => p.best.value === p.worst.value).length,
      sharedBestTrials: picks.filter((p, i) => trials[i]!.candidates.filter((c) => c[score] === p.best.value).length > 1).length,
      scales: {
        bestSmaller: bestScales.filter((b, i) => b < worstScales[i]!).length,
        geometricMeanBest: geometricMean(bestScales),
        geometricMeanWorst: geometricMean(worstScales),
      },
    };
  });
}

/** A pick as far as trainedLosses reads it. */
interface TrainedPick {
  index: number;
  outcome: { trainLoss: number };
}

/**
 * The final training loss of every candidate a trial trained, by candidate
 * index. A candidate picked more than once (by several scores, or as both
 * best and worst) was trained once and appears once.
 */
export function trainedLosses(trial: { selections: readonly { best: TrainedPick; worst: TrainedPick }[] }): Map<number, number> {
  const losses = new Map<number, number>();
  for (const s of trial.selections) for (const pick of [s.best, s.worst]) losses.set(pick.index, pick.outcome.trainLoss);
  return losses;
}

/** Spearman's ρ of α against the final loss (trained candidates, once each) and against each score (all candidates). */
export function scaleAssociation(trials: readonly SelectionTrial[], scores: readonly SelectionScore[]): ScaleAssociation {
  const trainedScales: number[] = [];
  const trainedLossValues: number[] = [];
  for (const t of trials) {
    for (const [index, loss] of trainedLosses(t)) {
      trainedScales.push(t.candidates[index]!.scale);
      trainedLossValues.push(loss);
    }
  }
  const candidates = trials.flatMap((t) => t.candidates);
  const scales = candidates.map((c) => c.scale);
  return {
    finalLoss: rankCorrelation(trainedScales, trainedLossValues),
    scores: Object.fromEntries(scores.map((score) => [score, rankCorrelation(scales, candidates.map((c) => c[score]))])),
  };
}

/** One trial: draw and score the candidates of `seed`, train the best and the worst by each score. `trial` numbers the progress events. */
export function selectionTrial(options: InitSelectionOptions, seed: number, trial: number): SelectionTrial {
  const scores = options.scores ?? SELECTION_SCORES;
  const candidates = scoreCandidates({ ...options, seed, onCandidate: (done, total) => options.onProgress?.({ trial, phase: 'score', done, total }) });
  const picks = scores.map((score) => ({ score, ...bestAndWorst(candidates, score) }));
  const toTrain = [...new Set(picks.flatMap((p) => [p.best.index, p.worst.index]))];
  const batchSeed = new Random(seed).split().nextUint32(); // the same batch order for every candidate of the trial
  const outcomes = new Map<number, TrainingOutcome>();
  toTrain.forEach((index, i) => {
    outcomes.set(index, trainCandidate(options, candidates[index]!.theta, batchSeed));
    options.onProgress?.({ trial, phase: 'train', done: i + 1, total: toTrain.length });
  });
  return {
    seed,
    candidates: candidates.map(({ theta: _theta, ...rest }) => rest),
    selections: picks.map((p) => ({
      score: p.score,
      best: { index: p.best.index, value: p.best[p.score], outcome: outcomes.get(p.best.index)! },
      worst: { index: p.worst.index, value: p.worst[p.score], outcome: outcomes.get(p.worst.index)! },
    })),
  };
}

/**
 * The whole experiment: per seed, draw and score K candidates, train the best
 * and worst by each score (a candidate picked twice is trained once), then
 * compare over the trials.
 */
export function initSelectionExperiment(options: InitSelectionOptions): InitSelectionReport {
  const scores = options.scores ?? SELECTION_SCORES;
  if (options.seeds.length < 1) throw new Error('init selection: need at least one seed');
  const trials: SelectionTrial[] = options.seeds.map((seed, trial) => selectionTrial(options, seed, trial));
  return { trials, comparisons: compareSelections(trials, scores), scale: scaleAssociation(trials, scores) };
}
