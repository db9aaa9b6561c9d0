/**
 * `goldilocks radius-sweep`: the accuracy reached by training on a random
 * low-dimensional surface, against the radius where the surface sits
 * (Fort & Scherlis 2019, their main training figure).
 *
 * Draw θ_init once. For each α on a log grid, train on a d-dimensional
 * hyperplane through α·θ_init (or on the d-dimensional sphere of radius
 * α·‖θ_init‖ through it) for a fixed budget, always with the same random
 * projection P and the same mini-batch order, and record the test accuracy.
 * Fort & Scherlis's finding: accuracy is high where the surface meets the
 * Goldilocks zone, around the radius of the usual initialisations, and
 * collapses well inside or outside it. The plot has a log radius axis, with
 * r_init marked.
 *
 *   npx goldilocks radius-sweep --subspace-dim 200 --scales 0.1:10:9 --epochs 1 --samples 20000
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { getBackend } from '../../autodiff/index.js';
import { NonFiniteLossError, euclideanNorm as norm, evaluate, expectedRadius, trainModel, type EpochRecord } from '../../nn/index.js';
import type { SubspaceKind } from '../../landscape/index.js';
import { UserError, parseChoice, parseIntOption, parseRange, type Range } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { startRun } from '../harness.js';
import { lineChartSpec, savePlot } from '../plot.js';
import { createProgress } from '../progress.js';
import { addDataOptions, addModelOptions, addRunOptions, logGrid, seededRandom, type DataOptions, type ModelFlags, type RunFlags } from '../common.js';
import {
  SURFACES, addTrainingOptions, asUserError, buildSurface, optimizerFactory, projectionOption, setUp, verticalLine, type Surface, type TrainingFlags,
} from '../subspace-options.js';

interface RadiusSweepFlags extends DataOptions, ModelFlags, RunFlags, TrainingFlags {
  surface: Surface;
  subspaceDim: number;
  projection: SubspaceKind;
  scales: Range;
}

export interface RadiusSweepPoint {
  scale: number;
  /** ‖θ₀‖ = α·r_init, where the surface passes through. */
  startRadius: number;
  /** ‖θ‖ after training (= startRadius on a sphere). */
  finalRadius: number;
  startTestAccuracy: number;
  testAccuracy: number;
  testLoss: number;
  trainLoss: number;
  seconds: number;
  /** Set when training diverged at this radius (accuracy is then that of the start). */
  diverged?: string;
  history: EpochRecord[];
}

export interface RadiusSweepReport {
  config: Record<string, unknown>;
  rInit: number;
  points: RadiusSweepPoint[];
}

