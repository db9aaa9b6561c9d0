/**
 * Checkpoints: a model's parameters on disk, so training can stop and resume
 * and a trained network can be analysed later.
 *
 * A checkpoint is two files side by side:
 *
 *   model.json   what is in it: format and version, each parameter's name,
 *                shape and byte offset, the length and SHA-256 of the binary
 *                file, and whatever metadata the caller adds (model spec,
 *                epoch, seed, ...)
 *   model.bin    the numbers: every parameter's elements, one after another,
 *                as little-endian float64
 *
 * JSON for what a person might read, raw bytes for what must round-trip
 * exactly: a float64 written as bytes comes back bit for bit, which decimal
 * text only guarantees with care.
 *
 * Writes are atomic. Each file is written in full to a temporary file in the
 * same directory, flushed to disk, and then renamed over the target; a rename
 * within one file system is all-or-nothing, so a crash leaves either the old
 * file or the new one, never half of one. The binary file goes first and the
 * JSON last; the JSON records the binary's length and hash, so the one window
 * a crash could leave open (a new .bin beside the old .json) is caught on load
 * instead of silently mixing two checkpoints.
 *
 * This module deals in plain data, { name, shape, data: Float64Array }; the
 * code that owns the tensors converts to and from it.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** One named parameter array, row-major. */
export interface CheckpointParameter {
  name: string;
  shape: number[];
  data: Float64Array;
}

/** What loadCheckpoint returns. */
export interface Checkpoint {
  params: CheckpointParameter[];
  /** The caller's metadata, as saved. */
  meta: Record<string, unknown>;
  /** When it was saved (ISO 8601). */
  savedAt: string;
  metadataPath: string;
  dataPath: string;
}

/** Where a checkpoint's two files are. */
export interface CheckpointPaths {
  metadataPath: string;
  dataPath: string;
}

/** The JSON file's contents (format version 1). */
interface CheckpointMetadata {
  format: typeof FORMAT;
  version: typeof VERSION;
  dtype: 'float64';
  byteOrder: 'little-endian';
  /** The binary file's name, relative to the JSON file's directory. */
  dataFile: string;
  byteLength: number;
  sha256: string;
  savedAt: string;
  params: { name: string; shape: number[]; byteOffset: number; length: number }[];
  meta: Record<string, unknown>;
}

const FORMAT = 'goldilocks-checkpoint';
const VERSION = 1;
const BYTES_PER_ELEMENT = 8;
/** A checkpoint given by a directory is stored there under this name. */
export const DEFAULT_CHECKPOINT_NAME = 'checkpoint';

/**
 * The two file paths of the checkpoint named by `path`:
 *   'runs/a/model' or 'runs/a/model.json' or 'runs/a/model.bin' → runs/a/model.json + runs/a/model.bin
 *   an existing directory, or a path ending in '/'             → <dir>/checkpoint.json + <dir>/checkpoint.bin
 */
export function checkpointPaths(path: string): CheckpointPaths {
  let stem: string;
  if (/[/\\]$/.test(path) || (existsSync(path) && statSync(path).isDirectory())) {
    stem = join(path, DEFAULT_CHECKPOINT_NAME);
  } else {
    stem = path.replace(/\.(json|bin)$/, '');
  }
  return { metadataPath: `${stem}.json`, dataPath: `${stem}.bin` };
}

// ---------------------------------------------------------------------------
// Atomic writes.

let temporaryCounter = 0;

/**
 * Writes `contents` to `path` so that `path` never holds a partial file:
 * write a temporary file next to it, fsync, rename. Creates missing parent
 * directories.
 */
