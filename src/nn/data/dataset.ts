/**
 * A dataset is a matrix of samples and a vector of labels, nothing more.
 *
 * Every loader (MNIST, Fashion-MNIST, CIFAR-10, the synthetic sets) returns
 * the same plain `Dataset`: sample i is row i of `x`, stored flat, and
 * `sampleShape` says how to read that row. Images are channel-major,
 * [channels, height, width], so an MNIST digit is [1, 28, 28] and a CIFAR-10
 * photo [3, 32, 32]; a point in the plane is [2]. A multilayer perceptron
 * just sees a row of prod(sampleShape) numbers; a convolutional net reshapes
 * it. There are no tensors here: the data layer hands out typed arrays, and
 * the training loop wraps them in whatever it needs.
 *
 * The helpers below do the chores of training: normalise the inputs, shuffle
 * with a seed, cut a subset or a train/test split, and walk through the data
 * in (shuffled) mini-batches. None of them modifies its input; each returns a
 * new Dataset.
 */
import type { Random } from '../../autodiff/index.js';

export interface Dataset {
  /** What the data is: 'mnist', 'cifar10', 'circles', ... */
  name: string;
  /** Which part of it, when the source has parts: 'train' or 'test'. */
  split?: Split;
  /** The samples, one flattened row each: length = numSamples(ds) · prod(sampleShape). */
  x: Float64Array;
  /** The shape of one sample: [channels, height, width] for images, [features] for vectors. */
  sampleShape: number[];
  /** The class of each sample, an integer in [0, numClasses). */
  labels: Int32Array;
  numClasses: number;
  /** Human-readable class names, indexed by label, when the source has them. */
  classNames?: string[];
}

/** The two parts most datasets come in. */
export type Split = 'train' | 'test';

/** Throws unless `split` is 'train' or 'test' (strings from the command line arrive unchecked). */
export function checkSplit(split: unknown, where: string): Split {
  if (split === 'train' || split === 'test') return split;
  throw new Error(`${where}: unknown split ${JSON.stringify(split)}; allowed: train, test`);
}

/** Options shared by the image loaders. */
export interface ImageLoadOptions {
  /** Which part of the data: 'train' (default) or 'test'. */
  split?: Split;
  /** Keep only this many samples, chosen by a seeded shuffle (all, in file order, when omitted). */
  samples?: number;
  /** Seed of the shuffle that picks `samples` (default 0). */
  seed?: number;
  /** Normalise with the dataset's standard mean/std (default true); false leaves pixels in [0, 1]. */
  normalize?: boolean;
}

/** Per-channel statistics of the inputs; one entry per channel (one, for grey images and vectors). */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** The standard normalisation constants (of pixels scaled to [0, 1], over the training sets). */
export const MNIST_STATS: ChannelStats = Object.freeze({ mean: [0.1307], std: [0.3081] });
export const FASHION_MNIST_STATS: ChannelStats = Object.freeze({ mean: [0.286], std: [0.353] });
export const CIFAR10_STATS: ChannelStats = Object.freeze({ mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] });

/** How many numbers one sample has. */
export function sampleSize(ds: Pick<Dataset, 'sampleShape'>): number {
  return ds.sampleShape.reduce((a, b) => a * b, 1);
}

/** How many samples the dataset holds. */
export function numSamples(ds: Pick<Dataset, 'labels'>): number {
  return ds.labels.length;
}

/**
 * Throws unless the parts of `ds` fit together: x holds exactly one row per
 * label, and every label is a valid class.
 */
