/**
 * The run harness as a user meets it, through the real CLI at tiny sizes:
 * a sweep killed with SIGKILL and then stopped with Ctrl-C resumes to the
 * same bytes as an uninterrupted run; three shards merged equal the unsharded
 * run (also through GNU parallel when it is installed); an --out from another
 * run, an empty or unwritable --out and a locked one are refused at once with
 * exit 2; --force removes the previous run's files; --json prints the result;
 * every result carries its provenance; user mistakes exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint, saveCheckpoint } from '../src/nn/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'goldilocks.js');
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-harness-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function goldilocks(...args: string[]): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** A zone sweep of 10 radii on a tiny network: a fraction of a second per radius. */
const ZONE = ['zone', '--dataset', 'circles', '--samples', '120', '--model', '2-24-24-3', '--subspace-dim', '6', '--repeats', '2', '--scales', '0.1:10:10', '--quiet'];
const out = (name: string): string => join(scratch, name);

/** zone.json without the fields that differ between two runs of the same settings (clock and command line). */
function zoneResult(dir: string): Record<string, unknown> {
  const result = JSON.parse(readFileSync(join(dir, 'zone.json'), 'utf8')) as { provenance: Record<string, unknown> };
  for (const key of ['startedAt', 'finishedAt', 'seconds', 'argv']) {
    assert.ok(key in result.provenance, `provenance.${key}`);
    delete result.provenance[key];
  }
  return result;
}

function assertSameRun(dir: string, reference: string): void {
  assert.equal(zoneResult(dir), zoneResult(reference));
  for (const file of ['zone.csv', 'zone-eigenvalues.csv', 'trace-over-norm.svg', 'positive-fraction.svg', 'spectrum.svg']) {
    assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(reference, file))), `${file} differs from the uninterrupted run's`);
  }
}

const journalUnits = (dir: string): number => {
  try {
    return Object.keys((JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')) as { units: object }).units).length;
  } catch {
    return 0;
  }
};

/** Starts a run and sends `signal` once `ready()` holds (polled every 5 ms); resolves with the exit code and stderr. */
function interruptWhen(args: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr });
    });
  });
}

/** Starts a run, waits until its journal holds `units` units, sends `signal`. */
const interruptAfter = (args: string[], dir: string, units: number, signal: NodeJS.Signals) =>
  interruptWhen(args, () => journalUnits(dir) >= units, signal);

