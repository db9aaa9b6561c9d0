/**
 * Options and set-up shared by the commands that train or analyse a network:
 * the dataset, the model, its initialisation, the compute backend and the
 * seed. Each option is parsed and checked once here, so every command rejects
 * a bad value with the same clear message.
 */
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import { Random, availableBackends, setBackend, getBackend, type DType } from '../autodiff/index.js';
import { ACTIVATION_NAMES, INIT_NAMES, createModel, data, loadCheckpoint, type ActivationName, type InitName, type Model } from '../nn/index.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption, type Range } from './errors.js';
import { logSpace } from '../landscape/index.js';
import { addOutputOptions, type OutputFlags } from './harness.js';

export interface DataOptions {
  dataset: string;
  dataDir?: string;
  samples?: number;
  testSamples?: number;
  /** Input preprocessing: 'standard' subtracts the dataset's mean and divides by its standard deviation; 'unit' keeps pixels in [0, 1]. */
  normalize: InputScaling;
}

/** The two input preprocessings a command can ask for (--normalize). */
export const INPUT_SCALINGS = ['standard', 'unit'] as const;
export type InputScaling = (typeof INPUT_SCALINGS)[number];
export const NORMALIZE_HELP = "input preprocessing: standard ((x - mean) / std, per channel) or unit (pixels in [0, 1])";

export interface ModelFlags {
  model: string;
  activation: ActivationName;
  init: InitName;
  bias: boolean;
  pooling?: 'avg' | 'max';
}

export interface RunFlags extends OutputFlags {
  seed: number;
  backend?: string;
  dtype: DType;
}

export function addDataOptions(cmd: Command, defaults: { samples?: number } = {}): Command {
  return cmd
    .option('--dataset <name>', `dataset: ${data.DATASET_NAMES.join(', ')}`, parseChoice('--dataset', data.DATASET_NAMES), 'mnist')
    .option('--data-dir <dir>', 'directory with the dataset files (Fashion-MNIST, CIFAR-10)')
    .option('--normalize <kind>', NORMALIZE_HELP, parseChoice('--normalize', INPUT_SCALINGS), 'standard')
    .option('--samples <n>', 'training examples to use (a seeded random subset)', parseIntOption('--samples', 1), defaults.samples)
    .option('--test-samples <n>', 'test examples to use (a seeded random subset)', parseIntOption('--test-samples', 1));
}

export function addModelOptions(cmd: Command, defaults: { model?: string; activation?: ActivationName; init?: InitName } = {}): Command {
  return cmd
    .option('--model <name>', "widths like 784-200-200-10, or lenet5, lenet-300-100", defaults.model ?? '784-200-200-10')
    .option('--activation <name>', `activation: ${ACTIVATION_NAMES.join(', ')}`, parseChoice('--activation', ACTIVATION_NAMES), defaults.activation ?? 'relu')
    .option('--init <name>', `initialisation: ${INIT_NAMES.join(', ')} (or xavier, he, lecun)`, parseInit, defaults.init ?? 'xavier-normal')
    .option('--no-bias', 'networks without bias terms (homogeneous for relu)')
    .option('--pooling <kind>', 'pooling in LeNet-5: avg or max', parseChoice('--pooling', ['avg', 'max'] as const));
}

/** --momentum's help: the same default in every command (the library's sgd() defaults to 0, as torch.optim.SGD does). */
export const MOMENTUM_HELP = 'SGD momentum (the same default in every command; the library\'s sgd() defaults to 0, like torch.optim.SGD)';

export const BACKEND_HELP = 'compute backend for matrix products: wasm (the default: WebAssembly SIMD kernel; float64 and float32), js (register-blocked TypeScript, threaded; float64 and float32), gpu (gpu.js, float32 only), reference (plain loops)';

/** --backend: which kernels run the matrix products (applied before the command runs, see main.ts). */
export function addBackendOption(cmd: Command): Command {
  return cmd.option('--backend <name>', BACKEND_HELP);
}

/** --backend, --seed, --dtype, --quiet and the output options (harness.ts); `sweep` adds --shard. */
export function addRunOptions(cmd: Command, defaultOut: string, options: { sweep?: boolean } = {}): Command {
  addBackendOption(cmd)
    .option('--seed <n>', 'seed for every random choice', parseIntOption('--seed', 0), 0)
    .option('--dtype <dtype>', 'float64 or float32', parseChoice('--dtype', ['float64', 'float32'] as const), 'float64')
    .option('--quiet', 'no progress output');
  return addOutputOptions(cmd, defaultOut, options);
}

const INIT_ALIASES: Record<string, InitName> = { xavier: 'xavier-normal', glorot: 'xavier-normal', he: 'he-normal', kaiming: 'he-normal', lecun: 'lecun-normal' };

