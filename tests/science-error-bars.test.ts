/**
 * Every stochastic estimate's error bar against the spread it claims to
 * describe: run the estimator with many seeds on a small matrix whose answer
 * is known, and compare
 *
 *   the reported standard error (averaged over the seeds)   with
 *   the standard deviation of the estimate over the seeds   and, for the
 *   trace, with the exact value: for Rademacher probes one sample zᵀAz has
 *   variance 2·Σ_{i≠j} A_ij² (Hutchinson 1990; Avron & Toledo 2011), so N
 *   probes have standard error √(2·Σ_{i≠j} A_ij² / N).
 *
 * The ratios must lie in [0.8, 1.25]: with 200 seeds the measured spread is
 * good to ≈ 5 %, so a correct error bar passes with room, and one that is
 * doubled, halved, or divided by N instead of √N fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { traceAndFrobeniusNorm, type LinearOperator } from '../src/landscape/index.js';
import { denseOperator, hutchinsonFrobeniusNorm, hutchinsonTrace, slqQuadrature, slqTraceEstimate } from '../src/landscape/linalg/index.js';

// A symmetric 6×6 matrix with off-diagonal mass (a diagonal one would make every probe exact).
const n = 6;
const A = new Float64Array(n * n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j <= i; j++) {
    const v = i === j ? i - 2 : Math.sin(1 + 3 * i + 7 * j);
    A[i * n + j] = v;
    A[j * n + i] = v;
  }
}
const op: LinearOperator = denseOperator(A);
let exactTrace = 0;
let offDiagonalSquares = 0;
let frobeniusSquared = 0;
for (let i = 0; i < n; i++) {
  exactTrace += A[i * n + i]!;
  for (let j = 0; j < n; j++) {
    frobeniusSquared += A[i * n + j]! ** 2;
    if (i !== j) offDiagonalSquares += A[i * n + j]! ** 2;
  }
}

const PROBES = 20;
const SEEDS = 200;
const exactTraceError = Math.sqrt((2 * offDiagonalSquares) / PROBES);

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

/** Checks estimates ± reported errors over the seeds; returns [spread ratio, reported/spread]. */
function checkErrorBars(label: string, runs: { estimate: number; standardError: number }[], truth: number, exactError?: number): void {
  const estimates = runs.map((r) => r.estimate);
  const reported = mean(runs.map((r) => r.standardError));
  const spread = sd(estimates);
  const ratio = reported / spread;
  assert.ok(ratio > 0.8 && ratio < 1.25, `${label}: mean reported SE ${reported} vs spread over seeds ${spread} (ratio ${ratio})`);
  if (exactError !== undefined) {
    assert.ok(spread / exactError > 0.8 && spread / exactError < 1.25, `${label}: spread ${spread} vs exact ${exactError}`);
    assert.ok(reported / exactError > 0.85 && reported / exactError < 1.15, `${label}: reported ${reported} vs exact ${exactError}`);
  }
  // and the estimates are centred on the truth (unbiased to within the error of their mean)
  assert.ok(Math.abs(mean(estimates) - truth) < 4 * (spread / Math.sqrt(runs.length)) + 1e-12, `${label}: mean ${mean(estimates)} vs ${truth}`);
}

test('the test matrix: off-diagonal mass makes the trace noisy', () => {
  assert.ok(offDiagonalSquares > 1, `${offDiagonalSquares}`);
  assert.ok(exactTraceError > 0.3);
});

test('Hutchinson trace: reported standard error = spread over seeds = √(2Σ_{i≠j}A_ij²/N)', () => {
  const runs = Array.from({ length: SEEDS }, (_, seed) => hutchinsonTrace(op, { probes: PROBES, seed: 1000 + seed }));
  checkErrorBars('hutchinsonTrace', runs, exactTrace, exactTraceError);
});

test('spectrum\'s traceAndFrobeniusNorm: both error bars match the spread over seeds', () => {
  const runs = Array.from({ length: SEEDS }, (_, seed) => traceAndFrobeniusNorm(op, { probes: PROBES, seed: 5000 + seed }));
  checkErrorBars('traceAndFrobeniusNorm: trace', runs.map((r) => r.trace), exactTrace, exactTraceError);
  // ‖A‖_F: the delta-method error bar, and the square root's small downward bias (Jensen) stays within the spread
  const fro = runs.map((r) => r.frobeniusNorm);
  checkErrorBars('traceAndFrobeniusNorm: Frobenius norm', fro, Math.sqrt(frobeniusSquared));
});

test('hutchinsonFrobeniusNorm: delta-method error bar against the spread over seeds', () => {
  const runs = Array.from({ length: SEEDS }, (_, seed) => hutchinsonFrobeniusNorm(op, { probes: PROBES, seed: 9000 + seed }));
  checkErrorBars('hutchinsonFrobeniusNorm', runs, Math.sqrt(frobeniusSquared));
});

test('SLQ: Tr(A) and Tr(A²) with their error bars against the spread over seeds', () => {
  // n Lanczos steps make the quadrature exact for polynomials: each probe's sample is zᵀf(A)z
  const quadratures = Array.from({ length: SEEDS }, (_, seed) => slqQuadrature(op, { probes: PROBES, steps: n, seed: 20000 + seed }));
  checkErrorBars('SLQ trace', quadratures.map((q) => slqTraceEstimate(q, (t) => t)), exactTrace, exactTraceError);
  checkErrorBars('SLQ Tr(A²)', quadratures.map((q) => slqTraceEstimate(q, (t) => t * t)), frobeniusSquared);
});

test.run();