test('an uninterrupted sweep: --json prints the result on stdout; the result says what made it', () => {
  const r = goldilocks(...ZONE, '--out', out('full'), '--json');
  assert.is(r.status, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as { points: unknown[]; provenance: Record<string, unknown> };
  assert.is(printed.points.length, 10);
  assert.is(r.stdout.trim().split('\n').length, 1, 'stdout holds the result and nothing else');
  const p = zoneResult(out('full')).provenance as Record<string, unknown>;
  assert.is(p.schemaVersion, 2);
  assert.is(p.command, 'zone');
  assert.is(p.tool, 'goldilocks');
  assert.is(p.node, process.version);
  assert.is(p.dtype, 'float64');
  assert.is(p.backend, 'wasm');
  assert.ok(typeof p.threads === 'number' && p.threads >= 1);
  assert.ok(p.gitCommit === null || /^[0-9a-f]{40}$/.test(String(p.gitCommit)));
  const config = p.config as Record<string, unknown>;
  assert.is(config.subspaceDim, 6);
  assert.not.ok('temperatures' in config, 'an option that does not apply (no --temperature-sweep) is not recorded');
});

test('SIGKILL mid-sweep, then Ctrl-C, then --resume: the same bytes as the uninterrupted run', async () => {
  const dir = out('interrupted');
  const killed = await interruptAfter([...ZONE, '--out', dir], dir, 2, 'SIGKILL');
  assert.is(killed.signal, 'SIGKILL');
  const kept = journalUnits(dir);
  assert.ok(kept >= 2 && kept < 10, `${kept} units kept`);
  assert.not.ok(existsSync(join(dir, 'zone.json')));
  // without --resume the unfinished run is not overwritten
  const refused = goldilocks(...ZONE, '--out', dir);
  assert.is(refused.status, 2);
  assert.match(refused.stderr, /already holds an unfinished zone run; add --resume to continue it, --force to replace it/);
  // the lock the killed process left is taken over; Ctrl-C stops after a unit and says how to continue
  const stopped = await interruptAfter([...ZONE, '--out', dir, '--resume'], dir, kept + 1, 'SIGINT');
  assert.is(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /interrupted after \d+ finished unit\(s\).*continue with: goldilocks zone .*--resume/);
  assert.ok(journalUnits(dir) > kept);
  const resumed = goldilocks(...ZONE, '--out', dir, '--resume');
  assert.is(resumed.status, 0, resumed.stderr);
  assertSameRun(dir, out('full'));
});

test('three shards merged give exactly the unsharded result', () => {
  for (const i of [1, 2, 3]) assert.is(goldilocks(...ZONE, '--shard', `${i}/3`, '--out', out(`shard-${i}`)).status, 0);
  assert.is(journalUnits(out('shard-1')), 4); // radii 1, 4, 7, 10
  assert.not.ok(existsSync(join(out('shard-1'), 'zone.json')));
  const incomplete = goldilocks('merge', out('shard-1'), out('shard-3'), '--out', out('merged'));
  assert.is(incomplete.status, 2);
  assert.match(incomplete.stderr, /shard 2\/3 missing/);
  const merged = goldilocks('merge', out('shard-1'), out('shard-2'), out('shard-3'), '--out', out('merged'), '--quiet');
  assert.is(merged.status, 0, merged.stderr);
  assertSameRun(out('merged'), out('full'));
});

test('GNU parallel runs the shards of a sweep, as a user would on one machine', () => {
  if (spawnSync('parallel', ['--version'], { encoding: 'utf8' }).status !== 0) {
    console.log('  skipped: GNU parallel is not installed (Debian: apt-get install parallel)');
    return;
  }
  const script = `parallel --halt now,fail=1 '${process.execPath} ${BIN} ${ZONE.join(' ')} --shard {}/3 --out ${out('parallel')}-{}' ::: 1 2 3`;
  const run = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.is(run.status, 0, run.stderr);
  // the same units as the shards run one after another (which merge into the unsharded result above)
  for (const i of [1, 2, 3]) assert.ok(readFileSync(join(`${out('parallel')}-${i}`, 'journal.json')).equals(readFileSync(join(out(`shard-${i}`), 'journal.json'))), `shard ${i}`);
});

test('an --out from another run, a locked, empty or unwritable --out: refused at once with exit 2', () => {
  const again = goldilocks(...ZONE, '--out', out('full'));
  assert.is(again.status, 2);
  assert.match(again.stderr, /already holds a finished zone run; add --resume to continue it, --force to replace it, or choose another --out/);
  const other = goldilocks(...ZONE, '--subspace-dim', '5', '--out', out('full'), '--resume');
  assert.is(other.status, 2);
  assert.match(other.stderr, /--resume: .* holds a run with other settings \(subspaceDim: 6 then, 5 now\)/);
  const empty = goldilocks(...ZONE, '--out', '');
  assert.is(empty.status, 2);
  assert.match(empty.stderr, /--out must name a directory, got an empty string/);
  const proc = goldilocks(...ZONE, '--out', '/proc/goldilocks-x/y');
  assert.is(proc.status, 2);
  assert.match(proc.stderr, /--out \/proc\/goldilocks-x\/y: cannot create/);
  const foreign = out('someone-elses');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  const notRun = goldilocks(...ZONE, '--out', foreign, '--force');
  assert.is(notRun.status, 2);
  assert.match(notRun.stderr, /is not empty \(notes\.txt\) and holds no goldilocks run/);
  // a live process holds the lock (this test's own): a second run is refused
  const locked = out('locked');
  mkdirSync(locked);
  writeFileSync(join(locked, '.goldilocks.lock'), JSON.stringify({ pid: process.pid, host: hostname() }));
  const busy = goldilocks(...ZONE, '--out', locked);
  assert.is(busy.status, 2);
  assert.match(busy.stderr, new RegExp(`in use by another goldilocks run \\(pid ${process.pid}`));
});

/** Runs the CLI without waiting (for runs that must overlap). */
function goldilocksAsync(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

test('two runs started together into one new --out: one wins, the other is refused by the lock (exit 2), the winner\'s result is whole', async () => {
  // Both start at once; the loser is refused as soon as it finds the lock. If the loser's start was so late that
  // the winner had already finished (no overlap: then the directory holds a finished run), the race is run again.
  let lockRefusals = 0;
  for (let attempt = 1; attempt <= 3 && lockRefusals === 0; attempt++) {
    const dir = out(`race-${attempt}`);
    const results = await Promise.all([goldilocksAsync(...ZONE, '--out', dir), goldilocksAsync(...ZONE, '--out', dir)]);
    const codes = results.map((r) => r.code).sort();
    assert.equal(codes, [0, 2], `exit codes ${codes.join(', ')}: ${results.map((r) => r.stderr).join(' | ')}`);
    const loser = results.find((r) => r.code === 2)!;
    assert.is(loser.stderr.trim().split('\n').length, 1, loser.stderr);
    if (/is in use by another goldilocks run \(pid \d+ on /.test(loser.stderr)) lockRefusals += 1;
    else assert.match(loser.stderr, /already holds a finished zone run/);
    assertSameRun(dir, out('full'));
    assert.equal(readdirSync(dir).sort(), readdirSync(out('full')).sort());
  }
  assert.is(lockRefusals, 1, 'the two runs never overlapped in three tries');
});

test('--force removes the previous run\'s files before the new run writes', () => {
  const dir = out('forced');
  const args = ['logit-model', '--classes', '3', '--per-class', '4', '--parameters', '12', '--cluster-noise', '0.5', '--out', dir, '--quiet'];
  assert.is(goldilocks(...args).status, 0);
  writeFileSync(join(dir, 'temperature.csv'), 'left by the previous run\n');
  const forced = goldilocks(...args, '--seed', '1', '--force');
  assert.is(forced.status, 0, forced.stderr);
  assert.not.ok(existsSync(join(dir, 'temperature.csv')));
  const result = JSON.parse(readFileSync(join(dir, 'logit-model.json'), 'utf8')) as { config: { seed: number }; provenance: { config: { seed: number } } };
  assert.is(result.provenance.config.seed, 1);
});

/** A training run of six epochs on a tiny problem, a fraction of a second each. */
const TRAIN = ['train', '--dataset', 'circles', '--samples', '360', '--model', '2-32-32-3', '--epochs', '6', '--batch-size', '8', '--lr', '0.01', '--quiet'];
const trainedEpochs = (dir: string): number => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'training-state.json'), 'utf8')) as { start: { epoch: number } }).start.epoch;
  } catch {
    return 0;
  }
};

