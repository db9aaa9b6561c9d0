/**
 * The CLI's shared infrastructure: option parsers and error reporting,
 * atomic and NaN-refusing output, plots (SVG and PNG), progress output, and
 * the real `goldilocks` executable run as a child process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  UserError,
  describeFailure,
  parseChoice,
  parseFloatOption,
  parseIntOption,
  parseRange,
  parseWidthList,
} from '../src/cli/errors.js';
import { ensureOutDir, findNonFinite, writeCsv, writeFileAtomic, writeJson } from '../src/cli/output.js';
import { histogram, lineChart, lineChartSpec, savePlot, svgToPng } from '../src/cli/plot.js';
import { createProgress, formatDuration } from '../src/cli/progress.js';
import { commandFiles } from '../src/cli/main.js';
import { loadData } from '../src/cli/common.js';
import { loadNetwork } from '../src/cli/network.js';
import { data } from '../src/nn/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'goldilocks.js');
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-cli-test-'));

/** Runs `fn`, expects a UserError, and returns its message. */
function userErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UserError);
    return (err as UserError).message;
  }
  assert.unreachable('expected a UserError');
  return '';
}

// ---------------------------------------------------------------------------
// Option parsers

test('parseIntOption: accepts integers in range, rejects others naming the flag', () => {
  const epochs = parseIntOption('--epochs', 1, 1000);
  assert.is(epochs('10'), 10);
  assert.is(epochs('1e3'), 1000);
  for (const bad of ['abc', '', '2.5', '0', '1001', '10x', 'NaN']) {
    const message = userErrorMessage(() => epochs(bad));
    assert.match(message, '--epochs');
    assert.match(message, 'integer >= 1 and <= 1000');
    assert.match(message, JSON.stringify(bad));
  }
  assert.is(parseIntOption('--seed')('-3'), -3);
});

test('parseFloatOption: finite numbers within bounds, exclusive bounds', () => {
  const lr = parseFloatOption('--lr', { min: 0, exclusiveMin: true });
  assert.is(lr('0.1'), 0.1);
  assert.is(lr('1e-3'), 0.001);
  assert.is(lr('.5'), 0.5);
  for (const bad of ['0', '-1', 'Infinity', 'NaN', 'fast', '1e999']) {
    const message = userErrorMessage(() => lr(bad));
    assert.match(message, '--lr must be a number > 0');
  }
  assert.match(userErrorMessage(() => parseFloatOption('--p', { min: 0, max: 1 })('1.5')), '>= 0 and <= 1');
});

test('parseChoice: one of the allowed words, listed in the error', () => {
  const backend = parseChoice('--backend', ['reference', 'gpu'] as const);
  assert.is(backend('gpu'), 'gpu');
  const message = userErrorMessage(() => backend('cuda'));
  assert.match(message, '--backend must be one of reference, gpu');
  assert.match(message, '"cuda"');
});

test('parseRange: MIN:MAX:COUNT with positive min < max and count >= 2', () => {
  const scales = parseRange('--scales');
  assert.equal(scales('0.1:10:25'), { min: 0.1, max: 10, count: 25 });
  const cases: [string, string][] = [
    ['0:10:5', 'MIN must be > 0'],
    ['10:1:5', 'MIN must be less than MAX'],
    ['1:1:5', 'MIN must be less than MAX'],
    ['1:10:1', 'COUNT must be an integer >= 2'],
    ['1:10:2.5', 'COUNT must be an integer >= 2'],
    ['1:10', 'three numbers'],
    ['a:b:c', 'not a number'],
  ];
  for (const [bad, why] of cases) {
    const message = userErrorMessage(() => scales(bad));
    assert.match(message, '--scales must be MIN:MAX:COUNT');
    assert.match(message, why);
  }
  assert.equal(parseRange('--alpha', { positive: false })('-1:2:61'), { min: -1, max: 2, count: 61 });
  // one point, where the command allows it (a sweep of one radius, e.g. one unit of a cluster job)
  assert.equal(parseRange('--scales', { single: true })('2.5'), { min: 2.5, max: 2.5, count: 1 });
  assert.match(userErrorMessage(() => parseRange('--scales', { single: true })('0')), ', or one number > 0; got "0"');
  assert.match(userErrorMessage(() => scales('2.5')), 'three numbers');
});

test('parseWidthList: dash-separated positive integers, at least two', () => {
  const widths = parseWidthList('--widths');
  assert.equal(widths('784-200-200-10'), [784, 200, 200, 10]);
  for (const bad of ['784', '784-0-10', '784--10', '784-2.5-10', 'a-b', '']) {
    const message = userErrorMessage(() => widths(bad));
    assert.match(message, '--widths must be layer widths joined by "-"');
  }
});