export function checkDataset(ds: Dataset): Dataset {
  const size = sampleSize(ds);
  if (!ds.sampleShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`dataset ${ds.name}: sampleShape must be positive integers, got [${ds.sampleShape.join(', ')}]`);
  }
  if (ds.x.length !== ds.labels.length * size) {
    throw new Error(
      `dataset ${ds.name}: x has ${ds.x.length} numbers, but ${ds.labels.length} samples of shape [${ds.sampleShape.join(', ')}] need ${ds.labels.length * size}`,
    );
  }
  for (let i = 0; i < ds.labels.length; i++) {
    const label = ds.labels[i]!;
    if (label < 0 || label >= ds.numClasses) {
      throw new Error(`dataset ${ds.name}: sample ${i} has label ${label}, outside [0, ${ds.numClasses})`);
    }
  }
  if (ds.classNames !== undefined && ds.classNames.length !== ds.numClasses) {
    throw new Error(`dataset ${ds.name}: ${ds.classNames.length} class names for ${ds.numClasses} classes`);
  }
  return ds;
}

/** How many samples of each class there are. */
export function classCounts(ds: Dataset): Int32Array {
  const counts = new Int32Array(ds.numClasses);
  for (const label of ds.labels) counts[label]! += 1;
  return counts;
}

// ---------------------------------------------------------------------------
// Normalisation: x ← (x − mean[c]) / std[c], channel by channel.
//
// Samples are channel-major, so channel c of a sample is one contiguous run
// of prod(sampleShape) / channels numbers. Vectors (sampleShape [d]) count as
// a single channel unless the statistics have one entry per feature, in which
// case each feature is its own "channel" (that is what standardising a table
// of features means).

function channelLayout(ds: Dataset, stats: ChannelStats): { channels: number; runLength: number } {
  const size = sampleSize(ds);
  const channels = stats.mean.length;
  if (stats.std.length !== channels) {
    throw new Error(`normalize: ${channels} means but ${stats.std.length} standard deviations`);
  }
  if (channels === 0 || size % channels !== 0) {
    throw new Error(`normalize: ${channels} channel statistics do not divide samples of shape [${ds.sampleShape.join(', ')}]`);
  }
  for (const s of stats.std) if (!(s > 0)) throw new Error(`normalize: standard deviations must be positive, got ${s}`);
  return { channels, runLength: size / channels };
}

/** A new dataset with every channel shifted and scaled by `stats`. */
export function normalize(ds: Dataset, stats: ChannelStats): Dataset {
  const { channels, runLength } = channelLayout(ds, stats);
  const x = new Float64Array(ds.x.length);
  const size = channels * runLength;
  for (let start = 0; start < x.length; start += size) {
    for (let c = 0; c < channels; c++) {
      const mean = stats.mean[c]!;
      const scale = 1 / stats.std[c]!;
      const from = start + c * runLength;
      for (let i = from; i < from + runLength; i++) x[i] = (ds.x[i]! - mean) * scale;
    }
  }
  return { ...ds, x };
}

/**
 * The mean and standard deviation of each channel over the whole dataset
 * (population std). With `channels` = the number of features of a vector
 * dataset you get per-feature statistics.
 */
export function computeStats(ds: Dataset, channels = ds.sampleShape.length > 1 ? ds.sampleShape[0]! : 1): ChannelStats {
  const size = sampleSize(ds);
  if (!Number.isInteger(channels) || channels <= 0 || size % channels !== 0) {
    throw new Error(`computeStats: ${channels} channels do not divide samples of shape [${ds.sampleShape.join(', ')}]`);
  }
  const runLength = size / channels;
  const n = numSamples(ds) * runLength;
  if (n === 0) throw new Error(`computeStats: dataset ${ds.name} is empty`);
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    // Two passes (mean, then squared deviations): exact enough and simple.
    let sum = 0;
    for (let start = c * runLength; start < ds.x.length; start += size) {
      for (let i = start; i < start + runLength; i++) sum += ds.x[i]!;
    }
    const m = sum / n;
    let squares = 0;
    for (let start = c * runLength; start < ds.x.length; start += size) {
      for (let i = start; i < start + runLength; i++) squares += (ds.x[i]! - m) ** 2;
    }
    mean.push(m);
    std.push(Math.sqrt(squares / n));
  }
  return { mean, std };
}

