/**
 * Hutchinson's estimators at the unit level, with values worked out by hand:
 * the standard error of a sample (s/√N with the N − 1 sample variance), the
 * number of probes actually used, the refusal of a probe count that is not a
 * positive integer, and the zero operator (an exact 0 ± 0, not 0/0). The
 * error bars' agreement with the spread over seeds is in
 * science-error-bars.test.ts; these were mutants of
 * src/landscape/linalg/hutchinson.ts that the statistical test cannot see
 * (a few-percent change) — see tests/README.md.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countingOperator } from '../src/landscape/index.js';
import {
  denseOperator, hutchinsonFrobeniusNorm, hutchinsonFrobeniusSquared, hutchinsonTrace, summarizeSamples,
} from '../src/landscape/linalg/index.js';

test('summarizeSamples: mean and s/√N with the sample (N − 1) variance, by hand', () => {
  // 1, 2, 3, 4: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, s² = 5/3, SE = √(5/3)/2
  const s = summarizeSamples(Float64Array.of(1, 2, 3, 4));
  assert.is(s.estimate, 2.5);
  assert.ok(Math.abs(s.standardError - Math.sqrt(5 / 3) / 2) < 1e-15, `${s.standardError}`);
  // 10, 10, 16: mean 12, deviations² 4 + 4 + 16 = 24, s² = 12, SE = √(12/3) = 2
  assert.ok(Math.abs(summarizeSamples(Float64Array.of(10, 10, 16)).standardError - 2) < 1e-15);
  // one sample: no spread to measure
  assert.ok(Number.isNaN(summarizeSamples(Float64Array.of(7)).standardError));
});

test('N probes give N samples from N products; a probe count that is not a positive integer is refused', () => {
  const op = denseOperator(Float64Array.of(2, 1, 1, 3));
  // 1, 2, 7 fit in one block of probes; 20, 45 fill one block and two plus a partial one
  for (const probes of [1, 2, 7, 20, 45]) {
    const counted = countingOperator(op);
    assert.is(hutchinsonTrace(counted, { probes }).samples.length, probes);
    assert.is(counted.products(), probes);
    assert.is(hutchinsonFrobeniusSquared(op, { probes, seed: 3 }).samples.length, probes);
  }
  for (const probes of [0, -1, 2.5]) assert.throws(() => hutchinsonTrace(op, { probes }), new RegExp(`^Hutchinson: probes must be a positive integer, got ${probes}$`));
});

test('the zero operator: trace and Frobenius norm 0 ± 0', () => {
  const zero = denseOperator(new Float64Array(9));
  const fro = hutchinsonFrobeniusNorm(zero, { probes: 5 });
  assert.equal([fro.estimate, fro.standardError], [0, 0]);
  const trace = hutchinsonTrace(zero, { probes: 5 });
  assert.equal([trace.estimate, trace.standardError], [0, 0]);
});

test('a diagonal matrix: every Rademacher probe gives the trace exactly, and ‖Az‖² = ‖A‖_F²', () => {
  const op = denseOperator(Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 0.5));
  const trace = hutchinsonTrace(op, { probes: 6, seed: 9 });
  assert.ok(trace.samples.every((v) => v === 2.5));
  assert.equal([trace.estimate, trace.standardError], [2.5, 0]);
  const fro = hutchinsonFrobeniusNorm(op, { probes: 4 });
  assert.ok(Math.abs(fro.estimate - Math.sqrt(10.25)) < 1e-15);
  assert.is(fro.standardError, 0);
});

test.run();
