/**
 * The dense symmetric eigen-solver's adapter (symmetric-eigen.ts) on
 * matrices whose eigen-decomposition is known in closed form.
 *
 *   diag(d): the eigenvalues are the entries, sorted; the eigenvectors are
 *     the unit vectors eᵢ (their one non-zero entry is positive).
 *   [[a, b], [b, c]]: λ = (a + c)/2 ∓ √(((a − c)/2)² + b²); for a = c the
 *     eigenvectors are (1, ∓1)/√2 (times the sign of b for the first).
 *   R diag(λ) Rᵀ for a rotation R: the eigenvectors are R's columns.
 *
 * The sign convention (each eigenvector's largest-magnitude entry positive;
 * on a tie in magnitude, the first such entry) makes the vectors unique for
 * simple eigenvalues, so they are compared entry by entry. The symmetry check,
 * its tolerance, its three modes and its messages, and the input formats with
 * their refusals, are checked on 2×2 matrices worked out by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkSymmetric,
  denseOperator,
  relativeAsymmetry,
  symmetricEigen,
  toRowMajor,
} from '../src/landscape/linalg/symmetric-eigen.js';

/** Entry-by-entry comparison within `tolerance`. */
function close(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Runs f with console.warn captured; returns f's result and the warnings. */
function withWarnings<T>(f: () => T): { result: T; warnings: string[] } {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    return { result: f(), warnings };
  } finally {
    console.warn = warn;
  }
}

const r = Math.SQRT1_2; // 1/√2, correctly rounded

// ---------------------------------------------------------------------------
// Input formats
// ---------------------------------------------------------------------------

