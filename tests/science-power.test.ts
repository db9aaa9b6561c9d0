/**
 * The power of the paired t-test (src/landscape/power.ts) against values
 * computed independently: SciPy 1.17.1's non-central t distribution
 * (`1 - nct.cdf(c, n-1, d√n) + nct.cdf(-c, n-1, d√n)` with `c = t.ppf(0.975, n-1)`,
 * and `brentq` for the minimum detectable effect), and Cohen (1988),
 * Statistical Power Analysis, whose tables give n = 34 pairs for d_z = 0.5
 * at 80 % power and α = 0.05 (two-sided).
 */
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
});

test.run();
