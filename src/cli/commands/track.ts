/**
 * `goldilocks track`: watch the Hessian while a network trains.
 *
 *   goldilocks track --model 784-32-10 --activation tanh --samples 1000 --steps 200 --every 50 --out runs/track
 *
 * A short training run (Adam or SGD from goldilocks/nn, full batch unless
 * --batch-size is given) that every --every steps, and at the end, records
 * on the training subset:
 *
 *   the loss, accuracy and gradient norm;
 *   the top-k Hessian eigenvalues (Lanczos on exact HVPs);
 *   the overlap ‖P g‖/‖g‖ of the gradient with the top --overlap-k
 *   eigenvectors (Gur-Ari et al.: it grows to near 1 as training starts);
 *   the within-class and cross-class alignment of the logit gradients
 *   (WCA, CCA; Fort & Ganguli, Vysogorets et al.) on a class-balanced
 *   subsample of --align-per-class samples per class.
 *
 * Writes to --out: track.json, track.csv, the plots eigenvalues, overlap,
 * alignment and loss (.svg and .png), and the final parameters as a
 * checkpoint (checkpoint.json/.bin), which `goldilocks spectrum
 * --checkpoint` reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Random, fromTypedArray, valueAndGrad, type Tensor } from '../../autodiff/index.js';
import { adam, saveCheckpoint, sgd, toNamedArrays, toFloat64 as vectorToFloat64, type Optimizer } from '../../nn/index.js';
import {
  classBalancedIndices, countingOperator, crossEntropyLoss, datasetClassifier, gradientAt, hessianOperator, logitGradientAlignment, modelClassifier,
  outputStatistics, overlapWithEigenvectors, selectRows, topEigenpairs,
} from '../../landscape/index.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption } from '../errors.js';
import { writeCsv, writeFileAtomic, writeJson, type CsvValue } from '../output.js';
import { addOutputOptions, runSettings, startRun, type OutputFlags, type Run } from '../harness.js';
import { createProgress } from '../progress.js';
import { MOMENTUM_HELP, backendRecord } from '../common.js';
import { addNetworkOptions, loadNetwork, requireFiniteLoss, savePlots, type NetworkOptions, type NetworkSetup } from '../network.js';
import { describeModel } from '../checkpoint-model.js';

interface TrackOptions extends NetworkOptions, OutputFlags {
  maxLoss: number;
  optimizer: 'adam' | 'sgd';
  lr?: number;
  momentum: number;
  steps: number;
  every: number;
  batchSize?: number;
  topK: number;
  overlapK: number;
  alignPerClass: number;
}

export interface TrackRecord {
  step: number;
  loss: number;
  accuracy: number;
  gradientNorm: number;
  topEigenvalues: number[];
  lanczosConverged: boolean;
  overlap: number;
  randomBaseline: number;
  withinClassAlignment: number | null;
  crossClassAlignment: number;
  differentClassAlignment: number | null;
  seconds: number;
}

/** One optimiser as a function θ, g ↦ θ′ that keeps its own state (readable, to save it). */
function stepper<State>(optimizer: Optimizer<State>, theta0: Float64Array, saved?: State): { step: (theta: Float64Array, gradient: Float64Array) => Float64Array; state: () => State } {
  let state = saved ?? optimizer.init(theta0);
  return {
    step: (theta, gradient) => {
      const next = optimizer.step(theta, gradient, state);
      state = next.state;
      return next.theta;
    },
    state: () => state,
  };
}

/** Where the training loop stands at a record step: enough to continue it exactly (kept in track-state.json). */
interface TrackState {
  /** The step just recorded. */
  step: number;
  records: TrackRecord[];
  theta: number[];
  optimizerState: unknown;
  cursor: number;
  /** How many times the mini-batch order was drawn again after the first (replayed on resume). */
  reshuffles: number;
}

const TRACK_STATE_FILE = 'track-state.json';

/** Arrays of numbers in a saved optimiser state become Float64Arrays again. */
function reviveVectors(value: unknown): unknown {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return Float64Array.from(value as number[]);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveVectors(v)]));
  return value;
}

