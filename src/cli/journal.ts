/**
 * The journal of a sweep: each finished unit of work (a radius, a
 * temperature, a subspace dimension, a trial, a run), kept in `journal.json`
 * in the output directory as soon as it is done.
 *
 * The whole file is rewritten through a temporary file and a rename after
 * each unit, so a run killed at any moment leaves the journal as it was after
 * the last finished unit, never half a unit. `--resume` reads it back and
 * computes only the missing units. Every value goes through JSON before it
 * is used, on the first run as on a resumed one, so both produce the same
 * bytes. Shards of a sweep each keep their own journal; `merge` joins them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../nn/index.js';
import { UserError } from './errors.js';

export const JOURNAL_FILE = 'journal.json';

interface JournalFile {
  journal: 1;
  units: Record<string, unknown>;
}

/** Typed arrays become plain arrays, as in the result files. */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** A value as it reads back from JSON. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, replacer)) as T;
}

/** Reads the units of the journal in `dir` (none if there is no journal). */
export function readJournalUnits(dir: string): Record<string, unknown> {
  const path = join(dir, JOURNAL_FILE);
  if (!existsSync(path)) return {};
  let parsed: JournalFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as JournalFile;
  } catch (error) {
    throw new UserError(`${path} cannot be read (${(error as Error).message}); remove it, or use --force to start again`);
  }
  if (parsed.journal !== 1 || typeof parsed.units !== 'object' || parsed.units === null) throw new UserError(`${path} is not a goldilocks journal`);
  return parsed.units;
}

export class Journal {
  private readonly units: Record<string, unknown>;

  constructor(private readonly dir: string, units: Record<string, unknown> = {}) {
    this.units = { ...units };
  }

  /** The journal in `dir`, as a previous run left it. */
  static read(dir: string): Journal {
    return new Journal(dir, readJournalUnits(dir));
  }

  has(key: string): boolean {
    return Object.hasOwn(this.units, key);
  }

  get<T>(key: string): T | undefined {
    return this.units[key] as T | undefined;
  }

  get size(): number {
    return Object.keys(this.units).length;
  }

  /** Keeps a finished unit (atomically) and returns it as it reads back. */
  record<T>(key: string, value: T): T {
    const stored = throughJson(value);
    this.units[key] = stored;
    this.save();
    return stored;
  }

  save(): void {
    const file: JournalFile = { journal: 1, units: this.units };
    writeFileAtomic(join(this.dir, JOURNAL_FILE), `${JSON.stringify(file)}\n`);
  }
}