test('train killed after an epoch and resumed ends with the same weights and log as an uninterrupted run', async () => {
  assert.is(goldilocks(...TRAIN, '--out', out('train-full')).status, 0);
  const dir = out('train-killed');
  await interruptWhen([...TRAIN, '--out', dir], () => trainedEpochs(dir) >= 2, 'SIGKILL');
  const done = trainedEpochs(dir);
  assert.ok(done >= 2 && done < 6, `killed after ${done} epochs`);
  assert.not.ok(existsSync(join(dir, 'checkpoint.bin')));
  const resumed = goldilocks(...TRAIN, '--out', dir, '--resume');
  assert.is(resumed.status, 0, resumed.stderr);
  assert.ok(readFileSync(join(dir, 'checkpoint.bin')).equals(readFileSync(join(out('train-full'), 'checkpoint.bin'))), 'the final weights differ');
  const withoutSeconds = (d: string) => readFileSync(join(d, 'log.csv'), 'utf8').split('\n').map((line) => line.split(',').slice(0, -1).join(','));
  assert.equal(withoutSeconds(dir), withoutSeconds(out('train-full')));
});

test('Ctrl-C during a train epoch: stops after the batch in progress, keeps the last finished epoch, exit 130; --resume ends as an uninterrupted run', async () => {
  const long = TRAIN.map((a) => (a === '6' ? '20' : a));
  assert.is(goldilocks(...long, '--out', out('train-long')).status, 0);
  const dir = out('train-sigint');
  const r = await interruptWhen([...long, '--out', dir], () => trainedEpochs(dir) >= 2, 'SIGINT');
  assert.is(r.signal, null, 'killed by the signal instead of stopping');
  assert.is(r.code, 130, r.stderr);
  const kept = trainedEpochs(dir);
  assert.ok(kept >= 2 && kept < 20, `stopped after ${kept} epochs`);
  assert.match(r.stderr, new RegExp(`interrupted; the state after epoch ${kept} \\(epoch ${kept + 1}, unfinished, is dropped\\) is kept in .*; continue with: .*--resume`));
  assert.not.ok(existsSync(join(dir, 'checkpoint.bin')));
  const resumed = goldilocks(...long, '--out', dir, '--resume');
  assert.is(resumed.status, 0, resumed.stderr);
  assert.ok(readFileSync(join(dir, 'checkpoint.bin')).equals(readFileSync(join(out('train-long'), 'checkpoint.bin'))), 'the final weights differ');
});

