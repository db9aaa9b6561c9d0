/**
 * Spearman's rank correlation (src/landscape/rank-correlation.ts) against
 * values worked out by hand.
 *
 * Without ties ρ = 1 − 6·Σd²/(n(n² − 1)). For the p-value, Student's t on an
 * even number ν of degrees of freedom has a closed-form two-sided tail:
 * with c = ν/(ν + t²),
 *   P(|T| > t) = 1 − (t/√(ν + t²)) · Σ_{j=0}^{ν/2−1} a_j c^j,
 *   a_0 = 1, a_j = a_{j−1}·(2j − 1)/(2j)
 * (the series of the incomplete beta function for integer ν/2), computed
 * here independently of the stdlib code the module calls.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rankCorrelation } from '../src/landscape/rank-correlation.js';

/** Two-sided tail of Student's t for even ν, by the finite series above. */
function twoSidedTailEvenDf(t: number, nu: number): number {
  const c = nu / (nu + t * t);
  let term = 1;
  let sum = 1;
  for (let j = 1; j < nu / 2; j++) {
    term *= ((2 * j - 1) / (2 * j)) * c;
    sum += term;
  }
  return 1 - (Math.abs(t) / Math.sqrt(nu + t * t)) * sum;
}

test('the series itself: ν = 2 gives 1 − t/√(2 + t²)', () => {
  assert.ok(Math.abs(twoSidedTailEvenDf(2, 2) - (1 - 2 / Math.sqrt(6))) < 1e-15);
});

test('ten untied pairs with five swapped neighbours: ρ = 1 − 60/990, t = ρ√8/√(1 − ρ²), p from the t tail on 8 df', () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9];
  const r = rankCorrelation(x, y)!;
  const rho = 1 - 60 / 990;
  assert.is(r.n, 10);
  assert.ok(Math.abs(r.rho - rho) < 1e-15, `ρ = ${r.rho}`);
  const t = (rho * Math.sqrt(8)) / Math.sqrt(1 - rho * rho);
  // the stdlib t CDF is accurate to about 1e-12 relative; the series above to rounding
  assert.ok(Math.abs(r.pValue - twoSidedTailEvenDf(t, 8)) < 1e-12 * twoSidedTailEvenDf(t, 8) + 1e-16, `p = ${r.pValue}, series ${twoSidedTailEvenDf(t, 8)}`);
  // ranks, not values: a monotone transform of y changes nothing
  assert.equal(rankCorrelation(x, y.map((v) => Math.exp(v))), r);
  // reversing y reverses the sign and keeps p
  const reversed = rankCorrelation(x, y.map((v) => -v))!;
  assert.ok(Math.abs(reversed.rho + rho) < 1e-15 && Math.abs(reversed.pValue - r.pValue) < 1e-15);
});

/**
 * The same tail without cancellation, for tiny p: P(|T| > t) = I_c(a, 1/2)
 * with a = ν/2, and I_c(a, b) = c^a (1 − c)^b / (a·B(a, b)) · Σ_k ((a + b)_k / (a + 1)_k) c^k;
 * B(1, 1/2) = 2 and B(a + 1, 1/2) = B(a, 1/2)·a/(a + 1/2).
 */
function twoSidedTailSmall(t: number, nu: number): number {
  const a = nu / 2;
  const c = nu / (nu + t * t);
  let beta = 2;
  for (let j = 1; j < a; j++) beta *= j / (j + 0.5);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 5000 && term > 1e-18 * sum; k++) {
    term *= ((a + 0.5 + k) / (a + 1 + k)) * c;
    sum += term;
  }
  return (c ** a * Math.sqrt(1 - c) * sum) / (a * beta);
}

test('a p-value far below 1e-16 is computed, not rounded to 0, for positive and negative ρ alike', () => {
  // the two references agree where both are accurate
  for (const [t, nu] of [[2, 2], [3.5, 8], [4, 38]] as const) {
    assert.ok(Math.abs(twoSidedTailSmall(t, nu) - twoSidedTailEvenDf(t, nu)) < 1e-13, `t = ${t}, ν = ${nu}`);
  }
  // 40 pairs in order but for one swapped neighbouring pair: Σd² = 2, ρ = 1 − 12/(40·1599)
  const x = Array.from({ length: 40 }, (_, i) => i);
  const y = x.map((v) => (v === 10 ? 11 : v === 11 ? 10 : v));
  const rho = 1 - 12 / (40 * 1599);
  const t = (rho * Math.sqrt(38)) / Math.sqrt(1 - rho * rho);
  const expected = twoSidedTailSmall(t, 38);
  assert.ok(expected > 0 && expected < 1e-60, `reference p = ${expected}`);
  for (const sign of [1, -1]) {
    const r = rankCorrelation(x, y.map((v) => sign * v))!;
    assert.ok(Math.abs(r.rho - sign * rho) < 1e-15, `ρ = ${r.rho}`);
    assert.ok(Math.abs(r.pValue - expected) < 1e-9 * expected, `sign ${sign}: p = ${r.pValue}, reference ${expected}`);
  }
});

test('ties take the mean of their ranks: x = 1, 2, 2, 3 against 1, 3, 2, 4 gives ρ = 3/√10', () => {
  // ranks of x: 1, 2.5, 2.5, 4; deviations −1.5, 0, 0, 1.5 and −1.5, 0.5, −0.5, 1.5: Σ = 4.5, Σx² = 4.5, Σy² = 5
  const r = rankCorrelation([1, 2, 2, 3], [1, 3, 2, 4])!;
  assert.ok(Math.abs(r.rho - 3 / Math.sqrt(10)) < 1e-15, `ρ = ${r.rho}`);
  const t = (r.rho * Math.sqrt(2)) / Math.sqrt(1 - r.rho * r.rho);
  assert.ok(Math.abs(r.pValue - twoSidedTailEvenDf(t, 2)) < 1e-12, `p = ${r.pValue}`);
});

test('perfect order gives ρ = ±1 and p = 0; no association gives ρ = 0 and p = 1', () => {
  assert.equal(rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]), { rho: 1, pValue: 0, n: 4 });
  assert.equal(rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1]), { rho: -1, pValue: 0, n: 4 });
  // ranks 1 2 3 4 against 2 4 1 3: Σd² = 1 + 4 + 4 + 1 = 10 = n(n² − 1)/6, so ρ = 0
  const r = rankCorrelation([1, 2, 3, 4], [2, 4, 1, 3])!;
  assert.ok(Math.abs(r.rho) < 1e-15 && Math.abs(r.pValue - 1) < 1e-12, JSON.stringify(r));
});

test('undefined with fewer than four pairs or a constant sample; refuses unequal lengths and non-finite pairs', () => {
  assert.is(rankCorrelation([1, 2, 3], [1, 3, 2]), null);
  assert.is(rankCorrelation([1, 1, 1, 1], [1, 2, 3, 4]), null);
  assert.is(rankCorrelation([1, 2, 3, 4], [5, 5, 5, 5]), null);
  assert.throws(() => rankCorrelation([1, 2], [1]), (e: Error) => e.message === 'rank correlation: the samples have different lengths, 2 and 1');
  assert.throws(() => rankCorrelation([1, 2, 3, 4], [1, NaN, 3, 4]), (e: Error) => e.message === 'rank correlation: pair 1 is not finite (2, NaN)');
  assert.throws(() => rankCorrelation([1, Infinity, 3, 4], [1, 2, 3, 4]), (e: Error) => e.message === 'rank correlation: pair 1 is not finite (Infinity, 2)');
});

test.run();
