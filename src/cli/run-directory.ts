/**
 * The output directory of a run: made safe before any computation starts.
 *
 * `prepareRunDirectory` is called once, before the data are loaded. It
 *   - refuses an empty --out, a path that is not a directory, and a directory
 *     that cannot be created or written (found at once: no work is lost to a
 *     typo, and no recursive mkdir can spin on a path such as /proc/x);
 *   - takes a lock file, so that a second run into the same directory at the
 *     same time is refused (a lock left by a killed process is taken over);
 *   - refuses a directory that holds another run, unless --resume (the same
 *     command with the same settings continues it; different settings are
 *     refused, naming what differs) or --force (the previous run's files are
 *     removed first, so a directory never mixes two runs);
 *   - records the command and its settings in `.goldilocks-run.json`, which is
 *     what --resume and --force look at next time.
 * A non-empty directory that holds no run (no `.goldilocks-run.json`) is
 * never written into, even with --force: it may hold someone's files.
 */
import { accessSync, constants, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../nn/index.js';
import { UserError } from './errors.js';

/** The file that says which run a directory holds. */
export const RUN_RECORD_FILE = '.goldilocks-run.json';
/** The lock file of a run in progress. */
export const LOCK_FILE = '.goldilocks.lock';

/** What `.goldilocks-run.json` holds. */
export interface RunRecord {
  command: string;
  /** The settings that decide the results (the options, less those about output). */
  settings: Record<string, unknown>;
  /** The command line of the run that made the directory. */
  argv: string[];
  startedAt: string;
  finished: boolean;
}

export interface RunDirectoryRequest {
  /** --out as given. */
  out: string;
  command: string;
  settings: Record<string, unknown>;
  resume: boolean;
  force: boolean;
  /** Treat the same command with the same settings as --resume (for `reproduce`, which continues by design). */
  sameSettingsResumes?: boolean;
}

export interface RunDirectory {
  /** Absolute path. */
  path: string;
  /** True when a previous run with the same settings is continued. */
  resumed: boolean;
  /** Marks the run complete in its record. */
  markFinished(): void;
  /** Removes the lock (also done when the process exits). */
  release(): void;
}

function errnoCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'error';
}

/**
 * Creates `abs` and its missing parents one level at a time, after checking
 * the nearest existing one is a writable directory. Returns the directories
 * this process created, outermost first.
 */
function makeDirectory(out: string, abs: string): string[] {
  const missing: string[] = [];
  let existing = abs;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(existing).isDirectory();
  } catch (error) {
    throw new UserError(`--out ${out}: cannot examine ${existing} (${errnoCode(error)})`);
  }
  if (!isDirectory) throw new UserError(`--out ${out}: ${existing} exists and is not a directory`);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UserError(`--out ${out}: ${existing} is not writable`);
  }
  const created: string[] = [];
  for (const dir of missing) {
    try {
      mkdirSync(dir);
      created.push(dir);
    } catch (error) {
      // another run may have made it this instant (two runs started together): then the lock decides
      if (errnoCode(error) === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw new UserError(`--out ${out}: cannot create ${dir} (${errnoCode(error)})`);
    }
  }
  return created;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** Takes the lock, or explains who holds it. A lock whose process is gone (killed) is taken over. */
function takeLock(out: string, dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const text = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, text);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'EEXIST') throw new UserError(`--out ${out} is not writable (${code})`);
      let holder: { pid?: number; host?: string } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
      } catch {
        // a lock being written this instant, or a broken one: treated as held
      }
      const stale = holder.host === hostname() && typeof holder.pid === 'number' && !processIsAlive(holder.pid);
      if (!stale) {
        throw new UserError(`--out ${out} is in use by another goldilocks run (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}); wait for it to end or choose another --out`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new UserError(`--out ${out}: could not take the lock ${path}`);
}

/** The keys whose values differ between two settings objects. */
export function differingSettings(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export function readRunRecord(dir: string): RunRecord | undefined {
  const path = join(dir, RUN_RECORD_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch (error) {
    throw new UserError(`${path} is not a readable run record (${(error as Error).message})`);
  }
}

function writeRunRecord(dir: string, record: RunRecord): void {
  writeFileAtomic(join(dir, RUN_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** Checks, creates, locks and claims the output directory (see the file's header). */
export function prepareRunDirectory(request: RunDirectoryRequest): RunDirectory {
  const { out } = request;
  if (out.trim() === '') throw new UserError('--out must name a directory, got an empty string');
  const abs = resolve(out);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new UserError(`--out ${out} exists and is not a directory`);
  const created = makeDirectory(out, abs);
  const release = takeLock(out, abs);
  try {
    const resumed = claim(request, abs);
    const record: RunRecord = resumed
      ? { ...readRunRecord(abs)!, finished: false }
      : { command: request.command, settings: request.settings, argv: process.argv.slice(2), startedAt: new Date().toISOString(), finished: false };
    writeRunRecord(abs, record);
    let finished = false;
    // A run that fails before it writes anything (a bad flag found while setting up) leaves no claim
    // behind, so the corrected command runs without --resume or --force.
    const unclaimIfUntouched = (): void => {
      if (finished || resumed) return;
      try {
        if (readdirSync(abs).every((name) => name === RUN_RECORD_FILE || name === LOCK_FILE)) {
          rmSync(join(abs, RUN_RECORD_FILE), { force: true });
          rmSync(join(abs, LOCK_FILE), { force: true });
          for (const dir of [...created].reverse()) rmdirSync(dir);
        }
      } catch {
        // nothing to tidy
      }
    };
    // registered before the lock's release, so it runs first
    process.prependListener('exit', unclaimIfUntouched);
    return {
      path: abs,
      resumed,
      markFinished: () => {
        finished = true;
        writeRunRecord(abs, { ...record, finished: true });
      },
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Decides whether the directory may be used; returns true when a previous run is continued. */
function claim(request: RunDirectoryRequest, abs: string): boolean {
  const { out, command, settings } = request;
  const entries = readdirSync(abs).filter((name) => name !== LOCK_FILE);
  if (entries.length === 0) return false;
  const previous = readRunRecord(abs);
  if (previous === undefined) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new UserError(`--out ${out} is not empty (${shown}) and holds no goldilocks run; choose a new or empty directory`);
  }
  const differences = previous.command === command ? differingSettings(previous.settings, settings) : ['command'];
  const same = differences.length === 0;
  if (request.force) {
    for (const name of entries) rmSync(join(abs, name), { recursive: true, force: true });
    return false;
  }
  if (request.resume || (request.sameSettingsResumes && same)) {
    if (same) return true;
    const what = previous.command === command
      ? differences.map((k) => `${k}: ${JSON.stringify(previous.settings[k])} then, ${JSON.stringify(settings[k])} now`).join('; ')
      : `it holds a ${previous.command} run, not ${command}`;
    throw new UserError(`--resume: --out ${out} holds a run with other settings (${what}); use the same settings, --force to replace it, or another --out`);
  }
  const state = previous.finished ? 'a finished' : 'an unfinished';
  throw new UserError(`--out ${out} already holds ${state} ${previous.command} run; add --resume to continue it, --force to replace it, or choose another --out`);
}
