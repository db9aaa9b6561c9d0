/**
 * The critical-point finders' bookkeeping and options on problems whose every
 * step is known in closed form (science-finders.test.ts checks the step
 * sequences of their line searches).
 *
 *   GNM on f(x) = ½x² from 1 with α₀ = ½: ∇G = Hg = x, a step α maps
 *   x ↦ (1 − α)x. α = ½ passes Armijo ((1 − α)² ≤ 1 − 2ρα) and the
 *   curvature test (1 − α ≤ 0.9) at once, then α/β = 1 lands on 0: two
 *   steps, each costing one gradient and one Hessian-vector product (the
 *   ∇G of the accepted candidate is the next iterate's).
 *   GNM's recorded curvature along the gradient, gᵀHg/‖g‖²: on
 *   f = ½(x² + 3y²) at (1, 1), g = (1, 3), Hg = (1, 9): 28/10.
 *   Newton-MR on f(x) = √(1 + x²): the Newton step is p = −x(1 + x²) and
 *   pᵀHg = −g², so Roosta's test reads g(x + αp)² ≤ g(x)²(1 − 2ρα). From
 *   x = ½ (g² = 0.2) the pure step lands on −⅛ (g² = 1/65 ≈ 0.0154): it
 *   passes with ρ_pure = ¼ (bound 0.1) and fails with the default ½ (bound
 *   0); α = ½ lands on 3/16 (g² ≈ 0.034), which passes with ρ = 1e-4.
 *   On a quadratic every α ∈ (0, 1] passes: g ↦ (1 − α)g.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { gradientNormMinimization, newtonMR } from '../src/landscape/index.js';

const half = (theta: Tensor): Tensor => ad.mul(0.5, ad.sum(ad.square(theta)));
const weights = ad.tensor([1, 3]);
const elliptic = (theta: Tensor): Tensor => ad.mul(0.5, ad.sum(ad.mul(weights, ad.square(theta))));

test('GNM on ½x² from 1 with α₀ = ½: steps ½ then 1 to the minimiser, one gradient and one HVP per trial', () => {
  const result = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.5 });
  assert.is(result.stopReason, 'tolerance');
  assert.equal(result.trace.map((r) => r.stepSize), [0.5, 1, null]);
  assert.equal(Array.from(result.theta), [0]);
  assert.equal(result.trace.map((r) => r.squaredGradientNorm), [1, 0.25, 0]);
  assert.equal(result.trace.map((r) => r.loss), [0.5, 0.125, 0]);
  // counts: the start (1, 1), then per accepted trial one gradient and one HVP
  assert.equal(result.trace.map((r) => [r.gradientEvaluations, r.hessianProducts]), [[2, 2], [3, 3], [3, 3]]);
  assert.equal([result.gradientEvaluations, result.hessianProducts], [3, 3]);
  // gᵀHg/‖g‖² = 1 for H = 1; 0 where g = 0
  assert.equal(result.trace.map((r) => r.curvatureAlongGradient), [1, 1, 0]);
  assert.equal(result.trace.map((r) => r.iteration), [0, 1, 2]);
  assert.is(result.method, 'gnm');
});

test('GNM records the curvature along the gradient gᵀHg/‖g‖²: 2.8 on ½(x² + 3y²) at (1, 1)', () => {
  const seen: number[] = [];
  const result = gradientNormMinimization(elliptic, Float64Array.of(1, 1), { maxIterations: 1, onIteration: (r) => seen.push(r.curvatureAlongGradient!) });
  assert.ok(Math.abs(result.trace[0]!.curvatureAlongGradient! - 2.8) < 1e-15, `${result.trace[0]!.curvatureAlongGradient}`);
  assert.is(result.stopReason, 'max-iterations');
  assert.is(seen.length, 2);
  assert.ok(Math.abs(seen[0]! - 2.8) < 1e-15);
});

test('GNM at a critical point: no step, ‖∇f‖² = 0, tolerance at once, curvature 0', () => {
  const result = gradientNormMinimization(half, Float64Array.of(0, 0));
  assert.is(result.stopReason, 'tolerance');
  assert.is(result.trace.length, 1);
  assert.equal([result.trace[0]!.stepSize, result.trace[0]!.curvatureAlongGradient], [null, 0]);
  assert.equal([result.gradientEvaluations, result.hessianProducts], [1, 1]);
});

test('GNM options: bad step sizes and shrink factors are refused with the value named', () => {
  for (const initialStepSize of [0, -1, NaN]) {
    assert.throws(() => gradientNormMinimization(half, Float64Array.of(1), { initialStepSize }), new RegExp(`^gradientNormMinimization: initialStepSize must be positive, got ${initialStepSize}$`));
  }
  for (const beta of [0, 1, -0.5, 1.5, NaN]) {
    assert.throws(() => gradientNormMinimization(half, Float64Array.of(1), { beta }), new RegExp(`^gradientNormMinimization: beta must be in \\(0, 1\\), got ${beta}$`));
  }
});

/** The number of halvings that take α to 0 in double precision (the search goes on while α > 0). */
function halvingsToZero(alpha: number): number {
  let count = 0;
  for (let a = alpha; a > 0; a /= 2) count++;
  return count;
}

