/**
 * MINRES-QLP (src/landscape/linalg/minres-qlp.ts) on small symmetric systems
 * whose every quantity is known in closed form (linalg.test.ts checks it
 * against dense solves on 60×60 random matrices).
 *
 *   A = diag(3, −1), b = (1, 1): Lanczos gives v₁ = b/√2, α₁ = 1, β₂ = 2,
 *   v₂ = (1, −1)/√2, α₂ = 1, β₃ = 0, so T = [1 2; 2 1] (eigenvalues 3, −1).
 *   The first reflector maps (1, 2) to (√5, 0): c = 1/√5, s = 2/√5; column 2
 *   of R is (δ₂, γ₂) = (4/√5, 3/√5). The right reflector maps row 1,
 *   (√5, 4/√5), to (√(41/5), 0), and the last diagonal of L is
 *   μ̄₂ = −(5/√41)(3/√5) = −3√5/√41 (|μ₁μ̄₂| = |det T| = 3). So after two
 *   steps ‖A‖ ≈ max(√5, √(41/5)) = √(41/5) and cond(A) ≈ √(41/5)/|μ̄₂| = 41/15.
 *   After one step x₁ = (bᵀAb / ‖Ab‖²) b = (0.2, 0.2), the minimiser of
 *   ‖b − A x‖ on span{b}; after two, x = A⁻¹b = (1/3, −1).
 *   A matrix with k distinct eigenvalues and a b that touches all of them has a
 *   Krylov space of dimension k: the exact solution after k steps.
 *   A = diag(1, 1, 0, 0), b = (1, 1, 1, 1) (all exact in binary): v₁ = b/2,
 *   α₁ = ½, β₂ = ½, v₂ = (1, 1, −1, −1)/2, α₂ = ½, β₃ = 0: T = [½ ½; ½ ½] is
 *   singular, b − A x can never vanish, and the minimum-length least-squares
 *   solution is A⁺b = (1, 1, 0, 0).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CholeskyDecomposition, Matrix, QrDecomposition, pseudoInverse } from 'ml-matrix';
import { axpy, copy, dot, norm, type LinearOperator } from '../src/landscape/linalg/vector.js';
import { minresQlp, symOrtho, type MinresQlpResult } from '../src/landscape/linalg/minres-qlp.js';

/** The diagonal operator diag(d), counting its products. */
function diagonal(d: readonly number[]): LinearOperator & { calls: number } {
  const op = {
    dim: d.length,
    calls: 0,
    apply(v: Float64Array): Float64Array {
      op.calls++;
      return Float64Array.from(v, (x, i) => d[i]! * x);
    },
  };
  return op;
}

/** A dense symmetric operator from its rows. */
function dense(rows: readonly (readonly number[])[]): LinearOperator {
  return { dim: rows.length, apply: (v) => Float64Array.from(rows, (row) => row.reduce((sum, a, j) => sum + a * v[j]!, 0)) };
}

/** A⁺b by ml-matrix's SVD pseudo-inverse (an independent computation). */
function pseudoInverseSolve(rows: readonly (readonly number[])[], b: readonly number[]): number[] {
  return pseudoInverse(new Matrix(rows.map((r) => [...r]))).mmul(Matrix.columnVector([...b])).getColumn(0);
}

/**
 * The two-step MINRES iterate for diag(d): argmin ‖b − A x‖ over x in span{b, Ab}, from the 2×2 normal
 * equations for x = c₀ b + c₁ A b (residual b − c₀ Ab − c₁ A²b).
 */
function twoStepIterate(d: readonly number[], b: Float64Array): number[] {
  const ab = Float64Array.from(b, (bi, i) => d[i]! * bi);
  const a2b = Float64Array.from(ab, (v, i) => d[i]! * v);
  const dotp = (x: Float64Array, y: Float64Array): number => x.reduce((sum, xi, i) => sum + xi * y[i]!, 0);
  const [g00, g01, g11, r0, r1] = [dotp(ab, ab), dotp(ab, a2b), dotp(a2b, a2b), dotp(ab, b), dotp(a2b, b)];
  const det = g00 * g11 - g01 * g01;
  const c0 = (r0 * g11 - r1 * g01) / det;
  const c1 = (g00 * r1 - g01 * r0) / det;
  return Array.from(b, (bi, i) => c0 * bi + c1 * ab[i]!);
}

function maxAbsDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.is(x.length, y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** The reported residual quantities against b − A x computed here. */
function checkTrueResiduals(op: LinearOperator, b: Float64Array, result: MinresQlpResult, shift = 0): void {
  const apply = (v: Float64Array): Float64Array => axpy(-shift, v, op.apply(v));
  const r = copy(b);
  axpy(-1, apply(result.x), r);
  const rnorm = norm(r);
  const arnorm = norm(apply(r));
  const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) <= 1e-14 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
  close(result.rnorm, rnorm, 'rnorm');
  close(result.arnorm, rnorm > 0 ? arnorm : 0, 'arnorm');
  close(result.xnorm, norm(result.x), 'xnorm');
  close(result.relres, rnorm / (result.anorm * norm(result.x) + norm(b)), 'relres');
  close(result.relAres, rnorm > 0 && result.anorm > 0 ? arnorm / (result.anorm * rnorm) : 0, 'relAres');
}

const b11 = (): Float64Array => Float64Array.of(1, 1);

// ---------------------------------------------------------------------------
// symOrtho
// ---------------------------------------------------------------------------