/** The network, the batches, the alignment subset and the steps to record, checked before any computation. */
interface TrackSetup extends NetworkSetup {
  D: number;
  n: number;
  batchSize: number;
  learningRate: number;
  loss: ReturnType<typeof crossEntropyLoss>;
  alignIndices: Int32Array | number[];
  alignClassifier: ReturnType<typeof datasetClassifier>;
  recordSteps: Set<number>;
  lanczosSteps: number;
}

function setUpTrack(options: TrackOptions): TrackSetup {
  const network = loadNetwork(options);
  const { model, dataset, classifier, theta } = network;
  const D = theta.length;
  const n = classifier.labels.length;
  if (options.topK > D) throw new UserError(`--top-k ${options.topK} is more than the ${D} parameters`);
  if (options.overlapK > options.topK) throw new UserError(`--overlap-k ${options.overlapK} must not exceed --top-k ${options.topK}`);
  requireFiniteLoss(outputStatistics(classifier, theta).loss, options);
  const alignIndices = classBalancedIndices(dataset.labels, dataset.numClasses, options.alignPerClass, options.seed + 1);
  const recordSteps = new Set<number>([0, options.steps]);
  for (let s = options.every; s < options.steps; s += options.every) recordSteps.add(s);
  return {
    ...network, D, n,
    batchSize: Math.min(options.batchSize ?? n, n),
    learningRate: options.lr ?? (options.optimizer === 'adam' ? 1e-3 : 0.1),
    loss: crossEntropyLoss(classifier),
    alignIndices,
    alignClassifier: datasetClassifier(model, dataset, alignIndices, options.dtype),
    recordSteps,
    lanczosSteps: Math.min(D, Math.max(4 * options.topK, 60)),
  };
}

