/**
 * The training loop: mini-batch gradient steps on a flat vector, with
 * evaluation after every epoch.
 *
 * What is trained is a vector w that a `Parametrisation` maps to the
 * network's parameters θ(w). Ordinary training uses the identity, θ = w.
 * Training on a random hyperplane uses θ = θ₀ + P·w, on a hypersphere a
 * θ held at fixed norm (see src/landscape/subspace-training.ts). The loop
 * needs from a parametrisation only θ(w), the pull-back of ∇θL to ∇wL (for
 * θ₀ + P·w: Pᵀ∇θL, by the chain rule), and optionally a projection applied
 * after each step (for the sphere: rescale to the radius).
 *
 * A loss that stops being finite ends the run with a NonFiniteLossError
 * saying where; nothing is reported as if it were valid.
 */
import { valueAndGrad, type DType, type Random, type Tensor } from '../autodiff/index.js';
import type { Model } from './models.js';
import { accuracy, loss as lossOf, type LossOptions } from './losses.js';
import type { Optimizer, Schedule } from './optim.js';
import { batchIndices, gather, numSamples, type Dataset } from './data/dataset.js';
import { euclideanNorm, toFloat64, toTensor, type Vector } from './vector.js';

export interface Parametrisation {
  /** θ ∈ ℝ^D from the trained vector w. */
  toTheta(w: Float64Array): Float64Array;
  /** ∇_w L from ∇_θ L (the chain rule through θ(w)). */
  pullBack(gradientTheta: Float64Array, w: Float64Array): Float64Array;
  /** Applied to w after each optimiser step (default: nothing). */
  project?(w: Float64Array): Float64Array;
}

export const identityParametrisation: Parametrisation = {
  toTheta: (w) => w,
  pullBack: (g) => g,
};

export class NonFiniteLossError extends Error {
  constructor(readonly epoch: number, readonly step: number, readonly value: number) {
    super(`training diverged: the loss is ${value} at epoch ${epoch}, step ${step}; try a smaller learning rate or a smaller initial scale`);
    this.name = 'NonFiniteLossError';
  }
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss and accuracy over the epoch's mini-batches. */
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  learningRate: number;
  /** ‖θ‖ at the end of the epoch. */
  radius: number;
  seconds: number;
}

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  /** Total optimiser steps so far. */
  globalStep: number;
}

/**
 * Where a run stands after an epoch: enough to continue it exactly. With the
 * same options and `start`, trainModel goes on from epoch `epoch` + 1 as if
 * it had never stopped (the data order of the epochs done is replayed from
 * `rng`, which must be in the state it was given to the first call).
 */
export interface TrainingResumePoint<S> {
  epoch: number;
  globalStep: number;
  w: Float64Array;
  state: S;
}

export interface TrainOptions<S> {
  model: Model;
  train: Dataset;
  test?: Dataset;
  optimizer: Optimizer<S>;
  schedule?: Schedule;
  epochs: number;
  batchSize: number;
  rng: Random;
  /** The starting trained vector (θ itself for ordinary training). */
  initial: Vector;
  parametrisation?: Parametrisation;
  loss?: LossOptions;
  /** The dtype of forward and backward passes (the optimiser state stays float64). */
  dtype?: DType;
  evalBatchSize?: number;
  onStep?: (info: StepInfo, w: Float64Array) => void;
  onEpoch?: (record: EpochRecord, w: Float64Array, resume: TrainingResumePoint<S>) => void;
  /** Continue a run from the end of an epoch (see TrainingResumePoint). */
  start?: TrainingResumePoint<S>;
  /** Asked after every epoch with the history so far: true ends training there (before `epochs`), e.g. lossPlateau. */
  stopWhen?: (history: readonly EpochRecord[]) => boolean;
}

/**
 * A stopping rule: stop once the mean training loss of an epoch has not
 * improved on the best one before it by more than `minImprovement` (a
 * fraction of that best loss) for `patience` epochs in a row, i.e. when
 * training has converged as far as the optimiser can tell. The training
 * loss is used, not the test loss, so the stopping point does not look at the
 * data the result is judged on.
 */
export function lossPlateau(patience: number, minImprovement = 0.01): (history: readonly EpochRecord[]) => boolean {
  if (!Number.isInteger(patience) || patience < 1) throw new Error(`lossPlateau: patience must be a positive integer, got ${patience}`);
  if (!(minImprovement >= 0 && minImprovement < 1)) throw new Error(`lossPlateau: minImprovement must lie in [0, 1), got ${minImprovement}`);
  return (history) => {
    let best = Infinity;
    let sinceBest = 0;
    for (const record of history) {
      if (record.trainLoss < best * (1 - minImprovement)) {
        best = record.trainLoss;
        sinceBest = 0;
      } else {
        sinceBest += 1;
      }
    }
    return sinceBest >= patience;
  };
}

