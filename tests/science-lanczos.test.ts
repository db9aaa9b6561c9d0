/**
 * The Lanczos process on operators whose Lanczos run is known in closed form.
 *
 *   diag(1, 2, …, n) from the start vector (1, …, 1)/√n: the Lanczos
 *   tridiagonal is the Jacobi matrix of the discrete Chebyshev (Gram)
 *   polynomials on n equally weighted points, α_j = (n + 1)/2 and
 *   β_k² = k²(n² − k²)/(4(4k² − 1)), k = 1 … n − 1 (Gautschi, "Orthogonal
 *   Polynomials: Computation and Approximation", 2004, §1.5.2, shifted from
 *   the points 0 … n − 1 to 1 … n), and the Lanczos vectors are those
 *   polynomials evaluated at the points, normalised.
 *   A start vector in the span of j eigenvectors: the Krylov space is
 *   invariant after exactly j steps, whose Ritz values are those j
 *   eigenvalues.
 *
 * These check the recurrence itself (every α and β, not only the converged
 * Ritz values), the breakdown test and its default tolerance, the restart,
 * the convergence schedule of the top-k / bottom-k search and its refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dot, norm, type LinearOperator } from '../src/landscape/linalg/vector.js';
import {
  bottomEigenpairs, lanczosTridiagonalize, LanczosProcess, ritzDecomposition, topEigenpairs, tridiagonalToDense,
} from '../src/landscape/linalg/lanczos.js';
import { Random } from '../src/autodiff/index.js';

/** diag(d) as an operator. */
function diagonal(d: readonly number[]): LinearOperator {
  return { dim: d.length, apply: (v) => Float64Array.from(v, (x, i) => d[i]! * x) };
}

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

test('diag(1..n) from (1, …, 1): α_j = (n + 1)/2 and β_k² = k²(n² − k²)/(4(4k² − 1)) (Gram polynomials), Ritz values 1..n', () => {
  const n = 8;
  const op = diagonal(Array.from({ length: n }, (_, i) => i + 1));
  const run = lanczosTridiagonalize(op, { startVector: ones(n) });
  assert.is(run.alphas.length, n);
  assert.is(run.betas.length, n - 1);
  for (const alpha of run.alphas) assert.ok(Math.abs(alpha - 4.5) < 1e-14, `α ${alpha}`);
  run.betas.forEach((beta, j) => {
    const k = j + 1;
    const expected = Math.sqrt((k * k * (n * n - k * k)) / (4 * (4 * k * k - 1)));
    assert.ok(Math.abs(beta - expected) < 1e-14, `β_${k} ${beta} vs ${expected}`);
  });
  // β₁ = √(63/12), β₂ = 2 exactly: literal values
  assert.ok(Math.abs(run.betas[0]! - Math.sqrt(63 / 12)) < 1e-14 && Math.abs(run.betas[1]! - 2) < 1e-14);
  // n steps span ℝⁿ: nothing is left outside, and the Ritz values are the eigenvalues
  assert.ok(run.residualBeta < 1e-12, `β_{n+1} ${run.residualBeta}`);
  assert.not.ok(run.invariantSubspace); // the step budget ended the run, not a breakdown
  const ritz = ritzDecomposition(run);
  ritz.values.forEach((theta, i) => assert.ok(Math.abs(theta - (i + 1)) < 1e-12, `θ_${i} ${theta}`));
  // v₁ = 1/√n, v₂ ∝ (x − 4.5): the first two Gram polynomials
  run.basis[0]!.forEach((x) => assert.ok(Math.abs(x - 1 / Math.sqrt(n)) < 1e-15));
  const linear = Array.from({ length: n }, (_, i) => i + 1 - 4.5);
  const linearNorm = Math.sqrt(linear.reduce((s, x) => s + x * x, 0));
  run.basis[1]!.forEach((x, i) => assert.ok(Math.abs(x - linear[i]! / linearNorm) < 1e-14));
  // fewer steps: the leading part of the same tridiagonal, and β_{m+1} is the next β
  const three = lanczosTridiagonalize(op, { startVector: ones(n), steps: 3 });
  assert.is(three.alphas.length, 3);
  assert.ok(Math.abs(three.residualBeta - run.betas[2]!) < 1e-14, `${three.residualBeta}`);
});

