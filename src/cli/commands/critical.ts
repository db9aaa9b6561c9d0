/**
 * `goldilocks critical`: look for critical points from many starting points,
 * and say what was found (Frye et al. 2021).
 *
 *   goldilocks critical --problem toy --method newton-mr --runs 20 --out runs/critical-toy
 *   goldilocks critical --problem dlae --method gnm --runs 20 --iterations 5000 --out runs/critical-dlae-gnm
 *   goldilocks critical --problem mnist-mlp --runs 10 --samples 1000 --out runs/critical-mnist
 *
 * Each run starts at a seeded point (the toy: uniform in a box; the DLAE and
 * the MNIST MLP: points on gradient-descent trajectories, uniform in loss,
 * noise on half of them), runs the chosen finder, and classifies its end:
 * critical (‖∇f‖² < 1e-10), gradient-flat (r > 0.9) or neither, with the
 * loss and the Hessian index (fraction of eigenvalues below −1e-5).
 *
 * Writes to --out: critical.json (settings, summary, one entry per run),
 * runs.csv (one row per run), traces.csv (one row per iteration per run), and
 * the plots loss-vs-index, gradient-norm and (for the methods that solve
 * H p = −g) residual, each .svg and .png.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  FINDER_METHODS, criticalPointStudy, dlaeProblem, mnistMlpProblem, summarizeRuns, toyProblem,
  type AnyFinderOptions, type CriticalPointProblem, type CriticalRun, type FinderMethod,
} from '../../landscape/index.js';
import { ACTIVATION_NAMES, type ActivationName } from '../../nn/index.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption } from '../errors.js';
import { writeCsv, writeJson, type CsvValue } from '../output.js';
import { addOutputOptions, runSettings, startRun, type OutputFlags, type Run } from '../harness.js';
import { createProgress } from '../progress.js';
import { savePlots } from '../network.js';
import { BACKEND_HELP, backendRecord } from '../common.js';

const PROBLEMS = ['toy', 'dlae', 'mnist-mlp'] as const;
type ProblemName = (typeof PROBLEMS)[number];

interface CriticalOptions extends OutputFlags {
  problem: ProblemName;
  method: FinderMethod;
  runs: number;
  iterations?: number;
  seed: number;
  samples?: number;
  activation?: ActivationName;
  rtol?: number;
  maxit?: number;
  tolerance: number;
}

function makeProblem(options: CriticalOptions): CriticalPointProblem {
  if (options.activation !== undefined && options.problem !== 'mnist-mlp') {
    throw new UserError(`--activation applies to --problem mnist-mlp only (the ${options.problem} problem has a fixed form)`);
  }
  switch (options.problem) {
    case 'toy':
      return toyProblem();
    case 'dlae':
      return dlaeProblem({ samples: options.samples ?? 10_000, seed: options.seed });
    case 'mnist-mlp':
      try {
        return mnistMlpProblem({ samples: options.samples ?? 1000, seed: options.seed, ...(options.activation ? { activation: options.activation } : {}) });
      } catch (err) {
        throw new UserError(`--problem mnist-mlp: ${(err as Error).message}`);
      }
  }
}

/** The problem and the finder's settings, checked before any computation. */
function setUpCritical(options: CriticalOptions): { problem: CriticalPointProblem; maxIterations: number; finder: AnyFinderOptions } {
  const problem = makeProblem(options);
  const maxIterations = options.iterations ?? (options.method === 'gnm' ? 5000 : 500);
  const finder: AnyFinderOptions = {
    maxIterations,
    squaredGradientTolerance: options.tolerance,
    ...(options.rtol !== undefined || options.maxit !== undefined
      ? { minres: { ...(options.rtol !== undefined ? { rtol: options.rtol } : {}), ...(options.maxit !== undefined ? { maxit: options.maxit } : {}) } }
      : {}),
  };
  return { problem, maxIterations, finder };
}