test('GNM line-search costs: Armijo only takes 1 trial; Wolfe, when no step passes the curvature test, tries every halving down to 0', () => {
  // ½x² from 1, α₀ = 0.01: Armijo holds, the curvature test 1 − α ≤ 0.9 fails for every α ≤ 0.01
  const armijo = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.01, criterion: 'armijo', maxIterations: 1 });
  assert.equal([armijo.gradientEvaluations, armijo.hessianProducts], [2, 2]); // the start, one trial, ∇G of the accepted point
  assert.equal(armijo.trace[0]!.hessianProducts, 1); // recorded before ∇G of the new point is needed
  const wolfe = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.01, maxIterations: 1 });
  const trials = halvingsToZero(0.01);
  assert.ok(trials > 1000);
  assert.equal([wolfe.gradientEvaluations, wolfe.hessianProducts], [1 + trials, 1 + trials]); // every trial passes Armijo: one HVP each
  assert.equal(wolfe.trace[0]!.stepSize, 0.01); // then the longest Armijo step
});

test('GNM curvature test at its boundaries: 1 − α = c passes (≥), and it is c·dᵀ∇G, from x = 2', () => {
  // c = ½, α₀ = ½: dᵀ∇G(θ + αd) = −(1 − α)x² = c·dᵀ∇G exactly: accepted at the first trial
  const boundary = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.5, curvature: 0.5, maxIterations: 1 });
  assert.equal([boundary.gradientEvaluations, boundary.hessianProducts], [2, 2]);
  assert.equal(Array.from(boundary.theta), [0.5]);
  // from x = 2 (dᵀ∇G = −4): α = ½ passes 1 − α ≤ 0.9 at the first trial
  const two = gradientNormMinimization(half, Float64Array.of(2), { initialStepSize: 0.5, maxIterations: 1 });
  assert.equal([two.gradientEvaluations, two.hessianProducts], [2, 2]);
  assert.equal(Array.from(two.theta), [1]);
});

test('GNM Armijo test at its boundaries: equality passes with ρ = 0 (then the run has stalled); ρ = ½ refuses α = 2', () => {
  // α = 2 maps x ↦ −x: G unchanged, G ≤ G + 0 holds, and a step that does not decrease G ends the run
  const equal = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 2, rho: 0, criterion: 'armijo' });
  assert.is(equal.stopReason, 'stalled');
  assert.equal([equal.gradientEvaluations, equal.trace.length, equal.trace[0]!.stepSize], [2, 1, null]);
  // ρ = ½: (1 − α)² ≤ 1 − α holds for α ∈ [0, 1] only: 2 is refused, 1 lands on 0
  const strict = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 2, rho: 0.5, criterion: 'armijo', maxIterations: 1 });
  assert.is(strict.trace[0]!.stepSize, 1);
  assert.equal(Array.from(strict.theta), [0]);
});

test('GNM line search fails when no step down to minStepSize passes: ρ = 2 cannot be met on ½x²', () => {
  // (1 − α)² ≤ 1 − 4α has no solution α > 0; trials 0.01, 0.005, 0.0025, 0.00125, then 0.000625 ≤ 0.001 ends the search
  const result = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.01, rho: 2, criterion: 'armijo', minStepSize: 0.001 });
  assert.is(result.stopReason, 'line-search-failed');
  assert.equal([result.gradientEvaluations, result.hessianProducts, result.trace.length], [5, 1, 1]);
  assert.equal(Array.from(result.theta), [1]);
});

const hyperbola = (theta: Tensor): Tensor => ad.sum(ad.sqrt(ad.add(1, ad.square(theta))));

