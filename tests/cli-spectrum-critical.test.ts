/**
 * The `spectrum`, `track` and `critical` commands, run as a user runs them
 * (`node bin/goldilocks.js ...`) at tiny sizes: they finish, write their
 * JSON, CSV and plots, and the JSON makes sense; bad flags end in one line
 * on stderr and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'goldilocks.js');
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-cli-landscape-'));

function goldilocks(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function expectFiles(dir: string, names: string[]): void {
  for (const name of names) assert.ok(existsSync(join(dir, name)), `${name} missing in ${dir}`);
}

test('critical --problem toy --runs 3 writes the summary, the runs, the traces and the plots', () => {
  const out = join(scratch, 'critical-toy');
  const run = goldilocks('critical', '--problem', 'toy', '--runs', '3', '--seed', '1', '--out', out, '--quiet');
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /3 runs in .* s: critical \d+ ± \d+ %, gradient-flat \d+ ± \d+ %/);
  expectFiles(out, ['critical.json', 'runs.csv', 'traces.csv', 'loss-vs-index.svg', 'loss-vs-index.png', 'gradient-norm.svg', 'gradient-norm.png', 'residual.svg', 'residual.png']);
  const result = readJson(join(out, 'critical.json'));
  const summary = result.summary as { runs: number; fractionCritical: number; fractionFlat: number; fractionNeither: number };
  assert.is(summary.runs, 3);
  assert.ok(Math.abs(summary.fractionCritical + summary.fractionFlat + summary.fractionNeither - 1) < 1e-12);
  const runs = result.runs as { kind: string; loss: number; squaredGradientNorm: number; index: number; indexDetails: { method: string } }[];
  assert.is(runs.length, 3);
  for (const r of runs) {
    assert.ok(['critical', 'gradient-flat', 'neither'].includes(r.kind));
    if (r.kind === 'critical') assert.ok(Math.abs(r.loss - 6.25) < 1e-9 && r.squaredGradientNorm < 1e-10);
    if (r.kind === 'gradient-flat') assert.ok(Math.abs(r.squaredGradientNorm - (9 - 4 * Math.SQRT2) ** 2) < 1e-2);
    assert.ok(r.index >= 0 && r.index <= 1);
    assert.is(r.indexDetails.method, 'dense');
  }
  assert.is(readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n').length, 4);
});

test('critical --method gnm on the DLAE runs with a small budget (no residual plot: GNM solves no systems)', () => {
  const out = join(scratch, 'critical-dlae-gnm');
  const run = goldilocks('critical', '--problem', 'dlae', '--method', 'gnm', '--runs', '2', '--iterations', '20', '--samples', '200', '--out', out, '--quiet');
  assert.is(run.status, 0, run.stderr);
  expectFiles(out, ['critical.json', 'loss-vs-index.png', 'gradient-norm.png']);
  assert.not.ok(existsSync(join(out, 'residual.svg')));
  const result = readJson(join(out, 'critical.json'));
  assert.equal((result.problem as { parameters: number }).parameters, 128);
  assert.is((result.config as { backend: string }).backend, 'wasm');
  assert.is((result.config as { iterations: number }).iterations, 20);
});

test('spectrum, track and spectrum --checkpoint on a tiny MNIST MLP (the checkpoint says ReLU)', () => {
  const tracked = join(scratch, 'track');
  const common = ['--model', '784-4-10', '--samples', '40', '--quiet'];
  // track trains a ReLU net; spectrum (whose default is tanh) must take ReLU from the checkpoint.
  const trackRun = goldilocks('track', ...common, '--activation', 'relu', '--steps', '2', '--every', '1', '--top-k', '2', '--overlap-k', '2', '--align-per-class', '2', '--out', tracked);
  assert.is(trackRun.status, 0, trackRun.stderr);
  expectFiles(tracked, ['track.json', 'track.csv', 'eigenvalues.png', 'overlap.png', 'alignment.png', 'loss.png', 'checkpoint.json', 'checkpoint.bin']);
  const track = readJson(join(tracked, 'track.json'));
  const records = track.records as { step: number; topEigenvalues: number[]; overlap: number; crossClassAlignment: number }[];
  assert.equal(records.map((r) => r.step), [0, 1, 2]);
  for (const r of records) {
    assert.is(r.topEigenvalues.length, 2);
    assert.ok(r.topEigenvalues[0]! >= r.topEigenvalues[1]!);
    assert.ok(r.overlap >= 0 && r.overlap <= 1);
    assert.ok(Math.abs(r.crossClassAlignment) <= 1);
  }

  const out = join(scratch, 'spectrum');
  const spectrumArgs = ['--top-k', '3', '--overlap-k', '2', '--probes', '4', '--slq-probes', '1', '--slq-steps', '10'];
  const run = goldilocks('spectrum', ...common, ...spectrumArgs, '--checkpoint', join(tracked, 'checkpoint'), '--out', out);
  assert.is(run.status, 0, run.stderr);
  expectFiles(out, ['spectrum.json', 'eigenvalues.csv', 'density.csv', 'density.svg', 'density.png', 'eigenvalues.svg', 'eigenvalues.png']);
  const spectrum = readJson(join(out, 'spectrum.json'));
  const top = spectrum.topEigenvalues as number[];
  assert.is(top.length, 3);
  assert.ok(top[0]! >= top[1]! && top[1]! >= top[2]!);
  assert.is(spectrum.parameters, 784 * 4 + 4 + 4 * 10 + 10);
  assert.ok(Number.isFinite((spectrum.trace as { estimate: number }).estimate));
  // The checkpoint holds the trained θ: its top eigenvalue is the one track recorded last.
  assert.ok(Math.abs(top[0]! - records[2]!.topEigenvalues[0]!) < 1e-4 * Math.abs(top[0]!), `${top[0]} vs ${records[2]!.topEigenvalues[0]}`);
  assert.is((spectrum.config as { activation: string }).activation, 'relu');
  // Every result file names the backend that ran (the default here: wasm).
  for (const config of [spectrum.config, track.config] as { backend: string; backendDescription: string }[]) {
    assert.is(config.backend, 'wasm');
    assert.match(config.backendDescription, /WebAssembly SIMD/);
  }

  // Too few Lanczos steps: the eigenvalues are still reported, with a note saying how far to trust them.
  const short = goldilocks('spectrum', ...common, ...spectrumArgs, '--lanczos-steps', '4', '--checkpoint', join(tracked, 'checkpoint'), '--out', join(scratch, 'short'));
  assert.is(short.status, 0, short.stderr);
  assert.match(short.stdout, /note: Lanczos stopped after 4 steps before all 3 eigenpairs converged: .* raise --lanczos-steps/);
  assert.is(readJson(join(scratch, 'short', 'spectrum.json')).lanczosSteps, 4);
  assert.not.match(run.stdout, /note: Lanczos/); // the default run above converged

  // Asking for another activation than the checkpoint's is an error, not a silent re-interpretation.
  const clash = goldilocks('spectrum', ...common, ...spectrumArgs, '--activation', 'tanh', '--checkpoint', join(tracked, 'checkpoint'), '--out', join(scratch, 'clash'));
  assert.is(clash.status, 2, clash.stderr);
  assert.match(clash.stderr.trim(), /^.*--activation tanh disagrees with --checkpoint .*, which was saved from a relu network$/);
});

test('spectrum and track in float32, on wasm and on the gpu backend: the float64 numbers to float32 accuracy, and the dtype recorded', () => {
  const common = ['--model', '784-4-10', '--samples', '40', '--quiet', '--top-k', '3', '--overlap-k', '2'];
  const spectrumArgs = [...common, '--probes', '4', '--slq-probes', '1', '--slq-steps', '10'];
  const spectrumOf = (name: string, ...extra: string[]) => {
    const run = goldilocks('spectrum', ...spectrumArgs, ...extra, '--out', join(scratch, name));
    assert.is(run.status, 0, run.stderr);
    return readJson(join(scratch, name, 'spectrum.json')) as { topEigenvalues: number[]; trace: { estimate: number }; provenance: { dtype: string; backend: string } };
  };
  const reference = spectrumOf('spectrum-f64');
  // float32 on this network: about 1e-6 relative per product; 1e-4 leaves room for Lanczos, not for a wrong dtype path
  for (const [name, extra] of [['spectrum-f32', ['--dtype', 'float32']], ['spectrum-gpu', ['--dtype', 'float32', '--backend', 'gpu']]] as const) {
    const single = spectrumOf(name, ...extra);
    assert.is(single.provenance.dtype, 'float32');
    assert.is(single.provenance.backend, name === 'spectrum-gpu' ? 'gpu' : 'wasm');
    single.topEigenvalues.forEach((value, i) => {
      const expected = reference.topEigenvalues[i]!;
      assert.ok(Math.abs(value - expected) <= 1e-4 * Math.abs(expected), `${name}: λ${i + 1} ${value} vs ${expected}`);
    });
    assert.ok(Math.abs(single.trace.estimate - reference.trace.estimate) <= 1e-4 * Math.abs(reference.trace.estimate));
    assert.not.equal(single.topEigenvalues, reference.topEigenvalues); // it really ran in float32
  }
  const trackOf = (name: string, ...extra: string[]) => {
    const run = goldilocks('track', ...common, '--steps', '2', '--every', '2', '--align-per-class', '2', ...extra, '--out', join(scratch, name));
    assert.is(run.status, 0, run.stderr);
    return readJson(join(scratch, name, 'track.json')) as { records: { loss: number; topEigenvalues: number[] }[]; provenance: { dtype: string } };
  };
  const track64 = trackOf('track-f64');
  const track32 = trackOf('track-f32', '--dtype', 'float32');
  assert.is(track32.provenance.dtype, 'float32');
  track32.records.forEach((r, i) => assert.ok(Math.abs(r.loss - track64.records[i]!.loss) <= 1e-5 * track64.records[i]!.loss, `loss at record ${i}`));
  // critical stays float64 (its ‖∇f‖² < 1e-10 is below float32's resolution): gpu is refused with the reason
  const critical = goldilocks('critical', '--backend', 'gpu');
  assert.is(critical.status, 2);
  assert.match(critical.stderr, /--backend gpu computes in float32 only, and critical computes in float64/);
  const spectrumGpu64 = goldilocks('spectrum', '--backend', 'gpu');
  assert.is(spectrumGpu64.status, 2);
  assert.match(spectrumGpu64.stderr, /--backend gpu computes in float32 only; add --dtype float32/);
});

test('bad flags: one line on stderr, exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['critical', '--runs', '0'], /--runs must be an integer >= 1/],
    [['critical', '--method', 'newton'], /--method must be one of newton-mr, damped-newton, gnm/],
    [['critical', '--frobnicate'], /unknown option/],
    [['critical', '--activation', 'softplus'], /--activation must be one of relu, tanh, sigmoid, swish, identity, leaky-relu/],
    [['critical', '--problem', 'toy', '--activation', 'swish', '--out', join(scratch, 'bad-activation')], /--activation applies to --problem mnist-mlp only/],
    [['spectrum', '--top-k', 'many'], /--top-k must be an integer/],
    [['spectrum', '--model', '10-10', '--samples', '20', '--out', join(scratch, 'bad')], /--model 10-10 takes 10 inputs/],
    [['track', '--align-per-class', '1'], /--align-per-class must be an integer >= 2/],
  ];
  for (const [args, message] of cases) {
    const run = goldilocks(...args);
    assert.is(run.status, 2, `${args.join(' ')}: status ${run.status}, stderr ${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.is(lines.length, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(lines[0]!, message);
    assert.match(lines[0]!, /^goldilocks: /);
  }
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
