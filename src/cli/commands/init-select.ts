/**
 * `goldilocks init-select`: does choosing an initialisation by its curvature
 * make training faster (Fort & Scherlis 2019)?
 *
 * Per trial (one per seed): draw --candidates initialisations (init × α, α
 * log-uniform in --scale-range), score each on --score-samples training
 * examples by Tr(H)/‖H‖_F and the positive-eigenvalue fraction on a random
 * --subspace-dim subspace, and by the initial loss; train the best and the
 * worst by each score for the same budget and mini-batch order. Over the
 * trials, compare best against worst with a paired t-test and a Wilcoxon
 * signed-rank test (src/landscape/init-selection.ts), on the final training
 * loss and on test accuracy.
 *
 *   npx goldilocks init-select --samples 2000 --candidates 8 --trials 8 --epochs 1 --scale-range 0.25:4
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { getBackend } from '../../autodiff/index.js';
import { expectedRadius, data as nnData } from '../../nn/index.js';
import { SELECTION_SCORES, compareSelections, scaleAssociation, selectionTrial, type InitSelectionReport, type RankCorrelation, type PairedTestResult, type TestPower } from '../../landscape/index.js';
import { UserError, parseChoice, parseIntOption, type OptionParser } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { startRun } from '../harness.js';
import { savePlot, scatterChartSpec, type Series } from '../plot.js';
import { createProgress } from '../progress.js';
import { addDataOptions, addModelOptions, addRunOptions, seededRandom, type DataOptions, type ModelFlags, type RunFlags } from '../common.js';
import { addTrainingOptions, asUserError, optimizerFactory, setUp, type TrainingFlags } from '../subspace-options.js';

interface InitSelectFlags extends DataOptions, ModelFlags, RunFlags, TrainingFlags {
  candidates: number;
  trials: number;
  subspaceDim: number;
  projection: 'dense' | 'sparse';
  scoreSamples: number;
  scaleRange: { min: number; max: number };
}

/** `MIN:MAX` with 0 < MIN ≤ MAX, e.g. `0.25:4`, or one number for a fixed scale. */
export function parseScaleRange(flag: string): OptionParser<{ min: number; max: number }> {
  return (value) => {
    const parts = value.split(':').map((p) => p.trim());
    const numbers = parts.map((p) => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(p) ? Number(p) : NaN));
    const [min, max] = numbers.length === 1 ? [numbers[0]!, numbers[0]!] : [numbers[0]!, numbers[1]!];
    if (numbers.length > 2 || !(min > 0) || !(max >= min) || !Number.isFinite(max)) {
      throw new UserError(`${flag} must be MIN:MAX with 0 < MIN <= MAX (e.g. 0.25:4), or one positive number; got ${JSON.stringify(value)}`);
    }
    return { min, max };
  };
}

const formatP = (t: PairedTestResult): string => (t.pValue === null ? `undefined (${t.note ?? ''})` : t.pValue.toPrecision(3));

