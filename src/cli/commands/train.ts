/**
 * `goldilocks train`: train a network on a dataset, with a progress bar, a
 * per-epoch log (JSON and CSV), the final checkpoint and a plot of the curves.
 *
 *   npx goldilocks train --dataset mnist --model 784-200-200-10 --activation relu \
 *     --init xavier --optimizer adam --lr 1e-3 --epochs 3 --seed 0 --out runs/mlp
 *
 * After every epoch it keeps what --resume needs to continue exactly
 * (training-state.json). Ctrl-C stops after the mini-batch in progress,
 * keeping the last finished epoch, and exits with 130.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  NonFiniteLossError, adam, constantSchedule, cosineSchedule, expectedRadius, saveCheckpoint, sgd, stepSchedule, toNamedArrays, trainSteps,
  type EpochRecord, type Optimizer, type Schedule, type TrainResult, type TrainingResumePoint,
} from '../../nn/index.js';
import { fromTypedArray, getBackend } from '../../autodiff/index.js';
import { describeModel, loadCheckpointTheta } from '../checkpoint-model.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption } from '../errors.js';
import { writeCsv, writeFileAtomic, writeJson } from '../output.js';
import { startRun } from '../harness.js';
import { savePlot, lineChartSpec } from '../plot.js';
import { createProgress } from '../progress.js';
import { MOMENTUM_HELP, addDataOptions, adoptCheckpointArchitecture, addModelOptions, addRunOptions, buildModel, loadData, parsePositive, seededRandom, selectBackend, type DataOptions, type ModelFlags, type RunFlags } from '../common.js';

interface TrainFlags extends DataOptions, ModelFlags, RunFlags {
  optimizer: 'adam' | 'sgd';
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: 'constant' | 'step' | 'cosine';
  epochs: number;
  batchSize: number;
  initScale: number;
  from?: string;
  maxLoss: number;
}

/** The state train keeps after every epoch, for --resume. */
const TRAINING_STATE_FILE = 'training-state.json';

interface TrainingState {
  start: TrainingResumePoint<unknown>;
  history: EpochRecord[];
}

function writeTrainingState(path: string, state: TrainingState): void {
  writeFileAtomic(path, JSON.stringify(state, (_key, value: unknown) => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value)));
}

/** Arrays of numbers in the saved optimiser state become Float64Arrays again, as the optimiser made them. */
function reviveVectors(value: unknown): unknown {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Float64Array.from(value as number[]);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveVectors(v)]));
  return value;
}

/** The state of the interrupted run, if it finished an epoch. */
function readTrainingState(path: string): TrainingState | undefined {
  if (!existsSync(path)) return undefined;
  const saved = JSON.parse(readFileSync(path, 'utf8')) as TrainingState;
  return { history: saved.history, start: { ...saved.start, w: Float64Array.from(saved.start.w), state: reviveVectors(saved.start.state) } };
}

function makeOptimizer(flags: TrainFlags): Optimizer<unknown> {
  return (flags.optimizer === 'adam'
    ? adam({ learningRate: flags.lr, weightDecay: flags.weightDecay })
    : sgd({ learningRate: flags.lr, momentum: flags.momentum, weightDecay: flags.weightDecay })) as Optimizer<unknown>;
}

function makeSchedule(flags: TrainFlags, stepsPerEpoch: number): Schedule {
  if (flags.schedule === 'step') return stepSchedule(flags.lr, { every: Math.max(1, Math.ceil(flags.epochs / 3)), gamma: 0.1, stepsPerEpoch });
  if (flags.schedule === 'cosine') return cosineSchedule(flags.lr, { totalSteps: flags.epochs * stepsPerEpoch });
  return constantSchedule(flags.lr);
}