test('describeFailure: user errors exit 2 without a stack, bugs exit 1, stack only in debug', () => {
  const user = describeFailure(new UserError('--lr must be > 0'));
  assert.equal(user, { message: 'goldilocks: --lr must be > 0', exitCode: 2 });
  const bug = describeFailure(new TypeError('x is undefined'));
  assert.is(bug.exitCode, 1);
  assert.match(bug.message, /^goldilocks: unexpected error: x is undefined/);
  assert.is(bug.stack, undefined);
  assert.ok(describeFailure(new TypeError('x'), true).stack?.includes('TypeError'));
  const commander = describeFailure(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'"));
  assert.equal(commander, { message: "goldilocks: unknown option '--bogus' (see --help)", exitCode: 2 });
  assert.is(describeFailure(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')).exitCode, 0);
  assert.is(describeFailure(new CommanderError(0, 'commander.help', '(outputHelp)')).exitCode, 0); // goldilocks help info
  assert.is(describeFailure(new CommanderError(1, 'commander.help', '(outputHelp)')).exitCode, 2); // no command given
  const missing = describeFailure(Object.assign(new Error("ENOENT: no such file or directory, open 'x.json'"), { code: 'ENOENT' }));
  assert.is(missing.exitCode, 2);
});

// ---------------------------------------------------------------------------
// Output

test('writeFileAtomic: writes the content and leaves no temporary files', () => {
  const dir = ensureOutDir(join(scratch, 'atomic', 'nested'));
  const file = join(dir, 'a.txt');
  writeFileAtomic(file, 'first');
  writeFileAtomic(file, new Uint8Array([104, 105]));
  assert.is(readFileSync(file, 'utf8'), 'hi');
  assert.equal(readdirSync(dir), ['a.txt']);
  // a failing write (the target is a directory) cleans up after itself
  ensureOutDir(join(dir, 'sub'));
  assert.throws(() => writeFileAtomic(join(dir, 'sub'), 'x'));
  assert.equal(readdirSync(dir).sort(), ['a.txt', 'sub']);
});

test('ensureOutDir: refuses a path that is a file', () => {
  const file = join(scratch, 'not-a-dir');
  writeFileAtomic(file, '');
  assert.match(userErrorMessage(() => ensureOutDir(file)), 'not a directory');
});

test('writeJson: writes finite values; refuses NaN naming the field, leaving no file', () => {
  const good = join(scratch, 'good.json');
  writeJson(good, { loss: 0.25, weights: new Float64Array([1, 2]), when: new Date(0) });
  assert.equal(JSON.parse(readFileSync(good, 'utf8')), { loss: 0.25, weights: [1, 2], when: '1970-01-01T00:00:00.000Z' });

  const bad = join(scratch, 'bad.json');
  const result = { config: { lr: 0.1 }, history: [{ loss: 1.2 }, { loss: 0.8 }, { loss: NaN }] };
  const message = userErrorMessage(() => writeJson(bad, result));
  assert.match(message, '$.history[2].loss is NaN');
  assert.not.ok(existsSync(bad));
  assert.equal(readdirSync(scratch).filter((f) => f.includes('bad.json')), []);

  assert.equal(findNonFinite({ 'odd key': [Infinity] }), { path: '$["odd key"][0]', value: Infinity });
  assert.equal(findNonFinite({ eig: new Float32Array([1, -Infinity]) }), { path: '$.eig[1]', value: -Infinity });
  assert.is(findNonFinite({ a: [1, 'x', null, { b: true }] }), undefined);
});

test('writeCsv: header from keys, quoting, empty cells; refuses NaN', () => {
  const file = join(scratch, 'rows.csv');
  writeCsv(file, [
    { scale: 0.1, loss: 2.5, note: 'plain' },
    { scale: 1, loss: 0.5, note: 'has, comma and "quotes"', ok: true },
    { scale: 10, loss: null },
  ]);
  assert.is(
    readFileSync(file, 'utf8'),
    'scale,loss,note,ok\n0.1,2.5,plain,\n1,0.5,"has, comma and ""quotes""",true\n10,,,\n',
  );
  writeCsv(file, [{ a: 1, b: 2 }], ['b']);
  assert.is(readFileSync(file, 'utf8'), 'b\n2\n');
  const message = userErrorMessage(() => writeCsv(join(scratch, 'nan.csv'), [{ loss: 1 }, { loss: NaN }]));
  assert.match(message, 'row 1, column "loss" is NaN');
  assert.not.ok(existsSync(join(scratch, 'nan.csv')));
});

// ---------------------------------------------------------------------------
// Plots

const lossCurves = {
  title: 'Loss against initialisation scale',
  xLabel: 'scale of the initial weights',
  yLabel: 'training loss',
  xLog: true,
  series: [
    { name: 'depth-2', points: [0.1, 0.3, 1, 3, 10].map((x) => ({ x, y: 1 + Math.log(x) ** 2 })) },
    { name: 'depth-4', points: [0.1, 0.3, 1, 3, 10].map((x) => ({ x, y: 1.5 + Math.log(x) ** 2 })) },
  ],
  bands: [{ from: 0.5, to: 2, label: 'Goldilocks zone' }],
};

test('lineChart: the SVG contains the title, axis titles, series names and the band label', async () => {
  const svg = await lineChart(lossCurves);
  assert.match(svg, /^<svg/);
  for (const text of [lossCurves.title, lossCurves.xLabel, lossCurves.yLabel, 'depth-2', 'depth-4', 'Goldilocks zone']) {
    assert.ok(svg.includes(text), `SVG lacks ${JSON.stringify(text)}`);
  }
  // the spec is plain JSON
  assert.is(JSON.parse(JSON.stringify(lineChartSpec(lossCurves))).title, lossCurves.title);
});

test('plots refuse NaN and non-positive values on a log axis', () => {
  const nan = { ...lossCurves, series: [{ name: 'bad', points: [{ x: 1, y: NaN }] }] };
  assert.match(userErrorMessage(() => lineChartSpec(nan)), 'series "bad", point 0: y = NaN');
  const zero = { ...lossCurves, series: [{ name: 'z', points: [{ x: 0, y: 1 }] }] };
  assert.match(userErrorMessage(() => lineChartSpec(zero)), 'on a log axis');
});

test('savePlot: writes an SVG and a PNG (PNG signature, non-trivial size)', async () => {
  const dir = ensureOutDir(join(scratch, 'plots'));
  const paths = await savePlot(join(dir, 'loss'), lineChartSpec(lossCurves), { png: true });
  assert.equal(paths, { svg: join(dir, 'loss.svg'), png: join(dir, 'loss.png') });
  const png = readFileSync(join(dir, 'loss.png'));
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 10_000, `PNG is only ${png.length} bytes`);
  const svgOnly = await savePlot(join(dir, 'hist'), await histogram({ title: 'Spectrum', xLabel: 'eigenvalue', series: [{ name: 'H', values: [1, 2, 2, 3, 3, 3] }] }), { png: false });
  assert.equal(svgOnly, { svg: join(dir, 'hist.svg') });
  assert.equal(readdirSync(dir).sort(), ['hist.svg', 'loss.png', 'loss.svg']);
});

test('PNG text is drawn with the bundled font (a text-only SVG is not blank)', () => {
  const blank = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"></svg>');
  const text = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><text x="10" y="40" font-family="sans-serif" font-size="24">Goldilocks zone</text></svg>');
  assert.ok(text.length > blank.length + 1000, `text PNG ${text.length} bytes vs blank ${blank.length}`);
});

// ---------------------------------------------------------------------------
// Progress

test('progress without a terminal: periodic single lines with fields; quiet prints nothing', () => {
  const written: string[] = [];
  let clock = 0;
  const progress = createProgress({ label: 'train', total: 100, intervalMs: 1000, now: () => clock, stream: { write: (s: string) => written.push(s) } });
  for (let step = 1; step <= 100; step++) {
    clock += 100; // 0.1 s per step: one line per 10 steps
    progress.update(step, { epoch: 1 + Math.floor(step / 50), loss: 1 / step });
  }
  progress.stop();
  progress.stop();
  assert.is(written.length, 11);
  assert.ok(written.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n')));
  assert.is(written[0], 'train: 1% (1/100) ETA 10s epoch=1 loss=1\n');
  assert.is(written[5], 'train: 51% (51/100) ETA 5s epoch=2 loss=0.01961\n');
  assert.is(written[10], 'train: 100% (100/100) done in 10s epoch=3 loss=0.01\n');

  const silent: string[] = [];
  const quiet = createProgress({ label: 'x', total: 3, quiet: true, stream: { write: (s: string) => silent.push(s) } });
  quiet.increment();
  quiet.log('hidden');
  quiet.stop();
  assert.equal(silent, []);
  assert.is(formatDuration(185), '3m05s');
});

// ---------------------------------------------------------------------------
// The executable

function runBin(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, GOLDILOCKS_DEBUG: '' } });
}