test('toRowMajor: rows and row-major data give the same copy; non-square inputs refused, naming the length', () => {
  const fromRows = toRowMajor([[1, 2], [3, 4]]);
  assert.is(fromRows.n, 2);
  assert.equal(Array.from(fromRows.data), [1, 2, 3, 4]);
  const flat = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
  const fromFlat = toRowMajor(flat);
  assert.is(fromFlat.n, 3);
  assert.equal(Array.from(fromFlat.data), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  fromFlat.data[0] = 99;
  assert.is(flat[0], 1, 'a copy, not the input');
  assert.is(toRowMajor(new Float64Array(0)).n, 0);
  assert.is(toRowMajor([]).n, 0);
  assert.throws(() => toRowMajor(new Float64Array(5)), (e: Error) => e.message === 'toRowMajor: length 5 is not a perfect square');
  assert.throws(() => toRowMajor(new Float64Array(8)), /length 8 is not a perfect square/);
  assert.throws(() => toRowMajor([[1, 2], [3]]), (e: Error) => e.message === 'toRowMajor: row 1 has length 1, expected 2');
  assert.throws(() => toRowMajor([[1, 2, 3], [4, 5, 6]]), /row 0 has length 3, expected 2/);
});

// ---------------------------------------------------------------------------
// The symmetry check
// ---------------------------------------------------------------------------

test('relativeAsymmetry: ‖A − Aᵀ‖_F / ‖A‖_F by hand; 0 for symmetric and for zero matrices', () => {
  // [[0, 1], [0, 0]]: A − Aᵀ has entries ±1 off the diagonal, ‖·‖_F = √2; ‖A‖_F = 1
  assert.is(relativeAsymmetry([[0, 1], [0, 0]]), Math.SQRT2);
  // [[1, 2], [0, 3]]: ‖A − Aᵀ‖²_F = 2·2² = 8, ‖A‖²_F = 1 + 4 + 9 = 14
  assert.ok(Math.abs(relativeAsymmetry([[1, 2], [0, 3]]) - Math.sqrt(8 / 14)) < 1e-16);
  assert.is(relativeAsymmetry([[1, 2], [2, 3]]), 0);
  assert.is(relativeAsymmetry([[0, 0], [0, 0]]), 0, 'the zero matrix is symmetric, not 0/0');
  assert.is(relativeAsymmetry([]), 0);
});

test('checkSymmetric: default tolerance 1e-8, inclusive; throw, warn and ignore modes with their messages', () => {
  // [[1, 1 + ε], [1, 1]]: ‖A − Aᵀ‖_F = √2·ε, ‖A‖_F ≈ 2, so the asymmetry is ≈ ε/√2
  const slightly = (epsilon: number): number[][] => [[1, 1 + epsilon], [1, 1]];
  assert.ok(checkSymmetric(slightly(1.2e-8)) < 1e-8, 'ε/√2 ≈ 0.85e-8 passes the default');
  assert.throws(() => checkSymmetric(slightly(1.6e-8)), /not symmetric/, 'ε/√2 ≈ 1.13e-8 does not');
  // exactly at the tolerance: accepted
  const a = [[1, 2], [0, 3]];
  const asymmetry = relativeAsymmetry(a);
  assert.is(checkSymmetric(a, { tolerance: asymmetry }), asymmetry);
  assert.throws(() => checkSymmetric(a, { tolerance: asymmetry * (1 - 1e-15) }));
  // the message: the measured asymmetry (4 significant digits) and the tolerance
  assert.throws(
    () => checkSymmetric([[0, 1], [0, 0]]),
    (e: Error) => e.message === 'matrix is not symmetric: ‖A − Aᵀ‖_F / ‖A‖_F = 1.414e+0 > 1e-8',
  );
  assert.throws(() => checkSymmetric([[0, 1], [0, 0]], { tolerance: 0.5, onAsymmetry: 'throw' }), / > 0\.5$/);
  // warn: one warning with the same text, and the asymmetry returned
  const warned = withWarnings(() => checkSymmetric([[0, 1], [0, 0]], { onAsymmetry: 'warn' }));
  assert.is(warned.result, Math.SQRT2);
  assert.equal(warned.warnings, ['symmetric-eigen: matrix is not symmetric: ‖A − Aᵀ‖_F / ‖A‖_F = 1.414e+0 > 1e-8']);
  // ignore: silent, the asymmetry returned
  const ignored = withWarnings(() => checkSymmetric([[0, 1], [0, 0]], { onAsymmetry: 'ignore' }));
  assert.is(ignored.result, Math.SQRT2);
  assert.equal(ignored.warnings, []);
  // a symmetric matrix: no warning in warn mode
  assert.equal(withWarnings(() => checkSymmetric([[1, 2], [2, 1]], { onAsymmetry: 'warn' })).warnings, []);
  // NaN is never within a tolerance
  assert.throws(() => checkSymmetric([[1, NaN], [NaN, 1]]), /= NaN > 1e-8/);
});

// ---------------------------------------------------------------------------
// Known spectra
// ---------------------------------------------------------------------------

test('symmetricEigen of a diagonal matrix: the entries sorted, unit vectors eᵢ, zero and negative entries included', () => {
  const { values, vectors } = symmetricEigen([
    [3, 0, 0, 0],
    [0, -1, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 2],
  ]);
  assert.equal(Array.from(values), [-1, 0, 2, 3]);
  assert.equal(vectors.map((v) => Array.from(v)), [
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
    [1, 0, 0, 0],
  ]);
  // diag(4, 1): the solver's own order is not the answer's
  const swapped = symmetricEigen(Float64Array.of(4, 0, 0, 1));
  assert.equal(Array.from(swapped.values), [1, 4]);
  assert.equal(swapped.vectors.map((v) => Array.from(v)), [[0, 1], [1, 0]]);
});

test('symmetricEigen of 2×2 matrices in closed form; the sign convention, ties in magnitude going to the first entry', () => {
  // [[2, 1], [1, 2]]: λ = 2 ∓ 1, vectors (1, −1)/√2 and (1, 1)/√2
  const a = symmetricEigen([[2, 1], [1, 2]]);
  close(a.values, [1, 3], 5e-16, '[[2,1],[1,2]] values');
  close(a.vectors[0]!, [r, -r], 1.2e-16, 'λ = 1');
  close(a.vectors[1]!, [r, r], 1.2e-16, 'λ = 3');
  // [[2, −1], [−1, 2]]: λ = 1 for (1, 1)/√2, λ = 3 for (1, −1)/√2 (the solver returns both negated)
  const b = symmetricEigen([[2, -1], [-1, 2]]);
  close(b.values, [1, 3], 5e-16, '[[2,-1],[-1,2]] values');
  close(b.vectors[0]!, [r, r], 1.2e-16, 'λ = 1');
  close(b.vectors[1]!, [r, -r], 1.2e-16, 'λ = 3');
  // [[0, 1], [1, 0]]: λ = ∓1
  const c = symmetricEigen([[0, 1], [1, 0]]);
  close(c.values, [-1, 1], 2.3e-16, '[[0,1],[1,0]] values');
  close(c.vectors[0]!, [r, -r], 1.2e-16, 'λ = −1');
  close(c.vectors[1]!, [r, r], 1.2e-16, 'λ = 1');
  // [[a, b], [b, c]] with a ≠ c: [[3, 2], [2, 0]] has λ = 3/2 ∓ 5/2 = −1, 4 and vectors (1, −2)/√5, (2, 1)/√5
  const d = symmetricEigen([[3, 2], [2, 0]]);
  close(d.values, [-1, 4], 1e-15, '[[3,2],[2,0]] values');
  const s5 = Math.sqrt(5);
  close(d.vectors[0]!, [-1 / s5, 2 / s5], 5e-16, 'λ = −1'); // largest entry −2/√5 made positive
  close(d.vectors[1]!, [2 / s5, 1 / s5], 5e-16, 'λ = 4');
});

test('symmetricEigen of R diag(λ) Rᵀ: the rotation\'s columns, sign-fixed, unit length to rounding', () => {
  // R rotates the (x, y) plane by the angle with cos 3/5, sin 4/5, and the (y, z) plane of the result by cos 5/13, sin 12/13
  const c1 = 3 / 5;
  const s1 = 4 / 5;
  const c2 = 5 / 13;
  const s2 = 12 / 13;
  // R = R₂ R₁ with R₁ = [[c1, −s1, 0], [s1, c1, 0], [0, 0, 1]], R₂ = [[1, 0, 0], [0, c2, −s2], [0, s2, c2]]
  const R = [
    [c1, -s1, 0],
    [c2 * s1, c2 * c1, -s2],
    [s2 * s1, s2 * c1, c2],
  ];
  const lambda = [5, -2, 0.5];
  const A = [0, 1, 2].map((i) => [0, 1, 2].map((j) => lambda.reduce((sum, l, k) => sum + R[i]![k]! * l * R[j]![k]!, 0)));
  for (let i = 0; i < 3; i++) for (let j = 0; j < i; j++) A[i]![j] = A[j]![i]!; // exactly symmetric
  const { values, vectors } = symmetricEigen(A);
  close(values, [-2, 0.5, 5], 1e-14, 'values');
  // eigenvector of λ_k is R's column k, negated where its largest-magnitude entry is negative
  const column = (k: number): number[] => R.map((row) => row[k]!);
  const signFixed = (v: number[]): number[] => {
    const largest = v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    return largest < 0 ? v.map((x) => -x) : v;
  };
  // column 1 = (−4/5, 15/65, 36/65): largest −0.8, so negated; column 2 = (0, −12/13, 5/13): negated;
  // column 0 = (3/5, 20/65, 48/65): largest 48/65 > 0, kept
  close(vectors[0]!, signFixed(column(1)), 1e-14, 'λ = −2');
  close(vectors[1]!, signFixed(column(2)), 1e-14, 'λ = 0.5');
  close(vectors[2]!, signFixed(column(0)), 1e-14, 'λ = 5');
  assert.ok(vectors[0]![0]! > 0 && vectors[1]![1]! > 0 && vectors[2]![2]! > 0);
  for (const v of vectors) assert.ok(Math.abs(v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2 - 1) <= 4.5e-16, 'unit length to two ulps');
});

test('symmetricEigen with repeated and zero eigenvalues: an orthonormal basis of each eigenspace', () => {
  // the identity and the zero matrix: e₁, e₂, e₃ (no 0/0 for the zero matrix)
  for (const scale of [1, 0]) {
    const { values, vectors } = symmetricEigen([[scale, 0, 0], [0, scale, 0], [0, 0, scale]]);
    assert.equal(Array.from(values), [scale, scale, scale]);
    assert.equal(vectors.map((v) => Array.from(v)), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  }
  // the all-ones 3×3 matrix: eigenvalues 0, 0, 3; (1, 1, 1)/√3 for 3, and two orthonormal vectors with zero sum for 0
  const ones = symmetricEigen([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  close(ones.values, [0, 0, 3], 1e-15, 'all-ones values');
  const third = 1 / Math.sqrt(3);
  close(ones.vectors[2]!, [third, third, third], 1e-15, 'λ = 3');
  for (let i = 0; i < 3; i++) {
    const v = ones.vectors[i]!;
    for (let j = 0; j < 3; j++) {
      const w = ones.vectors[j]!;
      const product = v[0]! * w[0]! + v[1]! * w[1]! + v[2]! * w[2]!;
      assert.ok(Math.abs(product - (i === j ? 1 : 0)) < 1e-15, `⟨q${i}, q${j}⟩ = ${product}`);
    }
    if (i < 2) assert.ok(Math.abs(v[0]! + v[1]! + v[2]!) < 1e-15, 'in the zero eigenspace');
  }
  // a 0×0 matrix has no eigenpairs
  const empty = symmetricEigen([]);
  assert.is(empty.values.length, 0);
  assert.equal(empty.vectors, []);
});

test('symmetricEigen solves the symmetric part of an asymmetric matrix when told to ignore or warn', () => {
  // [[1, 2], [0, 3]] → (A + Aᵀ)/2 = [[1, 1], [1, 3]]: λ = 2 ∓ √2
  const ignored = withWarnings(() => symmetricEigen([[1, 2], [0, 3]], { onAsymmetry: 'ignore' }));
  assert.equal(ignored.warnings, []);
  close(ignored.result.values, [2 - Math.SQRT2, 2 + Math.SQRT2], 1e-15, 'values');
  // eigenvector of 2 ∓ √2: (1, ∓√2 + 1)… normalised: (1 + √2, −1) and (1, 1 + √2) over √(4 + 2√2)
  const norm = Math.sqrt(4 + 2 * Math.SQRT2);
  close(ignored.result.vectors[0]!, [(1 + Math.SQRT2) / norm, -1 / norm], 1e-15, 'λ = 2 − √2');
  close(ignored.result.vectors[1]!, [1 / norm, (1 + Math.SQRT2) / norm], 1e-15, 'λ = 2 + √2');
  assert.throws(() => symmetricEigen([[1, 2], [0, 3]], { tolerance: 0.1 }), /not symmetric/);
  assert.equal(Array.from(symmetricEigen([[1, 2], [0, 3]], { tolerance: 0.8 }).values), Array.from(ignored.result.values));
});

test('symmetricEigen on entries near the top of the float64 range: exact where the answer is representable, the same vectors as the scaled-down matrix', () => {
  assert.equal(Array.from(symmetricEigen([[1e308, 0], [0, -1e308]]).values), [-1e308, 1e308]);
  // [[3, 1], [1, 3]]·2^1000 has eigenvalues 2·2^1000 and 4·2^1000, eigenvectors (1, −1)/√2 and (1, 1)/√2
  const big = 2 ** 1000;
  const result = symmetricEigen([[3 * big, big], [big, 3 * big]]);
  close(Array.from(result.values, (v) => v / big), [2, 4], 1e-15, 'values / 2^1000');
  close(result.vectors[0]!, [Math.SQRT1_2, -Math.SQRT1_2], 1e-15, 'λ = 2·2^1000');
  close(result.vectors[1]!, [Math.SQRT1_2, Math.SQRT1_2], 1e-15, 'λ = 4·2^1000');
  // a 3×3 matrix and its copy scaled by 1e300: eigenvalues scaled, eigenvectors the same
  const small = [[2, -1, 0.5], [-1, 3, 0.25], [0.5, 0.25, -1]];
  const reference = symmetricEigen(small);
  const scaled = symmetricEigen(small.map((row) => row.map((a) => a * 1e300)));
  close(Array.from(scaled.values, (v) => v / 1e300), Array.from(reference.values), 1e-14, 'scaled values');
  scaled.vectors.forEach((v, i) => close(v, Array.from(reference.vectors[i]!), 1e-14, `vector ${i}`));
  // the asymmetry check still works at that scale
  assert.throws(() => symmetricEigen([[1e300, 2e300], [0, 3e300]], { tolerance: 0.1 }), /not symmetric/);
  // a true eigenvalue beyond the largest float64 is +∞, not a failure: 2e308 here
  assert.equal(Array.from(symmetricEigen([[1e308, 1e308], [1e308, 1e308]]).values), [0, Infinity]);
});

test('symmetricEigen refuses a NaN or infinite entry, naming it, whatever the asymmetry option', () => {
  const cases: [number[][] | Float64Array, string][] = [
    [[[1, Number.NaN], [Number.NaN, 1]], 'entry (0, 1) is NaN'],
    [[[1, 0], [0, Number.NaN]], 'entry (1, 1) is NaN'],
    [[[Number.POSITIVE_INFINITY, 0], [0, 1]], 'entry (0, 0) is Infinity'],
    [Float64Array.of(1, 2, 3, 2, 5, 6, 3, 6, Number.NEGATIVE_INFINITY), 'entry (2, 2) is -Infinity'],
  ];
  for (const [matrix, what] of cases) {
    for (const onAsymmetry of ['throw', 'warn', 'ignore'] as const) {
      const { warnings } = withWarnings(() =>
        assert.throws(() => symmetricEigen(matrix, { onAsymmetry }), (error: Error) => error.message === `symmetricEigen: ${what}; the matrix must be finite`),
      );
      assert.equal(warnings, []);
    }
  }
});

// ---------------------------------------------------------------------------
// denseOperator
// ---------------------------------------------------------------------------

test('denseOperator: row-major A·v, the input untouched; a vector of the wrong length refused', () => {
  const op = denseOperator([[1, 2], [3, 4]]);
  assert.is(op.dim, 2);
  const v = Float64Array.of(1, -1);
  assert.equal(Array.from(op.apply(v)), [-1, -1]);
  assert.equal(Array.from(op.apply(Float64Array.of(1, 0))), [1, 3], 'the first column');
  assert.equal(Array.from(v), [1, -1]);
  const three = denseOperator(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
  assert.equal(Array.from(three.apply(Float64Array.of(1, 1, 1))), [6, 15, 24]);
  assert.throws(() => op.apply(new Float64Array(3)), (e: Error) => e.message === 'denseOperator: vector length 3, expected 2');
});

test.run();
