/**
 * `goldilocks intrinsic-dim`: the intrinsic dimension of a task (Li et al.
 * 2018). Trains on random d-dimensional hyperplanes through one frozen
 * initialisation for each d of a grid (and, for the trained-baseline
 * convention, all D parameters directly), then reports d_int90 under both
 * conventions (src/landscape/intrinsic-dimension.ts):
 *
 *   absolute          first d with test accuracy ≥ 0.90 (Li et al.'s headline numbers),
 *   trained-baseline  first d with test accuracy ≥ 0.9 × the directly trained accuracy
 *                     (same data, epochs and optimiser, at --baseline-lr),
 *
 * each as the first grid d meeting the threshold and as a linear
 * interpolation between it and the grid point before.
 *
 *   npx goldilocks intrinsic-dim --subspace-dims 100,200,300,500,750,1000,1500 --projection sparse \
 *     --epochs 1 --samples 20000 --lr 0.03
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { getBackend } from '../../autodiff/index.js';
import { euclideanNorm as norm, expectedRadius, lossPlateau } from '../../nn/index.js';
import { intrinsicDimensionRun, summarizeIntrinsicDimension, type IntrinsicDimensionResult, type ThresholdCrossing, type SubspaceKind } from '../../landscape/index.js';
import { UserError, parseFloatOption, parseIntOption, type OptionParser } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { startRun } from '../harness.js';
import { lineChartSpec, savePlot, type Series } from '../plot.js';
import { createProgress } from '../progress.js';
import { addDataOptions, addModelOptions, addRunOptions, parsePositive, type DataOptions, type ModelFlags, type RunFlags } from '../common.js';
import { addTrainingOptions, asUserError, optimizerFactory, projectionOption, setUp, verticalLine, type TrainingFlags } from '../subspace-options.js';

interface IntrinsicDimFlags extends DataOptions, ModelFlags, RunFlags, TrainingFlags {
  subspaceDims: number[];
  projection: SubspaceKind;
  baseline: boolean;
  baselineLr: number;
  fraction: number;
  patience?: number;
  minImprovement: number;
}

/** A comma-separated list of increasing positive integers, e.g. `10,100,1000` (1e3 accepted). */
export function parseDimList(flag: string): OptionParser<number[]> {
  return (value) => {
    const parts = value.split(',').map((p) => p.trim());
    const dims = parts.map((p) => (/^\d+(\.\d+)?(e\d+)?$/i.test(p) ? Number(p) : NaN));
    const fail = (why: string): never => {
      throw new UserError(`${flag} must be increasing positive integers separated by commas (e.g. 10,100,1000); got ${JSON.stringify(value)}: ${why}`);
    };
    if (parts.length === 0 || parts.some((p) => p === '')) return fail('an empty entry');
    dims.forEach((d, i) => {
      if (!Number.isSafeInteger(d) || d < 1) fail(`"${parts[i]}" is not a positive integer`);
      if (i > 0 && !(d > dims[i - 1]!)) fail(`${d} does not exceed ${dims[i - 1]}`);
    });
    return dims;
  };
}

function describeCrossing(c: ThresholdCrossing | null): string {
  if (!c) return 'not measured (no baseline)';
  const name = `${c.convention} (≥ ${(100 * c.threshold).toFixed(2)} %)`;
  if (c.firstDim === null) return `${name}: not reached on the grid`;
  const interpolated = c.bracketed ? `, interpolated ${c.interpolatedDim!.toFixed(0)}` : ' (the first grid point: it may be lower)';
  return `${name}: d_int90 = ${c.firstDim} (first grid d meeting it${interpolated})`;
}