export async function runInitSelect(flags: InitSelectFlags): Promise<(InitSelectionReport & { config: Record<string, unknown> }) | undefined> {
  const run = startRun('init-select', flags);
  const { backend, train, test, model } = setUp(flags);
  if (flags.subspaceDim > model.spec.size) throw new UserError(`--subspace-dim ${flags.subspaceDim} exceeds the ${model.spec.size} parameters of ${model.name}`);
  if (flags.scoreSamples > train.labels.length) throw new UserError(`--score-samples ${flags.scoreSamples} exceeds the ${train.labels.length} training samples`);
  const out = run.dir;
  const scoring = nnData.take(train, seededRandom(flags.seed + 2).permutation(train.labels.length).subarray(0, flags.scoreSamples));
  const seeds = Array.from({ length: flags.trials }, (_, i) => flags.seed + i);
  const progress = createProgress({ label: 'init-select', total: 100 * flags.trials, quiet: flags.quiet });
  const started = performance.now();
  // each trial is one journalled unit: the same experiment on one seed
  const trials = await run.sweep('trial', seeds, (seed, trial) => asUserError('init selection', () =>
    selectionTrial({
      model, train, test, init: flags.init, count: flags.candidates, scaleRange: flags.scaleRange,
      scoringBatch: { x: scoring.x, labels: scoring.labels }, subspaceDim: flags.subspaceDim, projection: flags.projection,
      makeOptimizer: optimizerFactory(flags), epochs: flags.epochs, batchSize: flags.batchSize, dtype: flags.dtype, seeds,
      onProgress: (e) => progress.update(Math.round(100 * trial + (e.phase === 'score' ? 50 * e.done / e.total : 50 + 50 * e.done / e.total)), { trial: trial + 1, phase: e.phase }),
    }, seed, trial),
  ));
  progress.stop();
  if (run.shard) {
    run.finishShard();
    return undefined;
  }
  const report: InitSelectionReport = { trials, comparisons: compareSelections(trials, SELECTION_SCORES), scale: scaleAssociation(trials, SELECTION_SCORES) };
  const config = {
    command: 'init-select', dataset: flags.dataset, normalize: flags.normalize, samples: train.labels.length, testSamples: test.labels.length, scoreSamples: flags.scoreSamples,
    model: model.name, parameters: model.spec.size, activation: flags.activation, init: flags.init, bias: flags.bias,
    expectedRInit: expectedRadius(model, flags.init), candidates: flags.candidates, trials: flags.trials, seeds,
    scaleRange: flags.scaleRange, subspaceDim: flags.subspaceDim, projection: flags.projection,
    optimizer: flags.optimizer, lr: flags.lr, ...(flags.optimizer === 'sgd' ? { momentum: flags.momentum } : {}), epochs: flags.epochs, batchSize: flags.batchSize,
    seed: flags.seed, dtype: flags.dtype, backend, backendDescription: getBackend().describe(), seconds: (performance.now() - started) / 1000,
  };
  const full = { config, ...report, provenance: run.provenance(config, flags.dtype) };
  writeJson(join(out, 'init-select.json'), full);
  writeCsv(join(out, 'candidates.csv'), report.trials.flatMap((t) => t.candidates.map((c) => ({ seed: t.seed, ...c }))));
  writeCsv(join(out, 'selections.csv'), report.trials.flatMap((t) => t.selections.map((s) => ({
    seed: t.seed, score: s.score,
    bestIndex: s.best.index, bestValue: s.best.value, bestTrainLoss: s.best.outcome.trainLoss, bestTestAccuracy: s.best.outcome.testAccuracy,
    worstIndex: s.worst.index, worstValue: s.worst.value, worstTrainLoss: s.worst.outcome.trainLoss, worstTestAccuracy: s.worst.outcome.testAccuracy,
  }))));
  writeCsv(join(out, 'tests.csv'), report.comparisons.flatMap((c) => (['trainLoss', 'testAccuracy'] as const).flatMap((metric) => [c[metric].tTest, c[metric].wilcoxon].map((t) => ({
    score: c.score, metric, test: t.test, n: t.n, meanDifference: t.meanDifference, statisticKind: t.statisticKind, statistic: t.statistic, df: t.df, pValue: t.pValue, note: t.note ?? null,
  })))));
  // best against worst training loss, one point per trial and score; below the diagonal, selection helped
  const all = report.trials.flatMap((t) => t.selections.flatMap((s) => [s.best.outcome.trainLoss, s.worst.outcome.trainLoss]));
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const series: Series[] = report.comparisons.map((c) => ({
    name: `by ${c.score} (t-test p = ${formatP(c.trainLoss.tTest)})`,
    points: report.trials.map((t) => {
      const s = t.selections.find((x) => x.score === c.score)!;
      return { x: s.worst.outcome.trainLoss, y: s.best.outcome.trainLoss };
    }),
  }));
  // the diagonal as a dotted line of small points (a scatter chart has no lines)
  series.push({ name: 'best = worst', points: Array.from({ length: 40 }, (_, i) => lo + ((hi - lo) * i) / 39).map((v) => ({ x: v, y: v })) });
  await savePlot(join(out, 'best-vs-worst'), scatterChartSpec({
    title: `${model.name} on ${flags.dataset}: training loss after ${flags.epochs} epoch(s), ${flags.trials} trials`, xLabel: 'worst candidate by the score', yLabel: 'best candidate by the score', series,
  }), { png: true });
  const lines = report.comparisons.map((c) => `by ${c.score}: best trains to lower loss in ${c.bestWins}/${c.trials} trials; Δloss (best − worst) mean ${c.trainLoss.tTest.meanDifference.toPrecision(3)}, paired t-test p = ${formatP(c.trainLoss.tTest)}, Wilcoxon p = ${formatP(c.trainLoss.wilcoxon)}; ${formatPower(c.trainLoss.power)}; `
    + `best has the smaller α in ${c.scales.bestSmaller}/${c.trials}${c.sharedBestTrials > 0 ? `, best shared by several candidates in ${c.sharedBestTrials}` : ''}${c.tiedTrials > 0 ? `, best and worst tied in ${c.tiedTrials}` : ''}`);
  lines.push(`α against the final training loss: ${formatRho(report.scale.finalLoss)}; α against ${SELECTION_SCORES.map((s) => `${s} ${formatRho(report.scale.scores[s] ?? null)}`).join(', ')}`);
  run.finish(full, `${lines.join('\n')}\nwrote ${out}/init-select.json, candidates.csv, selections.csv, tests.csv, best-vs-worst.svg/.png`);
  return full;
}

