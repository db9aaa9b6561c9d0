// Checkpoints: parameters round-trip bit for bit, writes leave no partial or
// temporary files, and every kind of damage is reported clearly on load.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsWith } from './support/assertions.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/autodiff/index.js';
import { checkpointPaths, loadCheckpoint, saveCheckpoint, writeFileAtomic } from '../src/nn/checkpoint.js';
import type { CheckpointParameter } from '../src/nn/checkpoint.js';

// A scratch folder for the files the tests write, made when the tests start and removed after.
let scratch = '';
test.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'goldilocks-checkpoint-test-'));
});
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function bytesOf(data: Float64Array): number[] {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function someParameters(seed: number): CheckpointParameter[] {
  const rng = new Random(seed);
  const weights = new Float64Array(12);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * 10 ** rng.int(20);
  return [
    { name: 'layer0.weight', shape: [3, 4], data: weights },
    // The awkward values: signed zero, infinities, NaN, the smallest subnormal, the largest double.
    { name: 'layer0.bias', shape: [8], data: new Float64Array([-0, 0, Infinity, -Infinity, NaN, 5e-324, Number.MAX_VALUE, 0.1]) },
    { name: 'scale', shape: [], data: new Float64Array([Math.E]) },
    { name: 'empty', shape: [0, 5], data: new Float64Array(0) },
  ];
}

let runCounter = 0;
function freshDir(): string {
  const dir = join(scratch, `run-${runCounter++}`);
  mkdirSync(dir);
  return dir;
}

test('round trip: names, shapes, bit-exact values and metadata come back', () => {
  const dir = freshDir();
  const params = someParameters(1);
  const meta = { model: { kind: 'mlp', hidden: [100, 100] }, epoch: 7, seed: 42, note: 'ünïcode' };
  const paths = saveCheckpoint(join(dir, 'model'), params, meta);
  assert.is(paths.metadataPath, join(dir, 'model.json'));
  assert.is(paths.dataPath, join(dir, 'model.bin'));

  const loaded = loadCheckpoint(join(dir, 'model.json'));
  assert.equal(loaded.meta, meta);
  assert.ok(!Number.isNaN(Date.parse(loaded.savedAt)));
  assert.is(loaded.params.length, params.length);
  loaded.params.forEach((p, i) => {
    const original = params[i]!;
    assert.is(p.name, original.name);
    assert.equal(p.shape, original.shape);
    assert.ok(p.data instanceof Float64Array);
    assert.equal(bytesOf(p.data), bytesOf(original.data), p.name);
  });
  // Little-endian float64 on disk: Math.E is 0x4005BF0A8B145769, stored low byte first.
  const binary = readFileSync(paths.dataPath);
  const scaleOffset = (12 + 8) * 8;
  assert.equal(Array.from(binary.subarray(scaleOffset, scaleOffset + 8)), [0x69, 0x57, 0x14, 0x8b, 0x0a, 0xbf, 0x05, 0x40]);
});

test('paths: a directory gets checkpoint.json/.bin; .json and .bin name the same checkpoint', () => {
  const dir = freshDir();
  assert.equal(checkpointPaths(dir), { metadataPath: join(dir, 'checkpoint.json'), dataPath: join(dir, 'checkpoint.bin') });
  assert.equal(checkpointPaths(join(dir, 'x.bin')), checkpointPaths(join(dir, 'x.json')));
  saveCheckpoint(dir, someParameters(2), {});
  assert.ok(existsSync(join(dir, 'checkpoint.json')));
  assert.is(loadCheckpoint(dir).params.length, 4);
  // Missing parent directories are created.
  saveCheckpoint(join(dir, 'deep', 'er', 'ckpt'), someParameters(2), {});
  assert.is(loadCheckpoint(join(dir, 'deep', 'er', 'ckpt')).params[0]!.name, 'layer0.weight');
});

test('atomic writes: overwriting works and leaves no temporary files behind', () => {
  const dir = freshDir();
  saveCheckpoint(join(dir, 'm'), someParameters(3), { epoch: 1 });
  saveCheckpoint(join(dir, 'm'), someParameters(4), { epoch: 2 });
  assert.equal(readdirSync(dir).sort(), ['m.bin', 'm.json']);
  const loaded = loadCheckpoint(join(dir, 'm'));
  assert.is(loaded.meta.epoch, 2);
  assert.equal(bytesOf(loaded.params[0]!.data), bytesOf(someParameters(4)[0]!.data));

  writeFileAtomic(join(dir, 'note.txt'), 'hello');
  assert.is(readFileSync(join(dir, 'note.txt'), 'utf8'), 'hello');
  // A failed write (the target is a directory) cleans up its temporary file.
  mkdirSync(join(dir, 'taken'));
  assert.throws(() => writeFileAtomic(join(dir, 'taken'), 'x'));
  assert.equal(readdirSync(dir).sort(), ['m.bin', 'm.json', 'note.txt', 'taken']);
});

test('corrupt or missing files give clear errors', () => {
  const dir = freshDir();
  const { metadataPath, dataPath } = saveCheckpoint(join(dir, 'c'), someParameters(5), {});
  const goodBinary = readFileSync(dataPath);
  const goodJson = readFileSync(metadataPath, 'utf8');

  throwsWith(() => loadCheckpoint(join(dir, 'nothing')), 'no checkpoint', join(dir, 'nothing.json'));

  writeFileSync(dataPath, goodBinary.subarray(0, goodBinary.length - 8)); // truncated
  throwsWith(() => loadCheckpoint(metadataPath), dataPath, `${goodBinary.length - 8} bytes`, `says ${goodBinary.length}`);

  const flipped = Buffer.from(goodBinary);
  flipped[3]! ^= 1; // same size, one bit changed
  writeFileSync(dataPath, flipped);
  throwsWith(() => loadCheckpoint(metadataPath), dataPath, 'SHA-256');

  rmSync(dataPath);
  throwsWith(() => loadCheckpoint(metadataPath), dataPath, 'does not exist');
  writeFileSync(dataPath, goodBinary);

  writeFileSync(metadataPath, goodJson.slice(0, goodJson.length / 2)); // half a JSON file
  throwsWith(() => loadCheckpoint(metadataPath), metadataPath, 'not valid JSON');

  const tampered = JSON.parse(goodJson) as { params: { shape: number[] }[]; version: number };
  tampered.params[0]!.shape = [4, 4];
  writeFileSync(metadataPath, JSON.stringify(tampered));
  throwsWith(() => loadCheckpoint(metadataPath), 'layer0.weight', 'does not match its shape');

  writeFileSync(metadataPath, JSON.stringify({ ...(JSON.parse(goodJson) as object), version: 99 }));
  throwsWith(() => loadCheckpoint(metadataPath), 'version 99');

  writeFileSync(metadataPath, goodJson);
  assert.is(loadCheckpoint(metadataPath).params.length, 4); // repaired
});

test('saveCheckpoint refuses inconsistent parameters', () => {
  const dir = freshDir();
  throwsWith(() => saveCheckpoint(join(dir, 'a'), [{ name: 'w', shape: [2, 3], data: new Float64Array(5) }], {}), 'w', '[2, 3]', '5 elements');
  const p = { name: 'w', shape: [1], data: new Float64Array(1) };
  throwsWith(() => saveCheckpoint(join(dir, 'b'), [p, p], {}), 'two parameters', '"w"');
  throwsWith(() => saveCheckpoint(join(dir, 'c'), [p], { big: 1n }), 'JSON');
  assert.equal(readdirSync(dir), []); // nothing was written
});

test.run();