export async function runRadiusSweep(flags: RadiusSweepFlags): Promise<RadiusSweepReport | undefined> {
  const run = startRun('radius-sweep', flags);
  const out = run.dir;
  const { backend, train, test, model, thetaInit } = setUp(flags);
  if (flags.subspaceDim > model.spec.size) throw new UserError(`--subspace-dim ${flags.subspaceDim} exceeds the ${model.spec.size} parameters of ${model.name}`);
  const rInit = norm(thetaInit);
  const scales = logGrid(flags.scales);
  const stepsPerEpoch = Math.ceil(train.labels.length / flags.batchSize);
  const progress = createProgress({ label: 'radius-sweep', total: scales.length * flags.epochs * stepsPerEpoch, quiet: flags.quiet });
  const makeOptimizer = optimizerFactory(flags);
  const points: RadiusSweepPoint[] = await run.sweep('scale', scales, (scale, i) => {
    const origin = thetaInit.map((v) => v * scale);
    // the same P for every radius (same seed): only the radius changes
    const surface = buildSurface(flags.surface, origin, flags.subspaceDim, flags.projection, flags.seed)!;
    const started = performance.now();
    const start = asUserError('evaluation', () => evaluate(model, surface.toTheta(surface.initial), test, { dtype: flags.dtype }));
    const trainOnSurface = (): { accuracy: number; loss: number; trainLoss: number; radius: number; history: EpochRecord[] } => {
      const result = trainModel({
        model, train, test, optimizer: makeOptimizer(), epochs: flags.epochs, batchSize: flags.batchSize, rng: seededRandom(flags.seed + 1),
        initial: surface.initial, parametrisation: surface, dtype: flags.dtype,
        onStep: (info) => progress.update(i * flags.epochs * stepsPerEpoch + info.globalStep, { 'r/r_init': scale, loss: info.loss }),
      });
      const last = result.history[result.history.length - 1]!;
      return { accuracy: last.testAccuracy!, loss: last.testLoss!, trainLoss: last.trainLoss, radius: last.radius, history: result.history };
    };
    let trained: ReturnType<typeof trainOnSurface>;
    let diverged: string | undefined;
    try {
      trained = trainOnSurface();
    } catch (error) {
      // far outside the zone the loss can overflow: record that radius as diverged instead of losing the sweep
      if (!(error instanceof NonFiniteLossError)) throw error;
      diverged = error.message;
      trained = { ...start, trainLoss: start.loss, radius: scale * rInit, history: [] };
    }
    const point: RadiusSweepPoint = {
      scale, startRadius: scale * rInit, finalRadius: trained.radius, startTestAccuracy: start.accuracy,
      testAccuracy: trained.accuracy, testLoss: trained.loss, trainLoss: trained.trainLoss, seconds: (performance.now() - started) / 1000,
      ...(diverged ? { diverged } : {}), history: trained.history,
    };
    return point;
  }, (point, i) => {
    progress.update((i + 1) * flags.epochs * stepsPerEpoch);
    progress.log(`r/r_init = ${point.scale.toPrecision(3)} (r = ${point.startRadius.toFixed(2)}): test accuracy ${(100 * point.startTestAccuracy).toFixed(1)} % → ${(100 * point.testAccuracy).toFixed(2)} %${point.diverged ? ' (diverged)' : ''} (${point.seconds.toFixed(1)} s)`);
  });
  progress.stop();
  if (run.shard) {
    run.finishShard();
    return undefined;
  }
  const report: RadiusSweepReport = {
    config: {
      command: 'radius-sweep', dataset: flags.dataset, normalize: flags.normalize, samples: train.labels.length, testSamples: test.labels.length,
      model: model.name, parameters: model.spec.size, activation: flags.activation, init: flags.init, bias: flags.bias,
      surface: flags.surface, subspaceDim: flags.subspaceDim, projection: flags.projection, scales: flags.scales,
      optimizer: flags.optimizer, lr: flags.lr, ...(flags.optimizer === 'sgd' ? { momentum: flags.momentum } : {}), epochs: flags.epochs, batchSize: flags.batchSize,
      expectedRInit: expectedRadius(model, flags.init), seed: flags.seed, dtype: flags.dtype, backend, backendDescription: getBackend().describe(),
    },
    rInit,
    points,
  };
  const full = { ...report, provenance: run.provenance(report.config, flags.dtype) };
  writeJson(join(out, 'radius-sweep.json'), full);
  writeCsv(join(out, 'radius-sweep.csv'), points.map(({ history: _history, ...row }) => ({ ...row, diverged: row.diverged ?? null })));
  const title = `${model.name} on ${flags.dataset}: training on a random ${flags.subspaceDim}-dim ${flags.surface}`;
  await savePlot(join(out, 'accuracy-vs-radius'), lineChartSpec({
    title, xLabel: 'radius r = ‖θ₀‖ where the surface passes', yLabel: 'test accuracy', xLog: true,
    series: [
      { name: `after ${flags.epochs} epoch(s)`, points: points.map((p) => ({ x: p.startRadius, y: p.testAccuracy })) },
      { name: 'at the start', points: points.map((p) => ({ x: p.startRadius, y: p.startTestAccuracy })) },
      verticalLine(`r_init (${flags.init}) = ${rInit.toFixed(1)}`, rInit, 0, 1),
    ],
  }), { png: true });
  const best = points.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  run.finish(full, `r_init = ${rInit.toFixed(3)}; best test accuracy ${(100 * best.testAccuracy).toFixed(2)} % at r = ${best.startRadius.toFixed(3)} (r/r_init ${best.scale.toPrecision(3)})\nwrote ${out}/radius-sweep.json, radius-sweep.csv, accuracy-vs-radius.svg/.png`);
  return report;
}

export function register(program: Command): void {
  const cmd = program.command('radius-sweep').description('accuracy after training on a random d-dim hyperplane (or sphere) through α·θ_init, against the radius (Fort & Scherlis)');
  addDataOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--surface <kind>', 'hyperplane (θ₀ + P·w) or sphere (‖θ‖ = ‖θ₀‖)', parseChoice('--surface', SURFACES), 'hyperplane')
    .option('--subspace-dim <d>', 'dimension d of the surface', parseIntOption('--subspace-dim', 1), 200)
    .option('--scales <MIN:MAX:COUNT>', 'log-spaced multipliers α of θ_init (radius α·r_init), or one number', parseRange('--scales', { single: true }), { min: 0.1, max: 10, count: 9 });
  projectionOption(cmd);
  addTrainingOptions(cmd, { lr: 0.03, epochs: 1, batchSize: 128 });
  addRunOptions(cmd, 'runs/radius-sweep', { sweep: true });
  cmd.action(async (flags: RadiusSweepFlags) => {
    await runRadiusSweep(flags);
  });
}
