/**
 * Tests for the matrix-free linear algebra in src/landscape/linalg: each
 * algorithm is checked against a dense computation (ml-matrix) on small
 * random problems, with tolerances tight enough to catch a wrong recurrence.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix, solve } from 'ml-matrix';
import { Random } from '../src/autodiff/index.js';
import { axpy, copy, dot, norm, scale, type LinearOperator } from '../src/landscape/linalg/vector.js';
import {
  checkSymmetric,
  denseOperator,
  relativeAsymmetry,
  symmetricEigen,
  symmetrize,
} from '../src/landscape/linalg/symmetric-eigen.js';
import {
  bottomEigenpairs,
  topEigenpairs,
  lanczosTridiagonalize,
  tridiagonalToDense,
} from '../src/landscape/linalg/lanczos.js';
import { hutchinsonFrobeniusNorm, hutchinsonFrobeniusSquared, hutchinsonTrace } from '../src/landscape/linalg/hutchinson.js';
import { gaussianBroadenedDensity, slqQuadrature, slqSpectralDensity, slqTraceEstimate } from '../src/landscape/linalg/slq.js';
import { minresQlp, symOrtho, type MinresQlpOptions } from '../src/landscape/linalg/minres-qlp.js';
import {
  denseOrthonormalSubspace,
  fastfoodSubspace,
  fastWalshHadamard,
  restrictedOperator,
  sparseRandomSubspace,
  type RandomSubspace,
} from '../src/landscape/linalg/subspace.js';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A GOE-like random symmetric matrix (G + Gᵀ)/√(2n), row-major. */
function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) g[i] = rng.normal();
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (g[i * n + j]! + g[j * n + i]!) / Math.sqrt(2 * n);
  return a;
}

/** Q diag(eigenvalues) Qᵀ with a random orthogonal Q. */
function matrixWithSpectrum(eigenvalues: readonly number[], seed: number): Float64Array {
  const n = eigenvalues.length;
  const q = denseOrthonormalSubspace(n, n, seed).toDense();
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += q[i * n + k]! * eigenvalues[k]! * q[j * n + k]!;
      a[i * n + j] = sum;
      a[j * n + i] = sum;
    }
  }
  return a;
}

function randomVector(n: number, rng: Random): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

function relativeError(x: Float64Array, reference: Float64Array): number {
  const difference = copy(x);
  axpy(-1, reference, difference);
  return norm(difference) / norm(reference);
}

function maxAbsDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.is(x.length, y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** A⁺b by the dense eigen-decomposition, eigenvalues below relTol·‖A‖ treated as zero. */
function pseudoInverseSolve(a: Float64Array, b: Float64Array, relTol = 1e-10): Float64Array {
  const { values, vectors } = symmetricEigen(a);
  const largest = Math.max(...Array.from(values, Math.abs));
  const x = new Float64Array(b.length);
  values.forEach((lambda, i) => {
    if (Math.abs(lambda) > relTol * largest) axpy(dot(vectors[i]!, b) / lambda, vectors[i]!, x);
  });
  return x;
}

/** Dense LU solve through ml-matrix. */
function denseSolve(a: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  return Float64Array.from(solve(new Matrix(rows), Matrix.columnVector(Array.from(b))).getColumn(0));
}

function spectralNorm(a: Float64Array): number {
  return Math.max(...Array.from(symmetricEigen(a).values, Math.abs));
}

function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i]!;
  return t;
}

function frobeniusSquared(a: Float64Array): number {
  return dot(a, a);
}

/** Integral of samples on an even grid by the trapezoid rule. */
function trapezoid(grid: Float64Array, values: ArrayLike<number>): number {
  let sum = 0;
  for (let g = 1; g < grid.length; g++) sum += 0.5 * (values[g]! + values[g - 1]!) * (grid[g]! - grid[g - 1]!);
  return sum;
}

// ---------------------------------------------------------------------------
// vector.ts
// ---------------------------------------------------------------------------

