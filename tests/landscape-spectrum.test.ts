/**
 * Full-space spectra on a tiny network (D = 58), against independent dense
 * computations: Lanczos eigenvalues against the eigenvalues of autodiff's
 * dense Hessian; Hutchinson's trace and Frobenius norm against the exact
 * ones, with shrinking error bars; the Gauss-Newton operator against an
 * explicit Jᵀ M J from the logit Jacobian; the gradient overlap and the
 * logit-gradient alignments against brute-force computations.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import { mlp, softmaxRows } from '../src/nn/index.js';
import {
  analyzeSpectrum, classBalancedIndices, countingOperator, crossEntropyLoss, gaussNewtonOperator, gradientAt, hessianOperator, hessianSpectrum, logitGradientAlignment, modelClassifier, overlapWithEigenvectors, selectRows, traceAndFrobeniusNorm, topEigenpairs, bottomEigenpairs, type Classifier,
} from '../src/landscape/index.js';
import { denseMatrixFromOperator } from '../src/landscape/spectrum.js';
import { denseOperator, symmetricEigen, symmetrize } from '../src/landscape/linalg/index.js';
import { directionOverlaps, gradientHessianOverlap, logitGradients, orthonormalize, randomOverlapBaseline, subspaceOverlap } from '../src/landscape/gradient-overlap.js';
import { relativeError } from './support/numeric.js';

const N = 20;
const rng = new ad.Random(11);
const model = mlp('4-6-4', { activation: 'tanh' }); // D = 4·6 + 6 + 6·4 + 4 = 58
const X = Float64Array.from(ad.randn([N, 4], rng).toTypedArray());
const labels = Int32Array.from({ length: N }, (_, i) => i % 4);
const classifier = modelClassifier(model, X, labels);
const loss = crossEntropyLoss(classifier);
const theta = Float64Array.from(model.init(new ad.Random(12), 'xavier-normal', 2).toTypedArray());
const D = theta.length;
const denseH = ad.hessian(loss)(ad.tensor(theta)).toTypedArray() as Float64Array;
const exactEigen = symmetricEigen(symmetrize(denseH));
const exactDescending = Array.from(exactEigen.values).reverse();

test('the network has the expected size and the dense Hessian is symmetric', () => {
  assert.is(D, 58);
  assert.ok(relativeError(denseH, symmetrize(denseH)) < 1e-13);
});

test('denseMatrixFromOperator of the HVP operator equals autodiff’s dense Hessian', () => {
  assert.ok(relativeError(denseMatrixFromOperator(hessianOperator(loss, theta)), denseH) < 1e-13);
});

test('Lanczos top and bottom eigenvalues equal the dense Hessian’s to 1e-8', () => {
  const top = topEigenpairs(hessianOperator(loss, theta), 6, { tolerance: 1e-12, maxSteps: D });
  const bottom = bottomEigenpairs(hessianOperator(loss, theta), 3, { tolerance: 1e-12, maxSteps: D });
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(top.values[i]! - exactDescending[i]!) < 1e-8, `top ${i}: ${top.values[i]} vs ${exactDescending[i]}`);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(bottom.values[i]! - exactEigen.values[i]!) < 1e-8, `bottom ${i}`);
  // The Ritz vectors are eigenvectors: ‖H u − λ u‖ small.
  const H = denseOperator(denseH);
  top.vectors.forEach((u, i) => {
    const Hu = H.apply(u);
    const residual = Math.sqrt(Hu.reduce((s, v, j) => s + (v - top.values[i]! * u[j]!) ** 2, 0));
    assert.ok(residual < 1e-7, `residual ${i}: ${residual}`);
  });
});

test('Hutchinson Tr(H) and ‖H‖_F converge to the exact values, error bars shrinking like 1/√probes', () => {
  const op = hessianOperator(loss, theta);
  let exactTrace = 0;
  let exactFrobenius = 0;
  for (let i = 0; i < D; i++) exactTrace += denseH[i * D + i]!;
  for (const h of denseH) exactFrobenius += h * h;
  exactFrobenius = Math.sqrt(exactFrobenius);
  const small = traceAndFrobeniusNorm(op, { probes: 50, seed: 1 });
  const large = traceAndFrobeniusNorm(op, { probes: 800, seed: 2 });
  for (const e of [small, large]) {
    assert.ok(Math.abs(e.trace.estimate - exactTrace) < 4 * e.trace.standardError, `trace ${e.trace.estimate} ± ${e.trace.standardError} vs ${exactTrace}`);
    assert.ok(Math.abs(e.frobeniusNorm.estimate - exactFrobenius) < 4 * e.frobeniusNorm.standardError + 1e-3 * exactFrobenius, 'frobenius');
  }
  const ratio = small.trace.standardError / large.trace.standardError;
  assert.ok(ratio > 2.5 && ratio < 6.5, `standard errors shrink ≈ 4× for 16× the probes: ${ratio}`);
  assert.ok(Math.abs(large.trace.estimate - exactTrace) < 0.1 * Math.abs(exactTrace) + 0.1, 'close with many probes');
});

test('analyzeSpectrum bundles the pieces; the SLQ density integrates to 1 with mean ≈ Tr/D', () => {
  let progressCalls = 0;
  const report = hessianSpectrum(loss, theta, { topK: 4, bottomK: 2, traceProbes: 30, densityProbes: 4, densitySteps: 30, seed: 3, onProgress: () => progressCalls++ });
  assert.is(report.dim, D);
  assert.ok(Math.abs(report.top!.values[0]! - exactDescending[0]!) < 1e-8);
  assert.ok(Math.abs(report.bottom!.values[0]! - exactEigen.values[0]!) < 1e-8);
  assert.is(report.products, progressCalls);
  const { grid, density } = report.density!;
  const dt = grid[1]! - grid[0]!;
  let mass = 0;
  let first = 0;
  for (let g = 0; g < grid.length; g++) {
    mass += density[g]! * dt;
    first += grid[g]! * density[g]! * dt;
  }
  assert.ok(Math.abs(mass - 1) < 1e-3, `mass ${mass}`);
  let exactTrace = 0;
  for (let i = 0; i < D; i++) exactTrace += denseH[i * D + i]!;
  const spread = exactDescending[0]! - exactEigen.values[0]!;
  assert.ok(Math.abs(first - exactTrace / D) < 0.1 * spread, `mean ${first} vs ${exactTrace / D}`);
  const skipped = analyzeSpectrum(hessianOperator(loss, theta), { topK: 0, traceProbes: 0, densityProbes: 0 });
  assert.is(skipped.top, null);
  assert.is(skipped.density, null);
  assert.is(skipped.products, 0);
});

/** The logit Jacobian J [N, C, D] by jacrev, and G = (1/N) Σ_s J_sᵀ (diag p_s − p_s p_sᵀ) J_s / T² explicitly. */
function explicitGaussNewton(c: Classifier, at: Float64Array, temperature: number): Float64Array {
  const n = c.labels.length;
  const k = c.numClasses;
  const J = ad.jacrev(c.logits)(ad.tensor(at)).toTypedArray();
  const z = c.logits(ad.tensor(at)).toTypedArray() as Float64Array;
  const p = softmaxRows(z, n, k, temperature);
  const G = new Float64Array(D * D);
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const m = ((a === b ? p[s * k + a]! : 0) - p[s * k + a]! * p[s * k + b]!) / (n * temperature * temperature);
        if (m === 0) continue;
        for (let i = 0; i < D; i++) {
          const Jai = J[(s * k + a) * D + i]!;
          for (let j = 0; j < D; j++) G[i * D + j]! += Jai * m * J[(s * k + b) * D + j]!;
        }
      }
    }
  }
  return G;
}

