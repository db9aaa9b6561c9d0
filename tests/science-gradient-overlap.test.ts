/**
 * Where the gradient lives, on problems whose answers are exact:
 *  - the quadratic L(θ) = ½ Σ aᵢ θᵢ² + bᵀθ has the Hessian diag(a) and, at
 *    θ = 0, the gradient b; with a = (4, 3, 2, 1) the top-k eigenvectors are
 *    e₁ … e_k, so the overlap of b with them is √(b₁² + … + b_k²)/‖b‖: 1 for
 *    a gradient inside the span, 0 for one orthogonal to it, 3/5 and 4/5
 *    split as 9/25 and 16/25 for b = (3, 4, 0, 0);
 *  - for a linear classifier z_s = x_sᵀW (θ = vec W row by row,
 *    θ[a·C + k] = W[a][k]) the gradient of the logit z_k of sample s is x_s
 *    placed in the entries a·C + k, whatever θ; so every cosine between two
 *    samples' logit gradients is the cosine between their inputs, and the
 *    within-class, cross-class and different-class alignments are means of
 *    input cosines chosen to be 0, 3/5, 4/5 or 1.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import {
  directionOverlaps, gradientHessianOverlap, logitGradientAlignment, logitGradients, orthonormalize, overlapWithEigenvectors, subspaceOverlap,
} from '../src/landscape/gradient-overlap.js';
import { topEigenpairs } from '../src/landscape/linalg/lanczos.js';
import type { LinearOperator } from '../src/landscape/linalg/vector.js';
import { throwsWith } from './support/assertions.js';
import { linearClassifier } from './support/linear-classifier.js';

const close = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

// ---------------------------------------------------------------------------
// Overlaps on explicit bases

test('orthonormalize: Gram–Schmidt of (1, 1, 0), (1, 2, 0) is e₁ + e₂ over √2 and then −e₁ + e₂ over √2', () => {
  const [u, w, ...rest] = orthonormalize([Float64Array.of(1, 1, 0), Float64Array.of(1, 2, 0)]);
  assert.is(rest.length, 0);
  const h = Math.SQRT1_2;
  [h, h, 0].forEach((x, i) => close(u![i]!, x, 1e-15, `u[${i}]`));
  [-h, h, 0].forEach((x, i) => close(w![i]!, x, 1e-15, `w[${i}]`));
});

test('orthonormalize drops a vector within 1e-10 of the span (relative to its length), keeps one just outside', () => {
  const v = Float64Array.of(0.1, 0.2, 0.3);
  // 7v minus its projection leaves a rounding residue of about 1e-17, not 0: still dropped
  assert.is(orthonormalize([v, v.map((x) => 7 * x)]).length, 1);
  // (4, 1e-10, 0) sticks out of span(e₁) by 1e-10 < 1e-10 · ‖(4, 1e-10, 0)‖: dropped
  assert.is(orthonormalize([Float64Array.of(1, 0, 0), Float64Array.of(4, 1e-10, 0)]).length, 1);
  // (1, 1e-9, 0) sticks out by 1e-9 > 1e-10 · ‖·‖: kept, as e₂
  const kept = orthonormalize([Float64Array.of(1, 0, 0), Float64Array.of(1, 1e-9, 0)]);
  assert.is(kept.length, 2);
  close(kept[1]![1]!, 1, 1e-6, 'the kept direction');
  // (10¹⁰, 1) sticks out of span(e₁) by 1, exactly 1e-10 of its length 10¹⁰ (in float64): dropped, the bound is strict
  assert.is(orthonormalize([Float64Array.of(1, 0), Float64Array.of(1e10, 1)]).length, 1);
  // a zero vector is dropped
  assert.is(orthonormalize([new Float64Array(3)]).length, 0);
});

test('subspaceOverlap with a non-orthogonal basis: g = (3, 4, 12) against span(e₁, e₂) is 5/13', () => {
  const g = Float64Array.of(3, 4, 12);
  close(subspaceOverlap(g, [Float64Array.of(1, 1, 0), Float64Array.of(1, 2, 0)]), 5 / 13, 1e-15, 'overlap');
  close(subspaceOverlap(g, [Float64Array.of(0, 0, 2)]), 12 / 13, 1e-15, 'a basis vector of length 2');
  // a gradient inside the span: 1, never above
  assert.is(subspaceOverlap(Float64Array.of(1, 3, 0), [Float64Array.of(1, 1, 0), Float64Array.of(1, 2, 0)]) <= 1, true);
});

test('directionOverlaps: (uᵀg)²/‖g‖² per unit vector; 0 (not 0/0) for g = 0', () => {
  const g = Float64Array.of(3, 4, 12);
  const overlaps = directionOverlaps(g, [Float64Array.of(1, 0, 0), Float64Array.of(0, 0.6, 0.8)]);
  close(overlaps[0]!, 9 / 169, 1e-16, 'e₁');
  close(overlaps[1]!, (2.4 + 9.6) ** 2 / 169, 1e-15, '(0, 0.6, 0.8)');
  assert.equal(directionOverlaps(new Float64Array(3), [Float64Array.of(1, 0, 0), Float64Array.of(0, 1, 0)]), [0, 0]);
});

test('overlapWithEigenvectors: the first k pairs; k outside [1, number of pairs] refused', () => {
  const e = (i: number): Float64Array => Float64Array.from({ length: 4 }, (_, j) => (i === j ? 1 : 0));
  const pairs = { values: Float64Array.of(5, 3, 2), vectors: [e(1), e(0), e(2)] };
  const g = Float64Array.of(3, 4, 0, 12);
  const two = overlapWithEigenvectors(g, pairs, 2);
  close(two.overlap, 5 / 13, 1e-15, 'overlap');
  assert.equal(two.perDirection, [16 / 169, 9 / 169]);
  assert.equal(two.eigenvalues, [5, 3]);
  assert.is(two.k, 2);
  assert.is(two.gradientNorm, 13);
  assert.is(two.randomBaseline, Math.sqrt(2 / 4));
  // by default, every pair
  const all = overlapWithEigenvectors(g, pairs);
  assert.is(all.k, 3);
  assert.equal(all.eigenvalues, [5, 3, 2]);
  assert.is(all.perDirection.length, 3);
  throwsWith(() => overlapWithEigenvectors(g, pairs, 0), 'overlapWithEigenvectors: k must be in [1, 3], got 0');
  throwsWith(() => overlapWithEigenvectors(g, pairs, 4), 'k must be in [1, 3], got 4');
  assert.is(overlapWithEigenvectors(g, pairs, 1).k, 1);
});

// ---------------------------------------------------------------------------
// The gradient against the Hessian's top eigenvectors, on a quadratic

const a = [4, 3, 2, 1];
/** L(θ) = ½ Σ aᵢ θᵢ² + bᵀθ: Hessian diag(a), gradient at 0 equal to b. */
const quadratic = (b: number[]) => (theta: Tensor): Tensor => theta.square().mul(ad.tensor(a)).sum().mul(0.5).add(theta.mul(ad.tensor(b)).sum());
const zero = new Float64Array(4);