test('every file in src/cli/commands is a command module', () => {
  assert.ok(commandFiles().includes('info.ts'));
});

test('bin: `goldilocks info` runs from another directory and exits 0', () => {
  const run = runBin(['info']);
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /^goldilocks \d+\.\d+\.\d+/);
  assert.match(run.stdout, /cores/);
  assert.match(run.stdout, /reference/);
  const json = runBin(['info', '--json']);
  assert.is(JSON.parse(json.stdout).backend.current, 'wasm'); // the default backend (WebAssembly SIMD runs on Node 20)
});

test('bin: `info` names the gpu.js engine that runs the gpu backend, and a gpu run records it in its result file', () => {
  // gpu.js runs its webasm engine on Node without the optional `gl` package; GOLDILOCKS_GPU_MODE picks another
  const engine = process.env.GOLDILOCKS_GPU_MODE?.trim() || 'webasm';
  const info = JSON.parse(runBin(['info', '--json', '--backend', 'gpu']).stdout) as { backend: { current: string; describe: string }; gpu: string };
  assert.is(info.backend.current, 'gpu');
  assert.match(info.gpu, new RegExp(`^gpu\\.js \\d+\\.\\d+\\.\\d+ ${engine} backend`));
  assert.is(info.backend.describe, info.gpu);
  assert.match(runBin(['info']).stdout, new RegExp(`\\ngpu +gpu\\.js \\S+ ${engine} backend`));
  const dir = mkdtempSync(join(tmpdir(), 'goldilocks-gpu-'));
  try {
    const run = runBin(['zone', '--backend', 'gpu', '--dtype', 'float32', '--dataset', 'circles', '--samples', '60', '--model', '2-8-3', '--repeats', '1', '--scales', '1', '--quiet', '--out', join(dir, 'zone')]);
    assert.is(run.status, 0, run.stderr);
    const zone = JSON.parse(readFileSync(join(dir, 'zone', 'zone.json'), 'utf8')) as { provenance: { backend: string; backendDescription: string; dtype: string } };
    assert.is(zone.provenance.backend, 'gpu');
    assert.is(zone.provenance.dtype, 'float32');
    assert.match(zone.provenance.backendDescription, new RegExp(`gpu\\.js \\S+ ${engine} backend`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bin: an unknown option is one line on stderr, exit 2, no stack trace', () => {
  const run = runBin(['--bogus']);
  assert.is(run.status, 2);
  assert.is(run.stdout, '');
  assert.is(run.stderr, "goldilocks: unknown option '--bogus' (see --help)\n");
  const sub = runBin(['info', '--bogus']);
  assert.is(sub.status, 2);
  assert.is(sub.stderr.trim().split('\n').length, 1);
  assert.not.match(sub.stderr, /\n\s+at /);
  const unknown = runBin(['frobnicate']);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /^goldilocks: unknown command 'frobnicate'/);
});

test('--normalize: standard is (x/255 − 0.1307)/0.3081, unit is x/255, in both set-up paths', () => {
  // MNIST's published mean and standard deviation of the pixels in [0, 1] (the values torchvision's examples use)
  const MEAN = 0.1307;
  const STD = 0.3081;
  const raw = data.loadDataset('mnist', { split: 'train', samples: 20, seed: 3, normalize: false }).x;
  for (const v of raw) assert.ok(v >= 0 && v <= 1, `unit pixel ${v}`);
  const unit = loadData({ dataset: 'mnist', samples: 20, testSamples: 5, normalize: 'unit' }, 3).train.x;
  const standard = loadData({ dataset: 'mnist', samples: 20, testSamples: 5, normalize: 'standard' }, 3).train.x;
  const network = (normalize: 'standard' | 'unit'): ArrayLike<number> =>
    loadNetwork({ dataset: 'mnist', normalize, model: '784-4-10', activation: 'tanh', init: 'xavier-normal', initScale: 1, bias: true, samples: 20, seed: 3, dtype: 'float64' }).dataset.x;
  const networkUnit = network('unit');
  const networkStandard = network('standard');
  assert.is(unit.length, raw.length);
  for (let i = 0; i < raw.length; i++) {
    assert.is(unit[i], raw[i]);
    assert.is(networkUnit[i], raw[i]);
    const expected = (raw[i]! - MEAN) / STD;
    assert.ok(Math.abs(standard[i]! - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `standard pixel ${i}: ${standard[i]} vs ${expected}`);
    assert.is(networkStandard[i], standard[i]);
  }
});

test('bin: --normalize is checked before any work and recorded in the result', () => {
  const bad = spawnSync(process.execPath, [BIN, 'zone', '--normalize', 'minmax'], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--normalize must be one of standard, unit; got "minmax"/);
  const out = join(scratch, 'zone-unit');
  const run = spawnSync(process.execPath, [BIN, 'zone', '--samples', '30', '--model', '784-3-10', '--subspace-dim', '2', '--repeats', '1', '--scales', '0.1:10:2', '--normalize', 'unit', '--out', out, '--quiet'], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const report = JSON.parse(readFileSync(join(out, 'zone.json'), 'utf8')) as { config: { normalize: string } };
  assert.is(report.config.normalize, 'unit');
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
