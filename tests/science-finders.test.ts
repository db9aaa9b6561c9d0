/**
 * The critical-point finders' line searches on problems whose every step is
 * known in closed form, so that a reversed or weakened acceptance test
 * changes the step sequence (not only the speed) and fails here.
 *
 *   Newton-MR on a quadratic: the Newton step solves H p = −g exactly, so
 *   one step of size 1 lands on the minimiser.
 *   Newton-MR on f(x) = √(1 + x²): g = x/√(1+x²), h = (1+x²)^(−3/2), the
 *   Newton step is p = −g/h = −x(1 + x²), which overshoots for |x| > 1
 *   (x ↦ −x³); Roosta's test ‖g(x+αp)‖² ≤ ‖g‖² + 2ραphg decides each α,
 *   and the sequence is computed here from those formulas alone.
 *   GNM on f(x) = ½x²: ∇G = x, a step α maps x ↦ (1 − α)x; Armijo holds
 *   iff (1 − α)² ≤ 1 − 2ρα, the curvature test iff 1 − α ≤ c, giving the
 *   step sizes 0.01, 0.02, 0.04, 0.08 (no step passes the curvature test:
 *   the longest Armijo step is taken), 0.16, 0.32, 0.64, 1.28, 1.28, …
 *   Damped Newton on f(x) = ½x²: the candidate with the smallest ‖∇f‖² is
 *   the least damped, γ = 1e-6.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { dampedNewton, gradientNormMinimization, newtonMR } from '../src/landscape/index.js';

// ---------------------------------------------------------------------------
// Newton-MR on a quadratic: one step

const A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]];
const b = [1, 2, 3];
const At = ad.tensor(A);
const bt = ad.tensor(b);
const quadratic = (theta: Tensor): Tensor => ad.sub(ad.mul(0.5, ad.dot(theta, ad.matmul(At, theta))), ad.dot(bt, theta));

/** A⁻¹b by Cramer's rule. */
function solve3(m: number[][], r: number[]): number[] {
  const det = (c: number[][]): number =>
    c[0]![0]! * (c[1]![1]! * c[2]![2]! - c[1]![2]! * c[2]![1]!) - c[0]![1]! * (c[1]![0]! * c[2]![2]! - c[1]![2]! * c[2]![0]!) + c[0]![2]! * (c[1]![0]! * c[2]![1]! - c[1]![1]! * c[2]![0]!);
  const d = det(m);
  return [0, 1, 2].map((k) => det(m.map((row, i) => row.map((v, j) => (j === k ? r[i]! : v)))) / d);
}

test('Newton-MR on a quadratic: one full step (α = 1) to the minimiser, then stop at the tolerance', () => {
  const result = newtonMR(quadratic, Float64Array.of(5, -3, 2));
  const solution = solve3(A, b);
  assert.equal(result.trace.map((r) => r.stepSize), [1, null]);
  assert.is(result.stopReason, 'tolerance');
  solution.forEach((v, i) => assert.ok(Math.abs(result.theta[i]! - v) < 1e-12, `θ[${i}] = ${result.theta[i]} vs ${v}`));
  assert.is(result.gradientEvaluations, 2); // the start and the one accepted trial
});

// ---------------------------------------------------------------------------
// Newton-MR on √(1 + x²): the back-tracking sequence

const hyperbola = (theta: Tensor): Tensor => ad.sum(ad.sqrt(ad.add(1, ad.square(theta))));

/** The documented Newton-MR line search on √(1 + x²), from the closed forms. */
function newtonMrByHand(x0: number, rho: number, iterations: number): { steps: number[]; xs: number[] } {
  const g = (x: number): number => x / Math.sqrt(1 + x * x);
  const h = (x: number): number => (1 + x * x) ** -1.5;
  const steps: number[] = [];
  const xs = [x0];
  let x = x0;
  let alpha = 1;
  for (let t = 0; t < iterations; t++) {
    const p = -g(x) / h(x);
    const slope = h(x) * p * g(x);
    const g2 = g(x) ** 2;
    while (!(g(x + alpha * p) ** 2 <= g2 + 2 * rho * alpha * slope)) alpha *= 0.5;
    steps.push(alpha);
    x += alpha * p;
    xs.push(x);
    alpha = Math.min(1, alpha / 0.5);
  }
  return { steps, xs };
}