test('gradientHessianOverlap on a quadratic: a gradient inside the top-2 eigenspace gives 1, one orthogonal to it 0', () => {
  const inside = gradientHessianOverlap(quadratic([3, 4, 0, 0]), zero, 2);
  close(inside.overlap, 1, 1e-12, 'inside');
  assert.equal(inside.eigenvalues.map((x) => Math.round(x * 1e9) / 1e9), [4, 3]);
  close(inside.perDirection[0]!, 9 / 25, 1e-12, 'along e₁');
  close(inside.perDirection[1]!, 16 / 25, 1e-12, 'along e₂');
  assert.is(inside.gradientNorm, 5);
  assert.is(inside.k, 2);
  assert.is(inside.randomBaseline, Math.SQRT1_2);
  assert.is(inside.converged, true);
  const outside = gradientHessianOverlap(quadratic([0, 0, 1, 1]), ad.zeros([4]), 2);
  close(outside.overlap, 0, 1e-12, 'orthogonal');
  close(gradientHessianOverlap(quadratic([3, 4, 0, 0]), zero, 1).overlap, 3 / 5, 1e-12, 'k = 1');
});

/** A diagonal operator counting its products. */
function diagonal(d: number[]): LinearOperator & { count: number } {
  const op = { dim: d.length, count: 0, apply: (v: Float64Array): Float64Array => (op.count++, Float64Array.from(v, (x, i) => d[i]! * x)) };
  return op;
}

