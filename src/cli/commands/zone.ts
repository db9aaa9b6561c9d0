/**
 * `goldilocks zone`: the Goldilocks zone study (Fort & Scherlis; Vysogorets
 * et al.) from one command.
 *
 * Draws θ_init, scales it by α over a log grid (radius r = α·r_init), and at
 * each radius restricts the Hessian of the training loss (on `--samples`
 * examples, full batch) to `--repeats` random `--subspace-dim`-dimensional
 * subspaces; reports Tr(H)/‖H‖_F, the fraction of positive eigenvalues, the
 * eigenvalues, loss, accuracy, output entropy, Γ and the gradient norm, and
 * the zone: the range of radii where the excess of positive curvature is
 * significant. Optional: the Gauss-Newton split, and a temperature sweep at
 * the initial weights (for bias-free ReLU networks, the same curve).
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { getBackend } from '../../autodiff/index.js';
import { euclideanNorm as norm, expectedRadius, type Model } from '../../nn/index.js';
import {
  findZone, makeSubspaces, modelClassifier, scaleSweep, temperatureSweep, zoneCriterion,
  type MeasureOptions, type PointMeasurement, type RandomSubspace, type TemperaturePoint, type ZoneBounds, type ZonePoint,
} from '../../landscape/index.js';
import { UserError, parseChoice, parseFloatOption, parseIntOption, parseRange, type Range } from '../errors.js';
import { writeCsv, writeJson } from '../output.js';
import { startRun, type Run } from '../harness.js';
import { lineChartSpec, savePlot, type Band, type Series } from '../plot.js';
import { createProgress } from '../progress.js';
import { addDataOptions, addModelOptions, addRunOptions, buildModel, loadData, logGrid, seededRandom, type DataOptions, type ModelFlags, type RunFlags } from '../common.js';

interface ZoneFlags extends DataOptions, ModelFlags, RunFlags {
  subspaceDim: number;
  projection: 'dense' | 'sparse';
  scales: Range;
  repeats: number;
  gaussNewton?: boolean;
  temperatureSweep?: boolean;
  temperatures?: Range;
  z: number;
}

export interface ZoneReport {
  config: Record<string, unknown>;
  rInit: number;
  expectedRInit: number;
  points: ZonePoint[];
  zone: ZoneBounds | null;
  criterion: ReturnType<typeof zoneCriterion>;
  temperature?: { numLayers: number; homogeneous: boolean; points: (TemperaturePoint & { equivalentScale: number })[] };
}

const CSV_COLUMNS = [
  'scale', 'radius', 'radiusRatio', 'loss', 'accuracy', 'entropy', 'gamma', 'gradientNorm', 'zeroLogitFraction',
  'trace', 'frobeniusNorm', 'traceOverNorm', 'traceOverNormStd', 'positiveFraction', 'positiveFractionStd', 'minEigenvalue', 'maxEigenvalue', 'asymmetry',
] as const;

function csvRow(p: PointMeasurement & Record<string, unknown>): Record<string, number | string | null> {
  const row: Record<string, number | string | null> = {};
  for (const key of [...CSV_COLUMNS, 'temperature', 'equivalentScale']) if (typeof p[key] === 'number') row[key] = p[key] as number;
  if (p.gaussNewton) Object.assign(row, p.gaussNewton);
  return row;
}

/** The eigenvalues of the first subspace at each point, one per row (a CSV cell holds one value). */
function eigenvalueRows(points: readonly (PointMeasurement & Record<string, unknown>)[], key: 'scale' | 'temperature'): Record<string, number>[] {
  return points.flatMap((p) => p.eigenvalues.map((eigenvalue, i) => ({ [key]: p[key] as number, index: i + 1, eigenvalue })));
}

