/**
 * `goldilocks logit-model`: the Hessian's outliers without a network.
 *
 *   goldilocks logit-model                                   (C = 10, D = 1000, σ = 0, 0.5, 1, 2, 4)
 *   goldilocks logit-model --cluster-noise 0.5 --classes 5
 *
 * Samples the logit-gradient model (src/landscape/logit-gradient-model.ts):
 * logit gradients clustered by logit with spread σ, softmax outputs, weak
 * logit curvature. For each σ it reports the top eigenvalues of the model's
 * Hessian, how many stand apart, and the gradient's overlap with the top
 * C − 1 eigenvectors — the numbers `spectrum` and `track` report for a
 * real network, to set beside them.
 *
 * Writes to --out: logit-model.json (everything) and logit-model.csv (one
 * row per σ).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { logitGradientModel, summarizeLogitGradientModel, type LogitGradientModelSummary } from '../../landscape/index.js';
import { UserError, parseFloatOption, parseIntOption } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { addOutputOptions, runSettings, startRun, type OutputFlags } from '../harness.js';

interface LogitModelOptions extends OutputFlags {
  classes: number;
  perClass: number;
  parameters: number;
  clusterNoise: number[];
  confidence: number;
  confidenceSpread: number;
  logitNoise: number;
  logitCurvature: number;
  seed: number;
}

function parseNoiseList(value: string): number[] {
  const values = value.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v < 0) || value.trim() === '') {
    throw new UserError(`--cluster-noise must be a comma-separated list of numbers ≥ 0, got "${value}"`);
  }
  return values;
}

function runLogitModel(options: LogitModelOptions): void {
  if (options.parameters < options.classes + 5) throw new UserError(`--parameters ${options.parameters} must be at least --classes + 5 = ${options.classes + 5}`);
  const run = startRun('logit-model', options);
  const outDir = run.dir;
  const rows: (LogitGradientModelSummary & { clusterNoise: number })[] = [];
  for (const clusterNoise of options.clusterNoise) {
    const model = logitGradientModel({
      classes: options.classes, perClass: options.perClass, dim: options.parameters, clusterNoise,
      confidence: options.confidence, confidenceSpread: options.confidenceSpread, logitNoise: options.logitNoise,
      logitCurvature: options.logitCurvature, seed: options.seed,
    });
    const summary = summarizeLogitGradientModel(model, { seed: options.seed });
    rows.push({ clusterNoise, ...summary });
    if (!options.quiet) {
      process.stderr.write(`σ = ${clusterNoise}: ${summary.outliers} outliers (λ${options.classes - 1}/λ${options.classes} = ${summary.gapAfterCMinusOne.toFixed(2)}), overlap ${summary.overlapTopCMinusOne.toFixed(3)}\n`);
    }
  }
  const config = runSettings(options);
  const full = { command: 'logit-model', config, points: rows, provenance: run.provenance(config, 'float64') };
  writeJson(join(outDir, 'logit-model.json'), full);
  writeCsv(join(outDir, 'logit-model.csv'), rows.map((r) => ({
    clusterNoise: r.clusterNoise, outliers: r.outliers, gapAfterCMinusOne: r.gapAfterCMinusOne, overlapTopCMinusOne: r.overlapTopCMinusOne,
    overlapTopC: r.overlapTopC, randomOverlap: r.randomOverlap, sameLogitCosine: r.sameLogitCosine, differentLogitCosine: r.differentLogitCosine,
    lambda1: r.eigenvalues[0]!, lambdaC: r.eigenvalues[options.classes - 1]!,
  })));
  run.finish(full, `wrote ${join(outDir, 'logit-model.json')} and logit-model.csv`);
}

export function register(program: Command): void {
  const command = program
    .command('logit-model')
    .description("the Hessian's outliers without a network: a model of logit gradients clustered by logit, with weak logit curvature")
    .option('--classes <C>', 'number of classes', parseIntOption('--classes', 2, 100), 10)
    .option('--per-class <n>', 'examples per class', parseIntOption('--per-class', 1, 10_000), 50)
    .option('--parameters <D>', 'number of parameters D (the dimension of the gradients)', parseIntOption('--parameters', 2, 20_000), 1000)
    .option('--cluster-noise <list>', 'σ, the spread of each logit gradient around its logit\'s centre (comma-separated: one model each)', parseNoiseList, [0, 0.5, 1, 2, 4])
    .option('--confidence <beta>', 'mean logit of the correct class', parseFloatOption('--confidence', { min: 0 }), 2)
    .option('--confidence-spread <delta>', 'spread of that confidence between classes', parseFloatOption('--confidence-spread', { min: 0 }), 1)
    .option('--logit-noise <tau>', 'noise on each example\'s logits', parseFloatOption('--logit-noise', { min: 0 }), 0.5)
    .option('--logit-curvature <kappa>', 'strength of the logit-curvature term κ·W (W a GOE matrix)', parseFloatOption('--logit-curvature', { min: 0 }), 0.01)
    .option('--seed <n>', 'seed of every random choice', parseIntOption('--seed', 0), 0)
    .option('--quiet', 'no progress output');
  addOutputOptions(command, 'runs/logit-model')
    .action((options: LogitModelOptions) => runLogitModel(options));
}