/** The runs, one journalled unit each, from the seeded starting points (a shard does only its own). */
async function computeCritical(run: Run, options: CriticalOptions, problem: CriticalPointProblem, maxIterations: number, finder: AnyFinderOptions): Promise<CriticalRun[]> {
  const progress = createProgress({ label: 'critical', total: options.runs * maxIterations, quiet: options.quiet });
  progress.log(`${problem.description}; ${options.method}, ${options.runs} runs of at most ${maxIterations} iterations`);
  const startingPoints = problem.startingPoints(options.runs, options.seed);
  try {
    return await run.sweep('run', startingPoints, (theta0, index) => {
      const study = criticalPointStudy(problem, options.method, {
        runs: 1, seed: options.seed, finder, startingPoints: [theta0],
        onIteration: (_run, record) => progress.update(index * maxIterations + record.iteration, { run: index + 1, gradNormSq: record.squaredGradientNorm }),
      });
      return { ...study.runs[0]!, run: index };
    }, (r, index) => {
      progress.update((index + 1) * maxIterations, { run: index + 1 });
      progress.log(
        `run ${r.run + 1}: ${r.endpoint.kind}, ‖∇f‖² ${r.endpoint.squaredGradientNorm.toExponential(2)}, loss ${r.endpoint.loss.toPrecision(6)}, ` +
          `index ${r.endpoint.index?.fraction.toFixed(3) ?? '-'}, r ${r.endpoint.relativeResidual.toFixed(3)}, ${r.result.trace.length - 1} iterations (${r.result.stopReason})`,
      );
    });
  } finally {
    progress.stop();
  }
}

async function runCritical(options: CriticalOptions): Promise<void> {
  const run = startRun('critical', options);
  const { problem, maxIterations, finder } = setUpCritical(options);
  const started = performance.now();
  const runs = await computeCritical(run, options, problem, maxIterations, finder);
  if (run.shard) {
    run.finishShard();
    return;
  }
  const summary = summarizeRuns(runs);
  const seconds = (performance.now() - started) / 1000;
  await writeCritical(run, options, problem, maxIterations, runs, summary, seconds);
}

async function writeCritical(
  run: Run, options: CriticalOptions, problem: CriticalPointProblem, maxIterations: number, runs: CriticalRun[], summary: ReturnType<typeof summarizeRuns>, seconds: number,
): Promise<void> {
  const outDir = run.dir;
  const runRow = (r: CriticalRun): Record<string, CsvValue> => ({
    run: r.run,
    kind: r.endpoint.kind,
    loss: r.endpoint.loss,
    squaredGradientNorm: r.endpoint.squaredGradientNorm,
    relativeResidual: r.endpoint.relativeResidual,
    relativeCokernelResidual: r.endpoint.relativeCokernelResidual,
    index: r.endpoint.index?.fraction ?? null,
    negativeEigenvalues: r.endpoint.index?.negativeCount ?? null,
    indexMethod: r.endpoint.index?.method ?? null,
    startLoss: r.result.trace[0]!.loss,
    startSquaredGradientNorm: r.result.trace[0]!.squaredGradientNorm,
    iterations: r.result.trace.length - 1,
    stopReason: r.result.stopReason,
    gradientEvaluations: r.result.gradientEvaluations,
    hessianProducts: r.result.hessianProducts,
    seconds: r.result.seconds,
  });
  const config = { ...runSettings(options), iterations: maxIterations, ...backendRecord() };
  const full = {
    command: 'critical',
    config,
    problem: { name: problem.name, description: problem.description, parameters: problem.dim },
    method: options.method,
    summary,
    seconds,
    runs: runs.map((r) => ({ ...runRow(r), indexDetails: r.endpoint.index, theta: problem.dim <= 2000 ? Array.from(r.result.theta) : null })),
    provenance: run.provenance(config, 'float64'),
  };
  writeJson(join(outDir, 'critical.json'), full);
  writeCsv(join(outDir, 'runs.csv'), runs.map(runRow));
  writeCsv(
    join(outDir, 'traces.csv'),
    runs.flatMap((r) =>
      r.result.trace.map((t) => ({
        run: r.run,
        iteration: t.iteration,
        loss: t.loss,
        squaredGradientNorm: t.squaredGradientNorm,
        stepSize: t.stepSize,
        relativeResidual: t.relativeResidual,
        relativeCokernelResidual: t.relativeCokernelResidual,
        damping: t.damping,
        curvatureAlongGradient: t.curvatureAlongGradient,
      })),
    ),
  );

  await writeCriticalPlots(outDir, options, problem, runs);
  const percent = (q: number, se: number): string => `${(100 * q).toFixed(0)} ± ${(100 * se).toFixed(0)} %`;
  run.finish(full,
    `${summary.runs} runs in ${seconds.toFixed(1)} s: critical ${percent(summary.fractionCritical, summary.fractionCriticalStandardError)}, ` +
      `gradient-flat ${percent(summary.fractionFlat, summary.fractionFlatStandardError)}, neither ${(100 * summary.fractionNeither).toFixed(0)} %; wrote ${outDir}`,
  );
}

