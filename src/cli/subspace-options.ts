/**
 * What the subspace commands (subspace-train, radius-sweep, intrinsic-dim,
 * init-select) share: the training flags and the optimiser they make, the
 * projection option, `--subspace-dim`, the surface through θ₀, and the set-up of
 * data, model and θ_init. Commands never import each other; they import
 * this.
 */
import type { Command } from 'commander';
import { NonFiniteLossError, adam, euclideanNorm as norm, sgd, type Model, type Optimizer } from '../nn/index.js';
import {
  SUBSPACE_KINDS, hyperplaneParametrisation, hypersphereParametrisation, randomSubspace,
  type SubspaceKind, type SurfaceParametrisation,
} from '../landscape/index.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption, type OptionParser } from './errors.js';
import type { Series } from './plot.js';
import { MOMENTUM_HELP, buildModel, loadData, parsePositive, seededRandom, selectBackend, type DataOptions, type ModelFlags, type RunFlags } from './common.js';

export const SURFACES = ['hyperplane', 'sphere'] as const;
export type Surface = (typeof SURFACES)[number];

export interface TrainingFlags {
  optimizer: 'adam' | 'sgd';
  lr: number;
  momentum: number;
  epochs: number;
  batchSize: number;
}

/** --optimizer, --lr, --momentum, --epochs, --batch-size with the command's defaults. */
export function addTrainingOptions(cmd: Command, defaults: { lr: number; epochs: number; batchSize: number }): Command {
  return cmd
    .option('--optimizer <name>', 'adam or sgd', parseChoice('--optimizer', ['adam', 'sgd'] as const), 'adam')
    .option('--lr <rate>', 'learning rate (of the trained coordinates w)', parsePositive('--lr'), defaults.lr)
    .option('--momentum <m>', MOMENTUM_HELP, parseFloatOption('--momentum', { min: 0, max: 1, exclusiveMax: true }), 0.9)
    .option('--epochs <n>', 'epochs per training run', parseIntOption('--epochs', 1), defaults.epochs)
    .option('--batch-size <n>', 'mini-batch size', parseIntOption('--batch-size', 1), defaults.batchSize);
}

/** A factory of fresh optimisers, one per training run. */
export function optimizerFactory(flags: TrainingFlags): () => Optimizer<unknown> {
  return () => (flags.optimizer === 'adam' ? adam({ learningRate: flags.lr }) : sgd({ learningRate: flags.lr, momentum: flags.momentum })) as Optimizer<unknown>;
}

export const projectionOption = (cmd: Command, defaultKind: SubspaceKind = 'sparse'): Command =>
  cmd.option('--projection <kind>', 'random subspace: dense (exactly orthonormal, D×d stored), sparse (±1, density 1/√D) or fastfood (O(D log D), nothing D×d stored)', parseChoice('--projection', SUBSPACE_KINDS), defaultKind);

/** `--subspace-dim`: a positive integer d, or "full" (all D parameters). */
export function parseDim(flag: string): OptionParser<number | 'full'> {
  const asInteger = parseIntOption(flag, 1);
  return (value) => {
    if (value.trim() === 'full') return 'full';
    try {
      return asInteger(value);
    } catch {
      throw new UserError(`${flag} must be a positive integer or "full", got ${JSON.stringify(value)}`);
    }
  };
}

/** Turns a library error about bad settings into a one-line user error. */
export function asUserError<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof NonFiniteLossError) throw new UserError(error.message);
    throw new UserError(`${what}: ${(error as Error).message}`);
  }
}

/**
 * The surface through θ₀: a hyperplane or a sphere of radius ‖θ₀‖, of
 * dimension d, or with 'full' all D parameters (null for a hyperplane: plain
 * training needs no parametrisation).
 */
export function buildSurface(surface: Surface, origin: Float64Array, dim: number | 'full', projection: SubspaceKind, seed: number): SurfaceParametrisation | null {
  const D = origin.length;
  if (dim !== 'full' && dim > D) throw new UserError(`--subspace-dim ${dim} exceeds the ${D} parameters of the model (use --subspace-dim full to train all of them)`);
  const subspace = dim === 'full' ? undefined : asUserError('--projection', () => randomSubspace(projection, D, dim, seed));
  if (surface === 'hyperplane') return subspace ? hyperplaneParametrisation(origin, subspace) : null;
  return hypersphereParametrisation(norm(origin), { through: origin, ...(subspace ? { subspace } : {}) });
}

/** Data, model and θ_init from the common flags. */
export function setUp(flags: DataOptions & ModelFlags & RunFlags): { backend: string; train: ReturnType<typeof loadData>['train']; test: ReturnType<typeof loadData>['test']; model: Model; thetaInit: Float64Array } {
  const backend = selectBackend(flags.backend);
  const { train, test } = loadData(flags, flags.seed);
  const model = buildModel(flags, train);
  const thetaInit = model.init(seededRandom(flags.seed), flags.init).toTypedArray() as Float64Array;
  if (!(norm(thetaInit) > 0)) throw new UserError(`--init ${flags.init} gives θ_init = 0, which has no direction to scale or to put a sphere through`);
  return { backend, train, test, model, thetaInit };
}

/** A vertical line at x, from y0 to y1, as a two-point series. */
export const verticalLine = (name: string, x: number, y0: number, y1: number): Series => ({ name, points: [{ x, y: y0 }, { x, y: y1 }] });