test('the Gauss-Newton operator (one jvp + one vjp per product) equals an explicit JᵀMJ', () => {
  for (const temperature of [1, 2.5]) {
    const op = gaussNewtonOperator(classifier, theta, temperature);
    const G = denseMatrixFromOperator(op);
    assert.is(op.products(), D);
    const explicit = explicitGaussNewton(classifier, theta, temperature);
    assert.ok(relativeError(G, explicit) < 1e-12, `T = ${temperature}: ${relativeError(G, explicit)}`);
    // G is positive semi-definite.
    assert.ok(symmetricEigen(symmetrize(G)).values[0]! > -1e-12);
  }
});

test('gradient overlap with the top-k subspace equals a direct projection', () => {
  const k = 4;
  const g = gradientAt(loss, theta);
  const result = gradientHessianOverlap(loss, theta, k, { maxSteps: D, tolerance: 1e-12 });
  // Direct: the top-k eigenvectors of the dense Hessian, P = U Uᵀ, ‖P g‖/‖g‖.
  const U = exactEigen.vectors.slice(D - k);
  const projected = new Float64Array(D);
  for (const u of U) {
    const c = u.reduce((s, v, i) => s + v * g[i]!, 0);
    for (let i = 0; i < D; i++) projected[i]! += c * u[i]!;
  }
  const direct = Math.hypot(...projected) / Math.hypot(...g);
  assert.ok(Math.abs(result.overlap - direct) < 1e-8, `${result.overlap} vs ${direct}`);
  assert.ok(Math.abs(result.perDirection.reduce((a, b) => a + b, 0) - direct * direct) < 1e-8);
  assert.is(result.k, k);
  assert.ok(Math.abs(result.randomBaseline - Math.sqrt(k / D)) < 1e-15);
  assert.ok(result.converged);
});

