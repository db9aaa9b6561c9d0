/**
 * `goldilocks subspace-train`: train a network on a random hyperplane or
 * hypersphere through its initialisation (Li et al. 2018; Fort & Scherlis
 * 2019), or on all of θ, recording the radius ‖θ‖ as it goes.
 *
 *   # Li et al.'s d = 1000 hyperplane for the MNIST MLP
 *   npx goldilocks subspace-train --surface hyperplane --subspace-dim 1000 --projection sparse \
 *     --lr 0.03 --epochs 2 --out runs/hyperplane-1000
 *   # a 100-dimensional sphere of radius 30 (the hyperplane through θ̂_init·30, projected radially)
 *   npx goldilocks subspace-train --surface sphere --subspace-dim 100 --radius 30
 *   # unconstrained training from a small radius: r(t) grows like √t
 *   npx goldilocks subspace-train --subspace-dim full --init-scale 0.01 --radius-every 5
 *
 * θ₀ = α·θ_init (--init-scale α) or r·θ_init/‖θ_init‖ (--radius r). `--subspace-dim full`
 * trains all D parameters: on a hyperplane that is ordinary training from θ₀,
 * on a sphere the full-space sphere ‖θ‖ = ‖θ₀‖. Writes log.json (config,
 * per-epoch history, r(t) samples, and over the second half of training, or
 * from --fit-from, the fits r² = a + b·t and r ∝ t^β), log.csv,
 * radius.csv, and loss, accuracy, radius (log–log) and radius² plots (SVG and PNG).
 *
 * Its training flags, θ₀ and surface come from ../subspace-options.ts, which
 * radius-sweep, intrinsic-dim and init-select share.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { getBackend } from '../../autodiff/index.js';
import { euclideanNorm as norm, expectedRadius, trainModel, type EpochRecord } from '../../nn/index.js';
import {
  fitDiffusiveGrowth, fitPowerLaw, radiusRecorder, type DiffusiveFit, type PowerLawFit, type RadiusSample, type SubspaceKind,
} from '../../landscape/index.js';
import {
  SURFACES, addTrainingOptions, asUserError, buildSurface, optimizerFactory, parseDim, projectionOption, setUp, type Surface, type TrainingFlags,
} from '../subspace-options.js';
import { UserError, parseChoice, parseIntOption } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { startRun } from '../harness.js';
import { lineChartSpec, savePlot, type Series } from '../plot.js';
import { createProgress } from '../progress.js';
import {
  addDataOptions, addModelOptions, addRunOptions, parsePositive, seededRandom, type DataOptions, type ModelFlags, type RunFlags,
} from '../common.js';

// ---------------------------------------------------------------------------
// subspace-train

interface SubspaceTrainFlags extends DataOptions, ModelFlags, RunFlags, TrainingFlags {
  surface: Surface;
  subspaceDim: number | 'full';
  initScale?: number;
  radius?: number;
  projection: SubspaceKind;
  radiusEvery: number;
  fitFrom?: number;
}

export interface SubspaceTrainReport {
  config: Record<string, unknown>;
  history: EpochRecord[];
  radius: RadiusSample[];
  /**
   * Fits to the samples from step ≥ fromStep (default: the second half of
   * training): r ∝ t^β, and r² = a + b·t (a straight line here is √t growth);
   * null with too few samples.
   */
  radiusFit: { fromStep: number; powerLaw: PowerLawFit; diffusive: DiffusiveFit } | null;
}