export function writeFileAtomic(path: string, contents: Uint8Array | string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  // Same directory (so the rename cannot cross file systems); a name .gitignore ignores.
  const temporary = join(dir, `.goldilocks-tmp-${basename(path)}-${process.pid}-${temporaryCounter++}`);
  const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  try {
    const fd = openSync(temporary, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    if (existsSync(temporary)) unlinkSync(temporary);
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Little-endian float64 bytes. On a little-endian machine (all common ones)
// the bytes of a Float64Array already are the file format and are copied as
// they are, which also keeps NaN payloads intact; elsewhere DataView swaps.

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function writeFloat64LE(target: Uint8Array, byteOffset: number, values: Float64Array): void {
  if (HOST_IS_LITTLE_ENDIAN) {
    target.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), byteOffset);
    return;
  }
  const view = new DataView(target.buffer, target.byteOffset + byteOffset, values.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * BYTES_PER_ELEMENT, values[i]!, true);
}

function readFloat64LE(source: Uint8Array, byteOffset: number, length: number): Float64Array {
  const out = new Float64Array(length);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(source.subarray(byteOffset, byteOffset + length * BYTES_PER_ELEMENT));
    return out;
  }
  const view = new DataView(source.buffer, source.byteOffset + byteOffset, length * BYTES_PER_ELEMENT);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * BYTES_PER_ELEMENT, true);
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
}

// ---------------------------------------------------------------------------
// Save.

/**
 * Saves `params` and `meta` as the checkpoint at `path` (see checkpointPaths)
 * and returns where the two files went. `meta` must survive JSON.stringify.
 */
export function saveCheckpoint(path: string, params: readonly CheckpointParameter[], meta: Record<string, unknown> = {}): CheckpointPaths {
  const names = new Set<string>();
  for (const p of params) {
    if (typeof p.name !== 'string' || p.name === '') throw new Error('saveCheckpoint: every parameter needs a non-empty name');
    if (names.has(p.name)) throw new Error(`saveCheckpoint: two parameters are named ${JSON.stringify(p.name)}`);
    names.add(p.name);
    if (!isShape(p.shape)) throw new Error(`saveCheckpoint: parameter ${p.name} has a bad shape ${JSON.stringify(p.shape)}`);
    if (!(p.data instanceof Float64Array)) throw new Error(`saveCheckpoint: parameter ${p.name} must hold a Float64Array`);
    if (p.data.length !== elementCount(p.shape)) {
      throw new Error(`saveCheckpoint: parameter ${p.name} has shape [${p.shape.join(', ')}] but ${p.data.length} elements`);
    }
  }

  // Lay the parameters out back to back in one buffer.
  const layout: CheckpointMetadata['params'] = [];
  let byteLength = 0;
  for (const p of params) {
    layout.push({ name: p.name, shape: [...p.shape], byteOffset: byteLength, length: p.data.length });
    byteLength += p.data.length * BYTES_PER_ELEMENT;
  }
  const bytes = new Uint8Array(byteLength);
  params.forEach((p, i) => writeFloat64LE(bytes, layout[i]!.byteOffset, p.data));

  const paths = checkpointPaths(path);
  const metadata: CheckpointMetadata = {
    format: FORMAT,
    version: VERSION,
    dtype: 'float64',
    byteOrder: 'little-endian',
    dataFile: basename(paths.dataPath),
    byteLength,
    sha256: sha256(bytes),
    savedAt: new Date().toISOString(),
    params: layout,
    meta,
  };
  let json: string;
  try {
    json = JSON.stringify(metadata, null, 2) + '\n';
  } catch (error) {
    throw new Error(`saveCheckpoint: the metadata cannot be written as JSON (${(error as Error).message})`, { cause: error });
  }

  writeFileAtomic(paths.dataPath, bytes); // first the numbers,
  writeFileAtomic(paths.metadataPath, json); // then the file that vouches for them
  return paths;
}

// ---------------------------------------------------------------------------
// Load.

