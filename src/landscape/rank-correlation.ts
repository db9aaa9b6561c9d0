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
  const result = pcorrtest()(ranks()([...x]), ranks()([...y]), { alternative: 'two-sided' });
  return { rho: result.pcorr, pValue: Math.min(1, result.pValue), n: x.length };
}
