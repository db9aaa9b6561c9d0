/**
 * Spearman's rank correlation, with its test of no association.
 *
 * Replace each sample by its ranks (ties get the mean of the ranks they
 * span) and take Pearson's correlation of the ranks:
 *
 *   ρ = Σ (r_i − r̄)(s_i − s̄) / √(Σ (r_i − r̄)² · Σ (s_i − s̄)²).
 *
 * Without ties this equals 1 − 6·Σ d_i² / (n(n² − 1)), d_i = r_i − s_i. It
 * measures whether y rises with x at all, not whether it rises linearly, so
 * one large outlier cannot make or break it.
 *
 * The p-value tests ρ = 0 (two-sided) with the t approximation
 * t = ρ·√(n − 2)/√(1 − ρ²) on n − 2 degrees of freedom, the usual choice
 * when there are ties or n is more than a handful (R's `cor.test(method =
 * "spearman", exact = FALSE)`). Ranks and the test come from the maintained
 * stdlib packages @stdlib/stats-ranks and @stdlib/stats-pcorrtest.
 */
import type pcorrtestFunction from '@stdlib/stats-pcorrtest';
import type ranksFunction from '@stdlib/stats-ranks';
import { lazyDependency } from './lazy-dependency.js';

const pcorrtest = lazyDependency<typeof pcorrtestFunction>('@stdlib/stats-pcorrtest');
const ranks = lazyDependency<typeof ranksFunction>('@stdlib/stats-ranks');

export interface RankCorrelation {
  /** Spearman's ρ, in [−1, 1]. */
  rho: number;
  /** Two-sided p-value of ρ = 0 (t approximation). */
  pValue: number;
  /** How many pairs. */
  n: number;
}

/** Spearman's ρ of the pairs (x_i, y_i) and its p-value; null with fewer than 4 pairs or when either sample is constant. */
export function rankCorrelation(x: readonly number[], y: readonly number[]): RankCorrelation | null {
  if (x.length !== y.length) throw new Error(`rank correlation: the samples have different lengths, ${x.length} and ${y.length}`);
  x.forEach((v, i) => {
    if (!Number.isFinite(v) || !Number.isFinite(y[i]!)) throw new Error(`rank correlation: pair ${i} is not finite (${v}, ${y[i]})`);
  });
  if (x.length < 4) return null;
  if (x.every((v) => v === x[0]) || y.every((v) => v === y[0])) return null;
  const xRanks = ranks()([...x]);
  const result = pcorrtest()(xRanks, ranks()([...y]), { alternative: 'two-sided' });
  // The library takes a positive t's tail as 1 − CDF(t), which is 0 once the
  // tail is below 1e-16; the tail is the same on the negative side, where it
  // comes from CDF(−t) directly. So for ρ > 0 the p-value is read from the
  // same test with y's order reversed (ρ → −ρ).
  const pValue = result.pcorr > 0 ? pcorrtest()(xRanks, ranks()(y.map((v) => -v)), { alternative: 'two-sided' }).pValue : result.pValue;
  return { rho: result.pcorr, pValue: Math.min(1, pValue), n: x.length };
}
