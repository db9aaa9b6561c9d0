/**
 * CIFAR-10: 60 000 colour photos, 32×32, ten classes (airplane ... truck).
 *
 * We read the official "binary version" (cifar-10-binary.tar.gz from
 * https://www.cs.toronto.edu/~kriz/cifar.html, which unpacks to a folder
 * cifar-10-batches-bin). Training data is five files data_batch_1.bin ..
 * data_batch_5.bin, test data one file test_batch.bin, each 10 000 records
 * of 3073 bytes:
 *
 *   byte 0          the label, 0..9
 *   bytes 1..1024   the red channel, row by row (32 rows of 32)
 *   bytes 1025..    the green channel, then the blue one
 *
 * That is already our channel-major [3, 32, 32] sample layout, so a record
 * becomes a row of x by dropping the label byte and mapping each pixel byte
 * through its channel's lookup table: (byte / 255 − mean[c]) / std[c].
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../autodiff/index.js';
import { checkSampleCount, checkSplit, CIFAR10_STATS, pixelTable } from './dataset.js';
import type { Dataset, ImageLoadOptions } from './dataset.js';

export interface Cifar10Options extends ImageLoadOptions {
  /** The folder holding the .bin batch files (or its parent, which holds cifar-10-batches-bin). */
  dataDir?: string;
}

export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

export const CIFAR10_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

const CHANNELS = 3;
const SIDE = 32;
const PIXELS = CHANNELS * SIDE * SIDE; // 3072
const RECORD_BYTES = 1 + PIXELS; // 3073

const HOW_TO_GET_THE_DATA =
  'Download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it, ' +
  'and pass the resulting cifar-10-batches-bin folder (or the folder containing it) as dataDir.';

/** The folder that actually holds the batch files: `dataDir` itself or its cifar-10-batches-bin child. */
function resolveBatchDir(dataDir: string, fileNames: readonly string[]): string {
  for (const dir of [dataDir, join(dataDir, 'cifar-10-batches-bin')]) {
    if (fileNames.every((name) => existsSync(join(dir, name)))) return dir;
  }
  const missing = fileNames.filter((name) => !existsSync(join(dataDir, name)));
  throw new Error(
    `loadCifar10: the folder ${dataDir} should hold ${fileNames.join(', ')}, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. ${HOW_TO_GET_THE_DATA}`,
  );
}

/** CIFAR-10 from the official binary batch files in `dataDir`. */
export function loadCifar10(options: Cifar10Options = {}): Dataset {
  const split = checkSplit(options.split ?? 'train', 'loadCifar10');
  const fileNames = CIFAR10_FILES[split];
  if (options.dataDir === undefined) {
    throw new Error(`loadCifar10: CIFAR-10 is not bundled; give dataDir, a folder holding ${fileNames.join(', ')}. ${HOW_TO_GET_THE_DATA}`);
  }
  const dir = resolveBatchDir(options.dataDir, fileNames);

  // Read every batch file and check that it is a whole number of records.
  const batches = fileNames.map((name) => {
    const path = join(dir, name);
    const bytes = readFileSync(path);
    if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
      throw new Error(
        `loadCifar10: ${path} has ${bytes.length} bytes, which is not a whole number of ${RECORD_BYTES}-byte records ` +
          `(1 label byte + ${PIXELS} pixel bytes; an official batch is 10000 records = ${10000 * RECORD_BYTES} bytes). Is it truncated?`,
      );
    }
    return { path, bytes, records: bytes.length / RECORD_BYTES };
  });

  // Record r of the split lives in the batch file where the running total passes r.
  const firstRecord: number[] = [];
  let total = 0;
  for (const batch of batches) {
    firstRecord.push(total);
    total += batch.records;
  }
  const locate = (record: number): { batchIndex: number; offset: number } => {
    let b = batches.length - 1;
    while (firstRecord[b]! > record) b--;
    return { batchIndex: b, offset: (record - firstRecord[b]!) * RECORD_BYTES };
  };

  let chosen: ArrayLike<number> | null = null;
  let n = total;
  if (options.samples !== undefined) {
    checkSampleCount(options.samples, total, `cifar10 ${split}`);
    chosen = new Random(options.seed ?? 0).permutation(total).subarray(0, options.samples);
    n = options.samples;
  }

  const stats = options.normalize === false ? null : CIFAR10_STATS;
  const tables = [0, 1, 2].map((c) => (stats === null ? pixelTable() : pixelTable(stats.mean[c], stats.std[c])));
  const x = new Float64Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const record = chosen === null ? k : chosen[k]!;
    const { batchIndex, offset } = locate(record);
    const { bytes, path } = batches[batchIndex]!;
    const label = bytes[offset]!;
    if (label >= CIFAR10_CLASS_NAMES.length) {
      throw new Error(`loadCifar10: ${path} record ${offset / RECORD_BYTES} has label ${label}; labels are 0..9. Is this a CIFAR-10 binary batch?`);
    }
    labels[k] = label;
    for (let c = 0; c < CHANNELS; c++) {
      const table = tables[c]!;
      const from = offset + 1 + c * SIDE * SIDE;
      const to = k * PIXELS + c * SIDE * SIDE;
      for (let j = 0; j < SIDE * SIDE; j++) x[to + j] = table[bytes[from + j]!]!;
    }
  }

  return { name: 'cifar10', split, x, sampleShape: [CHANNELS, SIDE, SIDE], labels, numClasses: 10, classNames: [...CIFAR10_CLASS_NAMES] };
}
