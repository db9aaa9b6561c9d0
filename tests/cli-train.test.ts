/**
 * `goldilocks train` as a user runs it: a tiny run writes its log, checkpoint
 * and plots; a diverging run and bad flags end with one clear line and exit 2,
 * leaving no result files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../src/nn/index.js';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goldilocks.js', 'train', ...args], { encoding: 'utf8', timeout: 120_000 });
let dir = '';

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'goldilocks-train-'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a small run on circles learns and writes log, CSV, checkpoint and plots', () => {
  const out = join(dir, 'circles');
  const r = run('--dataset', 'circles', '--model', '2-32-32-3', '--epochs', '8', '--lr', '0.02', '--batch-size', '32', '--seed', '3', '--out', out, '--quiet');
  assert.is(r.status, 0, r.stderr);
  const log = JSON.parse(readFileSync(join(out, 'log.json'), 'utf8')) as { config: { seed: number }; history: { testAccuracy: number; trainLoss: number }[] };
  assert.is(log.config.seed, 3);
  assert.is(log.history.length, 8);
  assert.ok(log.history[7]!.trainLoss < log.history[0]!.trainLoss);
  assert.ok(log.history[7]!.testAccuracy > 0.9, `test accuracy ${log.history[7]!.testAccuracy}`);
  assert.is(readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n').length, 9);
  for (const f of ['loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.png']) assert.ok(existsSync(join(out, f)), f);
  const checkpoint = loadCheckpoint(join(out, 'checkpoint'));
  assert.is(checkpoint.params.reduce((s, p) => s + p.data.length, 0), 2 * 32 + 32 + 32 * 32 + 32 + 32 * 3 + 3);
  // the same seed gives the same run
  const again = join(dir, 'again');
  assert.is(run('--dataset', 'circles', '--model', '2-32-32-3', '--epochs', '8', '--lr', '0.02', '--batch-size', '32', '--seed', '3', '--out', again, '--quiet').status, 0);
  assert.equal(loadCheckpoint(join(again, 'checkpoint')).params[0]!.data, checkpoint.params[0]!.data);
});

test('--from takes the activation from the checkpoint; a clashing --activation is an error', () => {
  const from = join(dir, 'tanh-net');
  assert.is(run('--dataset', 'circles', '--model', '2-8-3', '--activation', 'tanh', '--epochs', '1', '--out', from, '--quiet').status, 0);
  const resumed = join(dir, 'resumed');
  const r = run('--dataset', 'circles', '--model', '2-8-3', '--epochs', '1', '--from', join(from, 'checkpoint'), '--out', resumed, '--quiet');
  assert.is(r.status, 0, r.stderr);
  const log = JSON.parse(readFileSync(join(resumed, 'log.json'), 'utf8')) as { config: { activation: string } };
  assert.is(log.config.activation, 'tanh'); // not train's default, relu
  const clash = run('--dataset', 'circles', '--model', '2-8-3', '--activation', 'relu', '--from', join(from, 'checkpoint'), '--out', join(dir, 'clash'), '--quiet');
  assert.is(clash.status, 2, clash.stderr);
  assert.match(clash.stderr, /--activation relu disagrees with --from .*, which was saved from a tanh network/);
});

test('a diverging run stops with a clear message, exit 2, and no log', () => {
  const out = join(dir, 'nan');
  const r = run('--dataset', 'circles', '--model', '2-8-3', '--init-scale', '1e200', '--out', out, '--quiet');
  assert.is(r.status, 2);
  assert.match(r.stderr, /diverged: the loss is NaN/);
  assert.not.ok(existsSync(join(out, 'log.json')));
});

test('bad flags name the flag and what is allowed', () => {
  const cases: [string[], RegExp][] = [
    [['--lr', '-1'], /--lr must be a number > 0/],
    [['--optimizer', 'rmsprop'], /--optimizer must be one of adam, sgd/],
    [['--dataset', 'imagenet'], /--dataset must be one of/],
    [['--dataset', 'circles', '--model', '784-10'], /takes inputs of size 784/],
    [['--init', 'orthogonal'], /--init must be one of/],
    [['--backend', 'cuda'], /--backend must be one of/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args, '--out', join(dir, 'bad'), '--quiet');
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test.run();
