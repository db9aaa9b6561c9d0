/**
 * The two binary image formats, on tiny files the test writes itself (fast:
 * no real data is read).
 *
 * IDX (the MNIST format; Y. LeCun, C. Cortes and C. Burges, "The MNIST
 * database of handwritten digits", http://yann.lecun.com/exdb/mnist/,
 * section "THE IDX FILE FORMAT"): a magic number of two zero bytes, a type
 * byte (0x08 unsigned byte, 0x09 signed byte, 0x0B short (2 bytes), 0x0C int
 * (4 bytes), 0x0D float (4 bytes), 0x0E double (8 bytes)) and the number of
 * dimensions; then one big-endian 32-bit size per dimension; then the data,
 * big-endian. The MNIST training images begin 0x00000803, 60000, 28, 28.
 *
 * CIFAR-10 binary version (A. Krizhevsky, "The CIFAR-10 dataset",
 * https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version"): files
 * data_batch_1.bin … data_batch_5.bin and test_batch.bin, each 10000 records
 * of 1 label byte (0–9) followed by 3072 pixel bytes, the red channel's 1024
 * values first, then green, then blue, each row-major over 32 rows of 32; the
 * class names (batches.meta.txt) are airplane, automobile, bird, cat, deer,
 * dog, frog, horse, ship, truck.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Random } from '../src/autodiff/index.js';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_FILES,
  CIFAR10_STATS,
  encodeIdx,
  isGzipped,
  loadCifar10,
  parseIdx,
  readIdxFile,
  writeIdxFile,
} from '../src/nn/data/index.js';
import type { IdxArray, IdxDType } from '../src/nn/data/index.js';
import { throwsWith } from './support/assertions.js';

let scratch = '';
test.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'goldilocks-idx-cifar-'));
});
test.after(() => rmSync(scratch, { recursive: true, force: true }));

const fails = (fn: () => unknown, message: string, what = message): void => {
  assert.throws(fn, (e: Error) => e.message === message, what);
};

// ---------------------------------------------------------------------------
// IDX

test('IDX: the published type bytes and element widths, byte for byte', () => {
  // [dtype, type byte, one element, its big-endian bytes]
  const cases: [IdxDType, number, number, number[]][] = [
    ['uint8', 0x08, 200, [200]],
    ['int8', 0x09, -2, [0xfe]],
    ['int16', 0x0b, -2, [0xff, 0xfe]],
    ['int32', 0x0c, 258, [0, 0, 1, 2]],
    ['float32', 0x0d, 1, [0x3f, 0x80, 0, 0]],
    ['float64', 0x0e, -2, [0xc0, 0, 0, 0, 0, 0, 0, 0]],
  ];
  const arrays = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array };
  for (const [dtype, code, value, bytes] of cases) {
    const encoded = encodeIdx({ dtype, shape: [1], data: arrays[dtype].of(value) });
    assert.equal(Array.from(encoded), [0, 0, code, 1, 0, 0, 0, 1, ...bytes], dtype);
    const back = parseIdx(Uint8Array.from([0, 0, code, 1, 0, 0, 0, 1, ...bytes]));
    assert.is(back.dtype, dtype);
    assert.equal(Array.from(back.data), [value], dtype);
    assert.is(back.data.constructor, arrays[dtype], dtype);
  }
});

test('IDX: the MNIST headers (00 00 08 03 | n | 28 | 28 and 00 00 08 01 | 60000), and multi-byte elements in big-endian order', () => {
  // (three images instead of 60000 keep it small; 60000 = 0x0000EA60 is checked as the size of a label file)
  const images = encodeIdx({ dtype: 'uint8', shape: [3, 28, 28], data: new Uint8Array(3 * 28 * 28) });
  assert.equal(Array.from(images.subarray(0, 16)), [0, 0, 0x08, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28]);
  assert.is(images.length, 16 + 3 * 784);
  const labels = encodeIdx({ dtype: 'uint8', shape: [60000], data: new Uint8Array(60000) });
  assert.equal(Array.from(labels.subarray(0, 8)), [0, 0, 0x08, 1, 0, 0, 0xea, 0x60]);
  // a 2×2 int16 array: shape 2, 2 then 0x0102, 0x0304, −1, 0x7fff
  const bytes = Uint8Array.from([0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 0xff, 0xff, 0x7f, 0xff]);
  const parsed = parseIdx(bytes);
  assert.equal(parsed.shape, [2, 2]);
  assert.equal(Array.from(parsed.data), [0x0102, 0x0304, -1, 0x7fff]);
  const ints = parseIdx(Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0x80, 0, 0, 0, 0, 0, 1, 0]));
  assert.equal(Array.from(ints.data), [-(2 ** 31), 256]);
  const floats = parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 2, 0xc0, 0, 0, 0, 0x3e, 0x80, 0, 0]));
  assert.equal(Array.from(floats.data), [-2, 0.25]);
  const doubles = parseIdx(Uint8Array.from([0, 0, 0x0e, 1, 0, 0, 0, 2, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x40, 0x08, 0, 0, 0, 0, 0, 0]));
  assert.equal(Array.from(doubles.data), [1, 3]);
});

test('IDX: parsing from the middle of a buffer; uint8 data is a view, int8 data a copy', () => {
  const file = [0, 0, 0x09, 1, 0, 0, 0, 3, 0xff, 1, 0x80];
  const buffer = Uint8Array.from([7, 7, 7, ...file, 9]);
  const int8 = parseIdx(buffer.subarray(3, 3 + file.length));
  assert.equal(Array.from(int8.data), [-1, 1, -128]);
  buffer[3 + 8] = 5;
  assert.is(int8.data[0], -1); // copied
  const uint8File = Uint8Array.from([1, 2, 0, 0, 0x08, 1, 0, 0, 0, 2, 10, 20]);
  const uint8 = parseIdx(uint8File.subarray(2));
  assert.equal(Array.from(uint8.data), [10, 20]);
  uint8File[11] = 21;
  assert.is(uint8.data[1], 21); // a view on the bytes
  for (const [code, bytes, expected] of [[0x0b, [0, 1, 0xff, 0xfe], [1, -2]], [0x0e, [0x3f, 0xe0, 0, 0, 0, 0, 0, 0], [0.5]]] as [number, number[], number[]][]) {
    const shifted = Uint8Array.from([3, 0, 0, code, 1, 0, 0, 0, expected.length, ...bytes]);
    assert.equal(Array.from(parseIdx(shifted.subarray(1)).data), expected);
  }
  assert.equal(Array.from(parseIdx(Uint8Array.from([9, 0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0, 0, 7]).subarray(1)).data), [7]);
  assert.equal(Array.from(parseIdx(Uint8Array.from([9, 0, 0, 0x0d, 1, 0, 0, 0, 1, 0x40, 0, 0, 0]).subarray(1)).data), [2]);
});

test('IDX: an empty dimension gives an empty array; a header with nothing after it is whole', () => {
  const parsed = parseIdx(Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 0]));
  assert.equal(parsed.shape, [0]);
  assert.is(parsed.data.length, 0);
  assert.equal(Array.from(encodeIdx({ dtype: 'int32', shape: [0], data: new Int32Array(0) })), [0, 0, 0x0c, 1, 0, 0, 0, 0]);
});

test('IDX: every malformed header is refused with the file name and exactly what is wrong', () => {
  fails(() => parseIdx(Uint8Array.from([0, 0, 8]), 'f'), 'IDX file f: file is truncated: only 3 bytes, but the header alone needs at least 4');
  fails(() => parseIdx(new Uint8Array(0)), 'IDX file <buffer>: file is truncated: only 0 bytes, but the header alone needs at least 4');
  fails(() => parseIdx(Uint8Array.from([0, 0, 8, 0]), 'f'), 'IDX file f: rank is 0; an IDX file needs at least one dimension');
  fails(() => parseIdx(Uint8Array.from([0, 0, 8, 1]), 'f'), 'IDX file f: file is truncated: rank 1 needs a 8-byte header, but the file has only 4 bytes');
  fails(() => parseIdx(Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0]), 'f'), 'IDX file f: file is truncated: rank 2 needs a 12-byte header, but the file has only 11 bytes');
  fails(
    () => parseIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 1, 2, 3]), 'f'),
    'IDX file f: file is truncated: header says shape [2] of int16 = 4 bytes of data, but only 3 bytes follow the 8-byte header',
  );
  fails(
    () => parseIdx(Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5]), 'f'),
    'IDX file f: file is truncated: header says shape [2, 3] of uint8 = 6 bytes of data, but only 5 bytes follow the 12-byte header',
  );
  fails(
    () => parseIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2, 3]), 'f'),
    'IDX file f: header says shape [1] of int16 = 2 bytes of data, but 3 bytes follow the 8-byte header (1 too many)',
  );
  const allowed = '0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64';
  fails(() => parseIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), 'f'), `IDX file f: unknown element-type code 0x0a in the magic number; allowed: ${allowed}`);
  fails(() => parseIdx(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]), 'f'), `IDX file f: unknown element-type code 0x07 in the magic number; allowed: ${allowed}`);
  // the magic number: both leading bytes must be zero; gzip's 1F 8B earns a hint
  const tail = [8, 1, 0, 0, 0, 0];
  fails(() => parseIdx(Uint8Array.from([1, 0, ...tail]), 'f'), 'IDX file f: bad magic number 0x01000801: an IDX file starts with two zero bytes');
  fails(() => parseIdx(Uint8Array.from([0, 1, ...tail]), 'f'), 'IDX file f: bad magic number 0x00010801: an IDX file starts with two zero bytes');
  const gzipHint = ' (it looks gzipped; use readIdxFile, which inflates it)';
  fails(() => parseIdx(Uint8Array.from([0x1f, 0x8b, ...tail]), 'f'), `IDX file f: bad magic number 0x1f8b0801: an IDX file starts with two zero bytes${gzipHint}`);
  fails(() => parseIdx(Uint8Array.from([0x1f, 0x8c, ...tail]), 'f'), 'IDX file f: bad magic number 0x1f8c0801: an IDX file starts with two zero bytes');
  fails(() => parseIdx(Uint8Array.from([0x1e, 0x8b, ...tail]), 'f'), 'IDX file f: bad magic number 0x1e8b0801: an IDX file starts with two zero bytes');
});

test('isGzipped: the two bytes 1F 8B, both needed', () => {
  assert.is(isGzipped(Uint8Array.from([0x1f, 0x8b])), true);
  assert.is(isGzipped(Uint8Array.from([0x1f, 0x8b, 8])), true);
  assert.is(isGzipped(Uint8Array.from([0x1f])), false);
  assert.is(isGzipped(Uint8Array.from([0x1f, 0x8a])), false);
  assert.is(isGzipped(Uint8Array.from([0x1e, 0x8b])), false);
  assert.is(isGzipped(new Uint8Array(0)), false);
});

test('IDX files: written plain or gzipped (1F 8B), read back either way; unreadable or broken files named', () => {
  const array: IdxArray = { dtype: 'int16', shape: [3], data: Int16Array.from([-1, 0, 300]) };
  const plain = join(scratch, 'plain.idx');
  const zipped = join(scratch, 'zipped.idx.gz');
  writeIdxFile(plain, array);
  writeIdxFile(zipped, array, { gzip: true });
  assert.equal(Array.from(readFileSync(plain)), [0, 0, 0x0b, 1, 0, 0, 0, 3, 0xff, 0xff, 0, 0, 1, 0x2c]);
  assert.equal(Array.from(readFileSync(zipped).subarray(0, 2)), [0x1f, 0x8b]);
  for (const path of [plain, zipped]) {
    const back = readIdxFile(path);
    assert.equal(back.shape, [3]);
    assert.equal(Array.from(back.data), [-1, 0, 300]);
  }
  const handZipped = join(scratch, 'hand.gz');
  writeFileSync(handZipped, gzipSync(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 42])));
  assert.equal(Array.from(readIdxFile(handZipped).data), [42]);

  // the errors name the file and keep the system's error as their cause
  const causeOf = (fn: () => unknown): { code?: string } | undefined => {
    try {
      fn();
    } catch (error) {
      return (error as Error).cause as { code?: string } | undefined;
    }
    return undefined;
  };
  const absent = join(scratch, 'absent.idx');
  throwsWith(() => readIdxFile(absent), `IDX file ${absent}: cannot read it (`, 'ENOENT');
  assert.is(causeOf(() => readIdxFile(absent))?.code, 'ENOENT');
  const brokenZip = join(scratch, 'broken.gz');
  writeFileSync(brokenZip, readFileSync(zipped).subarray(0, 12));
  throwsWith(() => readIdxFile(brokenZip), `IDX file ${brokenZip}: looks gzipped but does not inflate (`, '); is it truncated?');
  assert.is(causeOf(() => readIdxFile(brokenZip))?.code, 'Z_BUF_ERROR');
  const badHeader = join(scratch, 'bad.idx');
  writeFileSync(badHeader, Uint8Array.from([0, 0, 8]));
  fails(() => readIdxFile(badHeader), `IDX file ${badHeader}: file is truncated: only 3 bytes, but the header alone needs at least 4`);
});

test('encodeIdx refuses an unknown dtype, a rank outside 1..255, a bad dimension and data of the wrong length', () => {
  const data = new Uint8Array(1);
  fails(() => encodeIdx({ dtype: 'uint16' as IdxDType, shape: [1], data }), 'encodeIdx: unknown dtype "uint16"');
  fails(() => encodeIdx({ dtype: 'uint8', shape: [], data }), 'encodeIdx: rank must be 1..255, got 0');
  fails(() => encodeIdx({ dtype: 'uint8', shape: new Array<number>(256).fill(1), data }), 'encodeIdx: rank must be 1..255, got 256');
  const most = encodeIdx({ dtype: 'uint8', shape: new Array<number>(255).fill(1), data });
  assert.is(most[3], 255);
  assert.is(most.length, 4 + 4 * 255 + 1);
  for (const dim of [-1, 1.5, 2 ** 32]) fails(() => encodeIdx({ dtype: 'uint8', shape: [dim, 1], data }), `encodeIdx: bad dimension ${dim} in shape [${dim}, 1]`);
  // 2^32 − 1 is the largest size a header holds: accepted by the dimension check, refused only for the data length
  fails(() => encodeIdx({ dtype: 'uint8', shape: [2 ** 32 - 1], data }), 'encodeIdx: shape [4294967295] holds 4294967295 elements but data has 1');
  fails(() => encodeIdx({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) }), 'encodeIdx: shape [2, 2] holds 4 elements but data has 3');
});

// ---------------------------------------------------------------------------
// CIFAR-10

const RECORD = 1 + 3072; // the published record: 1 label byte + 3 × 32 × 32 pixel bytes

/** A batch file of records with the given labels; pixel byte j (0..3071) of record r is pixel(r, j). */
function writeBatch(path: string, labels: number[], pixel: (record: number, byte: number) => number): void {
  const bytes = new Uint8Array(labels.length * RECORD);
  labels.forEach((label, r) => {
    bytes[r * RECORD] = label;
    for (let j = 0; j < 3072; j++) bytes[r * RECORD + 1 + j] = pixel(r, j);
  });
  writeFileSync(path, bytes);
}