export interface TrainResult {
  w: Float64Array;
  theta: Float64Array;
  history: EpochRecord[];
}

/** Loss and accuracy of θ on a whole dataset, in chunks. */
export function evaluate(model: Model, theta: Vector, ds: Dataset, options: { loss?: LossOptions; batchSize?: number; dtype?: DType } = {}): { loss: number; accuracy: number } {
  const dtype = options.dtype ?? 'float64';
  const values = toFloat64(theta);
  const thetaT = toTensor(values, [values.length], dtype);
  let total = 0;
  let correct = 0;
  const n = numSamples(ds);
  for (const indices of batchIndices(n, options.batchSize ?? 1000)) {
    const { x, labels } = gather(ds, indices);
    const logits = model.apply(thetaT, toTensor(x, [indices.length, ...ds.sampleShape], dtype));
    total += lossOf(logits, labels, options.loss).item() * indices.length;
    correct += accuracy(logits, labels) * indices.length;
  }
  return { loss: total / n, accuracy: correct / n };
}

export function trainModel<S>(options: TrainOptions<S>): TrainResult {
  const steps = trainSteps(options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * trainModel one optimiser step at a time: the generator yields after every
 * step (the step's StepInfo, after onStep), so a caller can give control
 * back to the event loop between steps (to see a Ctrl-C) or stop early;
 * its return value is trainModel's result.
 */
export function* trainSteps<S>(options: TrainOptions<S>): Generator<StepInfo, TrainResult, void> {
  const { model, optimizer, epochs, batchSize, rng } = options;
  const parametrisation = options.parametrisation ?? identityParametrisation;
  const dtype = options.dtype ?? 'float64';
  const n = numSamples(options.train);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`train: epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`train: batch size must be a positive integer, got ${batchSize}`);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const start = options.start;
  let w: Float64Array = Float64Array.from(start ? start.w : toFloat64(options.initial));
  let state = start ? start.state : optimizer.init(w);
  let globalStep = start?.globalStep ?? 0;
  const history: EpochRecord[] = [];
  const first = (start?.epoch ?? 0) + 1;
  // replay the data order of the epochs already done, so the next ones see the same batches
  for (let epoch = 1; epoch < first; epoch++) for (const _batch of batchIndices(n, batchSize, rng));
  for (let epoch = first; epoch <= epochs; epoch++) {
    const started = performance.now();
    let lossSum = 0;
    let correctSum = 0;
    let step = 0;
    let learningRate = optimizer.learningRate;
    for (const indices of batchIndices(n, batchSize, rng)) {
      step += 1;
      const { x, labels } = gather(options.train, indices);
      const xT = toTensor(x, [indices.length, ...options.train.sampleShape], dtype);
      let logits: Tensor | null = null;
      const objective = (t: Tensor): Tensor => {
        logits = model.apply(t, xT);
        return lossOf(logits, labels, options.loss);
      };
      const theta = parametrisation.toTheta(w);
      const [value, gradient] = valueAndGrad(objective)(toTensor(theta, [theta.length], dtype));
      const lossValue = value.item();
      if (!Number.isFinite(lossValue)) throw new NonFiniteLossError(epoch, step, lossValue);
      lossSum += lossValue * indices.length;
      correctSum += accuracy(logits!, labels) * indices.length;
      learningRate = options.schedule ? options.schedule(globalStep) : optimizer.learningRate;
      const update = optimizer.step(w, parametrisation.pullBack(toFloat64(gradient), w), state, learningRate);
      w = parametrisation.project ? parametrisation.project(update.theta) : update.theta;
      state = update.state;
      globalStep += 1;
      const info: StepInfo = { epoch, step, stepsPerEpoch, loss: lossValue, globalStep };
      options.onStep?.(info, w);
      yield info;
    }
    const theta = parametrisation.toTheta(w);
    const test = options.test ? evaluate(model, theta, options.test, { loss: options.loss, batchSize: options.evalBatchSize, dtype }) : null;
    if (test && !Number.isFinite(test.loss)) throw new NonFiniteLossError(epoch, step, test.loss);
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / n,
      trainAccuracy: correctSum / n,
      testLoss: test?.loss ?? null,
      testAccuracy: test?.accuracy ?? null,
      learningRate,
      radius: euclideanNorm(theta),
      seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    options.onEpoch?.(record, w, { epoch, globalStep, w, state });
    if (options.stopWhen?.(history)) break;
  }
  return { w, theta: parametrisation.toTheta(w), history };
}
