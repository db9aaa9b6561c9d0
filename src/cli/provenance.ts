/**
 * What a result file says about the run that made it: the schema version,
 * the tool's version, the git commit when run from a clone, the exact command
 * line, Node's version, the backend, dtype and threads, when the run started
 * and ended, and the resolved configuration (only the options that apply to
 * the run). Every command's main JSON result carries this as `provenance`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend, getMatmulThreads } from '../autodiff/index.js';

/** Bumped when a result file's layout changes in a way a reader must know. */
export const RESULT_SCHEMA_VERSION = 2;

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Provenance {
  schemaVersion: number;
  tool: 'goldilocks';
  version: string;
  gitCommit: string | null;
  command: string;
  argv: string[];
  node: string;
  platform: string;
  backend: string;
  backendDescription: string;
  dtype: string | null;
  threads: number;
  startedAt: string;
  finishedAt: string;
  /** Wall-clock seconds from start to end (of this process: a resumed run counts from its resumption). */
  seconds: number;
  config: Record<string, unknown>;
}

let cachedVersion: string | undefined;
function toolVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version?: string };
    cachedVersion = pkg.version ?? 'unknown';
  }
  return cachedVersion;
}

let cachedCommit: string | null | undefined;
/** The commit checked out where goldilocks runs from, or null outside a git clone (or without git). */
export function gitCommit(): string | null {
  if (cachedCommit !== undefined) return cachedCommit;
  cachedCommit = null;
  if (existsSync(`${PACKAGE_ROOT}.git`)) {
    const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 5000 });
    if (git.status === 0 && /^[0-9a-f]{40}$/.test(git.stdout.trim())) cachedCommit = git.stdout.trim();
  }
  return cachedCommit;
}

/** The fields that change from one run of the same configuration to the next (ignored when results are compared). */
export const TIMING_FIELDS = ['startedAt', 'finishedAt', 'seconds', 'argv'] as const;

export function makeProvenance(command: string, started: Date, config: Record<string, unknown>, dtype: string | null): Provenance {
  const finished = new Date();
  const backend = getBackend();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: 'goldilocks',
    version: toolVersion(),
    gitCommit: gitCommit(),
    command,
    argv: process.argv.slice(2),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backend: backend.name,
    backendDescription: backend.describe(),
    dtype,
    threads: getMatmulThreads(),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    seconds: (finished.getTime() - started.getTime()) / 1000,
    config,
  };
}
