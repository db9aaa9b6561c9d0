/**
 * What a reader sees when a run dies while writing its results: the old file,
 * whole, or the new one, whole — never a mix or a truncated file.
 *
 *   A write that fails halfway (the disk fills up: here `fs.writeSync` is made
 *   to write half its bytes and then throw) leaves the old file untouched.
 *   A child process killed with SIGKILL while its write of a new version is
 *   half done (it stops in the middle of fs.writeSync and waits for the kill)
 *   leaves the old version, whole; one killed at an arbitrary moment while
 *   rewriting a result in a loop leaves a file that parses and is one of the
 *   versions it wrote.
 *
 * A writer that writes in place passes "no temporary file is left" but fails
 * both of these.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJson } from '../src/cli/output.js';
import { writeFileAtomic } from '../src/nn/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = fs.mkdtempSync(join(tmpdir(), 'goldilocks-atomic-'));
test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs `body` with fs.writeSync writing only half of what it is asked to, then throwing ENOSPC. */
function withFailingWrites(body: () => void): void {
  const original = fs.writeSync;
  const failing = ((fd: number, buffer: Uint8Array, offset?: number, length?: number): number => {
    const start = offset ?? 0;
    const half = Math.floor((length ?? buffer.length - start) / 2);
    original(fd, buffer, start, half);
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }) as typeof fs.writeSync;
  fs.writeSync = failing;
  syncBuiltinESMExports(); // so that `import { writeSync } from 'node:fs'` sees it too
  try {
    body();
  } finally {
    fs.writeSync = original;
    syncBuiltinESMExports();
  }
}

test('a write that fails halfway leaves the old file whole (writeFileAtomic, writeJson)', () => {
  const path = join(scratch, 'result.json');
  const old = `${JSON.stringify({ version: 'old', values: Array.from({ length: 1000 }, (_, i) => i) })}\n`;
  fs.writeFileSync(path, old);
  withFailingWrites(() => {
    assert.throws(() => writeFileAtomic(path, JSON.stringify({ version: 'new', values: Array.from({ length: 5000 }, (_, i) => -i) })), /ENOSPC/);
    assert.throws(() => writeJson(path, { version: 'newer', values: [1, 2, 3] }), /ENOSPC/);
  });
  assert.is(fs.readFileSync(path, 'utf8'), old);
  assert.equal(fs.readdirSync(scratch).filter((f) => f !== 'child.mjs'), ['result.json']); // and the half-written temporary file is gone
  // a new target that fails halfway does not appear at all
  const fresh = join(scratch, 'fresh.json');
  withFailingWrites(() => assert.throws(() => writeFileAtomic(fresh, 'x'.repeat(10_000)), /ENOSPC/));
  assert.not.ok(fs.existsSync(fresh));
});

/**
 * A child that writes version 0 of a result through writeJson, then starts
 * writing version 1 with fs.writeSync stopping halfway: it says 'mid-write'
 * and waits to be killed. With `random`, it instead rewrites versions 1, 2, …
 * in a loop until it is killed whenever the parent decides.
 */
const CHILD = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { writeJson } from ${JSON.stringify(join(ROOT, 'src/cli/output.ts'))};
const [path, mode] = process.argv.slice(2);
const version = (k) => ({ version: k, records: Array.from({ length: 20000 }, (_, i) => ({ i, k, value: i * 0.5 + k })) });
writeJson(path, version(0));
if (mode === 'random') {
  process.stdout.write('ready\\n');
  for (let k = 1; ; k++) writeJson(path, version(k));
}
const original = fs.writeSync;
fs.writeSync = (fd, buffer, offset = 0, length = buffer.length - offset) => {
  original(fd, buffer, offset, Math.floor(length / 2));
  process.stdout.write('mid-write\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); // killed here
  return 0;
};
syncBuiltinESMExports();
writeJson(path, version(1));
`;

const childFile = join(scratch, 'child.mjs');
fs.writeFileSync(childFile, CHILD);

function runAndKill(path: string, mode: 'mid-write' | 'random', delayMs = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childFile, path, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended without being killed: ${stderr}`))));
  });
}

function readWhole(path: string, when: string): { version: number; records: { i: number; k: number; value: number }[] } {
  const text = fs.readFileSync(path, 'utf8');
  let parsed: { version: number; records: { i: number; k: number; value: number }[] } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) throw new Error(`${when}: the file is not whole JSON (${text.length} bytes, ending ${JSON.stringify(text.slice(-40))})`);
  assert.is(parsed.records.length, 20000, when);
  const version = parsed.version;
  assert.ok(parsed.records.every((r, i) => r.i === i && r.k === version), `${when}: records of mixed versions`);
  return parsed;
}

test('a writer killed with SIGKILL in the middle of writing a new version leaves the old version whole', async () => {
  const path = join(scratch, 'killed.json');
  await runAndKill(path, 'mid-write');
  assert.is(readWhole(path, 'killed mid-write').version, 0);
});

test('a writer killed with SIGKILL at an arbitrary moment leaves a whole file, one of the versions written', async () => {
  const path = join(scratch, 'killed-random.json');
  await runAndKill(path, 'random', 120);
  readWhole(path, 'killed at 120 ms');
});

test.run();
