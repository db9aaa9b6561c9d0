/**
 * The surfaces of src/landscape/subspace-training.ts computed by hand, with
 * no network: a hand-made 3×2 matrix P stands in for the random projection,
 *
 *       | 1  0 |
 *   P = | 0  2 |,   P·w = (w₁, 2w₂, w₁ − w₂),   Pᵀ·g = (g₁ + g₃, 2g₂ − g₃),
 *       | 1 −1 |
 *
 * so θ = θ₀ + P·w, the sphere's chart r₀·u/‖u‖ and both pull-backs can be
 * written out exactly. Also: the choice of random P by kind and seed and its
 * memory limit, the radius recorder (fed steps by hand), and the power-law and
 * √t fits on points chosen so that the answers are exact.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromTypedArray } from '../src/autodiff/index.js';
import type { StepInfo } from '../src/nn/index.js';
import {
  DENSE_PROJECTION_BYTE_LIMIT, SUBSPACE_KINDS, fitDiffusiveGrowth, fitPowerLaw, hyperplaneParametrisation, hypersphereParametrisation, radiusRecorder, randomSubspace,
} from '../src/landscape/subspace-training.js';
import { denseOrthonormalSubspace, fastfoodSubspace, sparseRandomSubspace, type RandomSubspace } from '../src/landscape/linalg/subspace.js';

/** The hand-made P above, as a RandomSubspace. */
const handMade: RandomSubspace = {
  kind: 'dense',
  ambientDim: 3,
  subspaceDim: 2,
  project: (w) => Float64Array.from([w[0]!, 2 * w[1]!, w[0]! - w[1]!]),
  projectTranspose: (g) => Float64Array.from([g[0]! + g[2]!, 2 * g[1]! - g[2]!]),
  toDense: () => Float64Array.from([1, 0, 0, 2, 1, -1]),
};

const fails = (fn: () => unknown, message: string, what = message): void => {
  assert.throws(fn, (e: Error) => e.message === message, what);
};