/** Spearman's ρ and its p-value, in words. */
function formatRho(r: RankCorrelation | null): string {
  return r === null ? 'ρ undefined' : `ρ = ${r.rho.toFixed(2)} (p = ${r.pValue.toPrecision(2)})`;
}

/** The effect size and what the t-test could detect, in words. */
function formatPower(power: TestPower): string {
  const effect = power.observedEffectSize === null ? 'effect size undefined' : `effect size d_z = ${power.observedEffectSize.toFixed(2)}`;
  if (power.minimumDetectableEffect === null) return effect;
  return `${effect}; the t-test detects |d_z| ≥ ${power.minimumDetectableEffect.toFixed(2)} with 80 % power (power ${(100 * power.powerAtMediumEffect!).toFixed(0)} % at d_z = 0.5)`;
}

export function register(program: Command): void {
  const cmd = program.command('init-select').description('choose initialisations by Tr(H)/‖H‖, positive curvature or initial loss, and test whether the best train faster than the worst');
  addDataOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--candidates <k>', 'initialisations drawn per trial', parseIntOption('--candidates', 2), 8)
    .option('--trials <n>', 'independent trials (seeds --seed, --seed + 1, …)', parseIntOption('--trials', 2), 6)
    .option('--subspace-dim <d>', 'dimension of the random subspace the curvature is measured on', parseIntOption('--subspace-dim', 1), 10)
    .option('--projection <kind>', 'dense or sparse subspace for the curvature', parseChoice('--projection', ['dense', 'sparse'] as const), 'dense')
    .option('--score-samples <n>', 'training examples the scores are measured on', parseIntOption('--score-samples', 1), 256)
    .option('--scale-range <MIN:MAX>', 'candidates are init × α, α log-uniform in [MIN, MAX]', parseScaleRange('--scale-range'), { min: 0.25, max: 4 });
  addTrainingOptions(cmd, { lr: 1e-3, epochs: 1, batchSize: 128 });
  addRunOptions(cmd, 'runs/init-select', { sweep: true });
  cmd.action(async (flags: InitSelectFlags) => {
    await runInitSelect(flags);
  });
}