test('vector helpers: dot, norm (overflow-safe), axpy, scale, copy', () => {
  const x = Float64Array.of(1, 2, 3);
  const y = Float64Array.of(4, -5, 6);
  assert.is(dot(x, y), 12);
  assert.is(norm(Float64Array.of(3, 4)), 5);
  assert.ok(Math.abs(norm(Float64Array.of(1e200, 1e200)) / (Math.SQRT2 * 1e200) - 1) < 1e-15);
  assert.is(norm(new Float64Array(3)), 0);
  assert.equal(Array.from(axpy(2, x, copy(y))), [6, -1, 12]);
  assert.equal(Array.from(scale(-2, copy(x))), [-2, -4, -6]);
  const c = copy(x);
  c[0] = 99;
  assert.is(x[0], 1);
  assert.throws(() => dot(x, Float64Array.of(1)));
});

// ---------------------------------------------------------------------------
// symmetric-eigen.ts
// ---------------------------------------------------------------------------

test('symmetricEigen: ascending, orthonormal, A q = λ q, both input formats', () => {
  assert.equal(Array.from(symmetricEigen([[2, 1], [1, 2]]).values).map((v) => Math.round(v * 1e12) / 1e12), [1, 3]);
  const n = 30;
  const a = randomSymmetric(n, 1);
  const op = denseOperator(a);
  const { values, vectors } = symmetricEigen(a);
  const scaleOfA = spectralNorm(a);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1]! <= values[i]!);
  for (let i = 0; i < n; i++) {
    const residual = op.apply(vectors[i]!);
    axpy(-values[i]!, vectors[i]!, residual);
    assert.ok(norm(residual) < 1e-12 * scaleOfA, `residual ${norm(residual)}`);
    for (let j = 0; j <= i; j++) assert.ok(Math.abs(dot(vectors[i]!, vectors[j]!) - (i === j ? 1 : 0)) < 1e-12);
  }
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  assert.ok(maxAbsDifference(symmetricEigen(rows).values, values) < 1e-13);
});

test('symmetricEigen: symmetry check, symmetrize, warn and throw modes', () => {
  const asymmetric = Float64Array.of(1, 2, 0, 3);
  assert.ok(Math.abs(relativeAsymmetry(asymmetric) - Math.sqrt(8 / 14)) < 1e-15);
  assert.equal(Array.from(symmetrize(asymmetric)), [1, 1, 1, 3]);
  assert.throws(() => symmetricEigen(asymmetric), /not symmetric/);
  const warn = console.warn;
  let warnings = 0;
  console.warn = () => void warnings++;
  try {
    const { values } = symmetricEigen(asymmetric, { onAsymmetry: 'warn' });
    assert.is(warnings, 1);
    assert.ok(maxAbsDifference(values, [2 - Math.SQRT2, 2 + Math.SQRT2]) < 1e-14); // eigenvalues of [[1,1],[1,3]]
  } finally {
    console.warn = warn;
  }
  // Rounding-level asymmetry passes the default check.
  const nearly = randomSymmetric(10, 2);
  nearly[1] = nearly[1]! * (1 + 1e-14);
  assert.ok(checkSymmetric(nearly) < 1e-13);
});

// ---------------------------------------------------------------------------
// lanczos.ts
// ---------------------------------------------------------------------------

test('lanczosTridiagonalize: orthonormal basis and Vᵀ A V = T', () => {
  const n = 60;
  const a = randomSymmetric(n, 3);
  const op = denseOperator(a);
  const m = 25;
  const decomposition = lanczosTridiagonalize(op, { steps: m, seed: 5 });
  assert.is(decomposition.alphas.length, m);
  assert.is(decomposition.betas.length, m - 1);
  const t = tridiagonalToDense(decomposition);
  const basis = decomposition.basis;
  for (let i = 0; i < m; i++) {
    const av = op.apply(basis[i]!);
    for (let j = 0; j < m; j++) {
      assert.ok(Math.abs(dot(basis[i]!, basis[j]!) - (i === j ? 1 : 0)) < 1e-13);
      assert.ok(Math.abs(dot(basis[j]!, av) - t[j * m + i]!) < 1e-12);
    }
  }
});