test('tridiagonalToDense: α on the diagonal, β on both off-diagonals; a wrong number of βs is refused', () => {
  assert.equal(Array.from(tridiagonalToDense({ alphas: Float64Array.of(1, 2, 3), betas: Float64Array.of(4, 5) })), [1, 4, 0, 4, 2, 5, 0, 5, 3]);
  assert.equal(Array.from(tridiagonalToDense({ alphas: Float64Array.of(7), betas: new Float64Array(0) })), [7]);
  assert.throws(() => tridiagonalToDense({ alphas: Float64Array.of(1, 2), betas: Float64Array.of(1, 2) }), /^tridiagonal: 2 alphas need 1 betas, got 2$/);
  assert.throws(() => tridiagonalToDense({ alphas: Float64Array.of(1), betas: Float64Array.of(1) }), /^tridiagonal: 1 alphas need 0 betas, got 1$/);
});

test('a start vector in the span of two eigenvectors: breakdown after exactly two steps, Ritz values exact', () => {
  const op = diagonal([1, 2, 3, 4]);
  const run = lanczosTridiagonalize(op, { startVector: Float64Array.of(1, 0, 1, 0), steps: 4 });
  assert.ok(run.invariantSubspace);
  assert.is(run.alphas.length, 2);
  // α₁ = (1 + 3)/2, w = (−1, 0, 1, 0)/√2 so β₂ = 1, then α₂ = 2
  assert.ok(Math.abs(run.alphas[0]! - 2) < 1e-15 && Math.abs(run.alphas[1]! - 2) < 1e-15 && Math.abs(run.betas[0]! - 1) < 1e-15);
  assert.ok(run.residualBeta < 1e-15);
  assert.equal(Array.from(ritzDecomposition(run).values, (x) => Math.round(x * 1e12) / 1e12), [1, 3]);
});

test('breakdown tolerance (default 1e-12 relative to the largest α or β): β = 1e-11 continues, β = 1e-13 stops', () => {
  // diag(1, 2) from (1, ε): α₁ ≈ 1, β₂ ≈ ε (exactly ε/√(1 + ε²)·1)
  const op = diagonal([1, 2]);
  const continues = lanczosTridiagonalize(op, { startVector: Float64Array.of(1, 1e-11) });
  assert.not.ok(continues.invariantSubspace);
  assert.is(continues.alphas.length, 2);
  assert.ok(Math.abs(continues.betas[0]! - 1e-11) < 1e-24);
  const stops = lanczosTridiagonalize(op, { startVector: Float64Array.of(1, 1e-13) });
  assert.ok(stops.invariantSubspace);
  assert.is(stops.alphas.length, 1);
  // scaled by 100: the test is relative (β = 1e-9 against |α| = 100)
  const scaled = lanczosTridiagonalize(diagonal([100, 200]), { startVector: Float64Array.of(1, 1e-11) });
  assert.is(scaled.alphas.length, 2);
  const scaledStop = lanczosTridiagonalize(diagonal([100, 200]), { startVector: Float64Array.of(1, 1e-13) });
  assert.is(scaledStop.alphas.length, 1);
  // an explicit tolerance
  assert.is(lanczosTridiagonalize(op, { startVector: Float64Array.of(1, 1e-11), breakdownTolerance: 1e-10 }).alphas.length, 1);
});