/** loss-vs-index, gradient-norm and (for the methods that solve H p = −g) residual. */
async function writeCriticalPlots(outDir: string, options: CriticalOptions, problem: CriticalPointProblem, runs: CriticalRun[]): Promise<void> {
  const { lineChart, scatterChart } = await import('../plot.js');
  const kinds = ['critical', 'gradient-flat', 'neither'] as const;
  const withIndex = runs.filter((r) => r.endpoint.index !== null);
  // ‖∇f‖² can be exactly 0 (e.g. θ = 0 on the DLAE); floor it for the log axis.
  const positive = (v: number): number => Math.max(v, 1e-300);
  const plots = [
    {
      name: 'loss-vs-index',
      svg: () =>
        scatterChart({
          title: `${problem.name}, ${options.method}: loss against index at the end points`,
          xLabel: 'index (fraction of eigenvalues < −1e-5)',
          yLabel: 'loss',
          series: kinds
            .map((kind) => ({ name: kind, points: withIndex.filter((r) => r.endpoint.kind === kind).map((r) => ({ x: r.endpoint.index!.fraction, y: r.endpoint.loss })) }))
            .filter((s) => s.points.length > 0),
        }),
    },
    {
      name: 'gradient-norm',
      svg: () =>
        lineChart({
          title: `${problem.name}, ${options.method}: squared gradient norm`,
          xLabel: 'iteration',
          yLabel: '‖∇f‖²',
          yLog: true,
          series: runs.map((r) => ({ name: `run ${r.run + 1} (${r.endpoint.kind})`, points: r.result.trace.map((t) => ({ x: t.iteration, y: positive(t.squaredGradientNorm) })) })),
        }),
    },
  ];
  if (options.method !== 'gnm') {
    plots.push({
      name: 'residual',
      svg: () =>
        lineChart({
          title: `${problem.name}, ${options.method}: relative residual r of the Newton system${options.method === 'damped-newton' ? ' (damped)' : ''}`,
          xLabel: 'iteration',
          yLabel: 'r',
          series: runs.map((r) => ({
            name: `run ${r.run + 1}`,
            points: r.result.trace.flatMap((t) => (t.relativeResidual === null ? [] : [{ x: t.iteration, y: t.relativeResidual }])),
          })),
        }),
    });
  }
  await savePlots(outDir, plots);
}

export function register(program: Command): void {
  const command = program
    .command('critical')
    .description('find critical points from many starting points (Newton-MR, damped Newton, gradient-norm minimisation) and classify them')
    .option('--problem <name>', `test problem: ${PROBLEMS.join(', ')}`, parseChoice('--problem', PROBLEMS), 'toy')
    .option('--method <name>', `finder: ${FINDER_METHODS.join(', ')}`, parseChoice('--method', FINDER_METHODS), 'newton-mr')
    .option('--runs <n>', 'number of starting points', parseIntOption('--runs', 1, 100_000), 10)
    .option('--iterations <n>', 'iteration budget per run (default 500 for the Newton methods, 5000 for gnm)', parseIntOption('--iterations', 1, 10_000_000))
    .option('--samples <n>', 'dlae: data points n (default 10000); mnist-mlp: images (default 1000)', parseIntOption('--samples', 10, 60_000))
    .option('--activation <name>', `mnist-mlp: the hidden layers' activation, ${ACTIVATION_NAMES.join(', ')} (default tanh)`, parseChoice('--activation', ACTIVATION_NAMES))
    .option('--rtol <number>', 'MINRES-QLP relative tolerance of the Newton solves (default 1e-4)', parseFloatOption('--rtol', { min: 0, exclusiveMin: true, max: 1 }))
    .option('--maxit <n>', 'MINRES-QLP iterations per Newton solve (default min(D, 200))', parseIntOption('--maxit', 1, 1_000_000))
    .option('--tolerance <number>', 'stop a run once ‖∇f‖² is below this', parseFloatOption('--tolerance', { min: 0 }), 1e-20)
    .option('--seed <n>', 'seed of the data and the starting points', parseIntOption('--seed', 0), 0)
    .option('--backend <name>', BACKEND_HELP)
    .option('--quiet', 'no progress output');
  addOutputOptions(command, 'runs/critical', { sweep: true })
    .action(async (options: CriticalOptions) => runCritical(options));
}