test('symOrtho: the reflector [c s; s −c] for 3-4-5 triangles in every quadrant, zeros and ties', () => {
  const cases: [number, number, number, number, number][] = [
    // a, b, c, s, r
    [3, 4, 0.6, 0.8, 5],
    [4, 3, 0.8, 0.6, 5],
    [-3, 4, -0.6, 0.8, 5],
    [3, -4, 0.6, -0.8, 5],
    [-4, -3, -0.8, -0.6, 5],
    [-4, 3, -0.8, 0.6, 5],
    [0, -2, 0, -1, 2],
    [0, 2, 0, 1, 2],
    [5, 0, 1, 0, 5],
    [-5, 0, -1, 0, 5],
    [0, 0, 1, 0, 0],
    [1, 1, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT2],
    [-1, 1, -Math.SQRT1_2, Math.SQRT1_2, Math.SQRT2],
  ];
  for (const [a, b, c, s, r] of cases) {
    const got = symOrtho(a, b);
    assert.ok(maxAbsDifference([got.c, got.s, got.r], [c, s, r]) <= 4e-16 * Math.max(1, r), `symOrtho(${a}, ${b}) = ${JSON.stringify(got)}`);
  }
  // no overflow or underflow in r
  assert.ok(Math.abs(symOrtho(3e300, 4e300).r / 5e300 - 1) < 1e-15);
  assert.ok(Math.abs(symOrtho(4e300, -3e300).r / 5e300 - 1) < 1e-15);
  assert.ok(Math.abs(symOrtho(3e-300, 4e-300).r / 5e-300 - 1) < 1e-15);
  // a tiny partner: the ratio is formed with the larger entry below (1e-200, not 1e200, whose square overflows)
  for (const [a, b] of [[1, 1e-200], [-1, 1e-200], [1e-200, 1], [1e-200, -1]] as const) {
    const { c, s, r } = symOrtho(a, b);
    assert.equal([c, s, r], [a, b, 1]); // c = a/r, s = b/r
  }
});

// ---------------------------------------------------------------------------
// diag(3, −1), b = (1, 1): every step by hand
// ---------------------------------------------------------------------------

test('diag(3, −1): A⁻¹b = (1/3, −1) in two MINRES steps, ‖A‖ ≈ √(41/5), cond ≈ 41/15', () => {
  const op = diagonal([3, -1]);
  const result = minresQlp(op, b11());
  assert.is(result.flag, 1, result.reason);
  assert.is(result.reason, 'a solution of A x = b was found to tolerance rtol (relres ≤ rtol)');
  assert.equal([result.iterations, result.minresIterations, result.qlpIterations], [2, 2, 0]);
  assert.is(op.calls, 2 + 2); // two Lanczos products, then b − A x and A (b − A x)
  assert.ok(maxAbsDifference(result.x, [1 / 3, -1]) < 1e-15);
  assert.ok(Math.abs(result.anorm - Math.sqrt(41 / 5)) < 1e-15, `anorm ${result.anorm}`);
  assert.ok(Math.abs(result.acond - 41 / 15) < 1e-14, `acond ${result.acond}`);
  assert.ok(result.rnorm < 1e-15);
  checkTrueResiduals(op, b11(), result);
});

test('diag(3, −1) with QLP updates from the start (trancond = 1): the same iterates', () => {
  const result = minresQlp(diagonal([3, -1]), b11(), { trancond: 1 });
  assert.is(result.flag, 1, result.reason);
  assert.equal([result.iterations, result.minresIterations, result.qlpIterations], [2, 0, 2]);
  assert.ok(maxAbsDifference(result.x, [1 / 3, -1]) < 1e-15);
  assert.ok(Math.abs(result.anorm - Math.sqrt(41 / 5)) < 1e-15);
  const first = minresQlp(diagonal([3, -1]), b11(), { trancond: 1, maxit: 1 });
  assert.ok(maxAbsDifference(first.x, [0.2, 0.2]) < 1e-15);
});

test('diag(3, −1) stopped after one step (maxit = 1): x₁ = (0.2, 0.2), ‖A‖ ≈ √5, flag 8', () => {
  const op = diagonal([3, -1]);
  const result = minresQlp(op, b11(), { maxit: 1 });
  assert.is(result.flag, 8);
  assert.is(result.reason, 'maxit iterations were performed before convergence');
  assert.equal([result.iterations, result.minresIterations, result.qlpIterations], [1, 1, 0]);
  assert.ok(maxAbsDifference(result.x, [0.2, 0.2]) < 1e-15, `${Array.from(result.x)}`);
  assert.ok(Math.abs(result.anorm - Math.sqrt(5)) < 1e-15, `anorm ${result.anorm}`);
  assert.ok(Math.abs(result.acond - 1) < 1e-15, `acond ${result.acond}`);
  // b − A x₁ = (0.4, 1.2); A (b − A x₁) = (1.2, −1.2)
  assert.ok(Math.abs(result.rnorm - Math.sqrt(1.6)) < 1e-15);
  assert.ok(Math.abs(result.arnorm - Math.sqrt(2.88)) < 1e-15);
  checkTrueResiduals(op, b11(), result);
});

test('shift: (A − σI) x = b for diag(3, −1) with σ = 1 is diag(2, −2) x = b, x = (½, −½)', () => {
  const op = diagonal([3, -1]);
  const result = minresQlp(op, b11(), { shift: 1 });
  assert.is(result.flag, 1, result.reason);
  assert.is(result.iterations, 2);
  assert.ok(maxAbsDifference(result.x, [0.5, -0.5]) < 1e-15);
  checkTrueResiduals(op, b11(), result, 1);
  assert.ok(result.rnorm < 1e-15);
  // σ = 3 makes A − σI = diag(0, −4) singular: the least-squares solution of minimum length is (0, −¼)
  const singular = minresQlp(op, b11(), { shift: 3 });
  assert.ok(maxAbsDifference(singular.x, [0, -0.25]) < 1e-12, `${Array.from(singular.x)}`);
  assert.ok(Math.abs(singular.rnorm - 1) < 1e-12);
  checkTrueResiduals(op, b11(), singular, 3);
});