export async function runTrain(flags: TrainFlags): Promise<{ history: EpochRecord[] }> {
  const run = startRun('train', flags);
  const backend = selectBackend(flags.backend);
  const out = run.dir;
  const rng = seededRandom(flags.seed);
  const { train, test } = loadData(flags, flags.seed);
  const model = buildModel(flags, train);
  let theta: Float64Array;
  const description = describeModel(model, { architecture: flags.model, activation: flags.activation, bias: flags.bias, dtype: flags.dtype });
  if (flags.from) {
    theta = loadCheckpointTheta('--from', flags.from, model, description);
  } else {
    theta = model.init(rng, flags.init, flags.initScale).toTypedArray() as Float64Array;
  }
  const stepsPerEpoch = Math.ceil(train.labels.length / flags.batchSize);
  const progress = createProgress({ label: 'train', total: flags.epochs * stepsPerEpoch, quiet: flags.quiet });
  const config = {
    command: 'train',
    dataset: flags.dataset, normalize: flags.normalize, samples: train.labels.length, testSamples: test.labels.length,
    model: model.name, parameters: model.spec.size, activation: flags.activation, init: flags.init, initScale: flags.initScale, bias: flags.bias,
    expectedInitRadius: expectedRadius(model, flags.init, flags.initScale),
    optimizer: flags.optimizer, lr: flags.lr, ...(flags.optimizer === 'sgd' ? { momentum: flags.momentum } : {}), weightDecay: flags.weightDecay, schedule: flags.schedule,
    epochs: flags.epochs, batchSize: flags.batchSize, seed: flags.seed, dtype: flags.dtype,
    backend, backendDescription: getBackend().describe(), from: flags.from ?? null,
  };
  const resumeFrom = run.resumed ? readTrainingState(run.file(TRAINING_STATE_FILE)) : undefined;
  const earlier = resumeFrom?.history ?? [];
  let result: TrainResult | undefined;
  try {
    const steps = trainSteps({
      model, train, test, optimizer: makeOptimizer(flags), schedule: makeSchedule(flags, stepsPerEpoch),
      epochs: flags.epochs, batchSize: flags.batchSize, rng, initial: theta, dtype: flags.dtype,
      ...(resumeFrom ? { start: resumeFrom.start } : {}),
      onStep: (info) => {
        if (info.loss > flags.maxLoss) {
          const kept = info.epoch > 1 ? `; the ${info.epoch - 1} finished epoch(s) are kept in ${run.file(TRAINING_STATE_FILE)}` : '';
          throw new UserError(`training diverged: the loss ${info.loss.toPrecision(4)} at epoch ${info.epoch}, step ${info.step} exceeds --max-loss ${flags.maxLoss}${kept}; lower --lr`);
        }
        progress.update(info.globalStep, { epoch: info.epoch, loss: info.loss });
      },
      // after every epoch, everything needed to continue exactly: weights, optimiser and schedule state, the epochs' log
      onEpoch: (r, _w, point) => {
        earlier.push(r);
        writeTrainingState(run.file(TRAINING_STATE_FILE), { start: point, history: earlier });
        progress.log(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, accuracy ${(100 * r.trainAccuracy).toFixed(2)} %; test loss ${r.testLoss?.toFixed(4)}, accuracy ${(100 * (r.testAccuracy ?? 0)).toFixed(2)} % (${r.seconds.toFixed(1)} s)`);
      },
    });
    // one mini-batch at a time, giving the event loop a turn after each: Ctrl-C stops after the batch in
    // progress, keeping the state of the last finished epoch (the unfinished epoch is dropped; --resume redoes it)
    for (;;) {
      const next = steps.next();
      if (next.done) {
        result = next.value;
        break;
      }
      await run.interruptionPoint(earlier.length > 0
        ? `the state after epoch ${earlier.length} (epoch ${next.value.epoch}, unfinished, is dropped)`
        : 'no finished epoch (the run starts again from the beginning); the run directory');
    }
  } catch (error) {
    progress.stop();
    if (error instanceof NonFiniteLossError) throw new UserError(error.message);
    throw error;
  }
  progress.stop();
  const history = earlier;
  const full = { config, history, provenance: run.provenance(config, flags.dtype) };
  writeJson(join(out, 'log.json'), full);
  writeCsv(join(out, 'log.csv'), history.map((r) => ({ ...r })));
  saveCheckpoint(join(out, 'checkpoint'), toNamedArrays(fromTypedArray(result.theta, [result.theta.length]), model.spec), { ...config, epoch: flags.epochs, modelDescription: description });
  const series = (name: string, key: keyof EpochRecord) => ({ name, points: history.map((r) => ({ x: r.epoch, y: r[key] as number })) });
  await savePlot(join(out, 'loss'), lineChartSpec({ title: `${model.name} on ${flags.dataset}: loss`, xLabel: 'epoch', yLabel: 'cross-entropy', series: [series('train', 'trainLoss'), series('test', 'testLoss')] }), { png: true });
  await savePlot(join(out, 'accuracy'), lineChartSpec({ title: `${model.name} on ${flags.dataset}: accuracy`, xLabel: 'epoch', yLabel: 'accuracy', series: [series('train', 'trainAccuracy'), series('test', 'testAccuracy')] }), { png: true });
  const last = history[history.length - 1]!;
  run.finish(full, `test accuracy ${(100 * (last.testAccuracy ?? 0)).toFixed(2)} % after ${flags.epochs} epoch(s); wrote ${out}/log.json, log.csv, checkpoint.json/.bin, loss.svg/.png, accuracy.svg/.png`);
  return { history };
}

export function register(program: Command): void {
  const cmd = program.command('train').description('train a network and write its log, checkpoint and curves');
  addDataOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--init-scale <alpha>', 'multiply the initial weights by alpha', parsePositive('--init-scale'), 1)
    .option('--from <checkpoint>', 'start from a saved checkpoint instead of an initialisation (one saved in the other dtype is converted, with a note)')
    .option('--optimizer <name>', 'adam or sgd', parseChoice('--optimizer', ['adam', 'sgd'] as const), 'adam')
    .option('--lr <rate>', 'learning rate', parsePositive('--lr'), 1e-3)
    .option('--momentum <m>', MOMENTUM_HELP, parseFloatOption('--momentum', { min: 0, max: 1, exclusiveMax: true }), 0.9)
    .option('--weight-decay <w>', 'L2 weight decay', parseFloatOption('--weight-decay', { min: 0 }), 0)
    .option('--schedule <name>', 'learning-rate schedule: constant, step, cosine', parseChoice('--schedule', ['constant', 'step', 'cosine'] as const), 'constant')
    .option('--epochs <n>', 'epochs', parseIntOption('--epochs', 1), 3)
    .option('--batch-size <n>', 'mini-batch size', parseIntOption('--batch-size', 1), 128)
    .option('--max-loss <x>', 'stop with exit status 2 when a mini-batch loss exceeds this (divergence)', parsePositive('--max-loss'), 1e4);
  addRunOptions(cmd, 'runs/train');
  cmd.action(async (flags: TrainFlags) => {
    if (flags.from) adoptCheckpointArchitecture(cmd, '--from', flags.from, flags);
    await runTrain(flags);
  });
}
