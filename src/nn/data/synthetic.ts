/**
 * Two tiny synthetic datasets, for runs that take seconds instead of hours.
 *
 * circles: points in the plane on concentric rings, one ring per class (three
 *   by default), with radii 1/k, 2/k, ..., 1 and Gaussian noise on the
 *   radius. No straight line separates them, so a network needs a hidden
 *   layer; a small one suffices.
 *
 * blobs: k Gaussian clouds in d dimensions, one per class, around centres
 *   drawn uniformly from the box [-centerBox, centerBox]^d.
 *
 * Both are seeded: the same options give the same numbers, bit for bit. The
 * 'train' and 'test' splits are different samples from the same
 * distribution (the same rings, the same blob centres): the seed fixes the
 * distribution, and each split draws its points from its own independent
 * stream split off the seeded generator. Classes are balanced: sample i has
 * class i mod k.
 */
import { Random } from '../../autodiff/index.js';
import { checkSplit } from './dataset.js';
import type { Dataset, Split } from './dataset.js';

export interface CirclesOptions {
  /** Number of points (default 600). */
  samples?: number;
  /** Number of rings, one per class (default 3). */
  numClasses?: number;
  /** Standard deviation of the radial noise (default 0.05; rings are 1/numClasses apart). */
  noise?: number;
  seed?: number;
  split?: Split;
}

export interface BlobsOptions {
  /** Number of points (default 600). */
  samples?: number;
  /** Number of blobs, one per class (default 3). */
  numClasses?: number;
  /** Dimension of the points (default 2). */
  dims?: number;
  /** Standard deviation of each blob (default 1). */
  clusterStd?: number;
  /** Centres are uniform in [-centerBox, centerBox] in every coordinate (default 5). */
  centerBox?: number;
  seed?: number;
  split?: Split;
}

function checkPositiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}

function checkNonNegative(value: number, what: string): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`${what} must be a finite number ≥ 0, got ${value}`);
  return value;
}

/**
 * The generator a split draws its points from. The seeded root generator
 * first hands out whatever defines the distribution (blob centres); then the
 * train and test streams are split off it, in that order.
 */
function splitStream(root: Random, split: Split): Random {
  const train = root.split();
  const test = root.split();
  return split === 'train' ? train : test;
}

/** Three (or k) noisy concentric rings in the plane. */
export function makeCircles(options: CirclesOptions = {}): Dataset {
  const n = checkPositiveInteger(options.samples ?? 600, 'circles: samples');
  const k = checkPositiveInteger(options.numClasses ?? 3, 'circles: numClasses');
  const noise = checkNonNegative(options.noise ?? 0.05, 'circles: noise');
  const split = checkSplit(options.split ?? 'train', 'circles');
  const rng = splitStream(new Random(options.seed ?? 0), split);

  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % k;
    const radius = (label + 1) / k + noise * rng.normal();
    const angle = rng.uniform(0, 2 * Math.PI);
    x[2 * i] = radius * Math.cos(angle);
    x[2 * i + 1] = radius * Math.sin(angle);
    labels[i] = label;
  }
  return { name: 'circles', split, x, sampleShape: [2], labels, numClasses: k };
}

/** k Gaussian blobs in d dimensions. */
export function makeBlobs(options: BlobsOptions = {}): Dataset {
  const n = checkPositiveInteger(options.samples ?? 600, 'blobs: samples');
  const k = checkPositiveInteger(options.numClasses ?? 3, 'blobs: numClasses');
  const d = checkPositiveInteger(options.dims ?? 2, 'blobs: dims');
  const clusterStd = checkNonNegative(options.clusterStd ?? 1, 'blobs: clusterStd');
  const centerBox = checkNonNegative(options.centerBox ?? 5, 'blobs: centerBox');
  const split = checkSplit(options.split ?? 'train', 'blobs');

  const root = new Random(options.seed ?? 0);
  const centers = new Float64Array(k * d);
  for (let j = 0; j < centers.length; j++) centers[j] = root.uniform(-centerBox, centerBox);
  const rng = splitStream(root, split);

  const x = new Float64Array(d * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % k;
    for (let j = 0; j < d; j++) x[i * d + j] = centers[label * d + j]! + clusterStd * rng.normal();
    labels[i] = label;
  }
  return { name: 'blobs', split, x, sampleShape: [d], labels, numClasses: k };
}