test('Lanczos top-k / bottom-k equal the dense eigen-solver (random symmetric, n = 80)', () => {
  const n = 80;
  const k = 4;
  const a = randomSymmetric(n, 4);
  const op = denseOperator(a);
  const exact = symmetricEigen(a).values;
  const top = topEigenpairs(op, k, { maxSteps: n, seed: 1 });
  const bottom = bottomEigenpairs(op, k, { maxSteps: n, seed: 2 });
  assert.ok(top.converged && bottom.converged);
  assert.ok(top.steps < n && bottom.steps < n, `steps ${top.steps}, ${bottom.steps}`); // converged before Krylov space = ℝⁿ
  for (let i = 0; i < k; i++) {
    assert.ok(Math.abs(top.values[i]! - exact[n - 1 - i]!) < 1e-8, `top ${i}: ${top.values[i]} vs ${exact[n - 1 - i]}`);
    assert.ok(Math.abs(bottom.values[i]! - exact[i]!) < 1e-8, `bottom ${i}: ${bottom.values[i]} vs ${exact[i]}`);
    for (const pairs of [top, bottom]) {
      const residual = op.apply(pairs.vectors[i]!);
      axpy(-pairs.values[i]!, pairs.vectors[i]!, residual);
      assert.ok(Math.abs(norm(pairs.vectors[i]!) - 1) < 1e-12);
      assert.ok(norm(residual) < 1e-8, `Ritz residual ${norm(residual)}`);
      // The cheap estimate |β_{m+1} e_mᵀ s| matches the true residual.
      assert.ok(Math.abs(norm(residual) - pairs.residualNorms[i]!) < 1e-12);
    }
  }
});

test('Lanczos converges early on a Hessian-like spectrum (bulk + outliers)', () => {
  const n = 100;
  const rng = new Random(6);
  const spectrum = Array.from({ length: n }, () => 0.1 * rng.normal());
  spectrum.splice(0, 5, 40, 25, 12, -8, -3);
  const a = matrixWithSpectrum(spectrum, 7);
  const op = denseOperator(a);
  const exact = symmetricEigen(a).values;
  const top = topEigenpairs(op, 3, { seed: 3 });
  const bottom = bottomEigenpairs(op, 2, { seed: 3 });
  assert.ok(top.converged && bottom.converged);
  assert.ok(top.steps < 40 && bottom.steps < 40, `steps ${top.steps}, ${bottom.steps}`);
  assert.ok(maxAbsDifference(top.values, [exact[n - 1]!, exact[n - 2]!, exact[n - 3]!]) < 1e-8);
  assert.ok(maxAbsDifference(bottom.values, [exact[0]!, exact[1]!]) < 1e-8);
});

test('Lanczos restarts at an invariant subspace and finds repeated eigenvalues', () => {
  // Only three distinct eigenvalues: one Krylov space holds three directions.
  const spectrum = [5, 5, 5, 2, 2, ...Array.from({ length: 15 }, () => -1)];
  const op = denseOperator(matrixWithSpectrum(spectrum, 8));
  const top = topEigenpairs(op, 5, { seed: 4 });
  assert.ok(top.converged);
  assert.ok(maxAbsDifference(top.values, [5, 5, 5, 2, 2]) < 1e-10, Array.from(top.values).join());
  assert.ok(top.tridiagonal.betas.some((beta) => beta === 0)); // the restarts
  for (let i = 0; i < 5; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(dot(top.vectors[i]!, top.vectors[j]!)) < 1e-10);
  // Without restarts the quadrature-style run stops at the invariant subspace.
  const run = lanczosTridiagonalize(op, { steps: 10, seed: 4 });
  assert.ok(run.invariantSubspace);
  assert.is(run.alphas.length, 3);
});

// ---------------------------------------------------------------------------
// hutchinson.ts
// ---------------------------------------------------------------------------

