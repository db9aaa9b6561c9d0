/**
 * A sharded zone sweep through a real Slurm, as a cluster user runs it:
 * docs/zone-array.sbatch submitted as a job array (one task per shard), then
 * `goldilocks merge`, which must give exactly the unsharded run's result.
 *
 * Opt-in (it starts daemons and takes about half a minute): set
 * GOLDILOCKS_SLURM_TEST=1 with Debian's slurm-wlm and munge installed
 * (`apt-get install -y slurm-wlm munge`), as root. The test starts its own
 * munged, slurmctld and slurmd on this machine, with every file (key,
 * socket, configuration, state, logs) in a temporary directory and
 * SLURM_CONF pointing there, so nothing in /etc is read or changed; it
 * cancels its jobs and stops the daemons at the end, also when it fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'goldilocks.js');
const TOOLS = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];
/** A zone sweep of a few seconds, split into three shards. */
const ZONE_OPTIONS = ['--dataset', 'circles', '--samples', '120', '--model', '2-24-24-3', '--subspace-dim', '6', '--repeats', '2', '--scales', '0.1:10:9', '--seed', '3'];
const SHARDS = 3;

const hasTool = (name: string): boolean => spawnSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
const missing = TOOLS.filter((t) => !hasTool(t));
const skipReason = process.env.GOLDILOCKS_SLURM_TEST !== '1'
  ? 'set GOLDILOCKS_SLURM_TEST=1 to run it (it starts munged, slurmctld and slurmd)'
  : missing.length > 0
    ? `${missing.join(', ')} not found (Debian: apt-get install -y slurm-wlm munge)`
    : process.getuid?.() !== 0 ? 'it must run as root (the daemons run as SlurmUser=root)' : null;

// a short path: munge's socket path must stay under about 107 bytes
const dir = skipReason === null ? mkdtempSync(join(tmpdir(), 'gl-slurm-')) : '';
const path = (name: string): string => join(dir, name);
const env = { ...process.env, SLURM_CONF: path('slurm.conf') };
const pids: { munged?: number; slurmctld?: number; slurmd?: number } = {};
let jobId: string | undefined;
let passed = false;

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { encoding: 'utf8', env: options.env ?? env, cwd: options.cwd ?? dir, timeout: 60_000 });
}

function must(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = run(command, args, options);
  assert.is(r.status, 0, `${command} ${args.join(' ')}: ${r.stderr}${r.error ? String(r.error) : ''}`);
  return r.stdout;
}

/** Starts a daemon (it forks and returns); no pipes, which the daemon could hold open: its errors are in its log file. */
function startDaemon(command: string, args: string[]): void {
  const r = spawnSync(command, args, { env, cwd: dir, stdio: 'ignore', timeout: 60_000 });
  assert.is(r.status, 0, `${command} ${args.join(' ')} failed to start: see the logs in ${path('log')}`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, ready: () => boolean, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(250);
  }
}

const readPid = (file: string): number | undefined => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined);

