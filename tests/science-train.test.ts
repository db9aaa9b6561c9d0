/**
 * `goldilocks train` and `goldilocks track` end to end, checked against an independent float64
 * computation (tests/support/hand-mlp.ts: plain loops for a one-hidden-layer
 * tanh MLP, its mean cross-entropy and its gradient by hand, no engine) of
 * full-batch SGD without
 * momentum, so every number in the log follows from
 *
 *   θ_e = θ_(e−1) − η ∇L_train(θ_(e−1)),
 *
 * with θ_0 the seeded Xavier draw:
 *   trainLoss of epoch e  = L_train(θ_(e−1))  (the loss of the one batch, before its step),
 *   testLoss, testAccuracy = the test set's at θ_e,  radius = ‖θ_e‖,
 * and the checkpoint holds θ_E. For `track` on a network small enough to
 * write its whole Hessian down (central differences of the hand gradient,
 * then ml-matrix's dense eigensolver): the recorded loss, accuracy, gradient
 * norm, top eigenvalues and the gradient's overlap with the top-k
 * eigenvectors at every recorded step of the same SGD path.
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
import { handMlp } from './support/hand-mlp.js';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-science-train-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

const IN = 784;
const HIDDEN = 5;
const CLASSES = 10;
const mlp = handMlp(IN, HIDDEN, CLASSES);
const D = mlp.size;
const lossAndGradient = mlp.lossAndGradient;

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

test('track: loss, gradient norm, top eigenvalues and gradient overlap at each recorded step, from the whole Hessian by hand', () => {
  const out = join(scratch, 'track');
  const [inputs, hidden, classes] = [2, 6, 3];
  const [samples, lr, steps, every, topK, overlapK, seed] = [60, 0.5, 4, 2, 5, 3, 1];
  const r = spawnSync(process.execPath, [
    join(ROOT, 'bin', 'goldilocks.js'), 'track', '--dataset', 'circles', '--samples', String(samples), '--model', `${inputs}-${hidden}-${classes}`,
    '--activation', 'tanh', '--init', 'xavier-normal', '--optimizer', 'sgd', '--lr', String(lr), '--steps', String(steps), '--every', String(every),
    '--top-k', String(topK), '--overlap-k', String(overlapK), '--align-per-class', '2', '--seed', String(seed), '--out', out, '--quiet',
  ], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'track.json'), 'utf8')) as {
    parameters: number;
    records: { step: number; loss: number; accuracy: number; gradientNorm: number; topEigenvalues: number[]; overlap: number; randomBaseline: number }[];
  };
  const net = handMlp(inputs, hidden, classes);
  const set = data.loadDataset('circles', { split: 'train', samples, seed });
  let theta = Float64Array.from(createModel(`${inputs}-${hidden}-${classes}`, { activation: 'tanh' }).init(new Random(seed), 'xavier-normal').toTypedArray());
  let velocity = new Float64Array(theta.length);
  assert.is(report.parameters, net.size);
  assert.equal(report.records.map((x) => x.step), [0, 2, 4]);
  const gradientAt = (t: Float64Array): Float64Array => net.lossAndGradient(t, set.x, set.labels).gradient;
  for (let t = 0, k = 0; t <= steps; t++) {
    const here = net.lossAndGradient(theta, set.x, set.labels);
    if (t === report.records[k]?.step) {
      const record = report.records[k++]!;
      close(record.loss, here.loss, 1e-12, `step ${t} loss`);
      close(record.accuracy, here.accuracy, 0, `step ${t} accuracy`);
      close(record.gradientNorm, norm(here.gradient), 1e-10, `step ${t} ‖g‖`);
      // the Hessian column by column: (g(θ + h e_i) − g(θ − h e_i)) / 2h, symmetrised
      const h = 1e-5;
      const H = Matrix.zeros(net.size, net.size);
      for (let i = 0; i < net.size; i++) {
        const plus = Float64Array.from(theta);
        const minus = Float64Array.from(theta);
        plus[i]! += h;
        minus[i]! -= h;
        const gp = gradientAt(plus);
        const gm = gradientAt(minus);
        for (let j = 0; j < net.size; j++) H.set(j, i, (gp[j]! - gm[j]!) / (2 * h));
      }
      const symmetric = H.add(H.transpose()).mul(0.5);
      const eig = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
      const order = eig.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
      assert.is(record.topEigenvalues.length, topK);
      record.topEigenvalues.forEach((v, i) => close(v, order[i]![0], 1e-6, `step ${t} λ${i + 1}`));
      // ‖P_k g‖/‖g‖ with the top-k eigenvectors (orthonormal columns of the decomposition)
      let squares = 0;
      for (let i = 0; i < overlapK; i++) {
        const u = eig.eigenvectorMatrix.getColumn(order[i]![1]);
        squares += u.reduce((s, ui, j) => s + ui * here.gradient[j]!, 0) ** 2;
      }
      close(record.overlap, Math.sqrt(squares) / norm(here.gradient), 1e-6, `step ${t} overlap`);
      close(record.randomBaseline, Math.sqrt(overlapK / net.size), 1e-15, `step ${t} random overlap`);
    }
    // SGD with the CLI's default momentum μ = 0.9 (heavy ball, PyTorch's convention): v ← μv + g, θ ← θ − η·v
    velocity = velocity.map((v, i) => 0.9 * v + here.gradient[i]!);
    theta = theta.map((x, i) => x - lr * velocity[i]!);
  }
  assert.ok(report.records[2]!.loss < report.records[0]!.loss, 'the loss falls along the path');
});

test.run();
