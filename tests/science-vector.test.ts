/**
 * The BLAS-1 helpers and the batching helpers of linalg/vector.ts on small
 * literal vectors: every expected value is exact (small integers and
 * halves), every refusal's message is checked, and the edge cases (no
 * vectors, a single one, the mean of nothing) are pinned down.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyToEach, axpy, copy, dot, mean, norm, sampleStandardDeviation, scale, splitVectors, stackVectors, type LinearOperator } from '../src/landscape/linalg/vector.js';

function throwsWith(f: () => unknown, message: string): void {
  assert.throws(f, (e: Error) => e.message === message, `expected the message "${message}"`);
}

test('stackVectors lays vectors end to end; splitVectors takes them apart (copies); lengths must agree', () => {
  const stacked = stackVectors([Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)]);
  assert.equal(Array.from(stacked), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(stackVectors([])), []);
  assert.equal(Array.from(stackVectors([Float64Array.of(7)])), [7]);
  throwsWith(() => stackVectors([Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(5)]), 'stackVectors: vector 2 has length 1, vector 0 has 2');
  const parts = splitVectors(stacked, 3);
  assert.equal(parts.map((p) => Array.from(p)), [[1, 2], [3, 4], [5, 6]]);
  parts[0]![0] = 99;
  assert.is(stacked[0], 1, 'copies, not views');
  assert.equal(splitVectors(stacked, 1).map((p) => Array.from(p)), [[1, 2, 3, 4, 5, 6]]);
  assert.equal(splitVectors(new Float64Array(0), 0), []);
  assert.equal(splitVectors(new Float64Array(0), 2).map((p) => Array.from(p)), [[], []]);
});

test('applyToEach: one applyMany call where the operator has it, apply on each where it does not', () => {
  const calls: string[] = [];
  const double = (v: Float64Array): Float64Array => Float64Array.from(v, (x) => 2 * x);
  const plain: LinearOperator = { dim: 2, apply: (v) => (calls.push('apply'), double(v)) };
  const batched: LinearOperator = { ...plain, applyMany: (vs) => (calls.push(`applyMany ${vs.length}`), vs.map(double)) };
  const vs = [Float64Array.of(1, 2), Float64Array.of(3, 4)];
  assert.equal(applyToEach(plain, vs).map((v) => Array.from(v)), [[2, 4], [6, 8]]);
  assert.equal(calls, ['apply', 'apply']);
  calls.length = 0;
  assert.equal(applyToEach(batched, vs).map((v) => Array.from(v)), [[2, 4], [6, 8]]);
  assert.equal(calls, ['applyMany 2']);
});

test('sampleStandardDeviation: √(Σ(x − x̄)²/(n − 1)) by hand; 0 for fewer than two numbers', () => {
  // mean 5, Σ(x − 5)² = 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32, over n − 1 = 7
  assert.is(sampleStandardDeviation([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  assert.is(sampleStandardDeviation(Float64Array.of(1, 3)), Math.sqrt(2));
  assert.is(sampleStandardDeviation([3]), 0);
  assert.is(sampleStandardDeviation([]), 0);
});

test('mean, dot, norm, axpy, scale, copy on literal vectors; length mismatches refused with both lengths', () => {
  assert.is(mean([1, 2, 3, 6]), 3);
  assert.is(mean(Float64Array.of(-0.5)), -0.5);
  assert.ok(Number.isNaN(mean([])), 'the mean of no numbers is NaN');
  assert.is(dot(Float64Array.of(1, 2, 3), Float64Array.of(4, -5, 0.5)), -4.5);
  assert.is(dot(new Float64Array(0), new Float64Array(0)), 0);
  throwsWith(() => dot(Float64Array.of(1, 2), Float64Array.of(1)), 'dot: length mismatch 2 vs 1');
  assert.is(norm(Float64Array.of(0, -3, 4)), 5);
  const y = Float64Array.of(1, 1, 1);
  assert.is(axpy(-0.5, Float64Array.of(2, 4, 6), y), y, 'in place');
  assert.equal(Array.from(y), [0, -1, -2]);
  throwsWith(() => axpy(1, Float64Array.of(1), Float64Array.of(1, 2)), 'axpy: length mismatch 1 vs 2');
  const x = Float64Array.of(1, -2);
  assert.is(scale(3, x), x, 'in place');
  assert.equal(Array.from(x), [3, -6]);
  const c = copy(x);
  assert.equal(Array.from(c), [3, -6]);
  assert.is.not(c, x);
});

test.run();