test('gradientHessianOverlap with another operator: its eigenvectors, not the Hessian’s; products are its Lanczos steps', () => {
  // diag(1, 2, 3, 4) has its top two eigenvectors e₄, e₃: orthogonal to b = (3, 4, 0, 0)
  const op = diagonal([1, 2, 3, 4]);
  const result = gradientHessianOverlap(quadratic([3, 4, 0, 0]), zero, 2, { operator: op });
  close(result.overlap, 0, 1e-12, 'overlap');
  assert.equal(result.eigenvalues.map((x) => Math.round(x * 1e9) / 1e9), [4, 3]);
  assert.is(result.products, op.count);
  assert.ok(result.products > 0);
});

test('gradientHessianOverlap asks Lanczos for a tolerance of 1e-8 unless told otherwise (Lanczos alone: 1e-10, more steps)', () => {
  // diag(1, 1/4, 1/9, …, 1/900): with k = 2 Lanczos stops after 10 steps at 1e-8, 15 at 1e-10
  const d = Array.from({ length: 30 }, (_, i) => 1 / (i + 1) ** 2);
  const steps = (tolerance?: number): number => topEigenpairs(diagonal(d), 2, tolerance === undefined ? {} : { tolerance }).steps;
  assert.ok(steps(1e-8) < steps(), `${steps(1e-8)} vs ${steps()}`);
  const loss = (theta: Tensor): Tensor => theta.sum();
  const zero30 = new Float64Array(30);
  assert.is(gradientHessianOverlap(loss, zero30, 2, { operator: diagonal(d) }).products, steps(1e-8));
  assert.is(gradientHessianOverlap(loss, zero30, 2, { operator: diagonal(d), tolerance: 1e-10 }).products, steps(1e-10));
  // other Lanczos options pass through: a step budget of 4 leaves the search unconverged
  const capped = gradientHessianOverlap(loss, zero30, 2, { operator: diagonal(d), maxSteps: 4 });
  assert.is(capped.products, 4);
  assert.is(capped.converged, false);
});

// ---------------------------------------------------------------------------
// Logit gradients and their alignment, on linear classifiers

const linear = linearClassifier;

/** x placed in the entries a·C + k of a vector of length f·C. */
function placed(x: number[], c: number, k: number): number[] {
  const out = new Array<number>(x.length * c).fill(0);
  x.forEach((v, a) => (out[a * c + k] = v));
  return out;
}

test('logitGradients: ∇z_k(x_s) = x_s in the entries of logit k, for 20 samples (a block of 16 and one of 4)', () => {
  const X = Array.from({ length: 20 }, (_, s) => [s + 1, (s % 3) - 1]);
  const labels = Array.from({ length: 20 }, (_, s) => s % 3);
  const theta = Float64Array.of(0.5, -1, 2, 0.25, 1.5, -0.75);
  for (const dtype of ['float64', 'float32'] as const) {
    for (const k of [0, 2]) {
      const done: number[] = [];
      const gradients = logitGradients(linear(X, labels, 3, dtype), theta, k, (d) => done.push(d));
      assert.is(gradients.length, 20);
      gradients.forEach((g, s) => assert.equal(Array.from(g), placed(X[s]!, 3, k), `${dtype}, logit ${k}, sample ${s}`));
      assert.equal(done, [16, 20]);
    }
  }
});

test('logitGradients for exactly 16 samples: one full block, no empty one after it', () => {
  const X = Array.from({ length: 16 }, (_, s) => [s - 7, 1]);
  const done: number[] = [];
  const gradients = logitGradients(linear(X, X.map((_, s) => s % 2), 2), new Float64Array(4), 1, (d) => done.push(d));
  assert.equal(done, [16]);
  assert.equal(gradients.map((g) => Array.from(g)), X.map((x) => placed(x, 2, 1)));
});