test('restart at an invariant subspace: a β of exactly 0 between the blocks, a unit vector orthogonal to the first block', () => {
  const op = diagonal([1, 2, 3, 4]);
  const process = new LanczosProcess(op, Float64Array.of(1, 0, 1, 0), new Random(3), 'restart');
  for (let i = 0; i < 4; i++) assert.ok(process.step());
  assert.is(process.steps, 4);
  assert.is(process.betas.length, 3);
  assert.is(process.betas[1], 0);
  assert.ok(process.betas[0]! > 0.5 && process.betas[2]! > 0);
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(norm(process.basis[i]!) - 1) < 1e-14);
    for (let j = 0; j < i; j++) assert.ok(Math.abs(dot(process.basis[i]!, process.basis[j]!)) < 1e-14);
  }
  // the third vector lies in span(e₂, e₄)
  assert.ok(Math.abs(process.basis[2]![0]!) < 1e-14 && Math.abs(process.basis[2]![2]!) < 1e-14);
  const values = ritzDecomposition(process.tridiagonal()).values;
  values.forEach((theta, i) => assert.ok(Math.abs(theta - (i + 1)) < 1e-12, `θ ${theta}`));
  // ℝⁿ is spanned: no further step
  assert.not.ok(process.step());
  assert.ok(process.exhausted);
  assert.not.ok(process.step());
  // the 'stop' mode stops there instead
  const stopping = new LanczosProcess(op, Float64Array.of(1, 0, 1, 0), new Random(3));
  assert.ok(stopping.step() && stopping.step());
  assert.not.ok(stopping.step());
  assert.ok(stopping.exhausted);
  assert.is(stopping.steps, 2);
});

test('bad start vectors and step counts are refused with the values named', () => {
  const op = diagonal([1, 2, 3]);
  assert.throws(() => new LanczosProcess(op, Float64Array.of(1, 1), new Random(0)), /^Lanczos: start vector has length 2, operator dim 3$/);
  assert.throws(() => new LanczosProcess(op, new Float64Array(3), new Random(0)), /^Lanczos: start vector must be non-zero and finite$/);
  assert.throws(() => new LanczosProcess(op, Float64Array.of(1, NaN, 0), new Random(0)), /non-zero and finite/);
  assert.throws(() => lanczosTridiagonalize(op, { steps: 0 }), /^lanczosTridiagonalize: steps must be a positive integer, got 0$/);
  assert.throws(() => lanczosTridiagonalize(op, { steps: 1.5 }), /got 1.5$/);
  // steps are capped at n
  assert.is(lanczosTridiagonalize(op, { steps: 10 }).alphas.length, 3);
  for (const k of [0, 4, 1.5]) {
    assert.throws(() => topEigenpairs(op, k), new RegExp(`^Lanczos eigenpairs: k must be an integer in \\[1, 3\\], got ${k}$`));
    assert.throws(() => bottomEigenpairs(op, k), /k must be an integer/);
  }
});

test('top-k / bottom-k: convergence checked every checkEvery steps, exact after the invariant space; the step budget', () => {
  // Three distinct eigenvalues, start vector touching all: the space is invariant after 3 steps.
  const op = diagonal([5, 5, 2, 2, -1, -1, -1, -1]);
  const start = ones(8);
  const everyStep = topEigenpairs(op, 1, { startVector: start, checkEvery: 1 });
  assert.ok(everyStep.converged);
  assert.is(everyStep.steps, 3);
  assert.ok(Math.abs(everyStep.values[0]! - 5) < 1e-12);
  assert.ok(everyStep.residualNorms[0]! < 1e-12);
  // default: checked at 5 steps (after two restart steps whose β of 0 decouples the wanted pair)
  const byDefault = topEigenpairs(op, 1, { startVector: start });
  assert.ok(byDefault.converged);
  assert.is(byDefault.steps, 5);
  assert.ok(Math.abs(byDefault.values[0]! - 5) < 1e-12);
  assert.is(topEigenpairs(op, 1, { startVector: start, checkEvery: 0 }).steps, 3);
  assert.is(topEigenpairs(op, 1, { startVector: start, checkEvery: 2 }).steps, 4);
  const bottom = bottomEigenpairs(op, 2, { startVector: start, checkEvery: 1 });
  assert.is(bottom.steps, 3);
  assert.ok(Math.abs(bottom.values[0]! + 1) < 1e-12 && Math.abs(bottom.values[1]! - 2) < 1e-12, `${bottom.values}`); // ascending
  assert.ok(Math.abs(Math.abs(bottom.vectors[0]![4]!) - 0.5) < 1e-12); // the −1 eigenvector of the start: (0, 0, 0, 0, ½, ½, ½, ½)

  // Never converged (tolerance 0 on a generic spectrum): the default budget max(4k, 60) steps, capped at n.
  const rng = new Random(1);
  const n = 100;
  const spectrum = Array.from({ length: n }, () => rng.normal());
  const generic = diagonal(spectrum);
  const never = topEigenpairs(generic, 2, { tolerance: 0, seed: 2 });
  assert.not.ok(never.converged);
  assert.is(never.steps, 60);
  assert.is(topEigenpairs(generic, 20, { tolerance: 0, seed: 2 }).steps, 80);
  assert.is(topEigenpairs(generic, 2, { tolerance: 0, seed: 2, maxSteps: 17 }).steps, 17);
  assert.is(topEigenpairs(diagonal(spectrum.slice(0, 30)), 2, { tolerance: 0, seed: 2 }).steps, 30);
  // fewer steps possible than k
  assert.throws(() => topEigenpairs(generic, 5, { maxSteps: 3 }), /^Lanczos eigenpairs: only 3 steps possible, fewer than k = 5$/);
});