// ---------------------------------------------------------------------------
// k distinct eigenvalues: k steps
// ---------------------------------------------------------------------------

test('a matrix with k distinct eigenvalues: the exact solution after k steps (k = 3, 4), MINRES and QLP updates alike', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 2, 2, -3, -3], [1, 2, 3, 4, 5, 6]],
    [[4, -1, 4, 2, -1, 0.5, 2], [1, -1, 2, 1, 1, 3, -2]],
  ];
  for (const [d, bValues] of cases) {
    const k = new Set(d).size;
    const b = Float64Array.from(bValues);
    const exact = bValues.map((bi, i) => bi / d[i]!);
    for (const trancond of [1e4, 1]) {
      const op = diagonal(d);
      const result = minresQlp(op, b, { trancond });
      assert.is(result.flag, 1, result.reason);
      assert.is(result.iterations, k);
      assert.equal([result.minresIterations, result.qlpIterations], trancond === 1 ? [0, k] : [k, 0]);
      assert.ok(maxAbsDifference(result.x, exact) < 1e-13, `trancond ${trancond}: ${Array.from(result.x)}`);
      assert.ok(result.anorm <= Math.max(...d.map(Math.abs)) * (1 + 1e-15));
      checkTrueResiduals(op, b, result);
      // one step less: not converged yet
      const early = minresQlp(diagonal(d), b, { trancond, maxit: k - 1 });
      assert.is(early.flag, 8);
      assert.ok(early.rnorm > 1e-3);
    }
  }
});

test('the default step budget is 4n', () => {
  // A non-symmetric operator (a rotation by 90°) breaks Lanczos: MINRES never converges and runs out of steps.
  for (const n of [2, 4]) {
    let calls = 0;
    const rotation: LinearOperator = {
      dim: n,
      apply: (v) => {
        calls++;
        return Float64Array.from(v, (_, i) => (i % 2 === 0 ? -v[i + 1]! : v[i - 1]!));
      },
    };
    const result = minresQlp(rotation, Float64Array.from({ length: n }, (_, i) => i + 1));
    assert.is(result.flag, 8, result.reason);
    assert.is(result.iterations, 4 * n);
    assert.ok(calls >= 4 * n);
  }
});

// ---------------------------------------------------------------------------
// Singular systems: the minimum-length solution
// ---------------------------------------------------------------------------

