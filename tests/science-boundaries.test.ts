/**
 * Counting at exactly zero, ties and empty inputs — the places where `>` and
 * `>=` give different science and no ordinary input tells them apart.
 *
 * The definitions used (and checked here):
 *   positive fraction   eigenvalues λ > 0 (Fort & Scherlis count positive
 *                       eigenvalues; a zero eigenvalue is flat, not positive);
 *   zone membership     Tr/‖H‖_F strictly above the threshold and positive
 *                       fraction strictly above ½ (a point at the threshold is
 *                       not significant); the longest run wins, the first one
 *                       (smallest radii) on a tie;
 *   Hessian index       eigenvalues below −threshold (1e-5) count as negative;
 *   endpoint kind       critical when ‖∇f‖² < 1e-10, gradient-flat when r > 0.9;
 *   d_int90             the first d whose accuracy is ≥ the threshold.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findZone, logSpace, pairedTTest, summarizeEigenvalues, wilcoxonSignedRank, zoneCriterion, type ZonePoint } from '../src/landscape/index.js';
import { denseOperator } from '../src/landscape/linalg/index.js';
import { endpointKind, operatorIndex } from '../src/landscape/critical/classify.js';
import { intrinsicDimension90, thresholdCrossing } from '../src/landscape/intrinsic-dimension.js';

test('summarizeEigenvalues: zeros are not positive; all zeros give Tr/‖H‖ = 0; empty input is refused', () => {
  const zeros = summarizeEigenvalues([0, 0, 0, 0]);
  assert.equal(zeros, { trace: 0, frobeniusNorm: 0, traceOverNorm: 0, positiveFraction: 0, minEigenvalue: 0, maxEigenvalue: 0 });
  const mixed = summarizeEigenvalues([-1, 0, 0, 2]);
  assert.is(mixed.positiveFraction, 0.25);
  assert.is(mixed.trace, 1);
  assert.is(mixed.frobeniusNorm, Math.sqrt(5));
  assert.is(mixed.minEigenvalue, -1);
  assert.is(mixed.maxEigenvalue, 2);
  // −0 is zero, and the tiniest positive number is positive
  assert.is(summarizeEigenvalues([-0, Number.MIN_VALUE]).positiveFraction, 0.5);
  assert.is(summarizeEigenvalues([5]).traceOverNorm, 1);
  assert.is(summarizeEigenvalues([-5]).traceOverNorm, -1);
  assert.throws(() => summarizeEigenvalues([]), /no eigenvalues/);
  assert.throws(() => summarizeEigenvalues([1, Number.NaN]), /eigenvalue 1 is NaN/);
});

const criterion = zoneCriterion(3, 2); // threshold exactly 1.5
const point = (radius: number, traceOverNorm: number, positiveFraction: number): ZonePoint =>
  ({ radius, radiusRatio: radius / 2, scale: radius / 2, traceOverNorm, positiveFraction }) as ZonePoint;

test('findZone: no points, no point inside, a single point, and points exactly at the thresholds', () => {
  assert.is(criterion.traceOverNormThreshold, 1.5);
  assert.is(findZone([], criterion), null);
  assert.is(findZone([point(1, 0, 0.5), point(2, 1, 0.4)], criterion), null);
  // exactly at the Tr/‖H‖ threshold, or exactly half the eigenvalues positive: not significant
  assert.is(findZone([point(1, 1.5, 0.9)], criterion), null);
  assert.is(findZone([point(1, 3, 0.5)], criterion), null);
  // just above both: significant
  const single = findZone([point(4, 1.5000001, 0.5000001)], criterion)!;
  assert.ok(single);
  assert.equal(single, { lower: 4, upper: 4, lowerRatio: 2, upperRatio: 2, openBelow: true, openAbove: true });
});

test('findZone: the longest run wins; on a tie, the first (smallest radii)', () => {
  const points = [point(1, 0, 0.5), point(2, 3, 0.9), point(4, 0, 0.5), point(8, 3, 0.9), point(16, 0, 0.5)];
  const zone = findZone(points, criterion)!;
  // the run at radius 2, interpolated halfway in value (0 → 3 crosses 1.5 at the middle) on a log scale
  assert.ok(Math.abs(zone.lower - Math.sqrt(2)) < 1e-12, `${zone.lower}`);
  assert.ok(Math.abs(zone.upper - Math.sqrt(8)) < 1e-12, `${zone.upper}`);
  assert.is(zone.openBelow, false);
  assert.is(zone.openAbove, false);
  // a longer run later wins over the first
  const longer = findZone([...points, point(32, 3, 0.9), point(64, 3, 0.9)].map((p, i) => (i === 4 ? point(16, 3, 0.9) : p)), criterion)!;
  assert.ok(Math.abs(longer.lower - Math.sqrt(32)) < 1e-12, `${longer.lower}`);
  assert.is(longer.upper, 64);
  assert.is(longer.openAbove, true);
  // a neighbour exactly at the threshold: the edge is at that neighbour
  const edge = findZone([point(1, 1.5, 0.9), point(10, 2, 0.9)], criterion)!;
  assert.ok(Math.abs(edge.lower - 1) < 1e-12, `${edge.lower}`);
});

test('findZone: a later run longer by one wins over an earlier one that does not start at the first point', () => {
  // runs [1, 1] and [3, 5] (lengths 1 and 3): the second, whatever the first one's position
  const points = [point(1, 0, 0.5), point(2, 3, 0.9), point(4, 0, 0.5), point(8, 3, 0.9), point(16, 3, 0.9), point(32, 3, 0.9), point(64, 0, 0.5)];
  const zone = findZone(points, criterion)!;
  assert.ok(Math.abs(zone.lower - Math.sqrt(32)) < 1e-12, `${zone.lower}`);
  assert.ok(Math.abs(zone.upper - Math.sqrt(32 * 64)) < 1e-12, `${zone.upper}`);
});

test('findZone: a neighbour outside only by its positive fraction, with the same Tr/‖H‖: the edge is halfway (log scale)', () => {
  const zone = findZone([point(1, 3, 0.4), point(4, 3, 0.9), point(16, 3, 0.5)], criterion)!;
  assert.ok(Math.abs(zone.lower - 2) < 1e-12, `${zone.lower}`);
  assert.ok(Math.abs(zone.upper - 8) < 1e-12, `${zone.upper}`);
});

test('logSpace: the scan grid, endpoints included; bad ranges refused', () => {
  const grid = logSpace(0.01, 100, 5);
  [0.01, 0.1, 1, 10, 100].forEach((v, i) => assert.ok(Math.abs(grid[i]! - v) < 1e-12 * v, `${grid[i]} vs ${v}`));
  assert.is(grid.length, 5);
  const two = logSpace(2, 8, 2);
  assert.is(two.length, 2);
  assert.ok(Math.abs(two[0]! - 2) < 1e-15 && Math.abs(two[1]! - 8) < 1e-14);
  assert.ok(Math.abs(logSpace(1, 4, 3)[1]! - 2) < 1e-15);
  for (const [min, max, count] of [[0, 1, 3], [-1, 1, 3], [1, 1, 3], [2, 1, 3], [1, 2, 1], [1, 2, 2.5]] as const) {
    assert.throws(() => logSpace(min, max, count), /logSpace: need 0 < min < max and count ≥ 2/, `${min}, ${max}, ${count}`);
  }
});

test('Hessian index: eigenvalues at exactly −threshold and at zero are not negative', () => {
  const diagonal = (values: number[]): Float64Array => {
    const n = values.length;
    const m = new Float64Array(n * n);
    values.forEach((v, i) => (m[i * n + i] = v));
    return m;
  };
  const index = operatorIndex(denseOperator(diagonal([-1, -1e-5, 0, -0, 2, -2e-5])));
  assert.is(index.negativeCount, 2);
  assert.is(index.fraction, 2 / 6);
  assert.is(index.minEigenvalue, -1);
  assert.is(operatorIndex(denseOperator(diagonal([0, 0, 0]))).negativeCount, 0);
});

test('endpoint kind at its thresholds: ‖∇f‖² = 1e-10 is not critical; r = 0.9 is not gradient-flat', () => {
  assert.is(endpointKind(0, 0), 'critical');
  assert.is(endpointKind(9.999e-11, 1), 'critical');
  assert.is(endpointKind(1e-10, 0.95), 'gradient-flat');
  assert.is(endpointKind(1e-10, 0.9), 'neither');
  assert.is(endpointKind(1, 0.9000001), 'gradient-flat');
});

test('d_int90: an accuracy exactly at the threshold counts; interpolation and the never-reached case', () => {
  const points = [{ subspaceDim: 10, accuracy: 0.5 }, { subspaceDim: 20, accuracy: 0.9 }, { subspaceDim: 40, accuracy: 0.95 }];
  const { absolute, trainedBaseline } = intrinsicDimension90(points, { baselineAccuracy: 1 });
  assert.is(absolute.threshold, 0.9);
  assert.is(absolute.firstDim, 20);
  assert.is(absolute.interpolatedDim, 20); // t = (0.9 − 0.5)/(0.9 − 0.5) = 1
  assert.is(absolute.bracketed, true);
  assert.equal(trainedBaseline, { ...absolute, convention: 'trained-baseline' });
  // baseline 0.8: threshold 0.72, crossed between 10 and 20 at 10 + 10·(0.22/0.4) = 15.5
  const crossing = thresholdCrossing(points, 0.8, 'trained-baseline');
  assert.ok(Math.abs(crossing.threshold - 0.72) < 1e-15);
  assert.ok(Math.abs(crossing.interpolatedDim! - 15.5) < 1e-12, `${crossing.interpolatedDim}`);
  const never = thresholdCrossing([{ subspaceDim: 5, accuracy: 0.3 }], 1, 'absolute');
  assert.equal([never.firstDim, never.interpolatedDim, never.bracketed], [null, null, false]);
  const first = thresholdCrossing([{ subspaceDim: 5, accuracy: 0.9 }, { subspaceDim: 9, accuracy: 0.2 }], 1, 'absolute');
  assert.equal([first.firstDim, first.interpolatedDim, first.bracketed], [5, 5, false]);
  assert.throws(() => thresholdCrossing([], 1, 'absolute'), /empty/);
});

test('paired tests with nothing to test: one pair, zero variance, all differences zero', () => {
  assert.is(pairedTTest([1], [2]).pValue, null);
  const constant = pairedTTest([2, 3, 4], [1, 2, 3]);
  assert.equal([constant.statistic, constant.pValue, constant.meanDifference], [null, null, 1]);
  const zero = wilcoxonSignedRank([1, 2], [1, 2]);
  assert.equal([zero.n, zero.statistic, zero.pValue], [0, null, null]);
  // zero differences are dropped before ranking: n counts the non-zero ones
  assert.is(wilcoxonSignedRank([1, 2, 3, 4], [1, 1, 1, 1]).n, 3);
});

test.run();