test('Hutchinson trace: exact on diagonal matrices, error within a few standard errors and shrinking', () => {
  const diagonal = Float64Array.from({ length: 50 }, (_, i) => i - 10);
  const diagonalOp: LinearOperator = { dim: 50, apply: (v) => Float64Array.from(v, (x, i) => diagonal[i]! * x) };
  const exactDiagonal = hutchinsonTrace(diagonalOp, { probes: 3, seed: 1 });
  assert.is(exactDiagonal.estimate, 1225 - 500);
  assert.is(exactDiagonal.standardError, 0);

  const n = 60;
  const a = randomSymmetric(n, 9);
  for (let i = 0; i < n; i++) a[i * n + i] = a[i * n + i]! + 0.5; // Tr(A) ≈ 30
  const op = denseOperator(a);
  const exact = trace(a, n);
  // Var[zᵀAz] = 2 Σ_{i≠j} A_ij² for Rademacher z.
  const sampleVariance = 2 * (frobeniusSquared(a) - Array.from({ length: n }, (_, i) => a[i * n + i]! ** 2).reduce((s, x) => s + x, 0));
  const rmsError: number[] = [];
  for (const probes of [10, 1000]) {
    let squaredErrors = 0;
    for (let seed = 0; seed < 10; seed++) {
      const result = hutchinsonTrace(op, { probes, seed });
      assert.is(result.samples.length, probes);
      assert.ok(Math.abs(result.estimate - exact) < 4.5 * result.standardError, `N=${probes}: ${result.estimate} vs ${exact} ± ${result.standardError}`);
      squaredErrors += (result.estimate - exact) ** 2;
      if (probes === 1000) {
        // The reported standard error matches the theory to within sampling noise.
        const expected = Math.sqrt(sampleVariance / probes);
        assert.ok(Math.abs(result.standardError / expected - 1) < 0.15, `SE ${result.standardError} vs ${expected}`);
      }
    }
    rmsError.push(Math.sqrt(squaredErrors / 10));
  }
  assert.ok(rmsError[1]! < rmsError[0]! / 4, `RMS error ${rmsError.join(' → ')}`); // ≈ 1/√100 = 1/10 expected
});

test('Hutchinson Frobenius norm: ‖A‖_F² and ‖A‖_F within a few standard errors', () => {
  const n = 50;
  const a = randomSymmetric(n, 10);
  const op = denseOperator(a);
  const exactSquared = frobeniusSquared(a);
  for (const seed of [1, 2, 3]) {
    const squared = hutchinsonFrobeniusSquared(op, { probes: 400, seed });
    assert.ok(Math.abs(squared.estimate - exactSquared) < 4 * squared.standardError);
    assert.ok(squared.standardError < 0.05 * exactSquared);
    const plain = hutchinsonFrobeniusNorm(op, { probes: 400, seed });
    assert.ok(Math.abs(plain.estimate - Math.sqrt(exactSquared)) < 4 * plain.standardError + 1e-3);
    assert.ok(Math.abs(plain.estimate ** 2 - squared.estimate) < 1e-9 * exactSquared);
  }
});

// ---------------------------------------------------------------------------
// slq.ts
// ---------------------------------------------------------------------------

test('SLQ: density integrates to 1, its mean is Tr(A)/n, Gauss quadrature is exact for low degrees', () => {
  const n = 100;
  const rng = new Random(11);
  const spectrum = Array.from({ length: n }, () => rng.normal() + 0.3);
  spectrum[0] = 15;
  const a = matrixWithSpectrum(spectrum, 12);
  const op = denseOperator(a);
  const probes = 12;
  const result = slqSpectralDensity(op, { probes, steps: 30, seed: 4 });
  assert.is(result.nodes.length, probes);
  for (const w of result.weights) assert.ok(Math.abs(w.reduce((s, x) => s + x, 0) - 1) < 1e-12);

  assert.ok(Math.abs(trapezoid(result.grid, result.density) - 1) < 1e-6);
  const firstMoment = trapezoid(result.grid, Float64Array.from(result.density, (d, g) => d * result.grid[g]!));
  const discreteMean = result.nodes.reduce((s, theta, p) => s + theta.reduce((t, x, k) => t + x * result.weights[p]![k]!, 0), 0) / probes;
  assert.ok(Math.abs(firstMoment - discreteMean) < 1e-8);

  // Σ τθ = vᵀAv and Σ τθ² = ‖Av‖² exactly: the samples equal Hutchinson's with the same probes.
  const traceBySlq = slqTraceEstimate(result, (t) => t);
  const traceByHutchinson = hutchinsonTrace(op, { probes, seed: 4 });
  assert.ok(maxAbsDifference(traceBySlq.samples, traceByHutchinson.samples) < 1e-10);
  const squaresBySlq = slqTraceEstimate(result, (t) => t * t);
  assert.ok(maxAbsDifference(squaresBySlq.samples, hutchinsonFrobeniusSquared(op, { probes, seed: 4 }).samples) < 1e-9);

  const exactMean = trace(a, n) / n;
  assert.ok(Math.abs(discreteMean - exactMean) < 4 * (traceBySlq.standardError / n), `${discreteMean} vs ${exactMean}`);
  assert.ok(Math.abs(squaresBySlq.estimate - frobeniusSquared(a)) < 4 * squaresBySlq.standardError);
});