/**
 * A lookup table from a pixel byte (0..255) to its normalised value
 * (byte / 255 − mean) / std. Image loaders convert millions of bytes through
 * 256 precomputed numbers instead of doing the arithmetic each time. Without
 * stats the table just scales to [0, 1].
 */
export function pixelTable(mean = 0, std = 1): Float64Array {
  const table = new Float64Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = (byte / 255 - mean) / std;
  return table;
}

// ---------------------------------------------------------------------------
// Selecting samples.

/** A new dataset holding the samples at `indices`, in that order. */
export function take(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const { x, labels } = gather(ds, indices);
  return { ...ds, x, labels };
}

/** The rows of x and the labels of the samples at `indices`, copied into new arrays. */
export function gather(ds: Dataset, indices: ArrayLike<number>): { x: Float64Array; labels: Int32Array } {
  const size = sampleSize(ds);
  const count = numSamples(ds);
  const x = new Float64Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new Error(`dataset ${ds.name}: sample index ${i} out of range [0, ${count})`);
    }
    x.set(ds.x.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = ds.labels[i]!;
  }
  return { x, labels };
}

/** The samples in a random (seeded) order. */
export function shuffle(ds: Dataset, rng: Random): Dataset {
  return take(ds, rng.permutation(numSamples(ds)));
}

/** Checks `n` for subset(): a whole number of samples the dataset can supply. */
export function checkSampleCount(n: number, available: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || n > available) {
    throw new Error(`${what}: asked for ${n} samples, but it must be a whole number from 1 to ${available}`);
  }
}

/**
 * The first `n` samples after a seeded shuffle: a random subset of size n,
 * the same one every time for the same seed. This is what `--samples N` does.
 */
export function subset(ds: Dataset, n: number, rng: Random): Dataset {
  checkSampleCount(n, numSamples(ds), `subset of ${ds.name}`);
  return take(ds, rng.permutation(numSamples(ds)).subarray(0, n));
}

/**
 * Splits the samples at random into a training part and a test part holding
 * round(testFraction · N) of them.
 */
export function trainTestSplit(ds: Dataset, testFraction: number, rng: Random): { train: Dataset; test: Dataset } {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`trainTestSplit: testFraction must lie strictly between 0 and 1, got ${testFraction}`);
  }
  const order = rng.permutation(numSamples(ds));
  const testCount = Math.round(testFraction * order.length);
  return {
    train: { ...take(ds, order.subarray(testCount)), split: 'train' },
    test: { ...take(ds, order.subarray(0, testCount)), split: 'test' },
  };
}

// ---------------------------------------------------------------------------
// Mini-batches.

/** One mini-batch: which samples it holds, and copies of their inputs and labels. */
export interface Batch {
  /** Indices of the samples into the dataset. */
  indices: Int32Array;
  /** indices.length rows of prod(sampleShape) numbers. */
  x: Float64Array;
  labels: Int32Array;
}

/**
 * The sample indices of one epoch, cut into batches of `batchSize` (the last
 * one may be smaller). With `rng` the order is a fresh random permutation;
 * without it, 0, 1, 2, ... (what evaluation wants). Every index appears in
 * exactly one batch.
 */
export function* batchIndices(count: number, batchSize: number, rng?: Random): Generator<Int32Array> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  let order: Int32Array;
  if (rng === undefined) {
    order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
  } else {
    order = rng.permutation(count);
  }
  for (let start = 0; start < count; start += batchSize) yield order.subarray(start, Math.min(start + batchSize, count));
}

/** One epoch of mini-batches of `ds`, shuffled when `rng` is given. */
export function* batches(ds: Dataset, batchSize: number, rng?: Random): Generator<Batch> {
  for (const indices of batchIndices(numSamples(ds), batchSize, rng)) {
    yield { indices, ...gather(ds, indices) };
  }
}
