/**
 * Checks for exercise 19: Hutchinson's estimator Tr(A) ≈ mean of zᵀAz over
 * Rademacher probes z. For a diagonal A every probe gives the exact trace
 * (z_i² = 1); in general one probe has variance 2 Σ_{i≠j} A_ij².
 */
import { hutchinsonTrace } from '../../../src/landscape/linalg/index.js';
import { expectAllClose, expectClose, expectTrue, type ExerciseCheck } from '../check.js';

const A = [
  [4, 1, 0, -2],
  [1, 3, 0.5, 0],
  [0, 0.5, -1, 1],
  [-2, 0, 1, 2],
];
const op = { dim: 4, apply: (v: Float64Array): Float64Array => Float64Array.from(A.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0))) };
const trace = 4 + 3 - 1 + 2;
const offDiagonalSquares = A.reduce((s, row, i) => s + row.reduce((t, a, j) => t + (i === j ? 0 : a * a), 0), 0);

export const checks: ExerciseCheck[] = [
  {
    name: 'a diagonal matrix: every probe gives the exact trace',
    run: () => {
      const diag = [2, -1, 5, 0.5, 3];
      const estimate = hutchinsonTrace({ dim: 5, apply: (v) => v.map((x, i) => diag[i]! * x) }, { probes: 10, seed: 1 });
      expectAllClose('the ten samples zᵀAz', estimate.samples, new Array<number>(10).fill(9.5), 1e-14);
      expectClose('the estimate', estimate.estimate, 9.5, 1e-14);
    },
  },
  {
    name: 'a general symmetric matrix: unbiased, with the right standard error',
    run: () => {
      const probes = 4000;
      const estimate = hutchinsonTrace(op, { probes, seed: 2 });
      const trueError = Math.sqrt((2 * offDiagonalSquares) / probes);
      expectTrue(`the estimate is within 4 standard errors (${(4 * trueError).toFixed(3)}) of Tr(A) = ${trace}`, Math.abs(estimate.estimate - trace) < 4 * trueError, `${estimate.estimate}`);
      expectClose('the reported standard error against √(2 Σ_{i≠j} A_ij² / N)', estimate.standardError, trueError, 0.1 * trueError);
      expectTrue('one sample per probe', estimate.samples.length === probes, `${estimate.samples.length} samples`);
    },
  },
];
