/**
 * Stochastic Lanczos quadrature on a diagonal matrix, where every quantity is
 * known in closed form.
 *
 *   A = diag(1, …, n) and a Rademacher probe v = z/√n: (qᵢᵀv)² = 1/n for
 *   every eigenvector qᵢ = eᵢ whatever the signs, so each probe's Lanczos
 *   run sees the same measure, (1/n) Σ δ(t − i). With m = n steps its Gauss
 *   rule is that measure: nodes 1 … n, weights 1/n. With m < n steps it is
 *   exact for polynomials of degree ≤ 2m − 1 (Golub & Meurant, "Matrices,
 *   Moments and Quadrature with Applications", 2010, Th. 6.2), so the trace
 *   estimate of t⁵ with three steps is Σ i⁵ = n²(n + 1)²(2n² + 2n − 1)/12
 *   (Faulhaber) with a standard error of 0 — and of t⁶ it is not.
 *   One node of weight 1 broadened by σ is the normal density N(t; θ, σ²).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countingOperator } from '../src/landscape/index.js';
import type { LinearOperator } from '../src/landscape/linalg/vector.js';
import { denseOperator } from '../src/landscape/linalg/symmetric-eigen.js';
import { gaussianBroadenedDensity, slqQuadrature, slqSpectralDensity, slqTraceEstimate, type SlqQuadrature } from '../src/landscape/linalg/slq.js';

function diagonal(d: readonly number[]): LinearOperator {
  return { dim: d.length, apply: (v) => Float64Array.from(v, (x, i) => d[i]! * x) };
}

const n = 8;
const diag1n = diagonal(Array.from({ length: n }, (_, i) => i + 1));

test('diag(1..n), n steps: every probe\'s nodes are 1..n with weights 1/n; the trace of any f is Σ f(i) with error 0', () => {
  const quadrature = slqQuadrature(diag1n, { probes: 3, seed: 5 });
  assert.is(quadrature.dim, n);
  assert.is(quadrature.nodes.length, 3);
  assert.is(quadrature.weights.length, 3);
  for (let p = 0; p < 3; p++) {
    quadrature.nodes[p]!.forEach((theta, k) => assert.ok(Math.abs(theta - (k + 1)) < 1e-12, `θ ${theta}`));
    quadrature.weights[p]!.forEach((tau) => assert.ok(Math.abs(tau - 1 / n) < 1e-13, `τ ${tau}`));
  }
  // Tr exp(A) = Σ eⁱ, every sample the same
  const expTrace = slqTraceEstimate(quadrature, Math.exp);
  const exact = Array.from({ length: n }, (_, i) => Math.exp(i + 1)).reduce((s, x) => s + x, 0);
  assert.is(expTrace.samples.length, 3);
  for (const s of expTrace.samples) assert.ok(Math.abs(s / exact - 1) < 1e-12, `${s} vs ${exact}`);
  assert.ok(Math.abs(expTrace.estimate / exact - 1) < 1e-12);
  assert.ok(expTrace.standardError < 1e-12 * exact);
  // Tr A = 36 and Tr 1 = n: the sample is n·Σ τ f(θ)
  assert.ok(Math.abs(slqTraceEstimate(quadrature, (t) => t).estimate - 36) < 1e-11);
  assert.ok(Math.abs(slqTraceEstimate(quadrature, () => 1).estimate - n) < 1e-12);
});

test('three steps: exact for t⁵ (degree 2m − 1 = 5: Σ i⁵ = 61776 for n = 8), not for t⁶', () => {
  const quadrature = slqQuadrature(diag1n, { probes: 4, steps: 3, seed: 1 });
  for (const theta of quadrature.nodes) assert.is(theta.length, 3);
  const faulhaber = (n * n * (n + 1) ** 2 * (2 * n * n + 2 * n - 1)) / 12;
  assert.is(faulhaber, 61776);
  const fifth = slqTraceEstimate(quadrature, (t) => t ** 5);
  assert.ok(Math.abs(fifth.estimate - 61776) < 1e-8, `${fifth.estimate}`);
  assert.ok(fifth.standardError < 1e-8);
  const sixth = slqTraceEstimate(quadrature, (t) => t ** 6);
  const exactSixth = Array.from({ length: n }, (_, i) => (i + 1) ** 6).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sixth.estimate - exactSixth) > 100, `${sixth.estimate} vs ${exactSixth}`); // a three-node rule misses degree 6
});

test('slqQuadrature: P probes of min(n, steps) Lanczos products each (default steps 80); seeded; bad probe counts refused', () => {
  const counted = countingOperator(diagonal(Array.from({ length: 100 }, (_, i) => Math.sin(i + 1))));
  const q = slqQuadrature(counted, { probes: 2 });
  assert.equal(q.nodes.map((t) => t.length), [80, 80]);
  assert.is(counted.products(), 160);
  // default: 10 probes
  const small = countingOperator(diagonal([3, 1, 2, 5]));
  assert.is(slqQuadrature(small).nodes.length, 10);
  assert.is(small.products(), 40); // 4 steps each: the 4 eigenvalues are distinct and every probe touches them all
  // seeded: the same seed, the same rules; another seed, other nodes
  const generic = denseOperator(Float64Array.of(2, 1, 0, 0, 1, -1, 3, 0, 0, 3, 0.5, 1, 0, 0, 1, 4)); // not diagonal: the signs matter
  const a = slqQuadrature(generic, { probes: 2, steps: 3, seed: 9 });
  const b = slqQuadrature(generic, { probes: 2, steps: 3, seed: 9 });
  assert.equal(a.nodes.map((t) => Array.from(t)), b.nodes.map((t) => Array.from(t)));
  assert.not.equal(slqQuadrature(generic, { probes: 2, steps: 3, seed: 10 }).nodes.map((t) => Array.from(t)), a.nodes.map((t) => Array.from(t)));
  // the default seed is 0
  assert.equal(slqQuadrature(generic, { probes: 3, steps: 3 }).nodes.map((t) => Array.from(t)), slqQuadrature(generic, { probes: 3, steps: 3, seed: 0 }).nodes.map((t) => Array.from(t)));
  assert.is(slqQuadrature(generic, { probes: 1, steps: 2 }).nodes.length, 1); // one probe is allowed
  for (const probes of [0, -2, 1.5]) assert.throws(() => slqQuadrature(generic, { probes }), new RegExp(`^SLQ: probes must be a positive integer, got ${probes}$`));
});

test('the probes are unit Rademacher vectors: on diag(λ), the first node-weight moment Σ τθ is (1/n) Tr A for every probe', () => {
  // vᵀAv = Σ λᵢ vᵢ² = Σ λᵢ / n when every |vᵢ| = 1/√n
  const lambdas = [1, 2, 2.5, 7, -3, 0.25];
  const q = slqQuadrature(diagonal(lambdas), { probes: 5, steps: 2, seed: 3 });
  const mean = lambdas.reduce((s, x) => s + x, 0) / lambdas.length;
  q.nodes.forEach((theta, p) => {
    const tau = q.weights[p]!;
    assert.ok(Math.abs(tau.reduce((s, x) => s + x, 0) - 1) < 1e-14);
    assert.ok(Math.abs(theta.reduce((s, t, k) => s + tau[k]! * t, 0) - mean) < 1e-14);
  });
});

/** A quadrature rule by hand. */
function rule(nodes: number[][], weights: number[][], dim = 1): SlqQuadrature {
  return { dim, nodes: nodes.map((x) => Float64Array.from(x)), weights: weights.map((x) => Float64Array.from(x)) };
}

