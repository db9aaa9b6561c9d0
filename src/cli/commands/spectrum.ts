/**
 * `goldilocks spectrum`: the Hessian spectrum of a network's loss, in the
 * full parameter space, from exact Hessian-vector products.
 *
 *   goldilocks spectrum --model 784-32-10 --activation tanh --samples 1000 --top-k 20 --out runs/spectrum
 *   goldilocks spectrum --checkpoint runs/track/checkpoint --model 784-32-10 --activation tanh --out runs/trained
 *
 * At θ (an initialisation, or the parameters of a checkpoint) it computes
 * the top-k eigenvalues (Lanczos), Tr(H) and ‖H‖_F with error bars
 * (Hutchinson), the smoothed eigenvalue density (stochastic Lanczos
 * quadrature), and the overlap of the gradient with the top eigenvectors.
 * `--operator gauss-newton` analyses the Gauss-Newton matrix G instead.
 *
 * Writes to --out: spectrum.json (everything), eigenvalues.csv, density.csv,
 * and the plots density.svg/.png and eigenvalues.svg/.png.
 *
 * Its network options, shared with `track` and `critical`, are in
 * ../network.ts.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  analyzeSpectrum, crossEntropyLoss, gaussNewtonOperator, gradientAt, hessianOperator, outputStatistics, overlapWithEigenvectors, type SpectrumReport, type SpectrumStage,
} from '../../landscape/index.js';
import { UserError, parseChoice, parseIntOption } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { addOutputOptions, runSettings, startRun, type OutputFlags, type Run } from '../harness.js';
import { createProgress } from '../progress.js';
import { adoptCheckpointArchitecture, backendRecord } from '../common.js';
import { addNetworkOptions, loadNetwork, requireFiniteLoss, savePlots, type NetworkOptions } from '../network.js';
import { describeModel, loadCheckpointTheta } from '../checkpoint-model.js';

// ---------------------------------------------------------------------------
// The command

interface SpectrumOptions extends NetworkOptions, OutputFlags {
  checkpoint?: string;
  operator: 'hessian' | 'gauss-newton';
  topK: number;
  lanczosSteps?: number;
  overlapK: number;
  probes: number;
  slqProbes: number;
  slqSteps: number;
}

/** The network, θ (initialisation or checkpoint), the loss and the operator, checked before any computation. */
function setUpSpectrum(options: SpectrumOptions) {
  const setup = loadNetwork(options);
  const { model, classifier } = setup;
  const theta = options.checkpoint
    ? loadCheckpointTheta('--checkpoint', options.checkpoint, model, describeModel(model, { architecture: options.model, activation: options.activation, bias: options.bias, dtype: options.dtype }))
    : setup.theta;
  const D = theta.length;
  if (options.topK > D) throw new UserError(`--top-k ${options.topK} is more than the ${D} parameters`);
  if (options.overlapK > options.topK) throw new UserError(`--overlap-k ${options.overlapK} must not exceed --top-k ${options.topK}`);
  const loss = crossEntropyLoss(classifier);
  const stats = outputStatistics(classifier, theta);
  requireFiniteLoss(stats.loss, options);
  const op = options.operator === 'hessian' ? hessianOperator(loss, theta) : gaussNewtonOperator(classifier, theta);
  const lanczosSteps = Math.min(D, options.lanczosSteps ?? Math.max(4 * options.topK, 60));
  return { model, classifier, theta, D, loss, stats, op, lanczosSteps };
}

type SpectrumSetup = ReturnType<typeof setUpSpectrum>;

/** The top eigenpairs, trace, Frobenius norm and density, and the gradient's overlap with the top eigenvectors. */
function computeSpectrum(setup: SpectrumSetup, options: SpectrumOptions) {
  const { model, classifier, theta, D, loss, stats, op, lanczosSteps } = setup;
  const stageBudget: Record<SpectrumStage, number> = {
    top: lanczosSteps,
    bottom: 0,
    trace: options.probes,
    density: options.slqProbes * Math.min(D, options.slqSteps),
  };
  const total = stageBudget.top + stageBudget.trace + stageBudget.density;
  const progress = createProgress({ label: 'spectrum', total, quiet: options.quiet });
  progress.log(`${model.name}: D = ${D}, ${classifier.labels.length} samples, loss ${stats.loss.toFixed(4)}, accuracy ${stats.accuracy.toFixed(3)}; operator ${options.operator}`);
  let done = 0;
  const report = analyzeSpectrum(op, {
    topK: options.topK,
    lanczosSteps,
    traceProbes: options.probes,
    densityProbes: options.slqProbes,
    densitySteps: options.slqSteps,
    seed: options.seed,
    onProgress: (stage) => progress.update(++done, { stage }),
  });
  progress.update(total);
  progress.stop();
  const overlap = overlapWithEigenvectors(gradientAt(loss, theta), report.top!, options.overlapK);
  return { report, overlap };
}