test('singular consistent: b ∈ range(A) gives A⁺b, against an SVD pseudo-inverse', () => {
  // eigenvalues 2, −1, 0, 0 in a rotated basis
  const rows = [
    [0.5, 1.5, 0, 0],
    [1.5, 0.5, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  // A = G [..] Gᵀ with G a 45° rotation of coordinates 2 and 3: the null space is not along the axes
  const h = Math.SQRT1_2;
  const g = [[1, 0, 0, 0], [0, h, -h, 0], [0, h, h, 0], [0, 0, 0, 1]];
  const a = g.map((gi) => g.map((gj) => gi.reduce((sum, gik, k) => sum + gik * rows[k]!.reduce((inner, rkl, l) => inner + rkl * gj[l]!, 0), 0)));
  const op = dense(a);
  const b = op.apply(Float64Array.of(1, -2, 3, 5)); // in the range
  const expected = pseudoInverseSolve(a, Array.from(b));
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(op, b, { trancond });
    assert.is(result.flag, 1, result.reason);
    assert.is(result.iterations, 2); // b touches the eigenvalues 2 and −1 only
    assert.ok(maxAbsDifference(result.x, expected) < 1e-14, `${Array.from(result.x)} vs ${expected}`);
    checkTrueResiduals(op, b, result);
  }
});

test('singular inconsistent: diag(1, 1, 0, 0) with b = (1, 1, 1, 1) gives A⁺b = (1, 1, 0, 0), a least-squares solution', () => {
  for (const trancond of [1e4, 1]) {
    const op = diagonal([1, 1, 0, 0]);
    const b = Float64Array.of(1, 1, 1, 1);
    const result = minresQlp(op, b, { trancond });
    assert.is(result.flag, 2, result.reason);
    assert.is(result.reason, 'a (minimum-length) least-squares solution was found to tolerance rtol (relAres ≤ rtol)');
    assert.is(result.iterations, 2);
    assert.ok(maxAbsDifference(result.x, [1, 1, 0, 0]) < 1e-15, `trancond ${trancond}: ${Array.from(result.x)}`);
    assert.ok(Math.abs(result.rnorm - Math.SQRT2) < 1e-15);
    assert.ok(result.arnorm < 1e-15 && result.relAres < 1e-15); // A r = 0 up to rounding
    assert.is(result.acond, Infinity); // the last diagonal of L is exactly 0
    checkTrueResiduals(op, b, result);
  }
});

test('singular inconsistent, indefinite: σ·diag(2, 0, −1) with b = (2, 1, 1) gives A⁺b = (1, 0, −1)/σ', () => {
  // relAres = ‖A r‖ / (‖A‖ ‖r‖) does not depend on the scale σ: the least-squares stop (flag 2) for σ = 1 and 10⁶
  for (const sigma of [1, 1e6]) {
    for (const trancond of [1e4, 1]) {
      const op = diagonal([2 * sigma, 0, -sigma]);
      const b = Float64Array.of(2, 1, 1);
      const result = minresQlp(op, b, { trancond });
      assert.is(result.flag, 2, `${result.flag}: ${result.reason}`);
      assert.is(result.iterations, 3);
      assert.ok(maxAbsDifference(result.x, [1 / sigma, 0, -1 / sigma]) < 1e-12 / sigma, `σ ${sigma} trancond ${trancond}: ${Array.from(result.x)}`);
      assert.ok(Math.abs(result.rnorm - 1) < 1e-12);
      checkTrueResiduals(op, b, result);
    }
  }
});

test('singular inconsistent, four distinct eigenvalues: diag(3, 1, 0, −2), b = (1, 2, 3, 4) gives A⁺b = (1/3, 2, 0, −2)', () => {
  // In rounding the last diagonal of L is small but not 0, and its component of u is moderate (about 2.5
  // along the null vector): the least-squares stop (flag 2) must still leave it out as numerically null.
  for (const trancond of [1e4, 1]) {
    const op = diagonal([3, 1, 0, -2]);
    const b = Float64Array.of(1, 2, 3, 4);
    const result = minresQlp(op, b, { trancond });
    assert.is(result.flag, 2, result.reason);
    assert.ok(maxAbsDifference(result.x, [1 / 3, 2, 0, -2]) < 1e-14, `trancond ${trancond}: ${Array.from(result.x)}`);
    assert.ok(Math.abs(result.rnorm - 3) < 1e-13);
    checkTrueResiduals(op, b, result);
  }
});

// ---------------------------------------------------------------------------
// Special right-hand sides and stops
// ---------------------------------------------------------------------------

test('b = 0: x = 0 without a product; b in the null space: x = 0 after one', () => {
  const op = diagonal([3, -1]);
  const zero = minresQlp(op, new Float64Array(2));
  assert.is(zero.flag, 0);
  assert.is(zero.reason, 'x = 0 is the solution (b = 0, or A b = 0 so 0 is the minimum-length least-squares solution)');
  assert.equal(Array.from(zero.x), [0, 0]);
  assert.equal([zero.iterations, zero.minresIterations, zero.qlpIterations], [0, 0, 0]);
  assert.equal([zero.relres, zero.relAres, zero.rnorm, zero.arnorm, zero.anorm, zero.acond, zero.xnorm], [0, 0, 0, 0, 0, 1, 0]);
  assert.is(op.calls, 1); // only b − A x at the end

  const nullOp = diagonal([0, 2]);
  const inNull = minresQlp(nullOp, Float64Array.of(3, 0));
  assert.is(inNull.flag, 0);
  assert.equal(Array.from(inNull.x), [0, 0]);
  assert.is(inNull.iterations, 1);
  assert.equal([inNull.anorm, inNull.rnorm, inNull.arnorm, inNull.relres, inNull.relAres], [0, 3, 0, 1, 0]);
});

test('an operator of subnormal size counts as exactly singular (flag 9): 1e-310·diag(1, −1)', () => {
  // b = (1, 1): α₁ = 0 and β₂ = 1e-310, so μ̄₁ = γ₁ = 1e-310 < 2⁻¹⁰²²: the component is left out, x = 0, and
  // neither residual test holds (|φ₁|/β₁ = s₁ = 1, and the estimate of ‖A r₀‖/(‖A‖‖r₀‖) is γ₁/γ₁ = 1).
  const result = minresQlp(diagonal([1e-310, -1e-310]), b11());
  assert.is(result.flag, 9, result.reason);
  assert.is(result.reason, 'the system appears exactly singular; the null-space component was dropped');
  assert.is(result.iterations, 1);
  assert.equal(Array.from(result.x), [0, 0]);
});

test('b an eigenvector: x = b/λ after one product, ‖A‖ ≈ |λ|', () => {
  const op = diagonal([3, -4]);
  const result = minresQlp(op, Float64Array.of(0, 2));
  assert.is(result.flag, -1);
  assert.is(result.reason, 'b is an eigenvector of A: x = b / α₁');
  assert.equal(Array.from(result.x), [0, -0.5]);
  // b − A x = 0 exactly: relAres is 0 (not 0/0), and A r is not formed
  assert.equal([result.iterations, result.anorm, result.rnorm, result.relres, result.relAres, result.arnorm], [1, 4, 0, 0, 0, 0]);
  assert.is(op.calls, 2); // the first Lanczos product and b − A x
});

test('maxxnorm: the component that would push ‖x‖ past it is left out, and x stays the first iterate', () => {
  // diag(1e-3, 1), b = (1, 1): A⁻¹b = (1000, 1); x₁ = (bᵀAb/‖Ab‖²) b = (1.001/1.000001)(1, 1)
  const op = diagonal([1e-3, 1]);
  const result = minresQlp(op, b11(), { maxxnorm: 10 });
  assert.is(result.flag, 6, result.reason);
  assert.is(result.reason, '‖x‖ reached maxxnorm');
  assert.is(result.iterations, 2);
  const x1 = 1.001 / 1.000001;
  assert.ok(maxAbsDifference(result.x, [x1, x1]) < 1e-15, `${Array.from(result.x)}`);
  // with room for it, the solution
  const free = minresQlp(op, b11(), { maxxnorm: 1001 });
  assert.is(free.flag, 1);
  assert.ok(maxAbsDifference(free.x, [1000, 1]) < 1e-12 * 1000);
  // With QLP updates the dropped component is the last one of u (L u = t): x = u₁ ẘ₁, and ẘ₁ = V P e₁ is
  // along V Tᵀq₁ = A V q₁ ∝ A (A b), so x is the least-squares solution on span{A²b}: (bᵀAb / ‖A²b‖²) A²b.
  const qlp = minresQlp(op, b11(), { maxxnorm: 10, trancond: 1 });
  assert.is(qlp.flag, 6, qlp.reason);
  const along = 1.001 / (1 + 1e-12);
  assert.ok(maxAbsDifference(qlp.x, [1e-6 * along, along]) < 1e-15, `${Array.from(qlp.x)}`);
});

test('defaults: maxxnorm 1e4 and trancond 1e4 (cond 1e5 switches to QLP updates, cond 1e3 does not)', () => {
  // diag(1e-5, 1): A⁻¹b = (1e5, 1) is past the default maxxnorm, and the cond(A) estimate (≈ 1e5) past trancond
  const far = minresQlp(diagonal([1e-5, 1]), b11());
  assert.is(far.flag, 6, far.reason);
  assert.equal([far.iterations, far.minresIterations, far.qlpIterations], [2, 1, 1]);
  const along = (1 + 1e-5) / (1 + 1e-20); // (bᵀAb / ‖A²b‖²) A²b, as above
  assert.ok(maxAbsDifference(far.x, [1e-10 * along, along]) < 1e-15, `${Array.from(far.x)}`);
  assert.ok(far.acond > 1e4 && far.acond < 1e6);
  // diag(1e-3, 1): within both
  const near = minresQlp(diagonal([1e-3, 1]), b11());
  assert.is(near.flag, 1, near.reason);
  assert.equal([near.iterations, near.minresIterations, near.qlpIterations], [2, 2, 0]);
  assert.ok(near.acond > 1e2 && near.acond < 1e4);
  // a higher maxxnorm lets diag(1e-5, 1) be solved; a higher trancond keeps MINRES updates
  const solved = minresQlp(diagonal([1e-5, 1]), b11(), { maxxnorm: 2e5, trancond: 1e6 });
  assert.is(solved.flag, 1, solved.reason);
  assert.equal([solved.minresIterations, solved.qlpIterations], [2, 0]);
  assert.ok(maxAbsDifference(solved.x, [1e5, 1]) < 1e-10 * 1e5);
});

test('rtol (default 1e-10): diag(1, 1 + δ), b = (1, 1) has relres ≈ δ/4 after one step', () => {
  // α₁ = 1 + δ/2, β₂ = δ/2, γ₁ = ‖(α₁, β₂)‖: |φ₁| = β₂√2/γ₁, ‖x₁‖ = α₁√2/γ₁², ‖A‖ ≈ γ₁, so
  // relres₁ = |φ₁| / (‖A‖‖x₁‖ + ‖b‖) = (δ/2) / (α₁ + γ₁) ≈ δ/4.
  const steps = (delta: number, rtol?: number): number => minresQlp(diagonal([1, 1 + delta]), b11(), rtol === undefined ? {} : { rtol }).iterations;
  assert.is(steps(3.9e-10), 1); // relres₁ ≈ 0.975e-10 ≤ 1e-10
  assert.is(steps(4.1e-10), 2); // relres₁ ≈ 1.025e-10
  assert.is(steps(3.9e-10, 0.95e-10), 2);
  assert.is(steps(4.1e-10, 1.05e-10), 1);
  const one = minresQlp(diagonal([1, 1 + 3.9e-10]), b11());
  assert.is(one.flag, 1);
});

test('acondlim = 1 on diag(7, 7, −1, −1): the estimate ‖T e₁‖ / γ₁ = 5/5 reaches it after one step, and the direction is dropped as null', () => {
  // b = (1, 1, 1, 1): v₁ = b/2, α₁ = 3, β₂ = 4 (exact), so ‖A‖ ≈ ‖(3, 4)‖ = 5 and μ̄₁ = γ₁ = 5: cond ≈ 1. Every
  // direction with |μ̄| ≤ ‖A‖/acondlim = 5 counts as null, so x = 0 rather than x₁ = (bᵀAb/‖Ab‖²) b = 0.12 b.
  const b = Float64Array.of(1, 1, 1, 1);
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(diagonal([7, 7, -1, -1]), b, { acondlim: 1, trancond });
    assert.is(result.flag, 7, result.reason);
    assert.is(result.reason, 'the estimate of cond(A) reached acondlim (directions with |μ̄| ≤ ‖A‖/acondlim are treated as null)');
    assert.equal([result.iterations, result.anorm, result.acond], [1, 5, 1]);
    assert.ok(maxAbsDifference(result.x, [0, 0, 0, 0]) < 1e-16, `trancond ${trancond}: ${Array.from(result.x)}`);
    // without the limit: x₁ after one step, the solution (1/7, 1/7, −1, −1) after two
    const first = minresQlp(diagonal([7, 7, -1, -1]), b, { maxit: 1, trancond });
    assert.ok(maxAbsDifference(first.x, [0.12, 0.12, 0.12, 0.12]) < 1e-16);
    // acondlim = ½: the null level is ‖A‖·max(rtol, 1/acondlim) = 10, not 5/2
    const half = minresQlp(diagonal([7, 7, -1, -1]), b, { acondlim: 0.5, trancond });
    assert.equal([half.flag, half.iterations], [7, 1]);
    assert.ok(maxAbsDifference(half.x, [0, 0, 0, 0]) < 1e-16);
    const solved = minresQlp(diagonal([7, 7, -1, -1]), b, { acondlim: 1.5, trancond });
    assert.is(solved.flag, 1); // the limit is reached at step 2 too, but the solution takes precedence
    assert.ok(maxAbsDifference(solved.x, [1 / 7, 1 / 7, -1, -1]) < 1e-15);
  }
});

