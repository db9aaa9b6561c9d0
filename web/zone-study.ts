/**
 * The explorer's computation: the zone study of `goldilocks zone`, one radius
 * at a time, on the MNIST subset the site ships.
 *
 * It makes the same calls as the CLI's zone command — the seeded subset of
 * the training set, the model, θ_init from the seed, the classifier, and
 * scaleSweep — so the page's numbers equal the CLI's for the same options
 * and seed (`goldilocks zone --data-dir <site>/data/mnist …`). scaleSweep is
 * called with one scale at a time: its subspaces come from the seed alone,
 * so each call measures exactly the point a whole sweep would, and the page
 * can plot it as soon as it is done. Between radii it lets the worker's event
 * loop run, which is when the kernel's helper threads (Web Workers, started
 * by the first large product) come up.
 */
import { Random, getBackend, type DType } from '../src/autodiff/index.js';
import { createModel, data, type ActivationName, type InitName } from '../src/nn/index.js';
import { findZone, logSpace, modelClassifier, scaleSweep, zoneCriterion, type ZoneBounds, type ZonePoint } from '../src/landscape/index.js';

export interface ZoneStudyConfig {
  /** Widths, e.g. '784-32-10'. */
  model: string;
  activation: ActivationName;
  init: InitName;
  bias: boolean;
  samples: number;
  subspaceDim: number;
  scales: { min: number; max: number; count: number };
  repeats: number;
  seed: number;
  dtype: DType;
  /** Folder (in the page's file table) holding the MNIST IDX files. */
  dataDir: string;
}

export interface ZoneStudyResult {
  rInit: number;
  points: ZonePoint[];
  zone: ZoneBounds | null;
  traceOverNormThreshold: number;
  backend: string;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function runZoneStudy(config: ZoneStudyConfig, onPoint: (point: ZonePoint, index: number, total: number) => void): Promise<ZoneStudyResult> {
  const train = data.loadDataset('mnist', { dataDir: config.dataDir, split: 'train', samples: config.samples, seed: config.seed });
  const model = createModel(config.model, { activation: config.activation, bias: config.bias, numClasses: train.numClasses });
  const thetaInit = model.init(new Random(config.seed), config.init).toTypedArray() as Float64Array;
  if (config.subspaceDim > model.spec.size) throw new Error(`the subspace dimension ${config.subspaceDim} exceeds the ${model.spec.size} parameters of ${model.name}`);
  const classifier = modelClassifier(model, train.x, train.labels, config.dtype);
  const scales = logSpace(config.scales.min, config.scales.max, config.scales.count);
  const measure = { subspaceDim: config.subspaceDim, projection: 'dense' as const, repeats: config.repeats, seed: config.seed, gaussNewton: false };
  const points: ZonePoint[] = [];
  for (const [i, scale] of scales.entries()) {
    const [point] = scaleSweep(classifier, thetaInit, [scale], measure);
    points.push(point!);
    onPoint(point!, i, scales.length);
    await yieldToEventLoop();
  }
  const criterion = zoneCriterion(config.subspaceDim, config.repeats);
  return {
    rInit: points[0]!.radius / points[0]!.radiusRatio,
    points,
    zone: findZone(points, criterion),
    traceOverNormThreshold: criterion.traceOverNormThreshold,
    backend: getBackend().describe(),
  };
}