/**
 * A training folder whose five batches hold 2, 1, 3, 1, 2 records (9 in all).
 * Record k of the split (counted over the batches in order) has label k mod 10
 * and pixel bytes 20k + channel (the same for all 1024 pixels of a channel),
 * except record 0, whose red pixel j is j mod 256 (to check the order within a channel).
 */
function trainingFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const sizes = [2, 1, 3, 1, 2];
  let k = 0;
  sizes.forEach((size, b) => {
    const first = k;
    writeBatch(join(dir, `data_batch_${b + 1}.bin`), Array.from({ length: size }, (_, r) => (first + r) % 10), (r, j) =>
      first + r === 0 && j < 1024 ? j % 256 : 20 * (first + r) + Math.floor(j / 1024),
    );
    k += size;
  });
}

test('CIFAR-10: the published class names and file names', () => {
  assert.equal([...CIFAR10_CLASS_NAMES], ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
  assert.equal([...CIFAR10_FILES.train], ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin']);
  assert.equal([...CIFAR10_FILES.test], ['test_batch.bin']);
});

test('CIFAR-10: records are read in order across batches of unequal length, channel-major, pixels as bytes/255', () => {
  const dir = join(scratch, 'unequal');
  trainingFolder(dir);
  const train = loadCifar10({ dataDir: dir, normalize: false }); // the default split is train
  assert.is(train.name, 'cifar10');
  assert.is(train.split, 'train');
  assert.equal(train.sampleShape, [3, 32, 32]);
  assert.is(train.numClasses, 10);
  assert.equal(train.classNames, [...CIFAR10_CLASS_NAMES]);
  assert.equal(Array.from(train.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.is(train.x.length, 9 * 3072);
  for (let k = 1; k < 9; k++) {
    for (let c = 0; c < 3; c++) {
      const row = train.x.subarray(k * 3072 + c * 1024, k * 3072 + (c + 1) * 1024);
      assert.ok(row.every((v) => v === (20 * k + c) / 255), `record ${k}, channel ${c}`);
    }
  }
  // record 0: red pixel j is (j mod 256)/255, green and blue are 1/255 and 2/255
  assert.equal(Array.from(train.x.subarray(0, 4)), [0, 1 / 255, 2 / 255, 3 / 255]);
  assert.is(train.x[1023], 255 / 255);
  assert.is(train.x[1024], 1 / 255);
  assert.is(train.x[3071], 2 / 255);
});

test('CIFAR-10: normalised by default with each channel’s own mean and std', () => {
  const dir = join(scratch, 'normalised');
  trainingFolder(dir);
  const train = loadCifar10({ dataDir: dir });
  const k = 4; // pixel bytes 80, 81, 82
  for (let c = 0; c < 3; c++) {
    const expected = ((80 + c) / 255 - CIFAR10_STATS.mean[c]!) / CIFAR10_STATS.std[c]!;
    assert.ok(Math.abs(train.x[k * 3072 + c * 1024 + 17]! - expected) < 1e-15, `channel ${c}`);
  }
  assert.equal(loadCifar10({ dataDir: dir, normalize: true }).x, train.x);
});

test('CIFAR-10: a seeded subset is the first n records of the permutation (seed 0 by default)', () => {
  const dir = join(scratch, 'subset');
  trainingFolder(dir);
  for (const [seed, given] of [[0, undefined], [7, 7]] as [number, number | undefined][]) {
    const order = Array.from(new Random(seed).permutation(9)).slice(0, 4);
    const some = loadCifar10({ dataDir: dir, samples: 4, normalize: false, ...(given === undefined ? {} : { seed: given }) });
    assert.equal(Array.from(some.labels), order);
    assert.equal(Array.from(some.x.filter((_, i) => i % 3072 === 2000)), order.map((k) => (20 * k + 1) / 255));
  }
  const all = loadCifar10({ dataDir: dir, samples: 9, seed: 1, normalize: false });
  assert.equal(Array.from(all.labels), Array.from(new Random(1).permutation(9)));
  throwsWith(() => loadCifar10({ dataDir: dir, samples: 10 }), 'cifar10 train: asked for 10 samples', 'from 1 to 9');
});

test('CIFAR-10: the test split from the folder or its parent; a batch-file folder must hold every file', () => {
  const parent = join(scratch, 'parent');
  const dir = join(parent, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  writeBatch(join(dir, 'test_batch.bin'), [9, 0], (r, j) => (r + j) % 256);
  for (const where of [dir, parent]) {
    const held = loadCifar10({ split: 'test', dataDir: where, normalize: false });
    assert.is(held.split, 'test');
    assert.equal(Array.from(held.labels), [9, 0]);
    assert.is(held.x[3072 + 5], 6 / 255);
  }
  const how = 'Download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it, and pass the resulting cifar-10-batches-bin folder (or the folder containing it) as dataDir.';
  fails(() => loadCifar10({ split: 'test' }), `loadCifar10: CIFAR-10 is not bundled; give dataDir, a folder holding test_batch.bin. ${how}`);
  fails(() => loadCifar10(), `loadCifar10: CIFAR-10 is not bundled; give dataDir, a folder holding ${CIFAR10_FILES.train.join(', ')}. ${how}`);
  fails(() => loadCifar10({ split: 'train', dataDir: dir }), `loadCifar10: the folder ${dir} should hold ${CIFAR10_FILES.train.join(', ')}, but ${CIFAR10_FILES.train.join(', ')} are missing. ${how}`);
  const four = join(scratch, 'four');
  trainingFolder(four);
  rmSync(join(four, 'data_batch_3.bin'));
  fails(() => loadCifar10({ dataDir: four }), `loadCifar10: the folder ${four} should hold ${CIFAR10_FILES.train.join(', ')}, but data_batch_3.bin is missing. ${how}`);
  throwsWith(() => loadCifar10({ split: 'dev' as 'test', dataDir: dir }), 'loadCifar10: unknown split "dev"');
});

test('CIFAR-10: a batch that is not whole 3073-byte records, or a label over 9, is refused', () => {
  const dir = join(scratch, 'broken');
  mkdirSync(dir);
  const path = join(dir, 'test_batch.bin');
  const cut = (bytes: number): string =>
    `loadCifar10: ${path} has ${bytes} bytes, which is not a whole number of 3073-byte records (1 label byte + 3072 pixel bytes; an official batch is 10000 records = 30730000 bytes). Is it truncated?`;
  writeFileSync(path, new Uint8Array(RECORD + 1));
  fails(() => loadCifar10({ split: 'test', dataDir: dir }), cut(RECORD + 1));
  writeFileSync(path, new Uint8Array(0));
  fails(() => loadCifar10({ split: 'test', dataDir: dir }), cut(0));
  writeFileSync(path, new Uint8Array(RECORD - 1));
  fails(() => loadCifar10({ split: 'test', dataDir: dir }), cut(RECORD - 1));
  writeBatch(path, [9, 3, 10], () => 0);
  fails(() => loadCifar10({ split: 'test', dataDir: dir }), `loadCifar10: ${path} record 2 has label 10; labels are 0..9. Is this a CIFAR-10 binary batch?`);
});

test.run();
