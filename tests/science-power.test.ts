/**
 * The power of the paired t-test (src/landscape/power.ts) against values
 * computed independently: SciPy 1.17.1's non-central t distribution
 * (`1 - nct.cdf(c, n-1, d√n) + nct.cdf(-c, n-1, d√n)` with `c = t.ppf(0.975, n-1)`,
 * and `brentq` for the minimum detectable effect), and Cohen (1988),
 * Statistical Power Analysis, whose tables give n = 34 pairs for d_z = 0.5
 * at 80 % power and α = 0.05 (two-sided).
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minimumDetectableEffect, pairedEffectSize, pairedTTestPower } from '../src/landscape/index.js';

const close = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('power against SciPy: n = 34, 10, 20, 40, 6, 100, 3 at the listed effects, to 1e-4', () => {
  const scipy: [number, number, number][] = [
    [34, 0.5, 0.80778], [10, 0.8, 0.61623], [20, 0.5, 0.5645], [40, 0.3, 0.45652], [6, 1.0, 0.50684], [100, 0.2, 0.50826], [3, 2, 0.47075],
  ];
  for (const [n, d, expected] of scipy) close(pairedTTestPower(n, d), expected, 1e-4, `n = ${n}, d_z = ${d}`);
  // a negative effect is found as often as a positive one (two-sided)
  close(pairedTTestPower(10, -0.8), 0.61623, 1e-4, 'n = 10, d_z = -0.8');
});

test('Cohen: 34 pairs give 80 % power at d_z = 0.5 and 33 do not', () => {
  assert.ok(pairedTTestPower(34, 0.5) >= 0.8);
  assert.ok(pairedTTestPower(33, 0.5) < 0.8);
});

test('with no effect the power is the level α, and it grows with the effect and with n', () => {
  assert.is(pairedTTestPower(12, 0), 0.05);
  assert.is(pairedTTestPower(12, 0, 0.01), 0.01);
  let previous = 0.05;
  for (const d of [0.1, 0.3, 0.6, 1, 2]) {
    const p = pairedTTestPower(12, d);
    assert.ok(p > previous, `power at d_z = ${d}`);
    previous = p;
  }
  assert.ok(pairedTTestPower(40, 0.4) > pairedTTestPower(20, 0.4));
  assert.ok(pairedTTestPower(20, 0.4, 0.01) < pairedTTestPower(20, 0.4, 0.05));
});

test('minimum detectable effect at 80 % against SciPy (n = 10, 34, 40), and it inverts the power', () => {
  close(minimumDetectableEffect(10), 0.99600, 1e-4, 'n = 10');
  close(minimumDetectableEffect(34), 0.49503, 1e-4, 'n = 34');
  close(minimumDetectableEffect(40), 0.45426, 1e-4, 'n = 40');
  for (const n of [2, 5, 17, 60]) close(pairedTTestPower(n, minimumDetectableEffect(n, 0.9)), 0.9, 1e-6, `power at the 90 % effect, n = ${n}`);
});

test("Cohen's d_z by hand, and the undefined cases", () => {
  // differences 1, 2, 3: mean 2, sd 1
  assert.is(pairedEffectSize([3, 5, 7], [2, 3, 4]), 2);
  // differences −1, 1: mean 0
  assert.is(pairedEffectSize([0, 2], [1, 1]), 0);
  assert.is(pairedEffectSize([1, 2], [0, 1]), null); // equal differences: sd 0
  assert.is(pairedEffectSize([1], [0]), null);
  assert.throws(() => pairedEffectSize([1, 2], [1]), /different lengths, 2 and 1/);
});

test('bad arguments are refused with the value', () => {
  assert.throws(() => pairedTTestPower(1, 0.5), /at least 2 pairs, got 1/);
  assert.throws(() => pairedTTestPower(2.5, 0.5), /at least 2 pairs, got 2.5/);
  assert.throws(() => pairedTTestPower(10, 0.5, 1), /alpha must lie in \(0, 1\), got 1/);
  assert.throws(() => minimumDetectableEffect(10, 0.04), /power must lie in \(alpha, 1\), got 0.04/);
  // the open ends: α = 0, a power equal to α, a power of 1
  assert.throws(() => pairedTTestPower(10, 0.5, 0), /alpha must lie in \(0, 1\), got 0/);
  assert.throws(() => pairedTTestPower(10, 0.5, -0.1), /alpha must lie in \(0, 1\), got -0.1/);
  assert.throws(() => minimumDetectableEffect(10, 0.05), /power must lie in \(alpha, 1\), got 0.05/);
  assert.throws(() => minimumDetectableEffect(10, 0.2, 0.2), /power must lie in \(alpha, 1\), got 0.2/);
  assert.throws(() => minimumDetectableEffect(10, 1), /power must lie in \(alpha, 1\), got 1/);
});

test("Cohen's d_z divides the mean difference by its sd: differences 2, 4, 6 give 4/2", () => {
  assert.is(pairedEffectSize([2, 4, 6], [0, 0, 0]), 2);
  assert.is(pairedEffectSize([0, 0, 0, 0], [1, 1, 1, 3]), -1.5 / 1);
});

test('minimum detectable effect: the smallest d with power ≥ the target, so a target met exactly at a bisection point returns that point', () => {
  // the bisection of [0, 1] visits ½ first: if power(½) is the target, ½ itself is the answer
  for (const n of [6, 10]) assert.is(minimumDetectableEffect(n, pairedTTestPower(n, 0.5)), 0.5, `n = ${n}`);
  assert.is(minimumDetectableEffect(10, pairedTTestPower(10, 0.25)), 0.25);
});

test('minimum detectable effect: the bisection stops once the bracket is within 1e-10 of the answer (relative)', () => {
  // Count the non-central t CDF evaluations (two per power evaluation) by wrapping jStat's, which power.ts shares.
  const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: { noncentralt: { cdf: (x: number, df: number, ncp: number) => number } } };
  const original = jStat.noncentralt.cdf;
  let calls = 0;
  jStat.noncentralt.cdf = (x, df, ncp) => {
    calls += 1;
    return original(x, df, ncp);
  };
  const evaluations = (n: number): number => {
    calls = 0;
    minimumDetectableEffect(n);
    return calls / 2;
  };
  try {
    // n = 10: d_min ≈ 0.996, power(1) ≥ 0.8 (one evaluation); bisecting [0, 1] to a width 2⁻ʲ ≤ 1e-10 · 0.996 takes j = 34
    assert.is(evaluations(10), 1 + 34);
    // n = 200: d_min ≈ 0.2; 2⁻ʲ ≤ 1e-10 · 0.2 = 2e-11 takes j = 36 (2⁻³⁵ ≈ 2.9e-11, 2⁻³⁶ ≈ 1.5e-11)
    assert.is(evaluations(200), 1 + 36);
    // n = 3: d_min lies in (3, 4) (SciPy: power 0.745 at d = 3), so power(1), power(2), power(4) first; then [0, 4]
    // to a width 4 · 2⁻ʲ ≤ 1e-10 · d_min, between 3e-10 and 4e-10: j = 34 (4 · 2⁻³³ ≈ 4.7e-10, 4 · 2⁻³⁴ ≈ 2.3e-10)
    assert.is(evaluations(3), 3 + 34);
  } finally {
    jStat.noncentralt.cdf = original;
  }
});

test.run();