/** The measurements at one step: loss, accuracy, top eigenvalues, gradient overlap, logit-gradient alignment. */
function measureTrackPoint(setup: TrackSetup, options: TrackOptions, step: number, theta: Float64Array, onProduct: () => void): TrackRecord {
  const started = performance.now();
  const stats = outputStatistics(setup.classifier, theta);
  const gradient = gradientAt(setup.loss, theta);
  const H = countingOperator(hessianOperator(setup.loss, theta), onProduct);
  const pairs = topEigenpairs(H, options.topK, { seed: options.seed, tolerance: 1e-6, maxSteps: setup.lanczosSteps });
  const overlap = overlapWithEigenvectors(gradient, pairs, options.overlapK);
  const alignment = logitGradientAlignment(setup.alignClassifier, theta);
  return {
    step,
    loss: stats.loss,
    accuracy: stats.accuracy,
    gradientNorm: overlap.gradientNorm,
    topEigenvalues: Array.from(pairs.values),
    lanczosConverged: pairs.converged,
    overlap: overlap.overlap,
    randomBaseline: overlap.randomBaseline,
    withinClassAlignment: alignment.withinClass,
    crossClassAlignment: alignment.crossClass,
    differentClassAlignment: alignment.differentClass,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The training loop (θ ← optimizer step with the mini-batch gradient), measuring at the record steps. */
async function computeTrack(run: Run, setup: TrackSetup, options: TrackOptions): Promise<{ records: TrackRecord[]; theta: Float64Array }> {
  const { model, dataset, D, n, batchSize, learningRate, loss, recordSteps, lanczosSteps } = setup;
  const rowLength = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const total = options.steps + recordSteps.size * lanczosSteps; // progress: one unit per training step and per HVP
  const progress = createProgress({ label: 'track', total, quiet: options.quiet });
  progress.log(`${model.name}: D = ${D}, ${n} samples, ${options.optimizer} lr ${learningRate}, batch ${batchSize}; recording at ${recordSteps.size} steps`);
  let done = 0;
  const statePath = run.file(TRACK_STATE_FILE);
  const saved = run.resumed && existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as TrackState) : undefined;
  const records: TrackRecord[] = saved?.records ?? [];
  const optimizerState = saved ? reviveVectors(saved.optimizerState) : undefined;
  const optimizer = (options.optimizer === 'adam' ? adam({ learningRate }) : sgd({ learningRate, momentum: options.momentum })) as Optimizer<unknown>;
  const { step, state } = stepper(optimizer, setup.theta, optimizerState);
  const rng = new Random(options.seed + 2);
  let order = rng.permutation(n);
  let reshuffles = saved?.reshuffles ?? 0;
  for (let i = 0; i < reshuffles; i++) order = rng.permutation(n); // replay the batch orders drawn before the interruption
  let cursor = saved?.cursor ?? 0;
  let theta = saved ? Float64Array.from(saved.theta) : setup.theta;
  const first = saved?.step ?? 0;
  if (saved) done = saved.step + [...recordSteps].filter((r) => r <= saved.step).length * lanczosSteps;
  try {
    for (let t = first; t <= options.steps; t++) {
      if (recordSteps.has(t) && !(saved && t === saved.step)) {
        const record = measureTrackPoint(setup, options, t, theta, () => progress.update(++done, { step: t, stage: 'lanczos' }));
        records.push(record);
        progress.log(
          `step ${t}: loss ${record.loss.toFixed(4)}, accuracy ${record.accuracy.toFixed(3)}, λ₁ ${record.topEigenvalues[0]!.toPrecision(4)}, ` +
            `overlap ${record.overlap.toFixed(3)}, WCA ${record.withinClassAlignment?.toFixed(3) ?? '-'}, CCA ${record.crossClassAlignment.toFixed(3)}`,
        );
        if (t < options.steps) {
          const current: TrackState = { step: t, records, theta: Array.from(theta), optimizerState: state(), cursor, reshuffles };
          writeFileAtomic(statePath, JSON.stringify(current, (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v)));
          await run.interruptionPoint(`the training up to step ${t}`);
        }
      }
      if (t === options.steps) break;
      let batchLoss: (theta: Tensor) => Tensor = loss;
      if (batchSize < n) {
        if (cursor + batchSize > n) {
          order = rng.permutation(n);
          reshuffles += 1;
          cursor = 0;
        }
        const rows = order.subarray(cursor, cursor + batchSize);
        cursor += batchSize;
        batchLoss = crossEntropyLoss(modelClassifier(model, selectRows(dataset.x, rowLength, rows), Int32Array.from(rows, (i) => dataset.labels[i]!), options.dtype));
      }
      const [value, gradient] = valueAndGrad(batchLoss)(fromTypedArray(theta, [D]));
      if (!Number.isFinite(value.item()) || value.item() > options.maxLoss) {
        throw new UserError(`training diverged: the loss became ${value.item().toPrecision(4)} at step ${t}${Number.isFinite(value.item()) ? `, above --max-loss ${options.maxLoss}` : ''}; lower --lr`);
      }
      theta = step(theta, vectorToFloat64(gradient));
      progress.update(++done, { step: t + 1, loss: value.item() });
    }
    progress.update(total);
  } finally {
    progress.stop();
  }
  return { records, theta };
}

async function runTrack(options: TrackOptions): Promise<void> {
  const run = startRun('track', options);
  const setup = setUpTrack(options);
  const started = performance.now();
  const { records, theta } = await computeTrack(run, setup, options);
  await writeTrack(run, setup, options, records, theta, (performance.now() - started) / 1000);
}

/** track.json, track.csv, the final checkpoint and the plots. */
async function writeTrack(run: Run, setup: TrackSetup, options: TrackOptions, records: TrackRecord[], theta: Float64Array, seconds: number): Promise<void> {
  const { model, D, n, learningRate, batchSize, alignIndices } = setup;
  const outDir = run.dir;
  // momentum is recorded only where it applies (SGD)
  const { momentum: _momentum, ...withoutMomentum } = runSettings(options);
  const config = { ...(options.optimizer === 'sgd' ? runSettings(options) : withoutMomentum), lr: learningRate, batchSize, ...backendRecord() };
  const full = { command: 'track', config, model: model.name, parameters: D, samples: n, alignmentSamples: alignIndices.length, records, seconds, provenance: run.provenance(config, options.dtype) };
  writeJson(join(outDir, 'track.json'), full);
  const rows: Record<string, CsvValue>[] = records.map((r) => {
    const row: Record<string, CsvValue> = {
      step: r.step, loss: r.loss, accuracy: r.accuracy, gradientNorm: r.gradientNorm, overlap: r.overlap, randomBaseline: r.randomBaseline,
      withinClassAlignment: r.withinClassAlignment, crossClassAlignment: r.crossClassAlignment, differentClassAlignment: r.differentClassAlignment,
    };
    r.topEigenvalues.forEach((v, i) => (row[`lambda${i + 1}`] = v));
    return row;
  });
  writeCsv(join(outDir, 'track.csv'), rows);
  saveCheckpoint(join(outDir, 'checkpoint'), toNamedArrays(theta, model.spec), {
    model: options.model, activation: options.activation, bias: options.bias, steps: options.steps, seed: options.seed,
    modelDescription: describeModel(model, { architecture: options.model, activation: options.activation, bias: options.bias, dtype: options.dtype }),
  });

  const { lineChart } = await import('../plot.js');
  const series = (name: string, y: (r: TrackRecord) => number | null) => ({
    name,
    points: records.flatMap((r) => {
      const v = y(r);
      return v === null ? [] : [{ x: r.step, y: v }];
    }),
  });
  const shown = Math.min(options.topK, 10);
  await savePlots(outDir, [
    {
      name: 'eigenvalues',
      svg: () => lineChart({ title: `Top ${shown} Hessian eigenvalues during training (${model.name})`, xLabel: 'step', yLabel: 'eigenvalue', series: Array.from({ length: shown }, (_, i) => series(`λ${i + 1}`, (r) => r.topEigenvalues[i]!)) }),
    },
    {
      name: 'overlap',
      svg: () =>
        lineChart({
          title: `Gradient overlap with the top-${options.overlapK} Hessian subspace`,
          xLabel: 'step',
          yLabel: '‖P g‖ / ‖g‖',
          series: [series('overlap', (r) => r.overlap), series(`random direction √(k/D)`, (r) => r.randomBaseline)],
        }),
    },
    {
      name: 'alignment',
      svg: () =>
        lineChart({
          title: `Logit-gradient alignment (${alignIndices.length} samples)`,
          xLabel: 'step',
          yLabel: 'mean cosine',
          series: [series('within class (WCA)', (r) => r.withinClassAlignment), series('all pairs (CCA)', (r) => r.crossClassAlignment), series('different classes', (r) => r.differentClassAlignment)],
        }),
    },
    { name: 'loss', svg: () => lineChart({ title: 'Training loss', xLabel: 'step', yLabel: 'loss', series: [series('loss', (r) => r.loss)] }) },
  ]);
  const last = records[records.length - 1]!;
  run.finish(full,
    `after ${options.steps} steps (${seconds.toFixed(1)} s): loss ${last.loss.toFixed(4)}, accuracy ${last.accuracy.toFixed(3)}, ` +
      `top eigenvalues ${last.topEigenvalues.slice(0, 5).map((v) => v.toPrecision(4)).join(', ')}, overlap ${last.overlap.toFixed(3)}; wrote ${outDir}`,
  );
}

export function register(program: Command): void {
  const command = program.command('track').description('train a network briefly, recording top Hessian eigenvalues, gradient overlap and logit-gradient alignment');
  addNetworkOptions(command, { samples: 1000, model: '784-32-10' })
    .option('--optimizer <name>', 'adam or sgd', parseChoice('--optimizer', ['adam', 'sgd'] as const), 'adam')
    .option('--lr <number>', 'learning rate (default 1e-3 for adam, 0.1 for sgd)', parseFloatOption('--lr', { min: 0, exclusiveMin: true }))
    .option('--momentum <m>', MOMENTUM_HELP, parseFloatOption('--momentum', { min: 0, max: 1, exclusiveMax: true }), 0.9)
    .option('--steps <n>', 'training steps', parseIntOption('--steps', 1, 1_000_000), 200)
    .option('--every <n>', 'record every this many steps', parseIntOption('--every', 1, 1_000_000), 50)
    .option('--batch-size <n>', 'mini-batch size (default: the whole training subset)', parseIntOption('--batch-size', 1))
    .option('--top-k <n>', 'top eigenvalues to track', parseIntOption('--top-k', 1, 200), 10)
    .option('--overlap-k <n>', 'dimension of the top subspace for the gradient overlap', parseIntOption('--overlap-k', 1, 200), 10)
    .option('--max-loss <x>', 'stop with exit status 2 when the loss exceeds this (divergence)', parseFloatOption('--max-loss', { min: 0, exclusiveMin: true }), 1e4)
    .option('--align-per-class <n>', 'samples per class for the logit-gradient alignment', parseIntOption('--align-per-class', 2, 100), 3)
    .option('--quiet', 'no progress output');
  addOutputOptions(command, 'runs/track')
    .action(async (options: TrackOptions) => runTrack(options));
}
