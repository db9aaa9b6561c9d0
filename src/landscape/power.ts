/**
 * The power of a paired t-test: how likely it is to find an effect that is
 * really there, and the smallest effect it can find reliably.
 *
 * A paired test on n pairs looks at the differences Δ_i. Its effect size is
 * Cohen's d_z = mean(Δ) / sd(Δ), and its statistic t = d_z·√n. Under "no
 * effect" t follows Student's t with n − 1 degrees of freedom; the two-sided
 * test at level α rejects when |t| > c = t_{1−α/2, n−1}. Under an effect of
 * size δ, t follows the non-central t distribution with non-centrality
 * δ·√n, so
 *
 *   power(δ, n) = 1 − F(c; n − 1, δ√n) + F(−c; n − 1, δ√n),
 *
 * F the non-central t CDF (jStat's, which agrees with SciPy's to five
 * digits), and power(0, n) = α exactly. The minimum detectable effect at
 * power 1 − β is the δ that solves power(δ, n) = 1 − β (by bisection: power
 * grows with |δ|).
 *
 * A test that found nothing says little unless δ_min is small compared with
 * the effects that matter; that is why an experiment reports it.
 */
import { lazyDependency } from './lazy-dependency.js';
import { mean, sampleStandardDeviation } from './linalg/vector.js';

/** The part of jStat used here (the package ships no types). */
interface JStat {
  studentt: { inv(p: number, df: number): number };
  noncentralt: { cdf(x: number, df: number, ncp: number): number };
}
const jstat = lazyDependency<{ jStat: JStat }>('jstat');

function checkPairs(n: number, alpha: number): void {
  if (!Number.isInteger(n) || n < 2) throw new Error(`paired t-test power: needs at least 2 pairs, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`paired t-test power: alpha must lie in (0, 1), got ${alpha}`);
}

/** Power of the two-sided paired t-test at level alpha on n pairs against an effect of size d_z = effectSize. */
export function pairedTTestPower(n: number, effectSize: number, alpha = 0.05): number {
  checkPairs(n, alpha);
  const { jStat } = jstat();
  const df = n - 1;
  const c = jStat.studentt.inv(1 - alpha / 2, df);
  const ncp = Math.abs(effectSize) * Math.sqrt(n);
  if (ncp === 0) return alpha;
  return 1 - jStat.noncentralt.cdf(c, df, ncp) + jStat.noncentralt.cdf(-c, df, ncp);
}

/** The smallest d_z the two-sided paired t-test on n pairs finds with probability `power` at level alpha. */
export function minimumDetectableEffect(n: number, power = 0.8, alpha = 0.05): number {
  checkPairs(n, alpha);
  if (!(power > alpha && power < 1)) throw new Error(`paired t-test power: power must lie in (alpha, 1), got ${power}`);
  let lo = 0;
  let hi = 1;
  while (pairedTTestPower(n, hi, alpha) < power) hi *= 2;
  for (let i = 0; i < 60 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (pairedTTestPower(n, mid, alpha) < power) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Cohen's d_z of paired samples: mean(a − b) / sd(a − b) (sd with n − 1); null when it is undefined. */
export function pairedEffectSize(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  if (n !== b.length) throw new Error(`paired effect size: the samples have different lengths, ${a.length} and ${b.length}`);
  if (n < 2) return null;
  const d = a.map((v, i) => v - b[i]!);
  const sd = sampleStandardDeviation(d);
  return sd > 0 ? mean(d) / sd : null;
}