test('broadening: one node of weight 1 gives the normal density N(t; θ, σ²) on the grid', () => {
  const density = gaussianBroadenedDensity(rule([[2]], [[1]]), { sigma: 0.5, gridMin: 0, gridMax: 4, gridSize: 9 });
  assert.is(density.sigma, 0.5);
  assert.equal(Array.from(density.grid), [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
  density.grid.forEach((t, g) => {
    const expected = Math.exp(-0.5 * ((t - 2) / 0.5) ** 2) / (0.5 * Math.sqrt(2 * Math.PI));
    assert.ok(Math.abs(density.density[g]! - expected) < 1e-15, `${t}: ${density.density[g]} vs ${expected}`);
  });
  // the peak 1/(σ√(2π)) literally
  assert.ok(Math.abs(density.density[4]! - 0.7978845608028654) < 1e-15);
});

test('broadening: two probes are averaged, each node weighted by τ', () => {
  // probe 1: ¼ at −1, ¾ at 1; probe 2: 1 at 1 → ⅛ at −1, ⅞ at 1
  const density = gaussianBroadenedDensity(rule([[-1, 1], [1]], [[0.25, 0.75], [1]]), { sigma: 1, gridMin: -1, gridMax: 1, gridSize: 3 });
  const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const expected = [-1, 0, 1].map((t) => 0.125 * phi(t + 1) + 0.875 * phi(t - 1));
  expected.forEach((e, g) => assert.ok(Math.abs(density.density[g]! - e) < 1e-15, `${density.density[g]} vs ${e}`));
});

test('broadening defaults: σ = 1 % of the node spread (or of max(|node|, 1) if they coincide), grid ±6σ with 1001 points', () => {
  const spread = gaussianBroadenedDensity(rule([[-2, 3], [0]], [[0.5, 0.5], [1]]));
  assert.ok(Math.abs(spread.sigma - 0.05) < 1e-16);
  assert.is(spread.grid.length, 1001);
  assert.is(spread.density.length, 1001);
  assert.ok(Math.abs(spread.grid[0]! - (-2 - 0.3)) < 1e-14 && Math.abs(spread.grid[1000]! - (3 + 0.3)) < 1e-14);
  assert.ok(Math.abs(spread.grid[1]! - spread.grid[0]! - 5.6 / 1000) < 1e-14);
  const coincide = gaussianBroadenedDensity(rule([[-4, -4]], [[0.5, 0.5]]));
  assert.ok(Math.abs(coincide.sigma - 0.04) < 1e-16);
  assert.ok(Math.abs(coincide.grid[0]! - (-4 - 0.24)) < 1e-14 && Math.abs(coincide.grid[1000]! - (-4 + 0.24)) < 1e-14);
  const small = gaussianBroadenedDensity(rule([[0.5]], [[1]]), { gridSize: 2 });
  assert.ok(Math.abs(small.sigma - 0.01) < 1e-16);
  assert.equal(Array.from(small.grid), [0.5 - 0.06, 0.5 + 0.06]);
  // explicit grid ends override only their side
  const half = gaussianBroadenedDensity(rule([[0, 10]], [[0.5, 0.5]]), { gridMin: 1, gridSize: 11 });
  assert.ok(half.grid[0] === 1 && Math.abs(half.grid[10]! - 10.6) < 1e-14);
});

test('broadening refusals: no nodes, σ ≤ 0 or NaN, a grid of fewer than 2 points or a fractional size', () => {
  assert.throws(() => gaussianBroadenedDensity(rule([], [])), /^SLQ density: no quadrature nodes$/);
  assert.throws(() => gaussianBroadenedDensity(rule([[]], [[]])), /^SLQ density: no quadrature nodes$/);
  const one = rule([[1]], [[1]]);
  for (const sigma of [0, -1, NaN]) assert.throws(() => gaussianBroadenedDensity(one, { sigma }), new RegExp(`^SLQ density: sigma must be positive, got ${sigma}$`));
  for (const gridSize of [1, 0, 2.5]) assert.throws(() => gaussianBroadenedDensity(one, { gridSize }), new RegExp(`^SLQ density: gridSize must be an integer ≥ 2, got ${gridSize}$`));
});

test('slqSpectralDensity passes the probe and the density options through', () => {
  const result = slqSpectralDensity(diag1n, { probes: 2, steps: 8, seed: 1, sigma: 0.25, gridMin: 0, gridMax: 9, gridSize: 10 });
  assert.is(result.nodes.length, 2);
  assert.is(result.sigma, 0.25);
  assert.equal(Array.from(result.grid), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // nodes 1..8 with weight ⅛ each: at t = 0 the sum of ⅛ N(0; i, ¼²)
  const expected0 = Array.from({ length: 8 }, (_, i) => Math.exp(-0.5 * ((i + 1) / 0.25) ** 2) / (8 * 0.25 * Math.sqrt(2 * Math.PI))).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(result.density[0]! - expected0) < 1e-15);
  const expected4 = Array.from({ length: 8 }, (_, i) => Math.exp(-0.5 * ((4 - i - 1) / 0.25) ** 2) / (8 * 0.25 * Math.sqrt(2 * Math.PI))).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(result.density[4]! - expected4) < 1e-13);
});

test.run();
