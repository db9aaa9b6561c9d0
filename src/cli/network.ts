/**
 * What `spectrum`, `track` and `critical` share: the network options
 * (--dataset, --model, --activation, --init, --init-scale, --no-bias, --samples,
 * --seed, --backend), how they become a model, a dataset and θ, θ from a
 * checkpoint, and writing plots. Commands never import each other; they
 * import this.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { Random, type DType } from '../autodiff/index.js';
import {
  ACTIVATION_NAMES, DEFAULT_INIT, INIT_NAMES, createModel, data,
  type ActivationName, type InitName, type Model,
} from '../nn/index.js';
import { datasetClassifier, type Classifier } from '../landscape/index.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption } from './errors.js';
import { BACKEND_HELP, INPUT_SCALINGS, NORMALIZE_HELP, parseInit, type InputScaling } from './common.js';

export interface NetworkOptions {
  dataset: string;
  normalize: InputScaling;
  model: string;
  activation: ActivationName;
  init: InitName;
  initScale: number;
  bias: boolean;
  samples: number;
  seed: number;
  /** The dtype the network computes in; the analysis around it (Lanczos, Hutchinson, θ) stays float64. */
  dtype: DType;
}

/**
 * Adds --dataset, --normalize, --model, --activation, --init, --init-scale, --no-bias, --samples, --seed, --dtype,
 * with the same defaults as the other commands, except the network: these commands apply the Hessian
 * hundreds of times, each product a pass over all --samples, so they default to the smaller 784-32-10
 * (784-200-200-10 takes 4–7 times as long).
 */
export function addNetworkOptions(command: Command, defaults: { samples: number; model: string }): Command {
  return command
    .option('--dataset <name>', `dataset: ${data.DATASET_NAMES.join(', ')}`, parseChoice('--dataset', data.DATASET_NAMES), 'mnist')
    .option('--normalize <kind>', NORMALIZE_HELP, parseChoice('--normalize', INPUT_SCALINGS), 'standard')
    .option('--model <name>', `widths like 784-32-10, or lenet5, lenet-300-100; smaller by default than the other commands' 784-200-200-10, which takes 4–7× as long here (every Hessian-vector product is a pass over all --samples)`, defaults.model)
    .option('--activation <name>', `activation: ${ACTIVATION_NAMES.join(', ')}`, parseChoice('--activation', ACTIVATION_NAMES), 'relu')
    .option('--init <name>', `initialisation: ${INIT_NAMES.join(', ')} (or xavier, he, lecun)`, parseInit, DEFAULT_INIT)
    .option('--init-scale <alpha>', 'multiply the initial weights by alpha', parseFloatOption('--init-scale', { min: 0, exclusiveMin: true }), 1)
    .option('--no-bias', 'dense layers without biases')
    .option('--samples <n>', 'training samples (a seeded subset)', parseIntOption('--samples', 2, 60000), defaults.samples)
    .option('--seed <n>', 'seed of every random choice', parseIntOption('--seed', 0), 0)
    .option('--dtype <dtype>', 'float64, or float32 for the network (its logits are widened to float64, and the linear algebra stays float64); --backend gpu needs float32', parseChoice('--dtype', ['float64', 'float32'] as const), 'float64')
    .option('--backend <name>', BACKEND_HELP);
}

export interface NetworkSetup {
  model: Model;
  dataset: data.Dataset;
  classifier: Classifier;
  /** θ from the initialisation (seeded), times α. */
  theta: Float64Array;
}

/** Loads the data and builds the model and its initial θ; bad combinations become UserErrors. */
export function loadNetwork(options: NetworkOptions): NetworkSetup {
  let model: Model;
  try {
    model = createModel(options.model, { activation: options.activation, bias: options.bias });
  } catch (err) {
    throw new UserError(`--model: ${(err as Error).message}`);
  }
  let dataset: data.Dataset;
  try {
    dataset = data.loadDataset(options.dataset, { split: 'train', samples: options.samples, seed: options.seed, normalize: options.normalize === 'standard' });
  } catch (err) {
    throw new UserError(`--dataset ${options.dataset}: ${(err as Error).message}`);
  }
  const rowLength = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const inputLength = model.inputShape.reduce((a, b) => a * b, 1);
  if (rowLength !== inputLength) throw new UserError(`--model ${options.model} takes ${inputLength} inputs, but a ${options.dataset} sample has ${rowLength}`);
  if (model.numClasses !== dataset.numClasses) throw new UserError(`--model ${options.model} has ${model.numClasses} outputs, but ${options.dataset} has ${dataset.numClasses} classes`);
  const theta = Float64Array.from(model.init(new Random(options.seed), options.init, options.initScale).toTypedArray());
  return { model, dataset, classifier: datasetClassifier(model, dataset, undefined, options.dtype), theta };
}

/** Refuses a θ where the loss is not finite (an --init-scale or a checkpoint far out of range): nothing can be measured there. */
export function requireFiniteLoss(loss: number, options: { initScale: number; checkpoint?: string }): void {
  if (Number.isFinite(loss)) return;
  const cause = options.checkpoint ? `the parameters of --checkpoint ${options.checkpoint}` : `--init-scale ${options.initScale}`;
  throw new UserError(`the loss is ${loss} at ${cause}; nothing can be measured there (choose a smaller --init-scale or another checkpoint)`);
}

/** Writes an SVG and a PNG of a chart (plot.ts is imported on first use: it is slow to load). */
export async function savePlots(outDir: string, plots: { name: string; svg: () => Promise<string> }[]): Promise<string[]> {
  const { savePlot } = await import('./plot.js');
  const written: string[] = [];
  for (const plot of plots) {
    const paths = await savePlot(join(outDir, plot.name), await plot.svg(), { png: true });
    written.push(paths.svg, ...(paths.png ? [paths.png] : []));
  }
  return written;
}