test('SLQ: with few distinct eigenvalues the nodes are exact and the density has the right masses', () => {
  const spectrum = [...Array.from({ length: 30 }, () => -2), ...Array.from({ length: 50 }, () => 1), ...Array.from({ length: 20 }, () => 4)];
  const op = denseOperator(matrixWithSpectrum(spectrum, 13));
  const quadrature = slqQuadrature(op, { probes: 40, steps: 20, seed: 5 });
  for (const theta of quadrature.nodes) assert.ok(maxAbsDifference(theta, [-2, 1, 4]) < 1e-10); // stopped at the invariant space
  const density = gaussianBroadenedDensity(quadrature, { sigma: 0.1, gridMin: -4, gridMax: 6, gridSize: 2001 });
  const massNear = (centre: number): number =>
    trapezoid(density.grid, Float64Array.from(density.density, (d, g) => (Math.abs(density.grid[g]! - centre) < 1 ? d : 0)));
  // Expected masses 0.3, 0.5, 0.2; with 40 probes each is within ~0.05.
  assert.ok(Math.abs(massNear(-2) - 0.3) < 0.06 && Math.abs(massNear(1) - 0.5) < 0.06 && Math.abs(massNear(4) - 0.2) < 0.06);
});

// ---------------------------------------------------------------------------
// minres-qlp.ts
// ---------------------------------------------------------------------------

test('symOrtho maps (a, b) to (r, 0)', () => {
  for (const [a, b] of [[3, 4], [-3, 4], [1e-300, 1e300], [0, -2], [5, 0], [0, 0]] as const) {
    const { c, s, r } = symOrtho(a, b);
    assert.ok(Math.abs(c * a + s * b - r) <= 1e-15 * Math.max(r, 1e-300));
    assert.ok(Math.abs(s * a - c * b) <= 1e-15 * Math.max(r, 1e-300));
    assert.ok(Math.abs(c * c + s * s - 1) < 1e-15 && r >= 0);
  }
});

const N = 60;
const rngSystems = new Random(20);
const spdSpectrum = Array.from({ length: N }, (_, i) => 1 + (99 * i) / (N - 1));
const indefiniteSpectrum = Array.from({ length: N }, (_, i) => (i % 2 ? -1 : 1) * (1 + (9 * i) / (N - 1)));
const singularSpectrum = indefiniteSpectrum.map((lambda, i) => (i % 6 === 0 ? 0 : lambda)); // 10 zero eigenvalues

test('MINRES-QLP: SPD and indefinite systems match a dense solve', () => {
  for (const [name, spectrum] of [['SPD', spdSpectrum], ['indefinite', indefiniteSpectrum]] as const) {
    const a = matrixWithSpectrum(spectrum, 21);
    const b = randomVector(N, rngSystems);
    const result = minresQlp(denseOperator(a), b);
    assert.is(result.flag, 1, `${name}: ${result.reason}`);
    assert.is(result.qlpIterations, 0); // well conditioned: plain MINRES updates throughout
    assert.ok(relativeError(result.x, denseSolve(a, b)) < 1e-8, `${name}: error ${relativeError(result.x, denseSolve(a, b))}`);
    assert.ok(result.relres < 1e-9);
    const aNorm = spectralNorm(a);
    assert.ok(result.anorm <= aNorm * (1 + 1e-12) && result.anorm > 0.5 * aNorm, `anorm ${result.anorm} vs ${aNorm}`);
    // The reported residual quantities are the true ones.
    const residual = copy(b);
    axpy(-1, denseOperator(a).apply(result.x), residual);
    assert.ok(Math.abs(result.rnorm - norm(residual)) < 1e-14 * norm(b));
    assert.ok(Math.abs(result.relres - norm(residual) / (result.anorm * norm(result.x) + norm(b))) < 1e-15);
  }
});