test('the convergence test is relative to max |θ|: A and 1000·A take the same steps from the same start', () => {
  // Lanczos is scale invariant (α, β and the Ritz residuals all scale by c), so a relative test stops both at the same m.
  const spectrum = Array.from({ length: 40 }, (_, i) => Math.sin(3 * i + 1) + 0.1 * i);
  const start = Float64Array.from({ length: 40 }, (_, i) => Math.cos(i));
  const plain = topEigenpairs(diagonal(spectrum), 1, { startVector: start, tolerance: 1e-6, checkEvery: 1 });
  const scaled = topEigenpairs(diagonal(spectrum.map((x) => 1000 * x)), 1, { startVector: start, tolerance: 1e-6, checkEvery: 1 });
  assert.ok(plain.converged && scaled.converged);
  assert.ok(plain.steps < 30, `${plain.steps}`); // converged well before the Krylov space fills ℝⁿ
  assert.is(scaled.steps, plain.steps);
  assert.ok(Math.abs(scaled.values[0]! - 1000 * plain.values[0]!) < 1e-9 * 1000 * Math.abs(plain.values[0]!));
  assert.ok(Math.abs(plain.values[0]! - Math.max(...spectrum)) < 1e-6);
});

test('a residual of exactly 0 passes a tolerance of 0: an eigenvector start converges after one step', () => {
  const op = diagonal([3, -1, 2]);
  const result = topEigenpairs(op, 1, { startVector: Float64Array.of(1, 0, 0), tolerance: 0, checkEvery: 1 });
  assert.ok(result.converged);
  assert.is(result.steps, 1);
  assert.equal([result.values[0], result.residualNorms[0]], [3, 0]);
});

test('k = 3 on three distinct eigenvalues converges at m = k = 3 (checked as soon as m reaches k); k = n is allowed', () => {
  const op = diagonal([5, 5, 2, 2, -1, -1, -1, -1]);
  const three = topEigenpairs(op, 3, { startVector: ones(8), checkEvery: 1 });
  assert.ok(three.converged);
  assert.is(three.steps, 3);
  assert.equal(Array.from(three.values, (x) => Math.round(x * 1e10) / 1e10), [5, 2, -1]);
  const all = bottomEigenpairs(diagonal([4, 1, 3]), 3, { startVector: Float64Array.of(1, 1, 1) });
  assert.equal(Array.from(all.values, (x) => Math.round(x * 1e12) / 1e12), [1, 3, 4]);
  // one step: the Rayleigh quotient of the start
  const one = lanczosTridiagonalize(diagonal([4, 1, 3]), { startVector: Float64Array.of(1, 1, 0), steps: 1 });
  assert.is(one.alphas.length, 1);
  assert.ok(Math.abs(one.alphas[0]! - 2.5) < 1e-15); // (4 + 1)/2
  assert.is(one.betas.length, 0);
});