export function parseInit(value: string): InitName {
  const name = INIT_ALIASES[value] ?? value;
  if ((INIT_NAMES as readonly string[]).includes(name)) return name as InitName;
  throw new UserError(`--init must be one of ${INIT_NAMES.join(', ')} (or xavier, he, lecun), got "${value}"`);
}

/** The log-spaced values of a MIN:MAX:COUNT range (one value for a one-point range). */
export function logGrid(range: Range): number[] {
  return range.count === 1 ? [range.min] : logSpace(range.min, range.max, range.count);
}

export const parsePositive = (flag: string): ((v: string) => number) => parseFloatOption(flag, { min: 0, exclusiveMin: true });

/** The backend that ran, for a result file's config: its name and what it is (kernel, threads). */
export function backendRecord(): { backend: string; backendDescription: string } {
  return { backend: getBackend().name, backendDescription: getBackend().describe() };
}

/** Selects the compute backend, or explains which exist. */
export function selectBackend(name: string | undefined): string {
  if (name === undefined) return getBackend().name;
  if (!availableBackends().includes(name)) throw new UserError(`--backend must be one of ${availableBackends().join(', ')}, got "${name}"`);
  if (name === 'gpu' && !gpuJsInstalled()) throw new UserError('--backend gpu needs gpu.js, an optional dependency that is not installed: npm install gpu.js@2.24.1');
  setBackend(name);
  return name;
}

/** True when the optional peer dependency gpu.js (the 'gpu' backend's library) can be loaded. */
function gpuJsInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('gpu.js');
    return true;
  } catch {
    return false;
  }
}

/** Loads the training and test sets the flags ask for. */
export function loadData(options: DataOptions, seed: number): { train: data.Dataset; test: data.Dataset } {
  try {
    const common = { dataDir: options.dataDir, seed, normalize: options.normalize === 'standard' };
    const train = data.loadDataset(options.dataset, { ...common, split: 'train', samples: options.samples });
    const test = data.loadDataset(options.dataset, { ...common, split: 'test', samples: options.testSamples });
    return { train, test };
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/** The model the flags name, checked against the dataset's input size and classes. */
export function buildModel(flags: ModelFlags, dataset: data.Dataset): Model {
  let model: Model;
  try {
    const sample = dataset.sampleShape;
    const inputShape = sample.length === 3 ? ([sample[0]!, sample[1]!, sample[2]!] as const) : undefined;
    model = createModel(flags.model, { activation: flags.activation, bias: flags.bias, pooling: flags.pooling, numClasses: dataset.numClasses, ...(inputShape ? { inputShape } : {}) });
  } catch (error) {
    throw new UserError(`--model: ${(error as Error).message}`);
  }
  const inputSize = model.inputShape.reduce((a, b) => a * b, 1);
  const sampleSize = dataset.sampleShape.reduce((a, b) => a * b, 1);
  if (inputSize !== sampleSize) throw new UserError(`--model ${flags.model} takes inputs of size ${inputSize}, but ${dataset.name} samples have size ${sampleSize} (shape [${dataset.sampleShape.join(', ')}])`);
  if (model.numClasses !== dataset.numClasses) throw new UserError(`--model ${flags.model} has ${model.numClasses} outputs, but ${dataset.name} has ${dataset.numClasses} classes`);
  return model;
}

export function seededRandom(seed: number): Random {
  return new Random(seed);
}

/**
 * A checkpoint's numbers cannot tell a ReLU network from a tanh one, but its
 * metadata can: `train` and `track` save `activation` and `bias` in it. A
 * command that reads a checkpoint (through `flag`, e.g. --checkpoint or
 * --from) takes them from there: an option left at its default becomes the
 * checkpoint's value, and one given on the command line that disagrees is an
 * error, so a network is never silently analysed as another.
 */
export function adoptCheckpointArchitecture(
  command: Command, flag: string, path: string, options: { activation: ActivationName; bias: boolean },
): void {
  let meta: Record<string, unknown>;
  try {
    meta = loadCheckpoint(path).meta;
  } catch (error) {
    throw new UserError(`${flag} ${path}: ${(error as Error).message}`);
  }
  const saved = {
    activation: (ACTIVATION_NAMES as readonly unknown[]).includes(meta.activation) ? (meta.activation as ActivationName) : undefined,
    bias: typeof meta.bias === 'boolean' ? meta.bias : undefined,
  };
  if (saved.activation !== undefined) {
    if (command.getOptionValueSource('activation') === 'cli' && options.activation !== saved.activation) {
      throw new UserError(`--activation ${options.activation} disagrees with ${flag} ${path}, which was saved from a ${saved.activation} network`);
    }
    options.activation = saved.activation;
  }
  if (saved.bias !== undefined) {
    if (command.getOptionValueSource('bias') === 'cli' && options.bias !== saved.bias) {
      throw new UserError(`--no-bias disagrees with ${flag} ${path}, which was saved from a network with biases`);
    }
    options.bias = saved.bias;
  }
}