test('Newton-MR on √(1 + x²) from 1.5 (ρ = 0.25): the overshooting step is halved, and the sequence is the closed form', () => {
  const byHand = newtonMrByHand(1.5, 0.25, 3);
  // first step: α = 1 would land at −3.375 with a larger gradient; α = ½ lands at 1.5 − ½·1.5·3.25 = −0.9375
  assert.equal(byHand.steps[0], 0.5);
  assert.is(byHand.xs[1], -0.9375);
  const result = newtonMR(hyperbola, Float64Array.of(1.5), { rho: 0.25, maxIterations: 3 });
  assert.equal(result.trace.slice(0, 3).map((r) => r.stepSize), byHand.steps);
  // the iterates: θ_{t+1} = θ_t + α_t p_t, and ‖∇f‖² recorded at each
  const gradients = byHand.xs.map((x) => x * x / (1 + x * x));
  result.trace.forEach((r, t) => assert.ok(Math.abs(r.squaredGradientNorm - gradients[t]!) < 1e-12 * Math.max(1, gradients[t]!), `t = ${t}: ${r.squaredGradientNorm} vs ${gradients[t]}`));
  assert.ok(Math.abs(result.theta[0]! - byHand.xs[3]!) < 1e-12, `${result.theta[0]} vs ${byHand.xs[3]}`);
});

test('Newton-MR on √(1 + x²) with the default ρ: converges to 0 with ‖∇f‖² never increasing', () => {
  const result = newtonMR(hyperbola, Float64Array.of(1.5));
  assert.is(result.stopReason, 'tolerance');
  assert.ok(Math.abs(result.theta[0]!) < 1e-9);
  assert.is(result.trace[0]!.stepSize, 0.5); // α = 1 increases ‖∇f‖² (0.919 vs 0.692) whatever ρ
  for (let t = 1; t < result.trace.length; t++) assert.ok(result.trace[t]!.squaredGradientNorm < result.trace[t - 1]!.squaredGradientNorm);
});

// ---------------------------------------------------------------------------
// GNM on ½x²: the Wolfe search's step sizes

const half = (theta: Tensor): Tensor => ad.mul(0.5, ad.sum(ad.square(theta)));

test('GNM on ½x² from 1 (α₀ = 0.01): steps 0.01·2^k up to 1.28, then 1.28 (2.56 fails Armijo), to the tolerance', () => {
  // by hand: the curvature test 1 − α ≤ 0.9 fails below α = 0.1 (then the longest Armijo step, α itself, is taken);
  // Armijo (1 − α)² ≤ 1 − 2·1e-4·α fails at 2.56 and holds at 1.28
  const expected: number[] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28];
  let x = expected.reduce((acc, a) => acc * (1 - a), 1);
  while (x * x > 1e-20) {
    expected.push(1.28);
    x *= 1 - 1.28;
  }
  const result = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.01 });
  assert.is(result.stopReason, 'tolerance');
  assert.equal(result.trace.map((r) => r.stepSize), [...expected, null]);
  assert.ok(Math.abs(result.theta[0]! - x) < 1e-25, `${result.theta[0]} vs ${x}`);
});

test('GNM with the Armijo criterion only: the first step 0.01 is taken as is, and doubles while Armijo holds', () => {
  const result = gradientNormMinimization(half, Float64Array.of(1), { initialStepSize: 0.01, criterion: 'armijo', maxIterations: 9 });
  assert.equal(result.trace.slice(0, 9).map((r) => r.stepSize), [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 1.28]);
});

// ---------------------------------------------------------------------------
// Damped Newton on ½x²

test('damped Newton on ½x²: the least damped candidate (γ = 1e-6) has the smallest ‖∇f‖² and is chosen', () => {
  const result = dampedNewton(half, Float64Array.of(2), { maxIterations: 2 });
  assert.equal(result.trace.map((r) => r.damping).slice(0, 2), [1e-6, 1e-6]);
  // x ↦ x·(1 − 0.1/(1 + γ))
  const factor = 1 - 0.1 / (1 + 1e-6);
  assert.ok(Math.abs(result.theta[0]! - 2 * factor * factor) < 1e-12, `${result.theta[0]}`);
  assert.is(result.stopReason, 'max-iterations');
});

test.run();
