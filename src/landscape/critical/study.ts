/**
 * A critical-point study: run one finder from many starting points, classify
 * where each run ended, and summarise.
 *
 * The headline numbers of Frye et al. are of this kind — on the deep linear
 * autoencoder, the fraction of runs ending with ‖∇f‖² < 1e-10 is 80 ± 4 %
 * for Newton-MR, 45 ± 5 % for damped Newton and 35 ± 6 % for BTLS-GNM. The
 * "±" is the binomial standard error √(q(1 − q)/R) of a fraction q over R
 * runs, which is what `summarizeRuns` reports too. Each run's end point also
 * carries its loss and Hessian index, for the loss-versus-index plot.
 */
import type { LossOfTheta } from '../hessian-operator.js';
import { classifyEndpoint, type ClassifyOptions, type EndpointClassification } from './classify.js';
import { dampedNewton, type DampedNewtonOptions } from './damped-newton.js';
import type { FinderIteration, FinderMethod, FinderResult } from './finder.js';
import { gradientNormMinimization, type GradientNormMinimizationOptions } from './gradient-norm-minimization.js';
import { newtonMR, type NewtonMrOptions } from './newton-mr.js';
import type { CriticalPointProblem } from './problems.js';

/** The options of whichever finder is chosen (each ignores the others'). */
export type AnyFinderOptions = NewtonMrOptions & DampedNewtonOptions & GradientNormMinimizationOptions;

/** Runs the named finder. */
export function runFinder(method: FinderMethod, loss: LossOfTheta, theta0: Float64Array, options: AnyFinderOptions = {}): FinderResult {
  switch (method) {
    case 'newton-mr':
      return newtonMR(loss, theta0, options);
    case 'damped-newton':
      return dampedNewton(loss, theta0, options);
    case 'gnm':
      return gradientNormMinimization(loss, theta0, options);
  }
}

export interface CriticalRun {
  run: number;
  result: FinderResult;
  endpoint: EndpointClassification;
}

export interface RunSummary {
  runs: number;
  critical: number;
  gradientFlat: number;
  neither: number;
  fractionCritical: number;
  fractionCriticalStandardError: number;
  fractionFlat: number;
  fractionFlatStandardError: number;
  fractionNeither: number;
  /** Runs whose trace ever had r > 0.9 (methods that solve H p = −g only; null for GNM). */
  fractionEverFlat: number | null;
  /** Its binomial standard error √(q(1 − q)/n) over those runs (null for GNM). */
  fractionEverFlatStandardError: number | null;
  /** Mean seconds per run (finder plus classification). */
  meanSeconds: number;
}

export interface StudyOptions {
  runs: number;
  seed: number;
  finder?: AnyFinderOptions;
  classify?: ClassifyOptions;
  /** Use these starting points instead of drawing them from the problem. */
  startingPoints?: Float64Array[];
  /** Called when the starting points are ready, and after each run. */
  onStart?: (points: Float64Array[]) => void;
  onRun?: (run: CriticalRun, done: number) => void;
  /** Called after each finder iteration of each run. */
  onIteration?: (run: number, record: FinderIteration) => void;
}

const binomialStandardError = (q: number, n: number): number => (n > 0 ? Math.sqrt((q * (1 - q)) / n) : 0);

/** Counts the kinds of end points. */
export function summarizeRuns(runs: readonly CriticalRun[]): RunSummary {
  const n = runs.length;
  const count = (kind: string): number => runs.filter((r) => r.endpoint.kind === kind).length;
  const critical = count('critical');
  const gradientFlat = count('gradient-flat');
  const neither = count('neither');
  const solving = runs.filter((r) => r.result.method !== 'gnm');
  const everFlat = solving.filter((r) => r.result.trace.some((t) => (t.relativeResidual ?? 0) > 0.9)).length;
  const q = (k: number): number => (n > 0 ? k / n : 0);
  const seconds = runs.reduce((s, r) => s + r.result.seconds, 0);
  return {
    runs: n,
    critical,
    gradientFlat,
    neither,
    fractionCritical: q(critical),
    fractionCriticalStandardError: binomialStandardError(q(critical), n),
    fractionFlat: q(gradientFlat),
    fractionFlatStandardError: binomialStandardError(q(gradientFlat), n),
    fractionNeither: q(neither),
    fractionEverFlat: solving.length > 0 ? everFlat / solving.length : null,
    fractionEverFlatStandardError: solving.length > 0 ? binomialStandardError(everFlat / solving.length, solving.length) : null,
    meanSeconds: n > 0 ? seconds / n : 0,
  };
}

/** Runs `method` on `problem` from `runs` seeded starting points and classifies every end point. */
export function criticalPointStudy(problem: CriticalPointProblem, method: FinderMethod, options: StudyOptions): { runs: CriticalRun[]; summary: RunSummary } {
  const points = options.startingPoints ?? problem.startingPoints(options.runs, options.seed);
  options.onStart?.(points);
  const runs: CriticalRun[] = [];
  points.forEach((theta0, run) => {
    const result = runFinder(method, problem.loss, theta0, {
      ...options.finder,
      onIteration: (record) => options.onIteration?.(run, record),
    });
    const started = performance.now();
    const endpoint = classifyEndpoint(problem.loss, result.theta, { minres: options.finder?.minres, ...options.classify });
    result.seconds += (performance.now() - started) / 1000;
    const entry = { run, result, endpoint };
    runs.push(entry);
    options.onRun?.(entry, runs.length);
  });
  return { runs, summary: summarizeRuns(runs) };
}