test('stops at machine precision (flags 3, 4) when rtol asks for less than nothing', () => {
  // diag(7, 7, −1, −1) and diag(1, 1, 0, 0) with b = (1, 1, 1, 1) run in exact binary arithmetic: β₃ = 0, so
  // after two steps the residual estimate |φ₂| is exactly 0 for the first; for the second γ̄₂ = s₁β₂ − c₁α₂ = 0
  // (s₁ = c₁, β₂ = α₂ = ½), so the estimate of ‖A r‖ is exactly 0.
  const b = Float64Array.of(1, 1, 1, 1);
  const run = (d: number[], rtol: number): [number, number] => {
    const result = minresQlp(diagonal(d), b, { rtol });
    return [result.flag, result.iterations];
  };
  assert.equal(run([7, 7, -1, -1], 0), [1, 2]); // relres = 0 ≤ rtol = 0
  assert.equal(run([7, 7, -1, -1], -1), [3, 2]); // 1 + relres ≤ 1
  assert.equal(run([1, 1, 0, 0], 0), [2, 2]); // relAres = 0 ≤ rtol = 0
  assert.equal(run([1, 1, 0, 0], -1), [4, 2]); // 1 + relAres ≤ 1
  const machine = minresQlp(diagonal([7, 7, -1, -1]), b, { rtol: -1 });
  assert.is(machine.reason, 'a solution of A x = b was found to machine precision');
  assert.ok(maxAbsDifference(machine.x, [1 / 7, 1 / 7, -1, -1]) < 1e-15);
  const leastSquares = minresQlp(diagonal([1, 1, 0, 0]), b, { rtol: -1 });
  assert.is(leastSquares.reason, 'a least-squares solution was found to machine precision');
  assert.ok(maxAbsDifference(leastSquares.x, [1, 1, 0, 0]) < 1e-15);
  // diag(3, −1), b = (1, 1): v₁ = b/√2 is rounded, and the residual estimate after two steps is at rounding level
  const rounded = minresQlp(diagonal([3, -1]), b11(), { rtol: 0 });
  assert.equal([rounded.flag, rounded.iterations], [3, 2]);
  assert.ok(maxAbsDifference(rounded.x, [1 / 3, -1]) < 1e-15);
});