test('Newton-MR from ½ on √(1 + x²) with α₀ = ½: the pure step is tried first, accepted with ρ_pure = ¼, not with ½', () => {
  const step = (options: Parameters<typeof newtonMR>[2]): number | null => newtonMR(hyperbola, Float64Array.of(0.5), { initialStepSize: 0.5, maxIterations: 1, ...options }).trace[0]!.stepSize;
  assert.is(step({}), 0.5); // default ρ_pure = ½ refuses the pure step
  assert.is(step({ rhoPure: 0.25 }), 1);
  assert.is(step({ rhoPure: 0.25, checkPure: false }), 0.5);
  const lax = newtonMR(hyperbola, Float64Array.of(0.5), { initialStepSize: 0.5, maxIterations: 1, rhoPure: 0.25 });
  assert.ok(Math.abs(lax.theta[0]! + 0.125) < 1e-15, `${lax.theta[0]}`); // x ↦ −x³
  const halved = newtonMR(hyperbola, Float64Array.of(0.5), { initialStepSize: 0.5, maxIterations: 1 });
  assert.ok(Math.abs(halved.theta[0]! - 0.1875) < 1e-15, `${halved.theta[0]}`);
});

test('Newton-MR on a quadratic with α₀ = ½ and no pure step: ½, then α/β = 1 to the minimiser', () => {
  const A = ad.tensor([[2, 1], [1, 3]]);
  const quadratic = (theta: Tensor): Tensor => ad.mul(0.5, ad.dot(theta, ad.matmul(A, theta)));
  const result = newtonMR(quadratic, Float64Array.of(1, -2), { initialStepSize: 0.5, checkPure: false });
  assert.equal(result.trace.map((r) => r.stepSize), [0.5, 1, null]);
  assert.is(result.stopReason, 'tolerance');
  // g = A x halves after the first step: ‖g‖² quarters. g(1, −2) = (0, −5)
  assert.ok(Math.abs(result.trace[0]!.squaredGradientNorm - 25) < 1e-12 && Math.abs(result.trace[1]!.squaredGradientNorm - 6.25) < 1e-12);
  // the solve of H p = −g is exact: both relative residuals at rounding level, recorded at each step
  for (const r of result.trace.slice(0, 2)) assert.ok(r.relativeResidual! < 1e-12 && r.relativeCokernelResidual !== null);
  assert.equal([result.trace[2]!.relativeResidual, result.trace[2]!.relativeCokernelResidual], [null, null]);
  assert.is(result.method, 'newton-mr');
});

test('Newton-MR options: bad β and first step sizes are refused with the value named', () => {
  for (const beta of [0, 1, -0.5, NaN]) {
    assert.throws(() => newtonMR(half, Float64Array.of(1), { beta }), new RegExp(`^newtonMR: beta must be in \\(0, 1\\), got ${beta}$`));
  }
  for (const initialStepSize of [0, 1.5, -1, NaN]) {
    assert.throws(() => newtonMR(half, Float64Array.of(1), { initialStepSize }), new RegExp(`^newtonMR: initialStepSize must be in \\(0, 1\\], got ${initialStepSize}$`));
  }
  // α₀ = 1 is allowed
  assert.equal(newtonMR(half, Float64Array.of(1), { initialStepSize: 1 }).trace.map((r) => r.stepSize), [1, null]);
});

test('Newton-MR line search: ρ = 2 cannot be met on a quadratic, so it fails at minStepSize (α = minStepSize ends it)', () => {
  // g ↦ (1 − α)g and pᵀHg = −‖g‖²: (1 − α)² ≤ 1 − 4α has no solution α > 0
  const failed = newtonMR(half, Float64Array.of(1), { rho: 2, minStepSize: 0.1 });
  assert.is(failed.stopReason, 'line-search-failed');
  assert.is(failed.gradientEvaluations, 5); // the start, then α = 1, ½, ¼, ⅛ (1/16 ≤ 0.1 stops)
  assert.equal([failed.trace.length, failed.trace[0]!.stepSize], [1, null]);
  assert.ok(failed.trace[0]!.relativeResidual! < 1e-12);
  assert.is(newtonMR(half, Float64Array.of(1), { rho: 2, minStepSize: 0.125 }).gradientEvaluations, 4); // ⅛ itself ends the search
});

test('Newton-MR stalls when the accepted step leaves ‖∇f‖² unchanged, even though θ moved (1 ↦ −1 on √(1 + x²))', () => {
  const result = newtonMR(hyperbola, Float64Array.of(1), { initialStepSize: 0.5, rhoPure: 0, maxIterations: 3 });
  assert.is(result.stopReason, 'stalled');
  assert.equal(Array.from(result.theta), [1]); // the stalled step is not taken
  assert.is(result.trace.length, 1);
});

test.run();
