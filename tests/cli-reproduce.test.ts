/**
 * `goldilocks reproduce`: every reproduction's quick variant runs the real
 * commands and its finding holds in direction; a step already done is not run
 * again; the checks turn against a reversed finding; bad names exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPRODUCTIONS } from '../src/cli/reproductions.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'goldilocks.js');
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-reproduce-'));

function goldilocks(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Summary {
  reproduction: string;
  variant: string;
  commands: string[];
  numbers: Record<string, unknown>;
  checks: { claim: string; holds: boolean; detail: string }[];
}

for (const reproduction of REPRODUCTIONS) {
  test(`reproduce ${reproduction.name} --quick: the commands run and the finding holds in direction`, () => {
    const out = join(scratch, reproduction.name);
    const run = goldilocks('reproduce', reproduction.name, '--quick', '--quiet', '--out', out);
    assert.is(run.status, 0, run.stdout + run.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    assert.is(summary.reproduction, reproduction.name);
    assert.is(summary.variant, 'quick');
    assert.is(summary.commands.length, reproduction.quick.length);
    assert.ok(summary.checks.length >= 2);
    for (const c of summary.checks) assert.ok(c.holds, `${c.claim}: ${c.detail}`);
    assert.ok(Object.values(summary.numbers).some((v) => typeof v === 'number' && Number.isFinite(v)));
    for (const figure of reproduction.figures?.((step) => join(out, step)) ?? []) {
      assert.match(readFileSync(join(out, `${figure.name}.svg`), 'utf8'), /^<svg/);
      assert.ok(readFileSync(join(out, `${figure.name}.png`)).subarray(1, 4).toString() === 'PNG');
    }
  });
}

test('a reproduction given again reuses the steps that are done', () => {
  const out = join(scratch, 'zone-shape');
  const again = goldilocks('reproduce', 'zone-shape', '--quick', '--out', out);
  assert.is(again.status, 0, again.stderr);
  for (const step of ['relu', 'tanh']) assert.match(again.stderr, new RegExp(`${step} is done already`));
});

test('the checks turn against a reversed finding (tanh wider than ReLU, no zone for ReLU)', () => {
  const zoneShape = REPRODUCTIONS.find((r) => r.name === 'zone-shape')!;
  const dir = join(scratch, 'reversed');
  const write = (step: string, zone: object | null, traceOverNormAtInit: number): void => {
    mkdirSync(join(dir, step), { recursive: true });
    const points = [
      { scale: 0.01, traceOverNorm: 0.5, positiveFraction: 0.6 },
      { scale: 1, traceOverNorm: traceOverNormAtInit, positiveFraction: 0.5 },
    ];
    writeFileSync(join(dir, step, 'zone.json'), JSON.stringify({ rInit: 1, points, zone, criterion: { traceOverNormThreshold: 1 } }));
  };
  write('relu', null, 0.9);
  write('tanh', { lowerRatio: 0.1, upperRatio: 10 }, 2);
  const summary = zoneShape.summarize((step) => join(dir, step));
  assert.equal(summary.checks.map((c) => c.holds), [false, false, false]);
});

test('zone-architectures: the checks turn against a ReLU network outside its zone, a curve without a shell, and tanh wider than ReLU', () => {
  const architectures = REPRODUCTIONS.find((r) => r.name === 'zone-architectures')!;
  const dir = join(scratch, 'architectures-reversed');
  const write = (step: string, traceOverNorm: number[], zone: object | null): void => {
    mkdirSync(join(dir, step), { recursive: true });
    const points = [0.01, 1, 100].map((scale, i) => ({ scale, traceOverNorm: traceOverNorm[i]!, positiveFraction: 0.5 }));
    writeFileSync(join(dir, step, 'zone.json'), JSON.stringify({ rInit: 1, points, zone, criterion: { traceOverNormThreshold: 1.5 } }));
  };
  write('784-16-10-relu', [0.1, 1.4, 0.2], null); // below the criterion at r_init
  write('784-16-10-tanh', [0.1, 2.0, 2.5], { lowerRatio: 0.1, upperRatio: 100 }); // highest at the largest radius
  const summary = architectures.summarize((step) => join(dir, step));
  assert.equal(summary.checks.map((c) => c.holds), [false, false, false]);
  assert.match(summary.checks[0]!.detail, /outside: 784-16-10/);
  assert.match(summary.checks[1]!.detail, /784-16-10 tanh/);
  write('784-16-10-relu', [0.1, 2.0, 0.2], { lowerRatio: 0.1, upperRatio: 10 });
  write('784-16-10-tanh', [0.1, 2.0, 0.2], { lowerRatio: 0.5, upperRatio: 2 });
  assert.equal(architectures.summarize((step) => join(dir, step)).checks.map((c) => c.holds), [true, true, true]);
});

test('eigenvalue-rise: the checks turn against a λ₁ that only falls from the small start, never comes down, or rises from θ_Xavier', () => {
  const rise = REPRODUCTIONS.find((r) => r.name === 'eigenvalue-rise')!;
  const dir = join(scratch, 'rise-reversed');
  const write = (step: string, lambda1: number[]): void => {
    mkdirSync(join(dir, step), { recursive: true });
    const records = lambda1.map((l, i) => ({ step: 10 * i, topEigenvalues: [l, l / 2], overlap: 0.5, randomBaseline: 0.01, crossClassAlignment: 0.2 }));
    writeFileSync(join(dir, step, 'track.json'), JSON.stringify({ records }));
  };
  write('small-init', [4, 3, 2.5, 2]); // falls from the start
  write('xavier', [20, 25, 18, 15]); // rises first
  assert.equal(rise.summarize((step) => join(dir, step)).checks.map((c) => c.holds), [false, false, false]);
  write('small-init', [4, 7, 9, 10]); // rises only 2.5×, never falls
  assert.equal(rise.summarize((step) => join(dir, step)).checks.map((c) => c.holds), [true, false, false]);
  write('small-init', [4, 8, 9.1, 8.1]); // peak 9.1 at step 20; the end is 89 % of it
  write('xavier', [20, 18, 16, 15]);
  const summary = rise.summarize((step) => join(dir, step));
  assert.equal(summary.checks.map((c) => c.holds), [true, true, true]);
  assert.is(summary.numbers.smallInitPeakStep, 20);
  assert.is(summary.numbers.smallInitPeak, 9.1);
});

test('init-select: the explanation checks compare the bands a factor 2–4 below and above r_Xavier, and turn when the bands swap', () => {
  const select = REPRODUCTIONS.find((r) => r.name === 'init-select')!;
  const dir = join(scratch, 'select-reversed');
  // one trial, three candidates at α = 1/4 (band below), 1 (neither band) and 4 (band above); candidate 1 is trained twice, counted once
  const write = (below: { loss: number; trace: number; initial: number }, above: { loss: number; trace: number; initial: number }): void => {
    const candidates = [
      { index: 0, scale: 0.25, traceOverNorm: below.trace, positiveFraction: 0.5, initialLoss: below.initial },
      { index: 1, scale: 1, traceOverNorm: 3, positiveFraction: 1, initialLoss: 3 },
      { index: 2, scale: 4, traceOverNorm: above.trace, positiveFraction: 0.9, initialLoss: above.initial },
    ];
    const outcome = (trainLoss: number): { trainLoss: number } => ({ trainLoss });
    const selections = [
      { score: 'traceOverNorm', best: { index: 1, outcome: outcome(0.2) }, worst: { index: 0, outcome: outcome(below.loss) } },
      { score: 'initialLoss', best: { index: 1, outcome: outcome(0.2) }, worst: { index: 2, outcome: outcome(above.loss) } },
    ];
    const comparison = (score: string, sharedBestTrials = 0): unknown => ({ score, bestWins: 1, trials: 1, sharedBestTrials, trainLoss: { tTest: { meanDifference: -1, pValue: null }, wilcoxon: { pValue: null }, power: { observedEffectSize: null, minimumDetectableEffect: null } } });
    const json = JSON.stringify({ comparisons: [comparison('traceOverNorm'), comparison('positiveFraction', 1), comparison('initialLoss')], trials: [{ candidates, selections }] });
    for (const step of ['trials', 'fixed-scale']) {
      mkdirSync(join(dir, step), { recursive: true });
      writeFileSync(join(dir, step, 'init-select.json'), json);
    }
  };
  const explanation = (): boolean[] => select.summarize((step) => join(dir, step)).checks.slice(2, 5).map((c) => c.holds);
  // as measured: training hurt above, curvature low below, initial loss high above
  write({ loss: 0.3, trace: 0.5, initial: 2.3 }, { loss: 1, trace: 2.5, initial: 30 });
  assert.equal(explanation(), [true, true, true]);
  const summary = select.summarize((step) => join(dir, step));
  assert.equal([summary.numbers.belowBandTrained, summary.numbers.aboveBandTrained, summary.numbers.belowBandFinalLoss, summary.numbers.aboveBandInitialLoss], [1, 1, 0.3, 30]);
  // each swapped on its own
  write({ loss: 1, trace: 0.5, initial: 2.3 }, { loss: 0.3, trace: 2.5, initial: 30 });
  assert.equal(explanation(), [false, true, true]);
  write({ loss: 0.3, trace: 2.5, initial: 2.3 }, { loss: 1, trace: 0.5, initial: 30 });
  assert.equal(explanation(), [true, false, true]);
  write({ loss: 0.3, trace: 0.5, initial: 30 }, { loss: 1, trace: 2.5, initial: 2.3 });
  assert.equal(explanation(), [true, true, false]);
  // equal is not higher
  write({ loss: 1, trace: 1, initial: 3 }, { loss: 1, trace: 1, initial: 3 });
  assert.equal(explanation(), [false, false, false]);
  // the positive fraction's shared best: 1 of 1 trials is most; 0 of 1 is not
  const saturation = (): boolean => select.summarize((step) => join(dir, step)).checks[5]!.holds;
  assert.is(saturation(), true);
  const unshared = JSON.parse(readFileSync(join(dir, 'trials', 'init-select.json'), 'utf8')) as { comparisons: { sharedBestTrials: number }[] };
  unshared.comparisons[1]!.sharedBestTrials = 0;
  writeFileSync(join(dir, 'trials', 'init-select.json'), JSON.stringify(unshared));
  assert.is(saturation(), false);
});

test('unknown or missing names: one line, exit 2; --list names every reproduction', () => {
  const unknown = goldilocks('reproduce', 'no-such-finding');
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, /unknown reproduction "no-such-finding"; known: zone-shape/);
  assert.is(goldilocks('reproduce').status, 2);
  const list = goldilocks('reproduce', '--list');
  assert.is(list.status, 0);
  for (const r of REPRODUCTIONS) assert.match(list.stdout, new RegExp(`^${r.name}$`, 'm'));
});

test('logit-model: bad flags name the flag, exit 2', () => {
  const noise = goldilocks('logit-model', '--cluster-noise', '0.5,-1');
  assert.is(noise.status, 2);
  assert.match(noise.stderr, /--cluster-noise must be a comma-separated list of numbers ≥ 0, got "0.5,-1"/);
  const dim = goldilocks('logit-model', '--parameters', '12', '--out', join(scratch, 'bad-dim'));
  assert.is(dim.status, 2);
  assert.match(dim.stderr, /--parameters 12 must be at least --classes \+ 5 = 15/);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
