/**
 * The subspace commands as a user runs them, on the circles at tiny sizes:
 * subspace-train, radius-sweep, intrinsic-dim and init-select each write
 * their JSON, CSV and plots; a bad flag ends each with one line and exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goldilocks.js', ...args], { encoding: 'utf8', timeout: 120_000 });
const tiny = ['--dataset', 'circles', '--samples', '120', '--test-samples', '120', '--model', '2-16-3', '--batch-size', '30', '--quiet'];
let dir = '';

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'goldilocks-subspace-'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const assertFiles = (out: string, files: string[]) => files.forEach((f) => assert.ok(existsSync(join(out, f)), `${f} missing in ${out}`));

test('subspace-train on a sphere keeps the radius and writes log, radius samples and plots', () => {
  const out = join(dir, 'sphere');
  const r = run('subspace-train', ...tiny, '--surface', 'sphere', '--subspace-dim', '10', '--projection', 'fastfood', '--radius', '4', '--epochs', '2', '--radius-every', '1', '--out', out);
  assert.is(r.status, 0, r.stderr);
  const log = readJson<{ config: { trainedDim: number; startRadius: number }; history: { radius: number }[]; radius: { step: number; radius: number }[] }>(join(out, 'log.json'));
  assert.is(log.config.trainedDim, 10);
  assert.ok(Math.abs(log.config.startRadius - 4) < 1e-12);
  assert.is(log.history.length, 2);
  assert.is(log.radius.length, 1 + 2 * 4);
  log.radius.forEach((s) => assert.ok(Math.abs(s.radius - 4) < 1e-12, `r = ${s.radius} at step ${s.step}`));
  assertFiles(out, ['log.csv', 'radius.csv', 'loss.svg', 'loss.png', 'accuracy.png', 'radius.svg', 'radius.png']);
  assert.match(r.stdout, /sphere, d = 10, fastfood projection: test accuracy/);
});

test('radius-sweep trains a hyperplane at each radius and plots accuracy against radius', () => {
  const out = join(dir, 'radius');
  const r = run('radius-sweep', ...tiny, '--subspace-dim', '8', '--scales', '0.1:10:3', '--lr', '0.05', '--out', out);
  assert.is(r.status, 0, r.stderr);
  const report = readJson<{ rInit: number; points: { scale: number; startRadius: number; testAccuracy: number }[] }>(join(out, 'radius-sweep.json'));
  assert.equal(report.points.map((p) => Number(p.scale.toPrecision(6))), [0.1, 1, 10]);
  report.points.forEach((p) => assert.ok(Math.abs(p.startRadius - p.scale * report.rInit) < 1e-9));
  assertFiles(out, ['radius-sweep.csv', 'accuracy-vs-radius.svg', 'accuracy-vs-radius.png']);
});

test('intrinsic-dim reports d_int90 under both conventions', () => {
  const out = join(dir, 'intrinsic');
  const r = run('intrinsic-dim', ...tiny, '--subspace-dims', '2,30', '--lr', '0.05', '--epochs', '2', '--out', out);
  assert.is(r.status, 0, r.stderr);
  const report = readJson<{ runs: unknown[]; baseline: { direct: boolean }; absolute: { convention: string; threshold: number }; trainedBaseline: { convention: string } }>(join(out, 'intrinsic-dim.json'));
  assert.is(report.runs.length, 2);
  assert.ok(report.baseline.direct);
  assert.is(report.absolute.convention, 'absolute');
  assert.is(report.absolute.threshold, 0.9);
  assert.is(report.trainedBaseline.convention, 'trained-baseline');
  assert.match(r.stdout, /absolute \(≥ 90\.00 %\)/);
  assert.match(r.stdout, /trained-baseline/);
  assertFiles(out, ['intrinsic-dim.csv', 'accuracy-vs-dim.svg', 'accuracy-vs-dim.png']);
});

test('intrinsic-dim --patience trains each run until its training loss stops improving (at most --epochs)', () => {
  const out = join(dir, 'intrinsic-patience');
  const r = run('intrinsic-dim', ...tiny, '--subspace-dims', '2,30', '--lr', '0.05', '--epochs', '40', '--patience', '2', '--min-improvement', '0.05', '--out', out);
  assert.is(r.status, 0, r.stderr);
  const report = readJson<{ config: { stopping: { patience: number; minImprovement: number } }; runs: { history: { trainLoss: number }[] }[]; baseline: { history: { trainLoss: number }[] } }>(join(out, 'intrinsic-dim.json'));
  assert.equal(report.config.stopping, { rule: 'training-loss plateau', patience: 2, minImprovement: 0.05 });
  // the rule, written out again: epochs since the best loss improved by 5 %
  const epochsWithoutImprovement = (losses: number[]): number => {
    let best = Infinity;
    let since = 0;
    for (const loss of losses) {
      if (loss < 0.95 * best) [best, since] = [loss, 0];
      else since += 1;
    }
    return since;
  };
  for (const { history } of [...report.runs, report.baseline]) {
    const losses = history.map((h) => h.trainLoss);
    assert.ok(losses.length < 40, `${losses.length} epochs: the rule never stopped the run`);
    assert.is(epochsWithoutImprovement(losses), 2);
    for (let k = 1; k < losses.length; k++) assert.ok(epochsWithoutImprovement(losses.slice(0, k)) < 2, `it should have stopped after epoch ${k}`);
  }
  const csv = readFileSync(join(out, 'intrinsic-dim.csv'), 'utf8').split('\n');
  assert.match(csv[0]!, /,epochs,/);
});

test('init-select scores candidates, trains best and worst, and tests the differences', () => {
  const out = join(dir, 'select');
  const r = run('init-select', ...tiny, '--candidates', '3', '--trials', '3', '--subspace-dim', '4', '--score-samples', '30', '--lr', '0.02', '--out', out);
  assert.is(r.status, 0, r.stderr);
  const report = readJson<{ trials: unknown[]; comparisons: { score: string; trainLoss: { tTest: { test: string }; wilcoxon: { test: string } } }[] }>(join(out, 'init-select.json'));
  assert.is(report.trials.length, 3);
  assert.equal(report.comparisons.map((c) => c.score), ['traceOverNorm', 'positiveFraction', 'initialLoss']);
  assert.is(report.comparisons[0]!.trainLoss.tTest.test, 'paired t-test');
  assert.is(report.comparisons[0]!.trainLoss.wilcoxon.test, 'Wilcoxon signed-rank');
  assertFiles(out, ['candidates.csv', 'selections.csv', 'tests.csv', 'best-vs-worst.svg', 'best-vs-worst.png']);
});

test('bad flags: one line naming the flag, exit 2, for every command', () => {
  const cases: [string[], RegExp][] = [
    [['subspace-train', '--surface', 'torus'], /--surface must be one of hyperplane, sphere/],
    [['subspace-train', '--subspace-dim', '5000'], /--subspace-dim 5000 exceeds the 99 parameters/],
    [['radius-sweep', '--scales', '10:1:5'], /--scales must be MIN:MAX:COUNT/],
    [['intrinsic-dim', '--subspace-dims', '100,50'], /--subspace-dims must be increasing positive integers/],
    [['init-select', '--scale-range', '4:1'], /--scale-range must be MIN:MAX/],
    // the old spellings name the one name each idea has now
    [['subspace-train', '--dim', '5'], /^goldilocks: --dim is now called --subspace-dim: write --subspace-dim instead\n$/],
    [['subspace-train', '--scale', '2'], /^goldilocks: --scale is now called --init-scale: write --init-scale instead\n$/],
    [['radius-sweep', '--dim', '5'], /^goldilocks: --dim is now called --subspace-dim/],
    [['intrinsic-dim', '--dims', '2,3'], /^goldilocks: --dims is now called --subspace-dims/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args, ...tiny, '--out', join(dir, 'bad'));
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.not.ok(existsSync(join(dir, 'bad', 'log.json')));
});

test.run();