test('logitGradients refuses a logit outside [0, C) and logits of the wrong shape', () => {
  const model = linear([[1, 0], [0, 1]], [0, 1], 2);
  const theta = new Float64Array(4);
  throwsWith(() => logitGradients(model, theta, 2), 'logitGradients: logit 2 is not in [0, 2)');
  throwsWith(() => logitGradients(model, theta, -1), 'logit -1 is not in [0, 2)');
  throwsWith(() => logitGradients(model, theta, 0.5), 'logit 0.5 is not in [0, 2)');
  assert.is(logitGradients(model, theta, 1).length, 2);
  throwsWith(() => logitGradients({ ...model, logits: (t) => model.logits(t).reshape([4]) }, theta, 0), 'logitGradients: logits of shape [4], expected [2, 2]');
  throwsWith(() => logitGradients({ ...model, logits: (t) => model.logits(t).reshape([2, 2, 1]) }, theta, 0), 'logitGradients: logits of shape [2, 2, 1], expected [2, 2]');
  throwsWith(() => logitGradients({ ...model, labels: Int32Array.of(0, 1, 1) }, theta, 0), 'logits of shape [2, 2], expected [3, 2]');
  throwsWith(() => logitGradients({ ...model, numClasses: 3 }, theta, 0), 'logits of shape [2, 2], expected [2, 3]');
});

test('logitGradientAlignment: within-class 0.9, cross-class 0.5, different-class 0.3 from input cosines 1, 0.6, 0, 0.6, 0, 0.8', () => {
  // class 0: (1, 0), (1, 0); class 1: (3, 4), (0, 2). Cosines: (0,1) 1, (0,2) 3/5, (0,3) 0, (1,2) 3/5, (1,3) 0, (2,3) 4/5.
  const model = linear([[1, 0], [1, 0], [3, 4], [0, 2]], [0, 0, 1, 1], 2);
  const progress: [number, number][] = [];
  const r = logitGradientAlignment(model, Float64Array.of(0.3, -0.2, 0.7, 1.1), { onPullback: (done, total) => progress.push([done, total]) });
  // logit 0 sees the class-0 pair, logit 1 the class-1 pair
  close(r.perLogit[0]!.withinClass!, 1, 1e-15, 'logit 0 within');
  close(r.perLogit[1]!.withinClass!, 0.8, 1e-15, 'logit 1 within');
  for (const l of r.perLogit) {
    close(l.crossClass, 0.5, 1e-15, `logit ${l.logit} cross`); // 3/6
    close(l.differentClass!, 0.3, 1e-15, `logit ${l.logit} different`); // 1.2/4
  }
  assert.equal(r.perLogit.map((l) => l.logit), [0, 1]);
  close(r.withinClass!, 0.9, 1e-15, 'WCA');
  close(r.crossClass, 0.5, 1e-15, 'CCA');
  close(r.differentClass!, 0.3, 1e-15, 'different');
  assert.is(r.samples, 4);
  assert.is(r.numClasses, 2);
  assert.is(r.pullbacks, 8);
  // one block of 4 pullbacks per logit, counted over all of them
  assert.equal(progress, [[4, 8], [8, 8]]);
});

test('logitGradientAlignment: a zero gradient has cosine 0; a class with one sample is left out of WCA (not counted as 0)', () => {
  // class 0: (1, 0), (3, 4); class 1: (0, 0) alone. Cosines: (0,1) 3/5, (0,2) 0, (1,2) 0.
  const r = logitGradientAlignment(linear([[1, 0], [3, 4], [0, 0]], [0, 0, 1], 2), new Float64Array(4));
  close(r.perLogit[0]!.withinClass!, 0.6, 1e-15, 'logit 0 within');
  assert.is(r.perLogit[1]!.withinClass, null);
  close(r.withinClass!, 0.6, 1e-15, 'WCA');
  close(r.crossClass, 0.2, 1e-15, 'CCA');
  assert.is(r.differentClass, 0);
});

test('logitGradientAlignment: two samples of one class (no different-class pair); fewer than two refused', () => {
  const r = logitGradientAlignment(linear([[1, 0], [3, 4]], [1, 1], 2), new Float64Array(4));
  assert.is(r.perLogit[0]!.withinClass, null);
  close(r.perLogit[1]!.withinClass!, 0.6, 1e-15, 'logit 1 within');
  close(r.withinClass!, 0.6, 1e-15, 'WCA');
  close(r.crossClass, 0.6, 1e-15, 'CCA');
  assert.is(r.perLogit[0]!.differentClass, null);
  assert.is(r.differentClass, null);
  // no class with two samples: WCA null
  assert.is(logitGradientAlignment(linear([[1, 0], [3, 4]], [0, 1], 2), new Float64Array(4)).withinClass, null);
  throwsWith(() => logitGradientAlignment(linear([[1, 0]], [0], 2), new Float64Array(4)), 'logitGradientAlignment: need at least 2 samples, got 1');
});

test.run();