export async function runIntrinsicDim(flags: IntrinsicDimFlags): Promise<(IntrinsicDimensionResult & { config: Record<string, unknown> }) | undefined> {
  const run = startRun('intrinsic-dim', flags);
  const { backend, train, test, model, thetaInit } = setUp(flags);
  const tooBig = flags.subspaceDims.find((d) => d > model.spec.size);
  if (tooBig !== undefined) throw new UserError(`--subspace-dims: d = ${tooBig} exceeds the ${model.spec.size} parameters of ${model.name}`);
  const out = run.dir;
  const stepsPerRun = flags.epochs * Math.ceil(train.labels.length / flags.batchSize);
  const runs = flags.subspaceDims.length + (flags.baseline ? 1 : 0);
  const progress = createProgress({ label: 'intrinsic-dim', total: runs * stepsPerRun, quiet: flags.quiet });
  const started = performance.now();
  const options = {
    model, train, test, origin: thetaInit, dims: flags.subspaceDims, projection: flags.projection, seed: flags.seed,
    makeOptimizer: optimizerFactory(flags), epochs: flags.epochs, batchSize: flags.batchSize, dtype: flags.dtype,
    ...(flags.patience !== undefined ? { stopWhen: lossPlateau(flags.patience, flags.minImprovement) } : {}),
    trainBaseline: flags.baseline, fraction: flags.fraction,
    makeBaselineOptimizer: optimizerFactory({ ...flags, lr: flags.baselineLr }),
    onStep: (i: number, step: number) => progress.update(i * stepsPerRun + step, { d: flags.subspaceDims[i] ?? 'D' }),
  };
  // one journalled unit per dimension, and the baseline last
  const units = Array.from({ length: runs }, (_, i) => i);
  const done = await run.sweep('run', units, (i) => asUserError('training', () => intrinsicDimensionRun(options, i)),
    (r) => progress.log(`${r.direct ? `direct training (D = ${r.subspaceDim})` : `d = ${r.subspaceDim}`}: test accuracy ${(100 * r.testAccuracy).toFixed(2)} % after ${r.history.length} epoch(s) (${r.seconds.toFixed(1)} s)`));
  progress.stop();
  if (run.shard) {
    run.finishShard();
    return undefined;
  }
  const result = summarizeIntrinsicDimension(done.slice(0, flags.subspaceDims.length), flags.baseline ? done[flags.subspaceDims.length]! : null, flags.fraction);
  const config = {
    command: 'intrinsic-dim', dataset: flags.dataset, normalize: flags.normalize, samples: train.labels.length, testSamples: test.labels.length,
    model: model.name, parameters: model.spec.size, activation: flags.activation, init: flags.init, bias: flags.bias,
    rInit: norm(thetaInit), expectedRInit: expectedRadius(model, flags.init),
    subspaceDims: flags.subspaceDims, projection: flags.projection, baseline: flags.baseline, baselineLr: flags.baselineLr, fraction: flags.fraction,
    optimizer: flags.optimizer, lr: flags.lr, ...(flags.optimizer === 'sgd' ? { momentum: flags.momentum } : {}), epochs: flags.epochs,
    ...(flags.patience !== undefined ? { stopping: { rule: 'training-loss plateau', patience: flags.patience, minImprovement: flags.minImprovement } } : {}), batchSize: flags.batchSize,
    seed: flags.seed, dtype: flags.dtype, backend, backendDescription: getBackend().describe(), seconds: (performance.now() - started) / 1000,
  };
  const report = { config, ...result };
  const full = { ...report, provenance: run.provenance(config, flags.dtype) };
  writeJson(join(out, 'intrinsic-dim.json'), full);
  const row = (r: IntrinsicDimensionResult['runs'][number]) => ({ subspaceDim: r.subspaceDim, direct: r.direct, testAccuracy: r.testAccuracy, testLoss: r.testLoss, trainAccuracy: r.trainAccuracy, trainLoss: r.trainLoss, epochs: r.history.length, seconds: r.seconds });
  writeCsv(join(out, 'intrinsic-dim.csv'), [...result.runs.map(row), ...(result.baseline ? [row(result.baseline)] : [])]);
  await writePlot(out, report, model.name, flags);
  const baselineText = result.baseline ? `direct training: ${(100 * result.baseline.testAccuracy).toFixed(2)} %\n` : '';
  run.finish(full, `${baselineText}${describeCrossing(result.absolute)}\n${describeCrossing(result.trainedBaseline)}\nwrote ${out}/intrinsic-dim.json, intrinsic-dim.csv, accuracy-vs-dim.svg/.png`);
  return report;
}

async function writePlot(out: string, report: IntrinsicDimensionResult, modelName: string, flags: IntrinsicDimFlags): Promise<void> {
  const dims = report.runs.map((r) => r.subspaceDim);
  const [lo, hi] = [dims[0]!, dims[dims.length - 1]!];
  const horizontal = (name: string, y: number): Series => ({ name, points: [{ x: lo, y }, { x: hi, y }] });
  const budget = flags.patience !== undefined ? `to a loss plateau (≤ ${flags.epochs} epochs)` : `${flags.epochs} epoch(s)`;
  const series: Series[] = [{ name: `${flags.projection} hyperplane, ${budget}`, points: report.runs.map((r) => ({ x: r.subspaceDim, y: r.testAccuracy })) }];
  const crossings = [report.absolute, report.trainedBaseline].filter((c): c is ThresholdCrossing => c !== null);
  for (const c of crossings) {
    series.push(horizontal(`${c.convention} threshold ${(100 * c.threshold).toFixed(1)} %`, c.threshold));
    if (c.firstDim !== null) series.push(verticalLine(`d_int90 ${c.convention} = ${c.firstDim}${c.bracketed ? ` (interp. ${c.interpolatedDim!.toFixed(0)})` : ''}`, c.firstDim, 0, 1));
  }
  if (report.baseline) series.push(horizontal(`direct training ${(100 * report.baseline.testAccuracy).toFixed(1)} %`, report.baseline.testAccuracy));
  await savePlot(join(out, 'accuracy-vs-dim'), lineChartSpec({
    title: `${modelName} on ${flags.dataset}: accuracy on random d-dim hyperplanes`, xLabel: 'subspace dimension d', yLabel: 'test accuracy', xLog: lo !== hi, series,
  }), { png: true });
}

export function register(program: Command): void {
  const cmd = program.command('intrinsic-dim').description('intrinsic dimension (Li et al.): accuracy against subspace dimension d, d_int90 under the absolute and trained-baseline conventions');
  addDataOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--subspace-dims <list>', 'increasing subspace dimensions, comma-separated', parseDimList('--subspace-dims'), [10, 50, 100, 200, 300, 500, 750, 1000, 1500])
    .option('--no-baseline', 'skip direct training of all D parameters (then only the absolute convention is reported)')
    .option('--baseline-lr <rate>', 'learning rate of the direct baseline (--lr is for the subspace runs)', parsePositive('--baseline-lr'), 1e-3)
    .option('--fraction <f>', 'the fraction of the reference accuracy to reach', parseFloatOption('--fraction', { min: 0, max: 1, exclusiveMin: true }), 0.9)
    .option('--patience <n>', 'train each run to convergence: stop once its training loss has not improved by --min-improvement for n epochs in a row (--epochs is then the most); without it every run takes --epochs', parseIntOption('--patience', 1))
    .option('--min-improvement <f>', 'with --patience: the relative improvement of the best training loss that counts', parseFloatOption('--min-improvement', { min: 0, max: 1, exclusiveMax: true }), 0.01);
  projectionOption(cmd);
  addTrainingOptions(cmd, { lr: 0.03, epochs: 1, batchSize: 128 });
  addRunOptions(cmd, 'runs/intrinsic-dim', { sweep: true });
  cmd.action(async (flags: IntrinsicDimFlags) => {
    await runIntrinsicDim(flags);
  });
}
