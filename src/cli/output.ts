/**
 * Writing results: every file appears whole or not at all.
 *
 * A run that is killed halfway (Ctrl-C, out of memory, a full disk) must not
 * leave a half-written results.json that a later script reads as a real
 * result. So each write goes to a temporary file in the same directory and is
 * then renamed over the target: on POSIX file systems a rename within a
 * directory is atomic, so readers see the old file or the new one, never a mix.
 *
 * Results are numbers, and a NaN or an infinity in them means something went
 * wrong (a diverged run, a division by zero). JSON has no NaN: JSON.stringify
 * would quietly write `null`, and the broken run would look like a valid one.
 * writeJson and writeCsv therefore refuse non-finite numbers and name the
 * field that holds one.
 */
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../nn/index.js';
import { UserError } from './errors.js';

/** Writes `data` to `path` through a temporary file and a rename (shared with checkpoints). */
export { writeFileAtomic };

/** Creates `dir` (and its parents) if needed; returns its absolute path. */
export function ensureOutDir(dir: string): string {
  const abs = resolve(dir);
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(abs).isDirectory();
  } catch {
    isDirectory = undefined;
  }
  if (isDirectory === false) throw new UserError(`output directory ${dir} exists and is not a directory`);
  if (isDirectory === undefined) mkdirSync(abs, { recursive: true });
  return abs;
}

/** Where a non-finite number sits in a value, and which one it is. */
export interface NonFiniteField {
  /** A JSON path such as `$.history[3].loss`. */
  path: string;
  value: number;
}

/**
 * The first NaN or ±Infinity in `value` (depth first), or undefined if there
 * is none. Typed arrays are searched too.
 */
export function findNonFinite(value: unknown, path = '$'): NonFiniteField | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (typeof value !== 'object' || value === null) return undefined;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'number' && !Number.isFinite(item)) return { path: `${path}[${i}]`, value: item };
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  // An object with toJSON (a Date, say) is written as whatever toJSON returns.
  if ('toJSON' in value && typeof value.toJSON === 'function') return findNonFinite((value.toJSON as () => unknown)(), path);
  for (const [key, item] of Object.entries(value)) {
    const found = findNonFinite(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
    if (found) return found;
  }
  return undefined;
}

/** Typed arrays are written as plain JSON arrays, not as {"0": ..., "1": ...}. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * Writes `value` as pretty-printed JSON, atomically. Throws a UserError (and
 * writes nothing) if any number in it is NaN or infinite.
 */
export function writeJson(path: string, value: unknown): void {
  const bad = findNonFinite(value);
  if (bad !== undefined) {
    throw new UserError(`refusing to write ${path}: ${bad.path} is ${bad.value} (a non-finite number is not a valid result)`);
  }
  writeFileAtomic(path, `${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/** One CSV cell's possible values; null is written as an empty cell. */
export type CsvValue = number | string | boolean | null;

function csvCell(value: CsvValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes rows as CSV (RFC 4180 quoting, '\n' line ends), atomically.
 * `columns` picks and orders the columns; by default every key, in order of
 * first appearance. Missing cells are left empty. Non-finite numbers are
 * refused, naming the row and the column.
 */
export function writeCsv(path: string, rows: readonly Record<string, CsvValue>[], columns?: readonly string[]): void {
  const header = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [header.map((c) => csvCell(c)).join(',')];
  rows.forEach((row, i) => {
    lines.push(
      header
        .map((column) => {
          const cell = row[column];
          if (typeof cell === 'number' && !Number.isFinite(cell)) {
            throw new UserError(`refusing to write ${path}: row ${i}, column ${JSON.stringify(column)} is ${cell} (a non-finite number is not a valid result)`);
          }
          return csvCell(cell);
        })
        .join(','),
    );
  });
  writeFileAtomic(path, `${lines.join('\n')}\n`);
}
