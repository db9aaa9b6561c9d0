/**
 * Checks for exercise 17: the zone criterion. A radius is in the zone when
 * the mean Tr(H)/‖H‖_F over the repeats exceeds z standard errors of the
 * same statistic for a random symmetric (GOE) matrix, z·√(2/(d+1))/√repeats,
 * and more than half the eigenvalues are positive.
 */
import { Random } from '../../../src/autodiff/index.js';
import { zoneCriterion } from '../../../src/landscape/index.js';
import { expectClose, type ExerciseCheck } from '../check.js';

/** The sample standard deviation of Tr(A)/‖A‖_F over `count` GOE matrices A = (G + Gᵀ)/2 of size d. */
function goeTraceOverNormStd(d: number, count: number, rng: Random): number {
  const values: number[] = [];
  for (let s = 0; s < count; s++) {
    const g = Array.from({ length: d * d }, () => rng.normal());
    let trace = 0;
    let squares = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const a = (g[i * d + j]! + g[j * d + i]!) / 2;
        squares += a * a;
        if (i === j) trace += a;
      }
    }
    values.push(trace / Math.sqrt(squares));
  }
  const mean = values.reduce((a, b) => a + b, 0) / count;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (count - 1));
}

export const checks: ExerciseCheck[] = [
  {
    name: 'the threshold is z·√(2/(d+1))/√repeats',
    run: () => {
      expectClose('threshold for d = 20, one repeat, z = 3', zoneCriterion(20, 1).traceOverNormThreshold, 3 * Math.sqrt(2 / 21), 1e-14);
      expectClose('threshold for d = 10, 4 repeats, z = 2', zoneCriterion(10, 4, 2).traceOverNormThreshold, (2 * Math.sqrt(2 / 11)) / 2, 1e-14);
      expectClose('the positive-fraction threshold', zoneCriterion(10, 4).positiveFractionThreshold, 0.5, 0);
    },
  },
  {
    name: 'the threshold matches the spread of Tr/‖·‖_F over random symmetric matrices',
    run: () => {
      const d = 8;
      const measured = goeTraceOverNormStd(d, 4000, new Random(7));
      // 4000 samples estimate a standard deviation to about 1.1 %; allow 5 %.
      expectClose('threshold / z for d = 8 against the measured spread of 4000 GOE matrices', zoneCriterion(d, 1, 1).traceOverNormThreshold, measured, 0.05 * measured);
    },
  },
];