async function runSpectrum(options: SpectrumOptions): Promise<void> {
  const run = startRun('spectrum', options);
  const setup = setUpSpectrum(options);
  await writeSpectrum(run, setup, options, computeSpectrum(setup, options));
}

/** spectrum.json, eigenvalues.csv, density.csv and the plots. */
async function writeSpectrum(run: Run, setup: SpectrumSetup, options: SpectrumOptions, computed: ReturnType<typeof computeSpectrum>): Promise<void> {
  const { model, classifier, D, stats } = setup;
  const { report, overlap } = computed;
  const outDir = run.dir;
  const top = report.top!;
  const density = report.density!;
  // with --checkpoint, θ is the checkpoint's: the initialisation options do not apply
  const { init: _init, initScale: _initScale, ...withoutInit } = runSettings(options);
  const config = { ...(options.checkpoint ? withoutInit : runSettings(options)), ...backendRecord() };
  const result = {
    command: 'spectrum',
    config,
    model: model.name,
    parameters: D,
    samples: classifier.labels.length,
    numClasses: classifier.numClasses,
    statistics: stats,
    gradientNorm: overlap.gradientNorm,
    operator: options.operator,
    topEigenvalues: top.values,
    topResidualNorms: top.residualNorms,
    lanczosConverged: top.converged,
    lanczosSteps: top.steps,
    trace: report.trace,
    frobeniusNorm: report.frobeniusNorm,
    traceProbes: report.traceProbes,
    gradientOverlap: { k: overlap.k, overlap: overlap.overlap, perDirection: overlap.perDirection, randomBaseline: overlap.randomBaseline },
    density: { sigma: density.sigma, probes: options.slqProbes, steps: options.slqSteps },
    products: report.products,
    seconds: report.seconds,
  };
  const full = { ...result, provenance: run.provenance(config, options.dtype) };
  writeJson(join(outDir, 'spectrum.json'), full);
  writeCsv(
    join(outDir, 'eigenvalues.csv'),
    top.values.map((value, i) => ({ rank: i + 1, eigenvalue: value, residual: top.residualNorms[i]!, gradientOverlapSquared: i < overlap.k ? overlap.perDirection[i]! : null })),
  );
  writeCsv(join(outDir, 'density.csv'), Array.from(density.grid, (t, i) => ({ eigenvalue: t, density: density.density[i]! })));

  const plots = await writeSpectrumPlots(outDir, options, model.name, top, overlap, density);
  const fmt = (x: number): string => x.toPrecision(4);
  const notes: string[] = [];
  if (!top.converged) {
    // Say how far the eigenvalues can be trusted: a Ritz value θ with residual r is within r of an eigenvalue.
    const scale = Math.max(...top.values.map(Math.abs));
    const firstLoose = top.residualNorms.findIndex((r) => r > 1e-6 * scale);
    const worst = Math.max(...top.residualNorms);
    const which = firstLoose < 0 ? 'all ranks' : `ranks ${firstLoose + 1}–${top.values.length}`;
    notes.push(
      `note: Lanczos stopped after ${top.steps} steps before all ${top.values.length} eigenpairs converged: ` +
        `${which} have residuals up to ${fmt(worst)} (each eigenvalue is within its residual, ` +
        `column "residual" of eigenvalues.csv); raise --lanczos-steps for more`,
    );
  }
  run.finish(full,
    [
      ...notes,
      `top eigenvalues: ${top.values.slice(0, 12).map(fmt).join(', ')}${top.values.length > 12 ? ', …' : ''}`,
      `trace ${fmt(report.trace!.estimate)} ± ${fmt(report.trace!.standardError)}, ‖·‖_F ${fmt(report.frobeniusNorm!.estimate)} ± ${fmt(report.frobeniusNorm!.standardError)}`,
      `gradient overlap with the top-${overlap.k} subspace: ${fmt(overlap.overlap)} (random: ${fmt(overlap.randomBaseline)})`,
      `${report.products} products in ${report.seconds.toFixed(1)} s; wrote ${['spectrum.json', 'eigenvalues.csv', 'density.csv', ...plots.map((p) => p.slice(outDir.length + 1))].join(', ')} to ${outDir}`,
    ].join('\n'),
  );
}