test('track killed at a record step and resumed: the same records and final weights', async () => {
  const args = ['track', '--dataset', 'circles', '--model', '2-32-32-3', '--samples', '120', '--steps', '120', '--every', '30', '--top-k', '3', '--overlap-k', '2', '--batch-size', '16', '--quiet'];
  assert.is(goldilocks(...args, '--out', out('track-full')).status, 0);
  const dir = out('track-killed');
  const recorded = (): number => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'track-state.json'), 'utf8')) as { step: number }).step;
    } catch {
      return -1;
    }
  };
  await interruptWhen([...args, '--out', dir], () => recorded() >= 30, 'SIGKILL');
  assert.ok(recorded() >= 30 && recorded() < 120, `killed after step ${recorded()}`);
  assert.not.ok(existsSync(join(dir, 'track.csv')));
  const resumed = goldilocks(...args, '--out', dir, '--resume');
  assert.is(resumed.status, 0, resumed.stderr);
  for (const file of ['track.csv', 'checkpoint.bin']) assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(out('track-full'), file))), `${file} differs`);
  // the defaults every command shares: ReLU; momentum is recorded only where it applies (SGD, not this Adam run)
  const config = (JSON.parse(readFileSync(join(dir, 'track.json'), 'utf8')) as { config: Record<string, unknown> }).config;
  assert.is(config.activation, 'relu');
  assert.is(config.optimizer, 'adam');
  assert.not.ok('momentum' in config);
});

test('a diverging run stops with exit 2: non-finite, or a loss above --max-loss', () => {
  const sgd = goldilocks('train', '--dataset', 'circles', '--samples', '100', '--model', '2-8-3', '--optimizer', 'sgd', '--lr', '1e6', '--out', out('diverged'), '--quiet');
  assert.is(sgd.status, 2);
  assert.match(sgd.stderr, /training diverged: the loss .* exceeds --max-loss 10000/);
  assert.not.ok(existsSync(join(out('diverged'), 'checkpoint.bin')));
});

test('a checkpoint of another model, or holding NaN, is refused with both descriptions (exit 2)', () => {
  const checkpoint = join(out('train-full'), 'checkpoint');
  const saved = JSON.parse(readFileSync(`${checkpoint}.json`, 'utf8')) as { meta: { modelDescription: { architecture: string; layout: string[] } } };
  assert.is(saved.meta.modelDescription.architecture, '2-32-32-3');
  const common = ['--dataset', 'circles', '--samples', '60', '--quiet'];
  const shallow = goldilocks('spectrum', ...common, '--model', '2-32-3', '--activation', 'relu', '--checkpoint', checkpoint, '--out', out('shallow'));
  assert.is(shallow.status, 2, shallow.stderr);
  assert.match(shallow.stderr, /--checkpoint .* holds 2-32-32-3 \(relu, with biases, float64, 1251 parameters\), which is not the model asked for: 2-32-3 \(relu, with biases, float64, 195 parameters\)/);
  const fromShallow = goldilocks('train', ...common, '--model', '2-32-3', '--from', checkpoint, '--out', out('from-shallow'));
  assert.is(fromShallow.status, 2);
  assert.match(fromShallow.stderr, /--from .* holds 2-32-32-3 .* which is not the model asked for: 2-32-3/);
  const params = loadCheckpoint(checkpoint);
  params.params[0]!.data[1] = NaN;
  saveCheckpoint(join(scratch, 'nan-checkpoint'), params.params, params.meta);
  const nan = goldilocks('spectrum', ...common, '--model', '2-32-32-3', '--checkpoint', join(scratch, 'nan-checkpoint'), '--out', out('nan'));
  assert.is(nan.status, 2, nan.stderr);
  assert.match(nan.stderr, /holds a non-finite parameter \(θ\[1\] = NaN\)/);
});