const close = (actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void => {
  assert.is(actual.length, expected.length, `${what}: length`);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i]! - v) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${v}`));
};

const step = (globalStep: number): StepInfo => ({ epoch: 0, step: globalStep, stepsPerEpoch: 100, loss: 0, globalStep });

test('the projection kinds, and the memory limit of a dense P: 2³⁰ bytes', () => {
  assert.equal([...SUBSPACE_KINDS], ['dense', 'sparse', 'fastfood']);
  assert.is(DENSE_PROJECTION_BYTE_LIMIT, 1073741824);
});

test('randomSubspace: each kind is its construction with the given seed', () => {
  const pairs: [RandomSubspace, RandomSubspace][] = [
    [randomSubspace('dense', 6, 3, 4), denseOrthonormalSubspace(6, 3, 4)],
    [randomSubspace('sparse', 6, 3, 4), sparseRandomSubspace(6, 3, 4)],
    [randomSubspace('fastfood', 6, 3, 4), fastfoodSubspace(6, 3, 4)],
  ];
  for (const [made, expected] of pairs) {
    assert.is(made.kind, expected.kind);
    assert.equal(made.toDense(), expected.toDense(), made.kind);
  }
  // d = 1 is the smallest P; d = D is the largest dense P; sparse and Fastfood take d > D
  assert.is(randomSubspace('sparse', 5, 1, 0).subspaceDim, 1);
  assert.is(randomSubspace('dense', 3, 3, 0).subspaceDim, 3);
  assert.is(randomSubspace('sparse', 3, 5, 0).subspaceDim, 5);
  assert.is(randomSubspace('fastfood', 3, 5, 0).subspaceDim, 5);
});

test('randomSubspace refuses a bad d, d > D for a dense P, and a dense P over 2³⁰ bytes (exactly 2³⁰ is allowed)', () => {
  for (const d of [0, -1, 1.5]) fails(() => randomSubspace('sparse', 5, d, 0), `randomSubspace: d must be a positive integer, got ${d}`);
  fails(() => randomSubspace('dense', 3, 4, 0), 'a dense projection needs d ≤ D, got d = 4 > D = 3');
  // 199210 × 1000 × 8 bytes = 1.484 GiB
  fails(() => randomSubspace('dense', 199_210, 1000, 0), 'a dense 199210×1000 projection needs 1.5 GiB; use the sparse or fastfood projection');
  // 8192 × 16384 × 8 = 2³⁰ bytes: within the limit, so the next check (d > D) is the one that speaks
  fails(() => randomSubspace('dense', 8192, 16384, 0), 'a dense projection needs d ≤ D, got d = 16384 > D = 8192');
  fails(() => randomSubspace('dense', 8192, 16385, 0), 'a dense 8192×16385 projection needs 1.0 GiB; use the sparse or fastfood projection');
});

test('hyperplane: θ(w) = θ₀ + P·w from w = 0, ∇_w L = Pᵀ∇_θ L, θ₀ copied', () => {
  const origin = Float64Array.from([1, 2, 3]);
  const plane = hyperplaneParametrisation(origin, handMade);
  assert.is(plane.surface, 'hyperplane');
  assert.is(plane.trainedDim, 2);
  assert.equal(Array.from(plane.initial), [0, 0]);
  assert.is(plane.radius, undefined);
  // P·(1, 0.5) = (1, 1, 0.5)
  assert.equal(Array.from(plane.toTheta(Float64Array.from([1, 0.5]))), [2, 3, 3.5]);
  assert.equal(Array.from(plane.toTheta(plane.initial)), [1, 2, 3]);
  assert.equal(Array.from(plane.pullBack(Float64Array.from([1, 3, 0.5]), plane.initial)), [1.5, 5.5]);
  origin[0] = 100;
  assert.equal(Array.from(plane.toTheta(plane.initial)), [1, 2, 3], 'later changes to θ₀ do not move the plane');
  // a Tensor θ₀ works too
  assert.equal(Array.from(hyperplaneParametrisation(fromTypedArray(Float64Array.from([0, 0, 1]), [3]), handMade).toTheta(Float64Array.from([0, 1]))), [0, 2, 0]);
});

test('hyperplane refuses a θ₀ of the wrong length or with a non-finite entry', () => {
  fails(() => hyperplaneParametrisation(new Float64Array(4), handMade), 'hyperplaneParametrisation: θ₀ has 4 entries but the subspace lives in ℝ^3');
  fails(() => hyperplaneParametrisation(Float64Array.from([0, Number.NaN, 0]), handMade), 'hyperplaneParametrisation: θ₀: entry 1 is NaN');
  fails(() => hyperplaneParametrisation(Float64Array.from([0, 0, -Infinity]), handMade), 'hyperplaneParametrisation: θ₀: entry 2 is -Infinity');
});

test('full-space sphere: starts at r₀·θ̂, trains θ itself, removes the radial gradient, rescales to r₀', () => {
  const sphere = hypersphereParametrisation(10, { through: Float64Array.from([3, 0, 4, 0]) });
  assert.is(sphere.surface, 'hypersphere');
  assert.is(sphere.trainedDim, 4);
  assert.is(sphere.radius, 10);
  assert.equal(Array.from(sphere.initial), [6, 0, 8, 0]);
  const w = Float64Array.from([1, 1, 0, 0]);
  assert.is(sphere.toTheta(w), w);
  // g·w = 2, ‖w‖² = 2: g − w = (1, −1, 1, 0)
  assert.equal(Array.from(sphere.pullBack(Float64Array.from([2, 0, 1, 0]), w)), [1, -1, 1, 0]);
  // at w = 0 there is no radial direction: g unchanged
  assert.equal(Array.from(sphere.pullBack(Float64Array.from([2, 0, 1, 0]), new Float64Array(4))), [2, 0, 1, 0]);
  assert.equal(Array.from(sphere.project!(Float64Array.from([0, 0.6, 0, 0.8]))), [0, 6, 0, 8]);
  fails(() => sphere.project!(new Float64Array(4)), 'hypersphere: cannot rescale a point of norm 0 to radius 10');
  fails(() => sphere.project!(Float64Array.from([1, Infinity, 0, 0])), 'hypersphere: cannot rescale a point of norm Infinity to radius 10');
  fails(() => sphere.project!(Float64Array.from([1, Number.NaN, 0, 0])), 'hypersphere: cannot rescale a point of norm NaN to radius 10');
});

test('sphere inside span(θ₀, P): θ(w) = r₀·u/‖u‖ with u = r₀θ̂₀ + P·w, and its pull-back by hand', () => {
  // through (0, 0, 4), r₀ = 2: the anchor is (0, 0, 2); at w = (1, 1), u = (1, 2, 2) with ‖u‖ = 3
  const sphere = hypersphereParametrisation(2, { through: Float64Array.from([0, 0, 4]), subspace: handMade });
  assert.is(sphere.surface, 'hypersphere');
  assert.is(sphere.trainedDim, 2);
  assert.is(sphere.radius, 2);
  assert.equal(Array.from(sphere.initial), [0, 0]);
  assert.is(sphere.project, undefined);
  assert.equal(Array.from(sphere.toTheta(sphere.initial)), [0, 0, 2]);
  const w = Float64Array.from([1, 1]);
  close(sphere.toTheta(w), [2 / 3, 4 / 3, 4 / 3], 1e-15, 'θ(1, 1)');
  // g = e₁: g − (g·u/‖u‖²)u = (8/9, −2/9, −2/9); times r₀/‖u‖ = 2/3: (16/27, −4/27, −4/27); Pᵀ of that: (12/27, −4/27)
  close(sphere.pullBack(Float64Array.from([1, 0, 0]), w), [4 / 9, -4 / 27], 1e-15, 'pull-back of e₁');
  // g along u has no tangential part
  close(sphere.pullBack(Float64Array.from([1, 2, 2]), w), [0, 0], 1e-15, 'pull-back of u');
  fails(() => hypersphereParametrisation(2, { through: Float64Array.from([0, 0, 0, 1]), subspace: handMade }), 'hypersphereParametrisation: θ₀ has 4 entries but the subspace lives in ℝ^3');
});

test('hypersphere refuses a radius that is not a positive number, and a through point that is zero or not finite', () => {
  const through = Float64Array.from([1, 0]);
  for (const r of [0, -1, Number.NaN, Infinity]) fails(() => hypersphereParametrisation(r, { through }), `hypersphereParametrisation: the radius must be a positive number, got ${r}`);
  fails(() => hypersphereParametrisation(1, { through: Float64Array.from([1, Number.NaN]) }), 'hypersphereParametrisation: through: entry 1 is NaN');
  fails(() => hypersphereParametrisation(3, { through: new Float64Array(2) }), 'hypersphere: cannot rescale a point of norm 0 to radius 3');
});

test('radiusRecorder: ‖θ(w)‖ at the start and at every Nth step, through the parametrisation', () => {
  const plane = hyperplaneParametrisation(Float64Array.from([0, 0, 5]), handMade);
  const recorder = radiusRecorder({ every: 2, parametrisation: plane });
  recorder.start(plane.initial);
  // θ(w) for w = (0, 2) is (0, 4, 3): radius 5 as well; w = (3, 0) gives (3, 0, 8): √73
  for (let k = 1; k <= 5; k++) recorder.onStep(step(k), k % 4 === 0 ? Float64Array.from([3, 0]) : Float64Array.from([0, 2]));
  assert.equal(recorder.samples, [{ step: 0, radius: 5 }, { step: 2, radius: 5 }, { step: 4, radius: Math.sqrt(73) }]);
  const plain = radiusRecorder({ every: 1 });
  plain.start(Float64Array.from([3, 4]));
  plain.onStep(step(1), Float64Array.from([0, 2]));
  assert.equal(plain.samples, [{ step: 0, radius: 5 }, { step: 1, radius: 2 }]);
  for (const every of [0, -1, 1.5]) fails(() => radiusRecorder({ every }), `radiusRecorder: every must be a positive integer, got ${every}`);
});

test('fitPowerLaw: y = 3·x^½ exactly, points with x ≤ 0, y ≤ 0 or non-finite left out', () => {
  const good = [1, 4, 16].map((x) => ({ x, y: 3 * Math.sqrt(x) }));
  const bad = [{ x: 0, y: 1 }, { x: 2, y: 0 }, { x: -1, y: 2 }, { x: 2, y: -1 }, { x: Infinity, y: 2 }, { x: 2, y: Infinity }, { x: Number.NaN, y: 1 }, { x: 1, y: Number.NaN }];
  const fit = fitPowerLaw([...bad.slice(0, 4), ...good, ...bad.slice(4)]);
  assert.is(fit.points, 3);
  assert.ok(Math.abs(fit.exponent - 0.5) < 1e-15, `exponent ${fit.exponent}`);
  assert.ok(Math.abs(fit.prefactor - 3) < 1e-14, `prefactor ${fit.prefactor}`);
  assert.ok(Math.abs(fit.rSquared - 1) < 1e-15);
  // (1, 1), (e, e²), (e², e): log-log points (0, 0), (1, 2), (2, 1): slope ½, intercept ½, R² ¼
  const loose = fitPowerLaw([{ x: 1, y: 1 }, { x: Math.E, y: Math.E ** 2 }, { x: Math.E ** 2, y: Math.E }]);
  assert.ok(Math.abs(loose.exponent - 0.5) < 1e-15 && Math.abs(loose.prefactor - Math.exp(0.5)) < 1e-15 && Math.abs(loose.rSquared - 0.25) < 1e-15, JSON.stringify(loose));
  fails(() => fitPowerLaw([{ x: 1, y: 1 }, { x: 0, y: 1 }]), 'fitPowerLaw: need at least two points with x > 0 and y > 0, got 1');
  fails(() => fitPowerLaw([{ x: 2, y: 1 }, { x: 2, y: 3 }]), 'fitPowerLaw: all x are equal');
});

test('fitDiffusiveGrowth: r² = 4 + t/4 exactly, non-finite samples left out', () => {
  const samples = [0, 4, 12].map((s) => ({ step: s, radius: Math.sqrt(4 + s / 4) }));
  const fit = fitDiffusiveGrowth([{ step: Number.NaN, radius: 1 }, ...samples, { step: 8, radius: Infinity }]);
  assert.is(fit.points, 3);
  assert.ok(Math.abs(fit.offset - 4) < 1e-14 && Math.abs(fit.rate - 0.25) < 1e-15 && Math.abs(fit.rSquared - 1) < 1e-14, JSON.stringify(fit));
  // r² = 1, 3, 2 at t = 0, 1, 2: intercept 3/2, slope 1/2, R² 1/4
  const loose = fitDiffusiveGrowth([{ step: 0, radius: 1 }, { step: 1, radius: Math.sqrt(3) }, { step: 2, radius: Math.sqrt(2) }]);
  assert.ok(Math.abs(loose.offset - 1.5) < 1e-14 && Math.abs(loose.rate - 0.5) < 1e-14 && Math.abs(loose.rSquared - 0.25) < 1e-14, JSON.stringify(loose));
  fails(() => fitDiffusiveGrowth([{ step: 1, radius: 1 }, { step: 2, radius: Number.NaN }]), 'fitDiffusiveGrowth: need at least two samples, got 1');
  fails(() => fitDiffusiveGrowth([{ step: 3, radius: 1 }, { step: 3, radius: 2 }]), 'fitDiffusiveGrowth: all samples are at the same step');
});

test.run();
