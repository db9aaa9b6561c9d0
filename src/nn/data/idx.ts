/**
 * The IDX file format, read and written by hand.
 *
 * IDX is the tiny container format MNIST (and Fashion-MNIST) ship in. A file
 * is a header followed by one flat array of numbers:
 *
 *   bytes 0-1   always zero
 *   byte  2     the element type: 0x08 uint8, 0x09 int8, 0x0B int16,
 *               0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3     the rank (number of dimensions)
 *   then        one big-endian uint32 per dimension
 *   then        the elements, row-major, each big-endian
 *
 * So the MNIST training images start 00 00 08 03 | 60000 | 28 | 28, followed
 * by 60000·28·28 bytes. Files are often distributed gzipped (`.gz`); we
 * recognise gzip by its own magic bytes (1F 8B) and inflate with node:zlib.
 *
 * Every error names the file and says exactly what is wrong with it, because
 * "RangeError: offset out of bounds" deep inside a loader helps nobody.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/** The element types IDX can hold. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each element type once decoded. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its element type, its shape, and its elements (row-major). */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: IdxData;
}

interface DTypeInfo {
  dtype: IdxDType;
  code: number;
  bytes: number;
}

// The type byte of the header, and how wide each element is.
const DTYPES: readonly DTypeInfo[] = [
  { dtype: 'uint8', code: 0x08, bytes: 1 },
  { dtype: 'int8', code: 0x09, bytes: 1 },
  { dtype: 'int16', code: 0x0b, bytes: 2 },
  { dtype: 'int32', code: 0x0c, bytes: 4 },
  { dtype: 'float32', code: 0x0d, bytes: 4 },
  { dtype: 'float64', code: 0x0e, bytes: 8 },
];

function describeCodes(): string {
  return DTYPES.map((d) => `0x${d.code.toString(16).padStart(2, '0')} ${d.dtype}`).join(', ');
}

/**
 * Decodes the bytes of an IDX file. `source` names where the bytes came from
 * (a file path, usually) and is used only in error messages. uint8 data is
 * returned as a view on `bytes`, without copying.
 */
export function parseIdx(bytes: Uint8Array, source = '<buffer>'): IdxArray {
  const fail = (what: string): never => {
    throw new Error(`IDX file ${source}: ${what}`);
  };
  if (bytes.length < 4) fail(`file is truncated: only ${bytes.length} bytes, but the header alone needs at least 4`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== 0 || view.getUint8(1) !== 0) {
    const magic = view.getUint32(0).toString(16).padStart(8, '0');
    const hint = view.getUint8(0) === 0x1f && view.getUint8(1) === 0x8b ? ' (it looks gzipped; use readIdxFile, which inflates it)' : '';
    fail(`bad magic number 0x${magic}: an IDX file starts with two zero bytes${hint}`);
  }
  const code = view.getUint8(2);
  const info = DTYPES.find((d) => d.code === code);
  if (info === undefined) {
    return fail(`unknown element-type code 0x${code.toString(16).padStart(2, '0')} in the magic number; allowed: ${describeCodes()}`);
  }
  const rank = view.getUint8(3);
  if (rank === 0) fail('rank is 0; an IDX file needs at least one dimension');

  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(`file is truncated: rank ${rank} needs a ${headerBytes}-byte header, but the file has only ${bytes.length} bytes`);
  }
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(view.getUint32(4 + 4 * axis));

  const count = shape.reduce((a, b) => a * b, 1);
  const expectedDataBytes = count * info.bytes;
  const actualDataBytes = bytes.length - headerBytes;
  const what = `header says shape [${shape.join(', ')}] of ${info.dtype} = ${expectedDataBytes} bytes of data`;
  if (actualDataBytes < expectedDataBytes) {
    fail(`file is truncated: ${what}, but only ${actualDataBytes} bytes follow the ${headerBytes}-byte header`);
  }
  if (actualDataBytes > expectedDataBytes) {
    fail(`${what}, but ${actualDataBytes} bytes follow the ${headerBytes}-byte header (${actualDataBytes - expectedDataBytes} too many)`);
  }

  return { dtype: info.dtype, shape, data: decodeElements(bytes, headerBytes, info.dtype, count) };
}

// Elements are big-endian; DataView reads them in whichever byte order we ask.
function decodeElements(bytes: Uint8Array, start: number, dtype: IdxDType, count: number): IdxData {
  if (dtype === 'uint8') return bytes.subarray(start, start + count);
  if (dtype === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + start, count).slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
  switch (dtype) {
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i);
      return out;
    }
  }
}

/** True when `bytes` begin with the gzip magic number 1F 8B. */
export function isGzipped(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads and decodes an IDX file, inflating it first if it is gzipped. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`IDX file ${path}: cannot read it (${(error as Error).message})`, { cause: error });
  }
  if (isGzipped(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new Error(`IDX file ${path}: looks gzipped but does not inflate (${(error as Error).message}); is it truncated?`, {
        cause: error,
      });
    }
  }
  return parseIdx(bytes, path);
}

/** Encodes an array as the bytes of an IDX file (the inverse of parseIdx). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const info = DTYPES.find((d) => d.dtype === array.dtype);
  if (info === undefined) throw new Error(`encodeIdx: unknown dtype ${JSON.stringify(array.dtype)}`);
  const { shape, data } = array;
  if (shape.length === 0 || shape.length > 255) throw new Error(`encodeIdx: rank must be 1..255, got ${shape.length}`);
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) throw new Error(`encodeIdx: bad dimension ${dim} in shape [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`encodeIdx: shape [${shape.join(', ')}] holds ${count} elements but data has ${data.length}`);
  }

  const headerBytes = 4 + 4 * shape.length;
  const bytes = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(bytes.buffer);
  view.setUint8(2, info.code);
  view.setUint8(3, shape.length);
  shape.forEach((dim, axis) => view.setUint32(4 + 4 * axis, dim));
  for (let i = 0; i < count; i++) {
    const value = data[i]!;
    const at = headerBytes + i * info.bytes;
    switch (info.dtype) {
      case 'uint8': view.setUint8(at, value); break;
      case 'int8': view.setInt8(at, value); break;
      case 'int16': view.setInt16(at, value); break;
      case 'int32': view.setInt32(at, value); break;
      case 'float32': view.setFloat32(at, value); break;
      case 'float64': view.setFloat64(at, value); break;
    }
  }
  return bytes;
}

/** Writes an array as an IDX file, gzipped when `gzip` is true (name it `.gz`, then). */
export function writeIdxFile(path: string, array: IdxArray, options: { gzip?: boolean } = {}): void {
  const bytes = encodeIdx(array);
  writeFileSync(path, options.gzip === true ? gzipSync(bytes) : bytes);
}