test('maxxnorm reached exactly: ‖x₁‖ = 2 = maxxnorm stops the run (diag(1 + d, 1 + d, 1 − d, 1 − d), d = 2⁻³⁰)', () => {
  // b = (1, 1, 1, 1): v₁ = b/2, α₁ = 1, β₂ = d, all exact; the first reflector of (1, d) has t = d and 1 + t² = 1
  // in floating point, so c₁ = 1, γ₁ = 1, u₁ = τ₁/γ₁ = β₁ = 2 and x₁ = 2 v₁ = (1, 1, 1, 1): ‖x₁‖ = 2 exactly.
  const d = 2 ** -30;
  const op = diagonal([1 + d, 1 + d, 1 - d, 1 - d]);
  const b = Float64Array.of(1, 1, 1, 1);
  const reached = minresQlp(op, b, { maxxnorm: 2 });
  assert.equal([reached.flag, reached.iterations], [6, 1]);
  assert.equal(Array.from(reached.x), [1, 1, 1, 1]);
  // a little more room: the solution, of norm 2 + O(d²), after two steps
  const solved = minresQlp(op, b, { maxxnorm: 2 + 1e-7 });
  assert.equal([solved.flag, solved.iterations], [1, 2]);
  assert.ok(maxAbsDifference(solved.x, [1 / (1 + d), 1 / (1 + d), 1 / (1 - d), 1 / (1 - d)]) < 1e-15);
});

test('flag 5: with no limits, x grows along the eigenvector of a tiny eigenvalue until ‖A‖‖x‖ε ≥ ‖b‖', () => {
  // diag(1e-17, 1, 2), b = (2, 1, −1): A⁻¹b would be (2e17, 1, −½); after three steps (in rounding) x is
  // dominated by its first component, ‖A‖‖x‖ε exceeds ‖b‖ = √6, and the run stops there (rtol = −1 turns
  // off the residual tests, maxxnorm and acondlim = ∞ the other two).
  const op = diagonal([1e-17, 1, 2]);
  const b = Float64Array.of(2, 1, -1);
  const result = minresQlp(op, b, { rtol: -1, maxxnorm: Infinity, acondlim: Infinity });
  assert.is(result.flag, 5, result.reason);
  assert.is(result.reason, 'x has converged to an eigenvector of A (‖A‖‖x‖ε ≥ ‖b‖)');
  assert.is(result.iterations, 3);
  assert.ok(result.anorm * result.xnorm * Number.EPSILON >= Math.sqrt(6));
  assert.ok(Math.abs(result.x[0]!) > 1e15 && Math.abs(result.x[1]!) < 1 && Math.abs(result.x[2]!) < 1, `${Array.from(result.x)}`);
});

test('acondlim reached with a last diagonal of L that is not null: nothing is dropped, x is the MINRES iterate', () => {
  // diag(1, −1, 0.01), b = (0.1, 0.1, 1), acondlim = 2: the cond estimate passes 2 at step 2, but |μ̄₂| is above
  // the null level ‖A‖/2, so x stays x₂ = argmin ‖b − A x‖ over span{b, Ab}, from the 2×2 normal equations.
  const d = [1, -1, 0.01];
  const b = Float64Array.of(0.1, 0.1, 1);
  const x2 = twoStepIterate(d, b);
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(diagonal(d), b, { acondlim: 2, trancond });
    assert.equal([result.flag, result.iterations], [7, 2]);
    assert.ok(result.acond >= 2);
    assert.ok(maxAbsDifference(result.x, x2) < 1e-13, `trancond ${trancond}: ${Array.from(result.x)} vs ${x2}`);
  }
});

// ---------------------------------------------------------------------------
// The forward substitution's drops and the cond(A) estimate, at their edges
// ---------------------------------------------------------------------------