/** munged with its own key and socket, then a one-node slurmctld and slurmd configured in `dir`. */
async function startCluster(): Promise<void> {
  chmodSync(dir, 0o755); // munged wants every directory above its socket searchable by all
  mkdirSync(path('munge'), { mode: 0o755 });
  chmodSync(path('munge'), 0o755); // munged refuses a socket directory that is not 755
  for (const sub of ['state', 'spool', 'log', 'jobs']) mkdirSync(path(sub));
  must('mungekey', ['-c', '-k', path('munge.key')]);
  chmodSync(path('munge.key'), 0o600);
  const socket = path('munge/munge.sock');
  startDaemon('munged', ['--key-file', path('munge.key'), '--socket', socket, '--pid-file', path('munged.pid'), '--log-file', path('log/munged.log'), '--seed-file', path('munge.seed')]);
  pids.munged = readPid(path('munged.pid'));
  const host = hostname().split('.')[0]!;
  const node = must('slurmd', ['-C']).split('\n')[0]!.trim().replace(/^NodeName=\S+/, `NodeName=${host}`);
  writeFileSync(path('slurm.conf'), [
    'ClusterName=goldilocks-test',
    `SlurmctldHost=${host}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'SlurmctldPort=16817',
    'SlurmdPort=16818',
    `AuthInfo=socket=${socket}`,
    `StateSaveLocation=${path('state')}`,
    `SlurmdSpoolDir=${path('spool')}`,
    `SlurmctldPidFile=${path('slurmctld.pid')}`,
    `SlurmdPidFile=${path('slurmd.pid')}`,
    `SlurmctldLogFile=${path('log/slurmctld.log')}`,
    `SlurmdLogFile=${path('log/slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    'SwitchType=switch/none',
    'MpiDefault=none',
    'MailProg=/bin/true',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    `${node} NodeAddr=127.0.0.1 State=UNKNOWN`,
    `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n'));
  startDaemon('slurmctld', ['-c']);
  startDaemon('slurmd', ['-N', host]);
  pids.slurmctld = readPid(path('slurmctld.pid'));
  pids.slurmd = readPid(path('slurmd.pid'));
  await waitFor('the node to be idle', () => run('sinfo', ['-h', '-o', '%T']).stdout.trim() === 'idle', 30);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopCluster(): Promise<void> {
  if (jobId !== undefined) run('scancel', [jobId]);
  // read the pids first: the daemons delete their pid files as they stop
  pids.slurmctld ??= readPid(path('slurmctld.pid'));
  pids.slurmd ??= readPid(path('slurmd.pid'));
  run('scontrol', ['shutdown']);
  for (const pid of [pids.slurmd, pids.slurmctld, pids.munged]) {
    if (pid === undefined || !Number.isInteger(pid)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already stopped
    }
  }
  // slurmctld writes its state as it stops: wait for every daemon to be gone before the directory is removed
  const started = [pids.slurmd, pids.slurmctld, pids.munged].filter((p): p is number => p !== undefined && Number.isInteger(p));
  await waitFor('the daemons to stop', () => started.every((pid) => !isAlive(pid)), 20).catch((error: Error) => console.log(`  ${error.message}`));
}

/** zone.json without the fields that differ between two runs of the same settings (clock and command line). */
function zoneResult(out: string): unknown {
  const result = JSON.parse(readFileSync(join(out, 'zone.json'), 'utf8')) as { provenance: Record<string, unknown> };
  for (const key of ['startedAt', 'finishedAt', 'seconds', 'argv']) delete result.provenance[key];
  return result;
}

test('a zone sweep submitted as a Slurm job array (docs/zone-array.sbatch), merged, equals the unsharded run', async () => {
  if (skipReason !== null) {
    console.log(`  skipped: ${skipReason}`);
    return;
  }
  await startCluster();
  // the shipped script, with small zone options after its name, the shards in `dir`, and this checkout's goldilocks
  const jobEnv = { ...env, RUNS: path('runs'), GOLDILOCKS: `${process.execPath} ${BIN}` };
  jobId = must('sbatch', [
    '--parsable', `--array=1-${SHARDS}`, '--cpus-per-task=1', '--mem=500M', '--time=10', `--chdir=${ROOT}`, `--output=${path('jobs')}/%A_%a.out`,
    join(ROOT, 'docs', 'zone-array.sbatch'), ...ZONE_OPTIONS,
  ], { env: jobEnv }).trim().split(';')[0]!;
  assert.match(jobId, /^\d+$/);
  await waitFor(`job array ${jobId}`, () => run('squeue', ['-h', '-j', jobId!]).stdout.trim() === '', 150);
  const states = run('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%i %T']).stdout.trim().split('\n').sort();
  assert.equal(states, Array.from({ length: SHARDS }, (_, i) => `${jobId}_${i + 1} COMPLETED`), `task logs: ${path('jobs')}`);
  jobId = undefined;
  const shards = Array.from({ length: SHARDS }, (_, i) => path(`runs/zone-shard-${i + 1}`));
  for (const shard of shards) assert.not.ok(existsSync(join(shard, 'zone.json')), 'a shard writes only its journal');
  must(process.execPath, [BIN, 'merge', ...shards, '--out', path('merged'), '--quiet'], { cwd: ROOT });
  must(process.execPath, [BIN, 'zone', ...ZONE_OPTIONS, '--out', path('whole'), '--quiet'], { cwd: ROOT });
  assert.equal(zoneResult(path('merged')), zoneResult(path('whole')));
  for (const file of ['zone.csv', 'zone-eigenvalues.csv', 'trace-over-norm.svg', 'positive-fraction.svg']) {
    assert.ok(readFileSync(path(`merged/${file}`)).equals(readFileSync(path(`whole/${file}`))), `${file} differs from the unsharded run's`);
  }  passed = true;
});

test.after(async () => {
  if (skipReason !== null) return;
  await stopCluster();
  if (passed) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  else console.log(`  the daemons' logs and the task outputs are kept in ${dir}`);
});

test.run();