test('MINRES-QLP: singular consistent system gives the minimum-length solution A⁺b', () => {
  const a = matrixWithSpectrum(singularSpectrum, 22);
  const op = denseOperator(a);
  const b = op.apply(randomVector(N, rngSystems)); // b ∈ range(A)
  for (const trancond of [1e4, 1]) {
    const result = minresQlp(op, b, { trancond });
    assert.is(result.flag, 1, result.reason);
    assert.ok(relativeError(result.x, pseudoInverseSolve(a, b)) < 1e-8);
  }
});

test('MINRES-QLP: singular inconsistent system gives the minimum-length least-squares solution', () => {
  const a = matrixWithSpectrum(singularSpectrum, 23);
  const op = denseOperator(a);
  for (const seed of [1, 2, 3]) {
    const b = randomVector(N, new Random(seed)); // has a null-space component: no exact solution
    const expected = pseudoInverseSolve(a, b);
    // The accuracy is set by acondlim, which doubles as the numerical-rank threshold: the
    // defaults (1e7) give ~1e-6; a tighter threshold gives more digits. (Plain MINRES: error O(1).)
    const cases: [MinresQlpOptions, number][] = [[{}, 1e-5], [{ trancond: 1 }, 1e-5], [{ acondlim: 1e9, maxxnorm: 1e7 }, 1e-7]];
    for (const [options, tolerance] of cases) {
      const result = minresQlp(op, b, options);
      assert.ok([2, 6, 7].includes(result.flag), `flag ${result.flag}: ${result.reason}`);
      const error = relativeError(result.x, expected);
      assert.ok(error < tolerance, `seed ${seed} ${JSON.stringify(options)}: error ${error}`);
      assert.ok(result.relAres < 1e-5 && result.relres > 0.05); // a least-squares solution, not a solution
    }
  }
  // Plain MINRES directions alone would not do: the switch to QLP happened.
  const result = minresQlp(op, randomVector(N, new Random(1)));
  assert.ok(result.minresIterations > 0 && result.qlpIterations > 0);
});

test('MINRES-QLP: MINRES→QLP transfer on an ill-conditioned system agrees with pure QLP and a dense solve', () => {
  const n = 40;
  const spectrum = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * 10 ** (-5 * (i / (n - 1)))); // cond 1e5
  const a = matrixWithSpectrum(spectrum, 24);
  const op = denseOperator(a);
  const b = randomVector(n, rngSystems);
  const reference = denseSolve(a, b);
  const options = { acondlim: 1e10, maxxnorm: 1e12, maxit: 600 };
  const switched = minresQlp(op, b, options);
  const pureQlp = minresQlp(op, b, { ...options, trancond: 1 });
  assert.ok(switched.minresIterations > 0 && switched.qlpIterations > 0, `${switched.minresIterations}/${switched.qlpIterations}`);
  assert.is(pureQlp.minresIterations, 0);
  for (const result of [switched, pureQlp]) {
    assert.is(result.flag, 1, result.reason);
    assert.ok(relativeError(result.x, reference) < 1e-4, `error ${relativeError(result.x, reference)}`); // ≈ cond · rtol
    assert.ok(result.relres < 1e-9);
  }
});

test('MINRES-QLP: shift, b = 0, eigenvector right-hand side, acondlim stop', () => {
  const a = matrixWithSpectrum(indefiniteSpectrum, 25);
  const op = denseOperator(a);
  const b = randomVector(N, rngSystems);
  // (A − σI) x = b
  const sigma = 0.5;
  const shifted = Float64Array.from(a, (value, index) => (index % (N + 1) === 0 ? value - sigma : value));
  const result = minresQlp(op, b, { shift: sigma });
  assert.is(result.flag, 1);
  assert.ok(relativeError(result.x, denseSolve(shifted, b)) < 1e-8);

  const zero = minresQlp(op, new Float64Array(N));
  assert.is(zero.flag, 0);
  assert.is(norm(zero.x), 0);

  const diagonalOp: LinearOperator = { dim: 4, apply: (v) => Float64Array.from(v, (x, i) => (i + 1) * x) };
  const eigen = minresQlp(diagonalOp, Float64Array.of(0, 0, 3, 0));
  assert.is(eigen.flag, -1);
  assert.equal(Array.from(eigen.x), [0, 0, 1, 0]);

  const illConditioned = denseOperator(matrixWithSpectrum(Array.from({ length: 30 }, (_, i) => 10 ** (-9 * (i / 29))), 26));
  const limited = minresQlp(illConditioned, randomVector(30, rngSystems), { maxit: 500, maxxnorm: 1e12 });
  assert.is(limited.flag, 7, limited.reason);
  assert.ok(limited.acond >= 1e7);
});

