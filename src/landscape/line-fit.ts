/**
 * The least-squares straight line y ≈ a + b·x through points (xᵢ, yᵢ):
 *
 *   b = Sxy / Sxx,   a = ȳ − b·x̄,   R² = Sxy² / (Sxx·Syy),
 *
 * with Sxx = Σ(xᵢ − x̄)², Sxy = Σ(xᵢ − x̄)(yᵢ − ȳ), Syy = Σ(yᵢ − ȳ)². R² is
 * the squared correlation of x and y; when every y is the same the line is
 * exact and R² is 1. The fits of the radius's growth (subspace-training.ts)
 * and of loss against index at critical points (the `reproduce` summaries)
 * are this line on transformed coordinates.
 */
import { mean } from './linalg/vector.js';

export interface LineFit {
  /** a, the value at x = 0. */
  intercept: number;
  /** b. */
  slope: number;
  rSquared: number;
}

/** The least-squares line through (x[i], y[i]); null when there are no two distinct x. */
export function fitLine(x: readonly number[], y: readonly number[]): LineFit | null {
  if (x.length !== y.length) throw new Error(`fitLine: ${x.length} x values but ${y.length} y values`);
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
    syy += (y[i]! - my) ** 2;
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope, rSquared: syy > 0 ? (sxy * sxy) / (sxx * syy) : 1 };
}