test('a last diagonal of L of exactly 2⁻¹⁰²² is kept, one of 2⁻¹⁰²³ counts as zero (flag 9)', () => {
  // A = s·diag(1, 1, −1, −1), b = s·(1, 1, 1, 1), s a power of two: v₁ = (½, ½, ½, ½), α₁ = 0 and β₂ = s, all
  // exact (the subnormal products s/2, s/4 are exact too), so μ̄₁ = γ₁ = s. For s = 2⁻¹⁰²² (the smallest normal
  // number) the component is kept (u₁ = τ₁/γ₁ = 0, since c₁ = α₁/γ₁ = 0), and the second step (α₂ = 0, β₃ = 0)
  // gives the solution A⁻¹b = (1, 1, −1, −1); for s = 2⁻¹⁰²³ the run stops at step 1 with x = 0.
  for (const trancond of [1e4, 1]) {
    const s = 2 ** -1022;
    const kept = minresQlp(diagonal([s, s, -s, -s]), Float64Array.of(s, s, s, s), { trancond });
    assert.equal([kept.flag, kept.iterations], [1, 2], kept.reason);
    assert.equal(Array.from(kept.x), [1, 1, -1, -1]);
    const t = 2 ** -1023;
    const dropped = minresQlp(diagonal([t, t, -t, -t]), Float64Array.of(t, t, t, t), { trancond });
    assert.equal([dropped.flag, dropped.iterations], [9, 1], dropped.reason);
    assert.equal(Array.from(dropped.x), [0, 0, 0, 0]);
  }
});

test('cond(A) ≈ ‖A‖ / min |diagonal of L| counts the final diagonals: diag(−3, 2, 3), b = (1, 4, 1)', () => {
  // After three steps L₃ = R₃P₃ with R₃ the triangle of the QR of T₃, so L₃L₃ᵀ = R₃R₃ᵀ and R₃ᵀR₃ = T₃²: |diag L₃|
  // is the diagonal of the Cholesky factor of R₃R₃ᵀ, with R₃ᵀ the Cholesky factor of T₃². T₃ = QᵀAQ, Q from
  // ml-matrix's QR of the Krylov matrix [b, Ab, A²b] (the Lanczos basis up to signs, which leave |diag| alone).
  // Here the smallest entry is the first, μ₁ ≈ 2.258 (against 2.916 and 2.734), final since step 3.
  const d = [-3, 2, 3];
  const bValues = [1, 4, 1];
  const a = Matrix.diag(d);
  const b = Matrix.columnVector(bValues);
  const krylov = new Matrix(3, 3);
  krylov.setColumn(0, b.getColumn(0));
  krylov.setColumn(1, a.mmul(b).getColumn(0));
  krylov.setColumn(2, a.mmul(a).mmul(b).getColumn(0));
  const q = new QrDecomposition(krylov).orthogonalMatrix;
  const t = q.transpose().mmul(a).mmul(q);
  const rT = new CholeskyDecomposition(t.mmul(t)).lowerTriangularMatrix; // T² = Rᵀ R
  const l = new CholeskyDecomposition(rT.transpose().mmul(rT)).lowerTriangularMatrix; // R Rᵀ = L Lᵀ
  const diagL = [0, 1, 2].map((i) => Math.abs(l.get(i, i)));
  assert.ok(diagL[0]! < 0.9 * Math.min(diagL[1]!, diagL[2]!), `${diagL}`);
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(diagonal(d), Float64Array.from(bValues), { trancond });
    assert.equal([result.flag, result.iterations], [1, 3], result.reason);
    // the QR/Cholesky route agrees with the recurrences to about 1e-15 relative; 1e-12 leaves room
    const expected = result.anorm / Math.min(...diagL);
    assert.ok(Math.abs(result.acond - expected) <= 1e-12 * expected, `trancond ${trancond}: acond ${result.acond} vs ${expected}`);
  }
});

test('‖x‖ counts the finished components: diag(−3, 2, 3), b = (1, 4, 1) with maxxnorm = 2 stops at step 3 with x₂', () => {
  // A⁻¹b = (−1/3, 2, 1/3) has norm √38/3 ≈ 2.055 > 2, the two-step iterate x₂ norm ≈ 1.936 < 2: the third step's
  // component is left out. (At step 3 the finished u₁ ≈ 1.57 is most of ‖x‖: without it ‖x‖ would look like
  // ‖(u₂, u₃)‖ ≈ 1.33 and the solution would be accepted.) With MINRES updates x stays x₂; with QLP updates
  // x = W₃(u₁, u₂, 0) is A⁻¹b = W₃u less u₃ times a unit vector orthogonal to it (W₃ has orthonormal columns).
  const d = [-3, 2, 3];
  const b = Float64Array.of(1, 4, 1);
  const solution = Float64Array.of(-1 / 3, 2, 1 / 3);
  const x2 = twoStepIterate(d, b);
  assert.ok(norm(Float64Array.from(x2)) < 2);
  for (const trancond of [1e4, 1]) {
    const capped = minresQlp(diagonal(d), b, { maxxnorm: 2, trancond });
    assert.equal([capped.flag, capped.iterations], [6, 3], capped.reason);
    if (trancond === 1e4) {
      assert.ok(maxAbsDifference(capped.x, x2) < 1e-14, `${Array.from(capped.x)} vs ${x2}`);
    } else {
      const left = axpy(-1, capped.x, copy(solution));
      assert.ok(norm(capped.x) < 2 && norm(left) > 0.5, `${Array.from(capped.x)}`);
      assert.ok(Math.abs(dot(capped.x, left)) < 1e-14, `${dot(capped.x, left)}`);
    }
    const room = minresQlp(diagonal(d), b, { maxxnorm: 2.06, trancond });
    assert.equal([room.flag, room.iterations], [1, 3], room.reason);
    assert.ok(maxAbsDifference(room.x, [-1 / 3, 2, 1 / 3]) < 1e-14);
  }
});