/** Data, model, θ_init and the grids of a zone run, checked before any computation. */
interface ZoneSetup {
  model: Model;
  samples: number;
  thetaInit: Float64Array;
  rInit: number;
  classifier: ReturnType<typeof modelClassifier>;
  scales: number[];
  temperatures: number[];
  measure: MeasureOptions;
}

function setUpZone(flags: ZoneFlags): ZoneSetup {
  const { train } = loadData({ ...flags, testSamples: 1 }, flags.seed);
  const model = buildModel(flags, train);
  if (flags.subspaceDim > model.spec.size) throw new UserError(`--subspace-dim ${flags.subspaceDim} exceeds the ${model.spec.size} parameters of ${model.name}`);
  const thetaInit = model.init(seededRandom(flags.seed), flags.init).toTypedArray() as Float64Array;
  const rInit = norm(thetaInit);
  if (!(rInit > 0)) throw new UserError(`--init ${flags.init} gives θ_init = 0, which scaling cannot move; choose another --init`);
  const scales = logGrid(flags.scales);
  const temperatures = flags.temperatureSweep ? logGrid(flags.temperatures!) : [];
  return {
    model, samples: train.labels.length, thetaInit, rInit, classifier: modelClassifier(model, train.x, train.labels, flags.dtype), scales, temperatures,
    measure: { subspaceDim: flags.subspaceDim, projection: flags.projection, repeats: flags.repeats, seed: flags.seed, gaussNewton: Boolean(flags.gaussNewton) },
  };
}