// ---------------------------------------------------------------------------
// subspace.ts
// ---------------------------------------------------------------------------

/** project / projectTranspose agree with the materialised matrix; ⟨Pw, g⟩ = ⟨w, Pᵀg⟩. */
function checkAgainstDense(subspace: RandomSubspace, seed: number, tolerance: number): void {
  const { ambientDim: D, subspaceDim: d } = subspace;
  const p = subspace.toDense();
  const rng = new Random(seed);
  const w = randomVector(d, rng);
  const g = randomVector(D, rng);
  const pw = new Float64Array(D);
  const ptg = new Float64Array(d);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < d; j++) {
      pw[i] = pw[i]! + p[i * d + j]! * w[j]!;
      ptg[j] = ptg[j]! + p[i * d + j]! * g[i]!;
    }
  }
  const projected = subspace.project(w);
  const pulledBack = subspace.projectTranspose(g);
  assert.ok(maxAbsDifference(projected, pw) < tolerance * Math.max(1, norm(pw)), `${subspace.kind} project`);
  assert.ok(maxAbsDifference(pulledBack, ptg) < tolerance * Math.max(1, norm(ptg)), `${subspace.kind} transpose`);
  assert.ok(Math.abs(dot(projected, g) - dot(w, pulledBack)) < tolerance * norm(projected) * norm(g));
}

/** Column norms of a row-major D×d matrix. */
function columnNorms(p: Float64Array, D: number, d: number): number[] {
  return Array.from({ length: d }, (_, j) => Math.sqrt(Array.from({ length: D }, (_, i) => p[i * d + j]! ** 2).reduce((s, x) => s + x, 0)));
}

test('dense subspace: columns orthonormal to 1e-12, products match, seeded', () => {
  const D = 300;
  const d = 40;
  const subspace = denseOrthonormalSubspace(D, d, 1);
  const p = subspace.toDense();
  let worst = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let gram = 0;
      for (let i = 0; i < D; i++) gram += p[i * d + a]! * p[i * d + b]!;
      worst = Math.max(worst, Math.abs(gram - (a === b ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-12, `PᵀP − I: ${worst}`);
  checkAgainstDense(subspace, 2, 1e-12);
  assert.equal(Array.from(denseOrthonormalSubspace(D, d, 1).toDense()), Array.from(p));
  assert.not.equal(Array.from(denseOrthonormalSubspace(D, d, 2).toDense().subarray(0, 10)), Array.from(p.subarray(0, 10)));
});

test('dense subspace: column(j) is P·e_j and Pᵀ·g is each column\'s dot product, bit for bit, for d not a multiple of 4', () => {
  const D = 257;
  for (const d of [1, 4, 7]) {
    const subspace = denseOrthonormalSubspace(D, d, 3);
    const p = subspace.toDense();
    const g = Float64Array.from({ length: D }, (_, i) => Math.sin(1.7 * i) * 10 ** ((i % 7) - 3));
    const projected = subspace.projectTranspose(g);
    for (let j = 0; j < d; j++) {
      const unit = new Float64Array(d);
      unit[j] = 1;
      const column = subspace.column!(j);
      assert.equal(Array.from(column), Array.from(subspace.project(unit)), `d = ${d}: column ${j}`);
      assert.equal(Array.from(column), Array.from({ length: D }, (_, i) => p[i * d + j]!), `d = ${d}: column ${j} of toDense`);
      // the same sum in the same order: Σ_i p_ij g_i from i = 0, as one plain loop
      let sum = 0;
      for (let i = 0; i < D; i++) sum += p[i * d + j]! * g[i]!;
      assert.ok(Object.is(projected[j], sum), `d = ${d}: (Pᵀg)_${j} = ${projected[j]}, the loop gives ${sum}`);
    }
    // a copy each time: writing to one does not change the subspace
    subspace.column!(0).fill(0);
    assert.equal(Array.from(subspace.column!(0)), Array.from({ length: D }, (_, i) => p[i * d]!));
    assert.throws(() => subspace.column!(d), new RegExp(`j must be an integer in \\[0, ${d - 1}\\], got ${d}`));
    assert.throws(() => subspace.column!(0.5), /j must be an integer/);
    assert.throws(() => subspace.column!(-1), new RegExp(`j must be an integer in \\[0, ${d - 1}\\], got -1`));
  }
});

test('sparse subspace: unit ±1/√nnz columns, about √D non-zeros per column, products match', () => {
  const D = 10000;
  const d = 60;
  const subspace = sparseRandomSubspace(D, d, 3);
  // Each entry is non-zero with probability 1/√D: nnz ~ Binomial(D·d, 1/√D), mean d·√D = 6000, sd ≈ 77.
  const expected = d * Math.sqrt(D);
  assert.ok(Math.abs(subspace.nonzeros - expected) < 5 * Math.sqrt(expected), `nnz ${subspace.nonzeros} vs ${expected}`);
  const p = subspace.toDense();
  let counted = 0;
  const norms = columnNorms(p, D, d);
  for (let j = 0; j < d; j++) {
    assert.ok(Math.abs(norms[j]! - 1) < 1e-12);
    const column = Array.from({ length: D }, (_, i) => p[i * d + j]!).filter((x) => x !== 0);
    counted += column.length;
    for (const x of column) assert.ok(Math.abs(Math.abs(x) - 1 / Math.sqrt(column.length)) < 1e-15);
  }
  assert.is(counted, subspace.nonzeros);
  checkAgainstDense(subspace, 4, 1e-12);
  // Near-orthogonal: |⟨p_a, p_b⟩| is O(1/√D)-small.
  let largestOverlap = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < a; b++) {
      let overlap = 0;
      for (let i = 0; i < D; i++) overlap += p[i * d + a]! * p[i * d + b]!;
      largestOverlap = Math.max(largestOverlap, Math.abs(overlap));
    }
  }
  assert.ok(largestOverlap < 0.1, `overlap ${largestOverlap}`);
});