test('subspace overlap: basic identities', () => {
  const e = (i: number, n = 5): Float64Array => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0));
  const g = Float64Array.of(3, 4, 0, 0, 0);
  assert.ok(Math.abs(subspaceOverlap(g, [e(0)]) - 0.6) < 1e-15);
  assert.ok(Math.abs(subspaceOverlap(g, [e(0), e(1)]) - 1) < 1e-15);
  assert.is(subspaceOverlap(g, [e(2)]), 0);
  assert.is(subspaceOverlap(new Float64Array(5), [e(0)]), 0);
  // A non-orthogonal basis of the same span gives the same overlap.
  assert.ok(Math.abs(subspaceOverlap(g, [Float64Array.of(1, 1, 0, 0, 0), Float64Array.of(1, 2, 0, 0, 0)]) - 1) < 1e-14);
  assert.is(orthonormalize([e(0), e(0)]).length, 1);
  assert.equal(directionOverlaps(g, [e(0), e(1)]).map((v) => Math.round(v * 100) / 100), [0.36, 0.64]);
  assert.ok(Math.abs(randomOverlapBaseline(10, 1000) - 0.1) < 1e-15);
  const pairs = { values: [2, 1], vectors: [e(1), e(0)] };
  assert.ok(Math.abs(overlapWithEigenvectors(g, pairs, 1).overlap - 0.8) < 1e-15);
  assert.throws(() => overlapWithEigenvectors(g, pairs, 3), /k must be/);
});

test('logit-gradient alignment (WCA, CCA) equals a brute-force computation from the logit Jacobian', () => {
  const indices = classBalancedIndices(labels, 4, 2, 5); // 2 samples per class
  const small = modelClassifier(model, selectRows(X, 4, indices), Int32Array.from(indices, (i) => labels[i]!));
  const n = small.labels.length;
  const J = ad.jacrev(small.logits)(ad.tensor(theta)).toTypedArray(); // [n, C, D]
  const grad = (s: number, k: number): number[] => Array.from(J.subarray((s * 4 + k) * D, (s * 4 + k + 1) * D));
  const cos = (a: number[], b: number[]): number => a.reduce((t, v, i) => t + v * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
  // Vysogorets et al.'s WCA and CCA, as written in their misc.py.
  let wca = 0;
  let cca = 0;
  for (let k = 0; k < 4; k++) {
    const members = [...Array(n).keys()].filter((s) => small.labels[s] === k);
    const coeff = members.length * (members.length - 1);
    for (const a of members) for (const b of members) if (a !== b) wca += cos(grad(a, k), grad(b, k)) / coeff;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) cca += cos(grad(a, k), grad(b, k)) / (4 * n * (n - 1));
  }
  wca /= 4;
  const perSample = logitGradients(small, theta, 1);
  assert.ok(relativeError(perSample[3]!, grad(3, 1)) < 1e-13, 'one pullback per logit gradient = a row of the Jacobian');
  const result = logitGradientAlignment(small, theta);
  assert.ok(Math.abs(result.withinClass! - wca) < 1e-12, `WCA ${result.withinClass} vs ${wca}`);
  assert.ok(Math.abs(result.crossClass - cca) < 1e-12, `CCA ${result.crossClass} vs ${cca}`);
  assert.is(result.samples, 8);
  assert.is(result.pullbacks, 32);
  assert.ok(result.differentClass !== null && result.differentClass <= 1 && result.differentClass >= -1);
});

test('class-balanced subsamples are seeded, balanced and grouped by class', () => {
  const a = classBalancedIndices(labels, 4, 3, 7);
  const b = classBalancedIndices(labels, 4, 3, 7);
  assert.equal(Array.from(a), Array.from(b));
  assert.equal(Array.from(a, (i) => labels[i]), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  assert.throws(() => classBalancedIndices(labels, 4, 0, 1), /perClass/);
  assert.throws(() => modelClassifier(model, new Float64Array(3), labels), /input numbers/);
});

test('countingOperator counts and reports products', () => {
  const seen: number[] = [];
  const op = countingOperator(denseOperator([[2, 0], [0, 3]]), (n) => seen.push(n));
  op.apply(Float64Array.of(1, 0));
  op.apply(Float64Array.of(0, 1));
  assert.is(op.products(), 2);
  assert.equal(seen, [1, 2]);
});

test.run();