export async function runSubspaceTrain(flags: SubspaceTrainFlags): Promise<SubspaceTrainReport> {
  if (flags.initScale !== undefined && flags.radius !== undefined) throw new UserError('give --init-scale or --radius, not both');
  const run = startRun('subspace-train', flags);
  const { backend, train, test, model, thetaInit } = setUp(flags);
  const rInit = norm(thetaInit);
  const factor = flags.radius !== undefined ? flags.radius / rInit : (flags.initScale ?? 1);
  const origin = thetaInit.map((v) => v * factor);
  const parametrisation = buildSurface(flags.surface, origin, flags.subspaceDim, flags.projection, flags.seed);
  const out = run.dir;
  const stepsPerEpoch = Math.ceil(train.labels.length / flags.batchSize);
  const totalSteps = flags.epochs * stepsPerEpoch;
  const recorder = radiusRecorder({ every: flags.radiusEvery, ...(parametrisation ? { parametrisation } : {}) });
  const initial = parametrisation ? parametrisation.initial : origin;
  recorder.start(initial);
  const config = {
    command: 'subspace-train',
    dataset: flags.dataset, normalize: flags.normalize, samples: train.labels.length, testSamples: test.labels.length,
    model: model.name, parameters: model.spec.size, activation: flags.activation, init: flags.init, bias: flags.bias,
    surface: flags.surface, subspaceDim: flags.subspaceDim, trainedDim: parametrisation?.trainedDim ?? model.spec.size,
    projection: flags.subspaceDim === 'full' ? null : flags.projection,
    rInit, expectedRInit: expectedRadius(model, flags.init), initScale: factor, startRadius: norm(origin),
    optimizer: flags.optimizer, lr: flags.lr, ...(flags.optimizer === 'sgd' ? { momentum: flags.momentum } : {}), epochs: flags.epochs, batchSize: flags.batchSize,
    radiusEvery: flags.radiusEvery, seed: flags.seed, dtype: flags.dtype, backend, backendDescription: getBackend().describe(),
  };
  const progress = createProgress({ label: 'subspace-train', total: totalSteps, quiet: flags.quiet });
  const started = performance.now();
  const result = asUserError('training', () =>
    trainModel({
      model, train, test, optimizer: optimizerFactory(flags)(), epochs: flags.epochs, batchSize: flags.batchSize,
      rng: seededRandom(flags.seed + 1), initial, dtype: flags.dtype,
      ...(parametrisation ? { parametrisation } : {}),
      onStep: (info, w) => {
        recorder.onStep(info, w);
        progress.update(info.globalStep, { epoch: info.epoch, loss: info.loss });
      },
      onEpoch: (r) => progress.log(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}; test accuracy ${(100 * (r.testAccuracy ?? 0)).toFixed(2)} %; ‖θ‖ = ${r.radius.toFixed(3)} (${r.seconds.toFixed(1)} s)`),
    }),
  );
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  const fromStep = flags.fitFrom ?? Math.max(1, Math.floor(totalSteps / 2));
  const window = recorder.samples.filter((s) => s.step >= fromStep);
  const radiusFit = new Set(window.map((s) => s.step)).size >= 2
    ? { fromStep, powerLaw: fitPowerLaw(window.map((s) => ({ x: s.step, y: s.radius }))), diffusive: fitDiffusiveGrowth(window) }
    : null;
  const report: SubspaceTrainReport = { config: { ...config, seconds }, history: result.history, radius: recorder.samples, radiusFit };
  const full = { ...report, provenance: run.provenance(report.config, flags.dtype) };
  writeJson(join(out, 'log.json'), full);
  writeCsv(join(out, 'log.csv'), result.history.map((r) => ({ ...r })));
  writeCsv(join(out, 'radius.csv'), recorder.samples.map((s) => ({ ...s })));
  await writePlots(out, report, model.name, flags);
  const last = result.history[result.history.length - 1]!;
  const surfaceText = flags.subspaceDim === 'full'
    ? (flags.surface === 'sphere' ? `the full sphere ‖θ‖ = ${norm(origin).toFixed(3)}` : `all ${model.spec.size} parameters, unconstrained`)
    : `${flags.surface}, d = ${flags.subspaceDim}, ${flags.projection} projection`;
  const fitText = radiusFit
    ? `\nfrom step ${radiusFit.fromStep}: r² = ${radiusFit.diffusive.offset.toPrecision(4)} + ${radiusFit.diffusive.rate.toPrecision(4)}·t (R² ${radiusFit.diffusive.rSquared.toFixed(4)}); r ∝ t^${radiusFit.powerLaw.exponent.toFixed(3)} (R² ${radiusFit.powerLaw.rSquared.toFixed(4)})`
    : '';
  run.finish(full, `${surfaceText}: test accuracy ${(100 * (last.testAccuracy ?? 0)).toFixed(2)} % after ${flags.epochs} epoch(s) in ${seconds.toFixed(1)} s; ‖θ‖ ${norm(origin).toFixed(3)} → ${last.radius.toFixed(3)}${fitText}\nwrote ${out}/log.json, log.csv, radius.csv and plots`);
  return report;
}

async function writePlots(out: string, report: SubspaceTrainReport, modelName: string, flags: SubspaceTrainFlags): Promise<void> {
  const { history } = report;
  const surface = flags.subspaceDim === 'full' ? (flags.surface === 'sphere' ? 'the full sphere' : 'all parameters') : `${flags.surface} d = ${flags.subspaceDim}`;
  const title = `${modelName} on ${flags.dataset}, ${surface}`;
  const series = (name: string, key: keyof EpochRecord): Series => ({ name, points: history.map((r) => ({ x: r.epoch, y: r[key] as number })) });
  await savePlot(join(out, 'loss'), lineChartSpec({ title: `${title}: loss`, xLabel: 'epoch', yLabel: 'cross-entropy', series: [series('train', 'trainLoss'), series('test', 'testLoss')] }), { png: true });
  await savePlot(join(out, 'accuracy'), lineChartSpec({ title: `${title}: accuracy`, xLabel: 'epoch', yLabel: 'accuracy', series: [series('train', 'trainAccuracy'), series('test', 'testAccuracy')] }), { png: true });
  const measured = report.radius.filter((s) => s.step > 0);
  if (measured.length < 2) return;
  const fit = report.radiusFit;
  const radiusSeries: Series[] = [{ name: '‖θ‖ measured', points: measured.map((s) => ({ x: s.step, y: s.radius })) }];
  const squaredSeries: Series[] = [{ name: '‖θ‖² measured', points: report.radius.map((s) => ({ x: s.step, y: s.radius ** 2 })) }];
  if (fit) {
    const { offset, rate } = fit.diffusive;
    const inWindow = measured.filter((s) => s.step >= fit.fromStep);
    radiusSeries.push({ name: `√(${offset.toPrecision(3)} + ${rate.toPrecision(3)}·t) fitted from t = ${fit.fromStep}`, points: inWindow.map((s) => ({ x: s.step, y: Math.sqrt(Math.max(offset + rate * s.step, 1e-300)) })) });
    radiusSeries.push({ name: `${fit.powerLaw.prefactor.toPrecision(3)}·t^${fit.powerLaw.exponent.toFixed(3)} fitted from t = ${fit.fromStep}`, points: inWindow.map((s) => ({ x: s.step, y: fit.powerLaw.prefactor * s.step ** fit.powerLaw.exponent })) });
    const end = measured[measured.length - 1]!;
    radiusSeries.push({ name: '∝ √t (slope ½)', points: measured.map((s) => ({ x: s.step, y: end.radius * Math.sqrt(s.step / end.step) })) });
    squaredSeries.push({ name: `${offset.toPrecision(3)} + ${rate.toPrecision(3)}·t (R² ${fit.diffusive.rSquared.toFixed(3)})`, points: inWindow.map((s) => ({ x: s.step, y: offset + rate * s.step })) });
  }
  await savePlot(join(out, 'radius'), lineChartSpec({ title: `${title}: radius r(t) = ‖θ‖`, xLabel: 'optimiser step t', yLabel: '‖θ‖', xLog: true, yLog: true, series: radiusSeries }), { png: true });
  await savePlot(join(out, 'radius-squared'), lineChartSpec({ title: `${title}: ‖θ‖² (a straight line is √t growth)`, xLabel: 'optimiser step t', yLabel: '‖θ‖²', series: squaredSeries }), { png: true });
}

export function register(program: Command): void {
  const cmd = program.command('subspace-train').description('train on a random hyperplane or hypersphere through the initialisation (or on all of θ), recording the radius ‖θ‖');
  addDataOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--surface <kind>', 'hyperplane (θ₀ + P·w) or sphere (‖θ‖ = ‖θ₀‖)', parseChoice('--surface', SURFACES), 'hyperplane')
    .option('--subspace-dim <d>', 'dimension d of the surface, or "full" for all D parameters', parseDim('--subspace-dim'), 1000)
    .option('--init-scale <alpha>', 'θ₀ = α·θ_init (default 1)', parsePositive('--init-scale'))
    .option('--radius <r>', 'θ₀ = r·θ_init/‖θ_init‖ instead of --init-scale', parsePositive('--radius'))
    .option('--radius-every <n>', 'record ‖θ‖ every n optimiser steps', parseIntOption('--radius-every', 1), 10)
    .option('--fit-from <step>', 'fit r(t) ∝ t^β to the samples from this step on (default: the second half of training)', parseIntOption('--fit-from', 1));
  projectionOption(cmd);
  addTrainingOptions(cmd, { lr: 0.03, epochs: 2, batchSize: 128 });
  addRunOptions(cmd, 'runs/subspace-train');
  cmd.action(async (flags: SubspaceTrainFlags) => {
    await runSubspaceTrain(flags);
  });
}
