/**
 * Critical-point finders on problems whose answers are known.
 *
 * The toy f(x, y) = ¼x⁴ − 3x² + 9x + 0.9y⁴ + 5y² + 40 has one critical point,
 * (−3, 0), and a gradient-flat point (√2, 0) where ∇f = (9 − 4√2, 0) lies in
 * the kernel of ∇²f = diag(0, 10). Newton-MR does a line search on ‖∇f‖²,
 * and ‖∇f‖² has two basins on the x axis, split at x = −√2 where ∇²f is
 * singular again: to the left its only minimum is the critical point, to
 * the right the flat point (a local minimum of ‖∇f‖² with value ≈ 11.18).
 * The starts were picked by running the finders: (2, 1) (right basin) ends
 * at the flat point, (−2, 1) (left basin) at (−3, 0). Full Newton steps can
 * jump between the basins — from (1.5, −1) the first step lands exactly on
 * x = −3 — so a start close to x = −√2 would not make a robust test.
 *
 * The deep linear autoencoder's critical losses are known in closed form
 * (Baldi & Hornik): the end points of Newton-MR must have one of them. A
 * smaller instance (k = 8, p = 2, D = 32) keeps the test fast; the loss is
 * computed from the 8×8 second-moment matrix, so n costs nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import {
  classifyEndpoint, criticalPointStudy, dampedNewton, dlaeCriticalLosses, dlaeProblem, gradientNormMinimization, newtonMR, toyLoss, toyProblem, type CriticalRun,
} from '../src/landscape/index.js';
import { denseOperator, symmetricEigen } from '../src/landscape/linalg/index.js';
import { endpointKind, hessianIndex, operatorIndex } from '../src/landscape/critical/classify.js';
import { LossOracle, isFinderMethod, smallestStepSize } from '../src/landscape/critical/finder.js';
import { TOY_CRITICAL_POINT, dlaeData, mnistFourByFour } from '../src/landscape/critical/problems.js';
import { trajectoryStartingPoints } from '../src/landscape/critical/starting-points.js';
import { runFinder, summarizeRuns } from '../src/landscape/critical/study.js';

const FLAT_SQUARED_GRADIENT = (9 - 4 * Math.SQRT2) ** 2; // ≈ 11.18 at (√2, 0)

test('toy: the gradient and Hessian from autodiff match the closed forms', () => {
  for (const [x, y] of [[0.3, -1.2], [2, 1], [-3, 0]] as const) {
    const theta = ad.tensor([x, y]);
    const g = ad.grad(toyLoss)(theta).toTypedArray();
    assert.ok(Math.abs(g[0]! - (x ** 3 - 6 * x + 9)) < 1e-12);
    assert.ok(Math.abs(g[1]! - (3.6 * y ** 3 + 10 * y)) < 1e-12);
    const H = ad.hessian(toyLoss)(theta).toTypedArray();
    assert.ok(Math.abs(H[0]! - (3 * x * x - 6)) < 1e-12 && Math.abs(H[3]! - (10.8 * y * y + 10)) < 1e-12 && H[1] === 0);
  }
  assert.is(toyLoss(ad.tensor([...TOY_CRITICAL_POINT])).item(), 6.25);
});

test('Newton-MR on the toy from (2, 1) stalls at the gradient-flat point (√2, 0), classified gradient-flat, not critical', () => {
  const result = newtonMR(toyLoss, Float64Array.of(2, 1));
  assert.ok(Math.abs(result.theta[0]! - Math.SQRT2) < 1e-4, `x = ${result.theta[0]}`);
  assert.ok(Math.abs(result.theta[1]!) < 1e-4, `y = ${result.theta[1]}`);
  assert.ok(Math.abs(result.squaredGradientNorm - FLAT_SQUARED_GRADIENT) < 1e-3, `‖g‖² = ${result.squaredGradientNorm}`);
  assert.is(result.stopReason, 'stalled');
  const end = classifyEndpoint(toyLoss, result.theta);
  assert.is(end.kind, 'gradient-flat');
  assert.ok(end.relativeResidual > 0.9, `r = ${end.relativeResidual}`);
  // On the way in, the Newton systems became inconsistent: r rose to ≈ 1.
  const last = result.trace[result.trace.length - 1]!;
  assert.ok(last.relativeResidual! > 0.9, `last r = ${last.relativeResidual}`);
  // ‖∇f‖² never increased (Roosta's line search on the merit function).
  for (let i = 1; i < result.trace.length; i++) assert.ok(result.trace[i]!.squaredGradientNorm <= result.trace[i - 1]!.squaredGradientNorm * (1 + 1e-12));
});

test('Newton-MR on the toy from (−2, 1) converges to the critical point (−3, 0), index 0', () => {
  const result = newtonMR(toyLoss, Float64Array.of(-2, 1));
  assert.ok(Math.hypot(result.theta[0]! + 3, result.theta[1]!) < 1e-9);
  assert.ok(result.squaredGradientNorm < 1e-20);
  assert.is(result.stopReason, 'tolerance');
  assert.ok(result.trace.length < 20, `${result.trace.length} iterations`);
  const end = classifyEndpoint(toyLoss, result.theta);
  assert.is(end.kind, 'critical');
  assert.is(end.index!.negativeCount, 0);
  assert.ok(Math.abs(end.loss - 6.25) < 1e-12);
});

test('GNM converges to the gradient-flat point from near it; from the left basin, to the critical point', () => {
  for (const start of [Float64Array.of(1.8, 0.5), Float64Array.of(1.2, -0.3)]) {
    const result = gradientNormMinimization(toyLoss, start);
    assert.ok(Math.hypot(result.theta[0]! - Math.SQRT2, result.theta[1]!) < 1e-6, `ended at ${Array.from(result.theta)}`);
    assert.is(classifyEndpoint(toyLoss, result.theta, { index: false }).kind, 'gradient-flat');
    // The curvature along the gradient vanishes there: g ∈ ker H.
    assert.ok(Math.abs(result.trace[result.trace.length - 1]!.curvatureAlongGradient!) < 1e-6);
    assert.is(result.trace[0]!.relativeResidual, null, 'GNM solves no Newton systems');
  }
  const left = gradientNormMinimization(toyLoss, Float64Array.of(-2, 1));
  assert.ok(left.squaredGradientNorm < 1e-10 && Math.abs(left.theta[0]! + 3) < 1e-6);
});

test('damped Newton (steps of 0.1·p_γ) reaches the critical point from (−2.8, 0.2), recording the chosen damping', () => {
  const result = dampedNewton(toyLoss, Float64Array.of(-2.8, 0.2), { squaredGradientTolerance: 1e-11 }); // ‖∇f‖² shrinks ≈ 0.81× per step
  assert.ok(result.squaredGradientNorm < 1e-10);
  assert.ok(Math.abs(result.theta[0]! + 3) < 1e-6);
  assert.ok(result.trace[0]!.damping !== null && [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6].includes(result.trace[0]!.damping!));
  assert.is(result.method, 'damped-newton');
});

test('finder options are checked; counts and budgets are kept', () => {
  assert.throws(() => newtonMR(toyLoss, Float64Array.of(1, 1), { beta: 1 }), /beta/);
  assert.throws(() => newtonMR(toyLoss, Float64Array.of(1, 1), { maxIterations: -1 }), /maxIterations/);
  assert.throws(() => dampedNewton(toyLoss, Float64Array.of(1, 1), { dampings: [] }), /dampings/);
  assert.throws(() => gradientNormMinimization(toyLoss, Float64Array.of(1, 1), { initialStepSize: 0 }), /initialStepSize/);
  assert.throws(() => new LossOracle(toyLoss, 2).evaluate(Float64Array.of(1, 1, 1)), /D = 2/);
  const capped = gradientNormMinimization(toyLoss, Float64Array.of(3, 2), { maxIterations: 3 });
  assert.is(capped.stopReason, 'max-iterations');
  assert.is(capped.trace.length, 4);
  assert.ok(capped.hessianProducts >= 3 && capped.gradientEvaluations >= 4);
  assert.is(smallestStepSize(1, 0.5), 0); // α·β changes until α underflows
  assert.ok(isFinderMethod('gnm') && !isFinderMethod('newton'));
  assert.is(runFinder('newton-mr', toyLoss, Float64Array.of(-2, 1)).method, 'newton-mr');
  const oracle = new LossOracle(toyLoss, 2);
  oracle.hessianAt(Float64Array.of(0, 0)).apply(Float64Array.of(1, 0));
  assert.is(oracle.hessianProducts, 1);
});

test('endpoint kinds and the index: dense, and Lanczos with its lower-bound flag', () => {
  assert.is(endpointKind(1e-11, 0.99), 'critical');
  assert.is(endpointKind(1e-3, 0.95), 'gradient-flat');
  assert.is(endpointKind(1e-3, 0.5), 'neither');
  const diagonal = [-3, -2, -1, -1e-6, 0, 1, 2, 3, 4, 5];
  const matrix = diagonal.map((d, i) => diagonal.map((_, j) => (i === j ? d : 0)));
  const dense = operatorIndex(denseOperator(matrix));
  assert.equal([dense.method, dense.negativeCount, dense.fraction, dense.lowerBoundOnly], ['dense', 3, 0.3, false]);
  const lanczos = operatorIndex(denseOperator(matrix), { denseLimit: 0, lanczosK: 2 });
  assert.equal([lanczos.method, lanczos.negativeCount, lanczos.lowerBoundOnly], ['lanczos', 2, true]);
  const enough = operatorIndex(denseOperator(matrix), { denseLimit: 0, lanczosK: 5 });
  assert.equal([enough.negativeCount, enough.lowerBoundOnly, enough.minEigenvalue.toFixed(8)], [3, false, '-3.00000000']);
  assert.is(hessianIndex(toyLoss, Float64Array.of(0, 0)).negativeCount, 1); // diag(−6, 10)
});

test('DLAE: the data are zero-mean with covariance ≈ diag(1..k); the Σ-form loss equals the mean squared reconstruction error', () => {
  const k = 6;
  const n = 4000;
  const X = dlaeData(k, n, 3);
  for (let i = 0; i < k; i++) {
    let m = 0;
    let v = 0;
    for (let s = 0; s < n; s++) m += X[i * n + s]!;
    for (let s = 0; s < n; s++) v += X[i * n + s]! ** 2 / n;
    assert.ok(Math.abs(m / n) < 1e-13, 'rows exactly zero-mean');
    assert.ok(Math.abs(v / (i + 1) - 1) < 0.1, `variance of row ${i}: ${v}`);
  }
  const problem = dlaeProblem({ inputDim: k, hiddenDim: 2, samples: 300, seed: 1 });
  const theta = Float64Array.from({ length: problem.dim }, (_, i) => Math.sin(i + 1) * 0.4);
  const W1 = (r: number, c: number): number => theta[r * k + c]!; // p×k
  const W2 = (r: number, c: number): number => theta[2 * k + r * 2 + c]!; // k×p
  let direct = 0;
  for (let s = 0; s < 300; s++) {
    const h = [0, 1].map((r) => Array.from({ length: k }, (_, c) => W1(r, c) * problem.data[c * 300 + s]!).reduce((a, b) => a + b, 0));
    for (let r = 0; r < k; r++) direct += (problem.data[r * 300 + s]! - (W2(r, 0) * h[0]! + W2(r, 1) * h[1]!)) ** 2;
  }
  direct /= 300 * k;
  assert.ok(Math.abs(problem.loss(ad.tensor(theta)).item() - direct) < 1e-12 * direct);
  // θ = 0 is exactly critical, with loss tr Σ / k and index ½.
  const zero = classifyEndpoint(problem.loss, new Float64Array(problem.dim));
  assert.is(zero.squaredGradientNorm, 0);
  assert.is(zero.kind, 'critical');
  let trace = 0;
  for (let i = 0; i < k; i++) trace += problem.secondMoment[i * k + i]!;
  assert.ok(Math.abs(zero.loss - trace / k) < 1e-12);
  assert.is(zero.index!.fraction, 0.5);
  assert.is(dlaeCriticalLosses(Array.from({ length: 16 }, (_, i) => i + 1), 4).length, 2517);
});

test('DLAE: Newton-MR reaches ‖∇f‖² < 1e-10 from three trajectory starts, at analytic critical losses', () => {
  const problem = dlaeProblem({ inputDim: 8, hiddenDim: 2, samples: 1000, seed: 0 });
  const eigenvalues = Array.from(symmetricEigen(problem.secondMoment).values);
  const analytic = dlaeCriticalLosses(eigenvalues, 2);
  const starts = problem.startingPoints(3, 2);
  for (const start of starts) {
    const result = newtonMR(problem.loss, start, { squaredGradientTolerance: 1e-12 });
    assert.ok(result.squaredGradientNorm < 1e-10, `‖g‖² = ${result.squaredGradientNorm} (${result.stopReason})`);
    const nearest = Math.min(...analytic.map((l) => Math.abs(l - result.loss)));
    assert.ok(nearest < 1e-8, `loss ${result.loss} is ${nearest} from the nearest analytic critical loss`);
  }
});

test('starting points are seeded and spread in loss; noise on every other one', () => {
  const problem = dlaeProblem({ inputDim: 4, hiddenDim: 1, samples: 200, seed: 0 });
  const a = problem.startingPoints(4, 9);
  const b = problem.startingPoints(4, 9);
  assert.equal(a.map((t) => Array.from(t)), b.map((t) => Array.from(t)));
  const quiet = trajectoryStartingPoints(problem.loss, problem.dim, 4, 9, { steps: 50, learningRate: 0.05, initScale: 0.5, noiseVariance: 0 });
  assert.is(quiet.length, 4);
  assert.throws(() => trajectoryStartingPoints(problem.loss, problem.dim, 1, 0, { steps: 5, learningRate: 0.1, initScale: 1, noiseVariance: 0, init: () => new Float64Array(3) }), /D = 8/);
  const toyStarts = toyProblem().startingPoints(50, 1);
  assert.ok(toyStarts.every((p) => Math.abs(p[0]!) <= 4 && Math.abs(p[1]!) <= 2));
});

test('a study over starts: summary fractions with binomial standard errors', () => {
  const { runs, summary } = criticalPointStudy(toyProblem(), 'newton-mr', { runs: 4, seed: 0, startingPoints: [Float64Array.of(2, 1), Float64Array.of(-2, 1), Float64Array.of(3, 1.5), Float64Array.of(-3.5, -1)] });
  assert.equal(runs.map((r) => r.endpoint.kind), ['gradient-flat', 'critical', 'gradient-flat', 'critical']);
  assert.is(summary.fractionCritical, 0.5);
  assert.ok(Math.abs(summary.fractionCriticalStandardError - 0.25) < 1e-15);
  assert.is(summary.fractionFlat, 0.5);
  assert.is(summary.fractionEverFlat, 0.5);
  assert.ok(Math.abs(summary.fractionEverFlatStandardError! - 0.25) < 1e-15); // √(½·½/4)
  const empty = summarizeRuns([] as CriticalRun[]);
  assert.is(empty.runs, 0);
  assert.is(empty.fractionCritical, 0);
  assert.is(empty.fractionEverFlatStandardError, null);
});

test('MNIST 4×4 features: block means of the central 20×20, z-scored', () => {
  const images = new Float64Array(2 * 784);
  for (let i = 0; i < 784; i++) images[784 + i] = 1; // image 1 all ones; image 0 all zeros
  images[4 * 28 + 4] = 25; // one pixel in block (0, 0) of image 0
  const f = mnistFourByFour(images, 2);
  assert.is(f.length, 32);
  // Feature 0: image 0 has mean 1, image 1 has 1 → equal → z-scores 0 (sd 0 is replaced by 1).
  assert.is(f[0], 0);
  assert.is(f[16], 0);
  // Feature 1: 0 vs 1 → −1, +1.
  assert.ok(Math.abs(f[1]! + 1) < 1e-15 && Math.abs(f[17]! - 1) < 1e-15);
});

test.run();