/** Measures one point; a point whose loss overflows is the range's fault, not a bug. */
function measureOrExplain<T>(flag: string, value: number, measure: () => T): T {
  try {
    return measure();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${flag}: the point ${value.toPrecision(4)} cannot be analysed (${(error as Error).message}); choose a narrower range`);
  }
}

/** The sweeps over radii and temperatures, one journalled unit per point (a shard computes only its own). */
async function computeZone(run: Run, setup: ZoneSetup, flags: ZoneFlags): Promise<{ points: ZonePoint[]; temperaturePoints: TemperaturePoint[] }> {
  const { classifier, thetaInit, scales, temperatures } = setup;
  // the subspaces are drawn once, when the first point that is not done yet needs them
  let subspaces: RandomSubspace[] | undefined;
  const measure = (): MeasureOptions => ({ ...setup.measure, subspaces: (subspaces ??= makeSubspaces(thetaInit.length, setup.measure)) });
  const progress = createProgress({ label: 'zone', total: scales.length + temperatures.length, quiet: flags.quiet });
  let done = 0;
  try {
    const points = await run.sweep('scale', scales,
      (scale) => measureOrExplain('--scales', scale, () => scaleSweep(classifier, thetaInit, [scale], measure())[0]!),
      (_p, i) => progress.update(++done, { 'r/r_init': scales[i]! }));
    const temperaturePoints = await run.sweep('temperature', temperatures,
      (t) => measureOrExplain('--temperatures', t, () => temperatureSweep(classifier, thetaInit, [t], measure())[0]!),
      (_p, i) => progress.update(++done, { T: temperatures[i]! }));
    return { points, temperaturePoints };
  } finally {
    progress.stop();
  }
}

export async function runZone(flags: ZoneFlags): Promise<ZoneReport | undefined> {
  const run = startRun('zone', flags);
  const setup = setUpZone(flags);
  const { points, temperaturePoints } = await computeZone(run, setup, flags);
  if (run.shard) {
    run.finishShard();
    return undefined;
  }
  const report = zoneReport(setup, flags, points, temperaturePoints);
  await writeZone(run, report, setup.model, flags);
  return report;
}

function zoneReport(setup: ZoneSetup, flags: ZoneFlags, points: ZonePoint[], temperaturePoints: TemperaturePoint[]): ZoneReport {
  const { model } = setup;
  const criterion = zoneCriterion(flags.subspaceDim, flags.repeats, flags.z);
  const report: ZoneReport = {
    config: {
      command: 'zone', dataset: flags.dataset, normalize: flags.normalize, samples: setup.samples, model: model.name, parameters: model.spec.size,
      activation: flags.activation, init: flags.init, bias: flags.bias, subspaceDim: flags.subspaceDim, projection: flags.projection,
      scales: flags.scales, repeats: flags.repeats, gaussNewton: Boolean(flags.gaussNewton), z: flags.z,
      ...(flags.temperatureSweep ? { temperatures: flags.temperatures } : {}),
      seed: flags.seed, dtype: flags.dtype, backend: getBackend().name, backendDescription: getBackend().describe(),
    },
    rInit: setup.rInit,
    expectedRInit: expectedRadius(model, flags.init),
    points,
    zone: findZone(points, criterion),
    criterion,
  };
  if (flags.temperatureSweep) {
    report.temperature = {
      numLayers: model.numLayers,
      homogeneous: model.homogeneous,
      // for a homogeneous network, temperature T matches the scale α = T^(−1/L)
      points: temperaturePoints.map((p) => ({ ...p, equivalentScale: p.temperature ** (-1 / model.numLayers) })),
    };
  }
  return report;
}

async function writeZone(run: Run, report: ZoneReport, model: Model, flags: ZoneFlags): Promise<void> {
  const out = run.dir;
  const full = { ...report, provenance: run.provenance(report.config, flags.dtype) };
  writeJson(join(out, 'zone.json'), full);
  const points = report.points as unknown as (PointMeasurement & Record<string, unknown>)[];
  writeCsv(join(out, 'zone.csv'), points.map(csvRow));
  writeCsv(join(out, 'zone-eigenvalues.csv'), eigenvalueRows(points, 'scale'));
  if (report.temperature) {
    const temperaturePoints = report.temperature.points as unknown as (PointMeasurement & Record<string, unknown>)[];
    writeCsv(join(out, 'temperature.csv'), temperaturePoints.map(csvRow));
    writeCsv(join(out, 'temperature-eigenvalues.csv'), eigenvalueRows(temperaturePoints, 'temperature'));
  }
  await writePlots(out, report, model);
  const { zone, rInit } = report;
  const summary = zone
    ? `Goldilocks zone: r from ${zone.lower.toFixed(3)} to ${zone.upper.toFixed(3)} (r/r_init ${zone.lowerRatio.toPrecision(3)} to ${zone.upperRatio.toPrecision(3)}${zone.openBelow || zone.openAbove ? ', reaching the edge of the scanned range' : ''})`
    : 'no radius with significant excess positive curvature in the scanned range';
  run.finish(full, `r_init = ${rInit.toFixed(3)} (expected ${report.expectedRInit.toFixed(3)}); ${summary}\nwrote ${out}/zone.json, zone.csv, zone-eigenvalues.csv and plots`);
}

async function writePlots(out: string, report: ZoneReport, model: Model): Promise<void> {
  const bands: Band[] = report.zone ? [{ from: report.zone.lowerRatio, to: report.zone.upperRatio, label: 'Goldilocks zone' }] : [];
  const curve = (name: string, pts: { x: number; y: number }[]): Series => ({ name, points: pts });
  const scaleCurve = (key: 'traceOverNorm' | 'positiveFraction'): Series[] => {
    const series = [curve(`${model.name}, scaling θ`, report.points.map((p) => ({ x: p.radiusRatio, y: p[key] })))];
    if (report.temperature) series.push(curve('temperature T = α^(−L)', report.temperature.points.map((p) => ({ x: p.equivalentScale, y: p[key] }))));
    return series;
  };
  const title = `${model.name} on ${String(report.config.dataset)}, d = ${String(report.config.subspaceDim)}`;
  await savePlot(join(out, 'trace-over-norm'), lineChartSpec({ title: `Tr(H)/‖H‖ — ${title}`, xLabel: 'r / r_init', yLabel: 'Tr(H) / ‖H‖_F', xLog: true, bands, series: scaleCurve('traceOverNorm') }), { png: true });
  await savePlot(join(out, 'positive-fraction'), lineChartSpec({ title: `positive eigenvalues — ${title}`, xLabel: 'r / r_init', yLabel: 'fraction of eigenvalues > 0', xLog: true, bands, series: scaleCurve('positiveFraction') }), { png: true });
  // the spectrum at the smallest radius, r_init (the scale closest to 1) and the largest, each normalised by its largest |λ|
  const nearest = report.points.reduce((best, p) => (Math.abs(Math.log(p.scale)) < Math.abs(Math.log(best.scale)) ? p : best));
  const chosen = [...new Set([report.points[0]!, nearest, report.points[report.points.length - 1]!])];
  await savePlot(join(out, 'spectrum'), lineChartSpec({
    title: `restricted Hessian eigenvalues / max |λ| — ${title}`, xLabel: 'eigenvalue index (ascending)', yLabel: 'λ / max|λ|',
    series: chosen.map((p) => {
      const scale = Math.max(...p.eigenvalues.map(Math.abs)) || 1;
      return curve(`r/r_init = ${p.radiusRatio.toPrecision(3)}`, p.eigenvalues.map((l, i) => ({ x: i + 1, y: l / scale })));
    }),
  }), { png: true });
  if (report.points[0]!.gaussNewton) {
    const positive = (v: number): number => Math.max(v, 1e-300);
    await savePlot(join(out, 'gauss-newton'), lineChartSpec({
      title: `spectral norms of the Hessian's parts — ${title}`, xLabel: 'r / r_init', yLabel: 'spectral norm', xLog: true, yLog: true, bands,
      series: [
        curve('Hessian', report.points.map((p) => ({ x: p.radiusRatio, y: positive(Math.max(Math.abs(p.minEigenvalue), Math.abs(p.maxEigenvalue))) }))),
        curve('G-term', report.points.map((p) => ({ x: p.radiusRatio, y: positive(p.gaussNewton!.gSpectralNorm) }))),
        curve('H-term', report.points.map((p) => ({ x: p.radiusRatio, y: positive(p.gaussNewton!.hSpectralNorm) }))),
      ],
    }), { png: true });
  }
}