test('the zero operator: α = 0 and the run stops at once (0 is not above 0·tolerance); the restarting search finds only zeros', () => {
  const zero = diagonal([0, 0, 0, 0]);
  const run = lanczosTridiagonalize(zero, { seed: 1 });
  assert.ok(run.invariantSubspace);
  assert.equal(Array.from(run.alphas), [0]);
  assert.is(run.residualBeta, 0);
  const bottom = bottomEigenpairs(zero, 2, { seed: 1 });
  assert.equal(Array.from(bottom.values), [0, 0]);
  assert.ok(bottom.converged);
});

test('with a breakdown tolerance of 0, the process still stops after n steps (the basis spans ℝⁿ)', () => {
  const n = 8;
  const process = new LanczosProcess(diagonal(Array.from({ length: n }, (_, i) => i + 1)), ones(n), new Random(0), 'stop', 0);
  for (let i = 0; i < n; i++) assert.ok(process.step());
  assert.ok(process.residualBeta > 0 && process.residualBeta < 1e-12); // rounding: not exactly 0, so only the count stops it
  assert.not.ok(process.step());
  assert.ok(process.exhausted);
  assert.is(process.steps, n);
  assert.is(process.betas.length, n - 1);
});

test('the seeded start vector is the normalised vector of the first n normal draws of Random(seed)', () => {
  const n = 6;
  const rng = new Random(7);
  const draws = Float64Array.from({ length: n }, () => rng.normal());
  const length = Math.sqrt(draws.reduce((s, x) => s + x * x, 0));
  const run = lanczosTridiagonalize(diagonal([1, 2, 3, 4, 5, 6]), { seed: 7, steps: 2 });
  run.basis[0]!.forEach((x, i) => assert.ok(Math.abs(x - draws[i]! / length) < 1e-15, `${x} vs ${draws[i]! / length}`));
  // the default seed is 0
  const rng0 = new Random(0);
  const draws0 = Float64Array.from({ length: n }, () => rng0.normal());
  const length0 = Math.sqrt(draws0.reduce((s, x) => s + x * x, 0));
  lanczosTridiagonalize(diagonal([1, 2, 3, 4, 5, 6]), { steps: 1 }).basis[0]!.forEach((x, i) => assert.ok(Math.abs(x - draws0[i]! / length0) < 1e-15));
});

test('restart vectors: each is the next n normal draws of the generator, made orthogonal to the basis and normalised', () => {
  // On the identity every vector is an eigenvector: each step breaks down and restarts.
  const n = 4;
  const process = new LanczosProcess(diagonal([1, 1, 1, 1]), Float64Array.of(1, 0, 0, 0), new Random(11), 'restart');
  for (let i = 0; i < 3; i++) assert.ok(process.step());
  assert.equal(process.betas, [0, 0]);
  // by hand: Gram–Schmidt of the draws 0..3 and 4..7 against e₁ and the first restart vector
  const rng = new Random(11);
  const g1 = Array.from({ length: n }, () => rng.normal());
  const g2 = Array.from({ length: n }, () => rng.normal());
  const unit = (v: number[]): number[] => {
    const length = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / length);
  };
  const v2 = unit([0, g1[1]!, g1[2]!, g1[3]!]);
  const along = g2[1]! * v2[1]! + g2[2]! * v2[2]! + g2[3]! * v2[3]!;
  const v3 = unit([0, g2[1]! - along * v2[1]!, g2[2]! - along * v2[2]!, g2[3]! - along * v2[3]!]);
  process.basis[1]!.forEach((x, i) => assert.ok(Math.abs(x - v2[i]!) < 1e-14, `v₂[${i}] ${x} vs ${v2[i]}`));
  process.basis[2]!.forEach((x, i) => assert.ok(Math.abs(x - v3[i]!) < 1e-14, `v₃[${i}] ${x} vs ${v3[i]}`));
});

test.run();