test('‖x‖ recomputed at the next step that lands exactly on maxxnorm stops the run (diag(1, 1 + 2⁻²⁶, 2), b = (1, 1, 1))', () => {
  // Found by search. In exact arithmetic the refinement at step k only lowers ‖(u₁ … u_{k−1})‖ below ‖x_{k−1}‖
  // (L_{k−1}'s Gram matrix grows by a rank-one term); here the two eigenvalues 2⁻²⁶ apart make it lower by far
  // less than an ulp, and the recomputed ‖(u₁, u₂)‖ at step 3 rounds to 1.4999999900658925, one ulp above the
  // running ‖x₂‖ (1.4999999900658922) that let step 2 pass. With maxxnorm exactly that value the run stops at step 3 with x₂, though u₃
  // (about −2e-8) would not have moved ‖x‖ past it; one ulp more room and it reaches A⁻¹b.
  const d = [1, 1 + 2 ** -26, 2];
  const b = Float64Array.of(1, 1, 1);
  const maxxnorm = 1.4999999900658925;
  const stopped = minresQlp(diagonal(d), b, { maxxnorm });
  assert.equal([stopped.flag, stopped.iterations], [6, 3], stopped.reason);
  assert.ok(maxAbsDifference(stopped.x, twoStepIterate(d, b)) < 1e-15, `${Array.from(stopped.x)}`);
  const above = minresQlp(diagonal(d), b, { maxxnorm: 1.4999999900658927 }); // the next double
  assert.equal([above.flag, above.iterations], [1, 3], above.reason);
  assert.ok(maxAbsDifference(above.x, [1, 1 / (1 + 2 ** -26), 0.5]) < 1e-15, `${Array.from(above.x)}`);
});

test('an operator that returns NaN stops the run at once with flag 6 (‖x‖ is not finite), not as converged', () => {
  // The NaN from the second product reaches ‖(u₁ …)‖, which is then not below maxxnorm; the Krylov-exhausted test
  // (β₃ = NaN is not > 0) must not report a least-squares solution (flag 4).
  for (const trancond of [1e4, 1]) {
    let calls = 0;
    const op: LinearOperator = {
      dim: 3,
      apply: (v) => {
        calls++;
        return calls === 1 ? Float64Array.from(v, (x, i) => (i + 1) * x) : Float64Array.from(v, () => Number.NaN);
      },
    };
    const result = minresQlp(op, Float64Array.of(1, 1, 1), { trancond });
    assert.equal([result.flag, result.iterations], [6, 2], result.reason);
  }
});

test('flag 5 on the tie ‖A‖‖x‖ε = ‖b‖ exactly: diag(0, 1, Λ), Λ = 7165183131591495, b = (1, 1, 1)', () => {
  // Found by search. Next to Λ ≈ 7e15 Lanczos sees the eigenvalues 0 and 1 only through rounding; after two steps
  // x₂ ≈ 0.7698 (1, 1, 0) (its running ‖x₂‖ is 1.0886621079036345) and ‖A‖ ≈ Λ exactly, and
  // fl(Λ·‖x₂‖)·ε = √3 = ‖b‖ to the last bit. The residual tests do not hold (rtol = −1; relres and relAres
  // ≈ 1.4e-16 and 1.7e-16, above ε/2), so the tie itself stops the run; without it the run goes on to step 3.
  const lambda = 7165183131591495;
  assert.is(lambda * 1.0886621079036345 * Number.EPSILON, Math.sqrt(3)); // the tie, in the solver's order
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(diagonal([0, 1, lambda]), Float64Array.of(1, 1, 1), { rtol: -1, maxxnorm: Infinity, acondlim: Infinity, trancond });
    assert.equal([result.flag, result.iterations, result.anorm], [5, 2, lambda], result.reason);
  }
});

test('the machine-precision least-squares stop (flag 4) leaves out the numerically null component: diag(3, 3, 0), b = (1, 2, 2)', () => {
  // b touches the eigenvalues 3 and 0: T₂ is singular and the Krylov space is exhausted after two steps. In
  // rounding (v₁ = b/3 is rounded) μ̄₂ is tiny but not 0 and its component u₂ moderate; with rtol = 0 only the
  // machine-precision test 1 + relAres ≤ 1 stops the run, and the component must go: A⁺b = (1/3, 2/3, 0),
  // where keeping it would put 2/3 along the null vector e₃.
  const expected = pseudoInverseSolve([[3, 0, 0], [0, 3, 0], [0, 0, 0]], [1, 2, 2]);
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(diagonal([3, 3, 0]), Float64Array.of(1, 2, 2), { rtol: 0, trancond });
    assert.equal([result.flag, result.iterations], [4, 2], result.reason);
    assert.ok(maxAbsDifference(result.x, expected) < 1e-15, `trancond ${trancond}: ${Array.from(result.x)}`);
  }
});

test('bad arguments are refused with the value named', () => {
  const op = diagonal([1, 2, 3]);
  assert.throws(() => minresQlp(op, Float64Array.of(1, 2)), /^minresQlp: b has length 2, operator dim 3$/);
  for (const maxit of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => minresQlp(op, Float64Array.of(1, 2, 3), { maxit }), (error: Error) => error.message === `minresQlp: maxit must be a positive integer, got ${maxit}`);
  }
  assert.is(minresQlp(op, Float64Array.of(1, 2, 3), { maxit: 1 }).iterations, 1);
});

test('an ‖x‖ whose square overflows never reads as converged: 1e-160·diag(1, 2, 3) with maxxnorm ∞ stops with flag 6', () => {
  // the solution 1e160·(1, 1/2, 1/3) is representable, but ‖x‖² is not; relres = r/(‖A‖·∞ + ‖b‖) would read 0 (flag 1)
  const result = minresQlp(diagonal([1e-160, 2e-160, 3e-160]), Float64Array.of(1, 1, 1), { maxxnorm: Infinity });
  assert.is(result.flag, 6);
  // with the default maxxnorm (1e4) the run stops long before, with the same flag
  assert.is(minresQlp(diagonal([1e-160, 2e-160, 3e-160]), Float64Array.of(1, 1, 1)).flag, 6);
});

test.run();