/** Reads the checkpoint at `path` (see checkpointPaths), checking it against its own metadata. */
export function loadCheckpoint(path: string): Checkpoint {
  const { metadataPath } = checkpointPaths(path);
  const fail = (what: string): never => {
    throw new Error(`loadCheckpoint: ${metadataPath}: ${what}`);
  };

  if (!existsSync(metadataPath)) {
    throw new Error(`loadCheckpoint: no checkpoint at ${path} (${metadataPath} does not exist)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(metadataPath, 'utf8'));
  } catch (error) {
    throw new Error(`loadCheckpoint: ${metadataPath}: not valid JSON (${(error as Error).message}); the file is corrupt`, { cause: error });
  }
  const metadata = checkMetadata(parsed, fail);

  const dataPath = join(dirname(metadataPath), metadata.dataFile);
  if (!existsSync(dataPath)) fail(`its data file ${dataPath} does not exist`);
  const bytes = readFileSync(dataPath);
  if (bytes.length !== metadata.byteLength) {
    fail(`the data file ${dataPath} has ${bytes.length} bytes but the metadata says ${metadata.byteLength}; the checkpoint is corrupt or incomplete`);
  }
  if (sha256(bytes) !== metadata.sha256) {
    fail(`the data file ${dataPath} does not match the SHA-256 recorded in the metadata; it is corrupt or from another save`);
  }

  const params = metadata.params.map((p) => ({ name: p.name, shape: p.shape, data: readFloat64LE(bytes, p.byteOffset, p.length) }));
  return { params, meta: metadata.meta, savedAt: metadata.savedAt, metadataPath, dataPath };
}

/** Checks that parsed JSON really is checkpoint metadata of a version we read, and that its layout is consistent. */
function checkMetadata(value: unknown, fail: (what: string) => never): CheckpointMetadata {
  if (typeof value !== 'object' || value === null) return fail('not a checkpoint (expected a JSON object)');
  const m = value as Partial<Record<keyof CheckpointMetadata, unknown>>;
  if (m.format !== FORMAT) fail(`not a goldilocks checkpoint (format is ${JSON.stringify(m.format)})`);
  if (m.version !== VERSION) fail(`checkpoint format version ${JSON.stringify(m.version)}; this code reads version ${VERSION}`);
  if (m.dtype !== 'float64' || m.byteOrder !== 'little-endian') fail('only little-endian float64 data is supported');
  if (typeof m.dataFile !== 'string' || m.dataFile === '' || m.dataFile !== basename(m.dataFile)) fail('dataFile must be a plain file name');
  if (typeof m.byteLength !== 'number' || !Number.isInteger(m.byteLength) || m.byteLength < 0) fail('byteLength is missing or not a whole number');
  if (typeof m.sha256 !== 'string') fail('sha256 is missing');
  if (typeof m.meta !== 'object' || m.meta === null || Array.isArray(m.meta)) fail('meta must be an object');
  if (!Array.isArray(m.params)) return fail('params must be a list');

  // Every parameter must fill its own stretch of the file, in order, with no gaps or overlaps.
  let expectedOffset = 0;
  for (const p of m.params as unknown[]) {
    const q = p as Partial<CheckpointMetadata['params'][number]> | null;
    const label = typeof q?.name === 'string' ? q.name : JSON.stringify(p);
    if (q === null || typeof q !== 'object' || typeof q.name !== 'string') return fail(`bad parameter entry ${label}`);
    if (!isShape(q.shape)) fail(`parameter ${label} has a bad shape`);
    if (q.length !== elementCount(q.shape as number[])) fail(`parameter ${label}: length ${q.length} does not match its shape`);
    if (q.byteOffset !== expectedOffset) fail(`parameter ${label}: byteOffset ${q.byteOffset}, expected ${expectedOffset}`);
    expectedOffset += (q.length as number) * BYTES_PER_ELEMENT;
  }
  if (expectedOffset !== m.byteLength) fail(`the parameters take ${expectedOffset} bytes but byteLength says ${m.byteLength}`);
  return m as CheckpointMetadata;
}