test('a checkpoint of another dtype is converted, as load_state_dict does, with a note: float32 exactly, float64 rounded to float32', () => {
  const checkpoint64 = join(out('train-full'), 'checkpoint');
  const short = ['train', '--dataset', 'circles', '--samples', '120', '--model', '2-32-32-3', '--epochs', '1', '--batch-size', '8', '--lr', '0.01', '--quiet'];
  // float64 → float32 run: the values are rounded to float32 first (Math.fround), so the run equals one from a checkpoint
  // that holds the float32-rounded values and says it is float32 (which needs no conversion and gets no note)
  const down = goldilocks(...short, '--dtype', 'float32', '--from', checkpoint64, '--out', out('from64'));
  assert.is(down.status, 0, down.stderr);
  assert.match(down.stderr, /^goldilocks: note: --from \S+ was saved by a float64 run; its parameters are rounded to the nearest float32 values for this float32 run\n$/);
  const saved = loadCheckpoint(checkpoint64);
  const meta = saved.meta as { modelDescription: Record<string, unknown> };
  const rounded = saved.params.map((p) => ({ ...p, data: p.data.map(Math.fround) }));
  assert.ok(rounded.some((p, i) => p.data.some((v, j) => v !== saved.params[i]!.data[j])), 'the float64 checkpoint holds values that are not float32');
  saveCheckpoint(join(scratch, 'rounded32'), rounded, { ...meta, modelDescription: { ...meta.modelDescription, dtype: 'float32' } });
  const same = goldilocks(...short, '--dtype', 'float32', '--from', join(scratch, 'rounded32'), '--out', out('from32-rounded'));
  assert.is(same.status, 0, same.stderr);
  assert.is(same.stderr, '');
  assert.ok(readFileSync(join(out('from64'), 'checkpoint.bin')).equals(readFileSync(join(out('from32-rounded'), 'checkpoint.bin'))), 'the conversion is not rounding to float32');
  // float32 → float64 run: exact, said in a note
  const up = goldilocks(...short, '--from', join(out('from64'), 'checkpoint'), '--out', out('from32'));
  assert.is(up.status, 0, up.stderr);
  assert.match(up.stderr, /^goldilocks: note: --from \S+ was saved by a float32 run; its parameters are converted to float64 \(exactly\) for this float64 run\n$/);
});

test('user mistakes exit 2 with one line, never 1', () => {
  const cases: [string[], RegExp][] = [
    [[...ZONE.map((a) => (a === '0.1:10:10' ? '1:1e200:3' : a)), '--out', out('overflow')], /--scales: the point .* cannot be analysed/],
    [[...ZONE, '--init', 'zeros', '--out', out('zeros')], /--init zeros gives θ_init = 0/],
    [[...ZONE, '--backend', 'gpu', '--out', out('gpu')], /--backend gpu computes in float32 only; add --dtype float32/],
    [[...ZONE, '--temperatures', '0.1:10:3', '--out', out('no-sweep')], /--temperatures applies with --temperature-sweep only/],
    [['spectrum', '--dataset', 'circles', '--samples', '50', '--model', '2-6-3', '--init-scale', '1e200', '--out', out('alpha'), '--quiet'], /the loss is (NaN|Infinity) at --init-scale 1e\+200/],
    [[...TRAIN, '--momentum', '0.5', '--out', out('adam-momentum')], /--momentum applies to --optimizer sgd only/],
    [['spectrum', '--alpha', '2', '--out', out('renamed')], /^goldilocks: --alpha is now called --init-scale: write --init-scale instead\n$/],
    [['track', '--alpha', '2', '--out', out('renamed')], /^goldilocks: --alpha is now called --init-scale/],
    [[...TRAIN, '--alpha', '2', '--out', out('renamed')], /^goldilocks: --alpha is now called --init-scale/],
    [['logit-model', '--dim', '12', '--out', out('renamed')], /^goldilocks: --dim is now called --parameters: write --parameters instead\n$/],
  ];
  for (const [args, message] of cases) {
    const r = goldilocks(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  // a run refused while setting up leaves nothing behind: the corrected command needs no --force
  assert.not.ok(existsSync(out('zeros')));
});

test.run();