export function register(program: Command): void {
  const cmd = program.command('zone').description('the Goldilocks zone: curvature on random subspaces across radii (default: MNIST, MLP 784-200-200-10, ReLU, Xavier)');
  addDataOptions(cmd, { samples: 1000 });
  addModelOptions(cmd);
  cmd
    .option('--subspace-dim <d>', 'dimension d of the random subspaces', parseIntOption('--subspace-dim', 1), 20)
    .option('--projection <kind>', 'dense (exactly orthonormal) or sparse (±1, density 1/√D)', parseChoice('--projection', ['dense', 'sparse'] as const), 'dense')
    .option('--scales <MIN:MAX:COUNT>', 'log-spaced multipliers α of the initial radius (or one number: one radius)', parseRange('--scales', { single: true }), { min: 0.01, max: 100, count: 17 })
    .option('--repeats <n>', 'independent random subspaces per radius (mean and spread reported)', parseIntOption('--repeats', 1), 1)
    .option('--gauss-newton', 'also split the Hessian into its Gauss-Newton G-term and H-term')
    .option('--temperature-sweep', 'also sweep the softmax temperature at the initial weights')
    .option('--temperatures <MIN:MAX:COUNT>', 'log-spaced temperatures for --temperature-sweep', parseRange('--temperatures', { single: true }), { min: 1e-6, max: 1e6, count: 13 })
    .option('--z <z>', 'significance: standard errors above the random-matrix reference', parseFloatOption('--z', { min: 0, exclusiveMin: true }), 3);
  addRunOptions(cmd, 'runs/zone', { sweep: true });
  cmd.action(async (flags: ZoneFlags) => {
    await runZone(flags);
  });
}