/** The plots: eigenvalues, gradient overlap and the density (on a log axis). */
async function writeSpectrumPlots(
  outDir: string, options: SpectrumOptions, modelName: string, top: NonNullable<SpectrumReport['top']>,
  overlap: ReturnType<typeof overlapWithEigenvectors>, density: NonNullable<SpectrumReport['density']>,
): Promise<string[]> {
  // The density spans many orders of magnitude (a bulk near 0, a few outliers): plot it on a log axis, floored.
  const peak = Math.max(...density.density);
  const floor = peak * 1e-8;
  const { lineChart, scatterChart } = await import('../plot.js');
  const what = options.operator === 'hessian' ? 'Hessian' : 'Gauss-Newton matrix';
  return savePlots(outDir, [
    {
      name: 'density',
      svg: () =>
        lineChart({
          title: `Eigenvalue density of the ${what} (SLQ, ${options.slqProbes} probes × ${options.slqSteps} steps)`,
          xLabel: 'eigenvalue',
          yLabel: 'density (log)',
          yLog: true,
          series: [{ name: 'density', points: Array.from(density.grid, (x, i) => ({ x, y: Math.max(floor, density.density[i]!) })) }],
        }),
    },
    {
      name: 'eigenvalues',
      svg: () =>
        scatterChart({
          title: `Top ${top.values.length} eigenvalues of the ${what} (${modelName})`,
          xLabel: 'rank',
          yLabel: 'eigenvalue',
          series: [{ name: 'eigenvalue', points: top.values.map((y, i) => ({ x: i + 1, y })) }],
        }),
    },
  ]);
}

export function register(program: Command): void {
  const command = program
    .command('spectrum')
    .description('top eigenvalues, Hutchinson trace and SLQ eigenvalue density of the loss Hessian of a network');
  addNetworkOptions(command, { samples: 1000, model: '784-32-10' })
    .option('--checkpoint <path>', 'analyse the parameters of this checkpoint instead of an initialisation (one saved in the other --dtype is converted, with a note)')
    .option('--operator <name>', 'hessian or gauss-newton', parseChoice('--operator', ['hessian', 'gauss-newton'] as const), 'hessian')
    .option('--top-k <n>', 'number of top eigenvalues', parseIntOption('--top-k', 1, 500), 20)
    .option('--lanczos-steps <n>', 'most Lanczos steps (HVPs) for the top eigenvalues (default max(4·top-k, 60))', parseIntOption('--lanczos-steps', 2, 100000))
    .option('--overlap-k <n>', 'dimension of the top subspace for the gradient overlap', parseIntOption('--overlap-k', 1, 500), 10)
    .option('--probes <n>', 'Hutchinson probes for the trace and Frobenius norm', parseIntOption('--probes', 2, 100000), 50)
    .option('--slq-probes <n>', 'probes of the stochastic Lanczos quadrature', parseIntOption('--slq-probes', 1, 1000), 3)
    .option('--slq-steps <n>', 'Lanczos steps per SLQ probe', parseIntOption('--slq-steps', 2, 1000), 60)
    .option('--quiet', 'no progress output');
  addOutputOptions(command, 'runs/spectrum')
    .action(async (options: SpectrumOptions, cmd: Command) => {
      if (options.checkpoint) {
        for (const [flag, name] of [['initScale', '--init-scale'], ['init', '--init']] as const) {
          if (cmd.getOptionValueSource(flag) === 'cli') throw new UserError(`${name} does not apply with --checkpoint (the parameters are the checkpoint's); leave it out`);
        }
        adoptCheckpointArchitecture(cmd, '--checkpoint', options.checkpoint, options);
      }
      return runSpectrum(options);
    });
}