test('fast Walsh–Hadamard transform: known values and H² = L·I', () => {
  assert.equal(Array.from(fastWalshHadamard(Float64Array.of(1, 0, 1, 0, 0, 1, 1, 0))), [4, 2, 0, -2, 0, 2, 0, 2]);
  const x = randomVector(64, new Random(5));
  const twice = fastWalshHadamard(fastWalshHadamard(copy(x)));
  assert.ok(maxAbsDifference(scale(1 / 64, twice), x) < 1e-14);
  assert.throws(() => fastWalshHadamard(new Float64Array(6)));
});

test('Fastfood: project = P·w and projectTranspose = Pᵀ·g to 1e-12, unit columns on average, stacked blocks', () => {
  const D = 1000; // L = 1024
  const d = 50;
  const subspace = fastfoodSubspace(D, d, 6);
  checkAgainstDense(subspace, 7, 1e-12);
  const norms = columnNorms(subspace.toDense(), D, d);
  const meanSquaredNorm = norms.reduce((s, x) => s + x * x, 0) / d;
  assert.ok(Math.abs(meanSquaredNorm - 1) < 0.05, `mean ‖column‖² ${meanSquaredNorm}`);
  // d > L: two independent blocks side by side (D = 20, L = 32, d = 40).
  const stacked = fastfoodSubspace(20, 40, 8);
  checkAgainstDense(stacked, 9, 1e-12);
  const p = stacked.toDense();
  assert.not.equal(Array.from({ length: 20 }, (_, i) => p[i * 40]), Array.from({ length: 20 }, (_, i) => p[i * 40 + 32]));
});

test('restrictedOperator: w ↦ Pᵀ A P w', () => {
  const D = 40;
  const d = 6;
  const a = randomSymmetric(D, 10);
  const subspace = denseOrthonormalSubspace(D, d, 11);
  const restricted = restrictedOperator(denseOperator(a), subspace);
  const p = subspace.toDense();
  const w = randomVector(d, new Random(12));
  const expected = new Float64Array(d);
  const pw = subspace.project(w);
  const apw = denseOperator(a).apply(pw);
  for (let j = 0; j < d; j++) for (let i = 0; i < D; i++) expected[j] = expected[j]! + p[i * d + j]! * apw[i]!;
  assert.is(restricted.dim, d);
  assert.ok(maxAbsDifference(restricted.apply(w), expected) < 1e-13);
});

test.run();
