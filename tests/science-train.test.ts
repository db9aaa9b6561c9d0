/**
 * `goldilocks train` end to end, checked against an independent float64
 * computation: plain loops for a one-hidden-layer tanh MLP, its mean
 * cross-entropy and its gradient by hand (no engine), full-batch SGD without
 * momentum, so every number in the log follows from
 *
 *   θ_e = θ_(e−1) − η ∇L_train(θ_(e−1)),
 *
 * with θ_0 the seeded Xavier draw:
 *   trainLoss of epoch e  = L_train(θ_(e−1))  (the loss of the one batch, before its step),
 *   testLoss, testAccuracy = the test set's at θ_e,  radius = ‖θ_e‖,
 * and the checkpoint holds θ_E.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/autodiff/index.js';
import { createModel, data, loadCheckpoint } from '../src/nn/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-science-train-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

const IN = 784;
const HIDDEN = 5;
const CLASSES = 10;

/** θ laid out as the checkpoint names it: dense1.weight [784, 5], dense1.bias [5], dense2.weight [5, 10], dense2.bias [10]. */
const W1 = 0;
const B1 = W1 + IN * HIDDEN;
const W2 = B1 + HIDDEN;
const B2 = W2 + HIDDEN * CLASSES;
const D = B2 + CLASSES;

/** Mean cross-entropy, accuracy and gradient of x ↦ softmax(tanh(x W1 + b1) W2 + b2), by hand. */
function lossAndGradient(theta: Float64Array, x: Float64Array, labels: Int32Array): { loss: number; accuracy: number; gradient: Float64Array } {
  const n = labels.length;
  const gradient = new Float64Array(D);
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < n; s++) {
    const h = new Float64Array(HIDDEN);
    for (let j = 0; j < HIDDEN; j++) {
      let a = theta[B1 + j]!;
      for (let i = 0; i < IN; i++) a += x[s * IN + i]! * theta[W1 + i * HIDDEN + j]!;
      h[j] = Math.tanh(a);
    }
    const z = new Float64Array(CLASSES);
    for (let k = 0; k < CLASSES; k++) {
      let a = theta[B2 + k]!;
      for (let j = 0; j < HIDDEN; j++) a += h[j]! * theta[W2 + j * CLASSES + k]!;
      z[k] = a;
    }
    const zMax = Math.max(...z);
    let sumExp = 0;
    for (let k = 0; k < CLASSES; k++) sumExp += Math.exp(z[k]! - zMax);
    const y = labels[s]!;
    loss += zMax + Math.log(sumExp) - z[y]!;
    if (z.indexOf(zMax) === y) correct++;
    // backward: dL/dz = (softmax − onehot)/n
    const dz = new Float64Array(CLASSES);
    for (let k = 0; k < CLASSES; k++) dz[k] = (Math.exp(z[k]! - zMax) / sumExp - (k === y ? 1 : 0)) / n;
    for (let k = 0; k < CLASSES; k++) gradient[B2 + k]! += dz[k]!;
    for (let j = 0; j < HIDDEN; j++) {
      let dh = 0;
      for (let k = 0; k < CLASSES; k++) {
        gradient[W2 + j * CLASSES + k]! += h[j]! * dz[k]!;
        dh += theta[W2 + j * CLASSES + k]! * dz[k]!;
      }
      const da = dh * (1 - h[j]! * h[j]!);
      gradient[B1 + j]! += da;
      for (let i = 0; i < IN; i++) gradient[W1 + i * HIDDEN + j]! += x[s * IN + i]! * da;
    }
  }
  return { loss: loss / n, accuracy: correct / n, gradient };
}

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('train: full-batch SGD epochs are θ − η∇L from the seeded Xavier draw; losses, accuracies, radii and the checkpoint follow', () => {
  const out = join(scratch, 'train');
  const [samples, testSamples, lr, epochs, seed] = [40, 30, 0.5, 3, 4];
  const r = spawnSync(process.execPath, [
    join(ROOT, 'bin', 'goldilocks.js'), 'train', '--samples', String(samples), '--test-samples', String(testSamples), '--model', `${IN}-${HIDDEN}-${CLASSES}`,
    '--activation', 'tanh', '--init', 'xavier-normal', '--epochs', String(epochs), '--batch-size', String(samples), '--optimizer', 'sgd', '--lr', String(lr),
    '--momentum', '0', '--seed', String(seed), '--out', out, '--quiet',
  ], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  const log = JSON.parse(readFileSync(join(out, 'log.json'), 'utf8')) as {
    history: { epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number; learningRate: number; radius: number }[];
  };

  // The same data and the same first draw as the command (the seed drives both).
  const train = data.loadDataset('mnist', { split: 'train', samples, seed });
  const testSet = data.loadDataset('mnist', { split: 'test', samples: testSamples, seed });
  let theta = Float64Array.from(createModel(`${IN}-${HIDDEN}-${CLASSES}`, { activation: 'tanh' }).init(new Random(seed), 'xavier-normal').toTypedArray());
  assert.is(theta.length, D);

  assert.is(log.history.length, epochs);
  log.history.forEach((record, e) => {
    const before = lossAndGradient(theta, train.x, train.labels);
    close(record.trainLoss, before.loss, 1e-12, `epoch ${e + 1} train loss`);
    close(record.trainAccuracy, before.accuracy, 0, `epoch ${e + 1} train accuracy`);
    theta = theta.map((t, i) => t - lr * before.gradient[i]!);
    const after = lossAndGradient(theta, testSet.x, testSet.labels);
    close(record.testLoss, after.loss, 1e-12, `epoch ${e + 1} test loss`);
    close(record.testAccuracy, after.accuracy, 0, `epoch ${e + 1} test accuracy`);
    close(record.radius, norm(theta), 1e-12, `epoch ${e + 1} radius`);
    assert.is(record.learningRate, lr);
    assert.is(record.epoch, e + 1);
  });
  // Training moved θ (a learning rate of zero or a skipped step would leave it where it started).
  assert.ok(log.history[epochs - 1]!.trainLoss < log.history[0]!.trainLoss, 'the train loss falls');

  const saved = new Float64Array(D);
  let offset = 0;
  for (const p of loadCheckpoint(join(out, 'checkpoint')).params) {
    saved.set(p.data, offset);
    offset += p.data.length;
  }
  assert.is(offset, D);
  let worst = 0;
  for (let i = 0; i < D; i++) worst = Math.max(worst, Math.abs(saved[i]! - theta[i]!));
  assert.ok(worst <= 1e-12 * Math.max(1, norm(theta)), `checkpoint vs hand-computed θ_E: max difference ${worst}`);
});

test.run();
