/**
 * What the zone's measurements hand back, on a classifier whose Hessian is
 * known in closed form.
 *
 * One sample of label 1, two classes, θ ∈ ℝ³, logits
 *
 *     z₀(θ) = θ₀ + ½ (c₀θ₀² + c₁θ₁² + c₂θ₂²),   z₁ = 0,   c = (3/2, −1, 2).
 *
 * At θ = 0 and temperature T the softmax of z/T is (½, ½), so the loss is
 * log 2, the gradient is p₀ ∇z₀ / T = (1/(2T), 0, 0), the Gauss-Newton term
 * is Jᵀ(diag p − ppᵀ)J / T² = diag(1/(4T²), 0, 0) and the H-term is
 * (p₀ − 0) ∇²z₀ / T = diag(c)/(2T):
 *
 *     H(T) = diag(1/(4T²) + 3/(4T), −1/(2T), 1/T),   H(1) = diag(1, −½, 1).
 *
 * On the coordinate subspaces spanned by (e₀, e₁) and (e₀, e₂) the
 * restricted Hessians are diagonal, so their eigenvalues — and every
 * summary of them — can be written down.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import type { Classifier } from '../src/landscape/classifier.js';
import type { RandomSubspace } from '../src/landscape/linalg/subspace.js';
import { denseOrthonormalSubspace, sparseRandomSubspace } from '../src/landscape/linalg/subspace.js';
import { makeSubspaces, measurePoint, scaleSweep, temperatureSweep, type PointMeasurement } from '../src/landscape/zone.js';
import { restrictedHessian } from '../src/landscape/restricted-hessian.js';
import { crossEntropyLoss } from '../src/landscape/classifier.js';
import { throwsWith } from './support/assertions.js';

const c = [1.5, -1, 2];
const model: Classifier = {
  logits: (theta: Tensor) => {
    const z0 = theta.slice([0], [1]).sum().add(theta.square().mul(ad.tensor(c)).sum().mul(0.5));
    return z0.reshape([1, 1]).mul(ad.tensor([[1, 0]]));
  },
  labels: Int32Array.of(1),
  numClasses: 2,
};
const zero = new Float64Array(3);

/** The subspace spanned by the coordinate axes `axes` of ℝ^D. */
function coordinateSubspace(D: number, axes: number[]): RandomSubspace {
  return {
    kind: 'dense',
    ambientDim: D,
    subspaceDim: axes.length,
    project: (w) => {
      const out = new Float64Array(D);
      axes.forEach((a, j) => (out[a] = w[j]!));
      return out;
    },
    projectTranspose: (g) => Float64Array.from(axes, (a) => g[a]!),
    toDense: () => {
      const P = new Float64Array(D * axes.length);
      axes.forEach((a, j) => (P[a * axes.length + j] = 1));
      return P;
    },
  };
}
const A = coordinateSubspace(3, [0, 1]);
const B = coordinateSubspace(3, [0, 2]);

/** The diagonal of H(T) and of the Gauss-Newton term G(T) at θ = 0. */
const hessianDiagonal = (T: number): number[] => [1 / (4 * T * T) + 3 / (4 * T), -1 / (2 * T), 1 / T];
const gDiagonal = (T: number): number[] => [1 / (4 * T * T), 0, 0];

/** The summaries of a diagonal matrix's eigenvalues, by hand. */
function summary(values: number[]): { trace: number; frobenius: number; traceOverNorm: number; positive: number; min: number; max: number } {
  const trace = values.reduce((s, v) => s + v, 0);
  const frobenius = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
  return { trace, frobenius, traceOverNorm: trace / frobenius, positive: values.filter((v) => v > 0).length / values.length, min: Math.min(...values), max: Math.max(...values) };
}
const sampleStd = (x: number, y: number): number => Math.abs(x - y) / Math.SQRT2;
const close = (actual: number, expected: number, what: string, tolerance = 1e-15): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

/** Every field of a measurement at θ = 0 on the subspaces (A, B), against the hand values at temperature T. */
function checkPoint(point: PointMeasurement, T: number, what: string): void {
  const h = hessianDiagonal(T);
  const a = summary([h[0]!, h[1]!]);
  const b = summary([h[0]!, h[2]!]);
  close(point.loss, Math.log(2), `${what} loss`);
  close(point.gradientNorm, 1 / (2 * T), `${what} ‖g‖`);
  close(point.trace, (a.trace + b.trace) / 2, `${what} trace`);
  close(point.frobeniusNorm, (a.frobenius + b.frobenius) / 2, `${what} ‖H‖_F`);
  close(point.traceOverNorm, (a.traceOverNorm + b.traceOverNorm) / 2, `${what} Tr/‖H‖`);
  close(point.positiveFraction, (a.positive + b.positive) / 2, `${what} positive fraction`);
  close(point.minEigenvalue, (a.min + b.min) / 2, `${what} min`);
  close(point.maxEigenvalue, (a.max + b.max) / 2, `${what} max`);
  // the eigenvalues of the first subspace, ascending
  assert.equal(point.eigenvalues.length, 2);
  close(point.eigenvalues[0]!, a.min, `${what} λ₁`);
  close(point.eigenvalues[1]!, a.max, `${what} λ₂`);
  assert.equal(point.traceOverNormByRepeat.length, 2);
  close(point.traceOverNormByRepeat[0]!, a.traceOverNorm, `${what} Tr/‖H‖ on A`);
  close(point.traceOverNormByRepeat[1]!, b.traceOverNorm, `${what} Tr/‖H‖ on B`);
  assert.equal(point.positiveFractionByRepeat, [a.positive, b.positive]);
  close(point.traceOverNormStd, sampleStd(a.traceOverNorm, b.traceOverNorm), `${what} std of Tr/‖H‖`);
  close(point.positiveFractionStd, sampleStd(a.positive, b.positive), `${what} std of the positive fraction`);
}

test('measurePoint at θ = 0 on two coordinate planes: H(1) = diag(1, −½, 1), every field by hand', () => {
  const point = measurePoint(model, zero, 1, [A, B], false);
  checkPoint(point, 1, 'T = 1');
  // the numbers themselves: Tr/‖H‖ is 1/√5 on A and √2 on B; positive fractions ½ and 1
  close(point.traceOverNormByRepeat[0]!, 1 / Math.sqrt(5), 'A');
  close(point.traceOverNormByRepeat[1]!, Math.SQRT2, 'B');
  assert.equal(point.positiveFractionByRepeat, [0.5, 1]);
  close(point.positiveFractionStd, 0.5 / Math.SQRT2, 'std of ½ and 1');
  assert.is(point.accuracy, 0); // z = (0, 0): the tie goes to class 0, the label is 1
  assert.is(point.gaussNewton, undefined);
  assert.not.ok('gaussNewton' in point);
});

test('measurePoint at temperature 2: H(2) = diag(7/16, −¼, ½)', () => {
  assert.equal(hessianDiagonal(2), [7 / 16, -0.25, 0.5]);
  checkPoint(measurePoint(model, zero, 2, [A, B], false), 2, 'T = 2');
});

test('measurePoint over three subspaces: sample standard deviations with N − 1 = 2', () => {
  // on (e₁, e₂): diag(−½, 1), Tr/‖H‖ = ½/(√5/2) = 1/√5, positive fraction ½
  const point = measurePoint(model, zero, 1, [A, B, coordinateSubspace(3, [1, 2])], false);
  assert.equal(point.positiveFractionByRepeat, [0.5, 1, 0.5]);
  // mean ⅔, squared deviations 1/36, 4/36, 1/36: variance (6/36)/2 = 1/12
  close(point.positiveFraction, 2 / 3, 'mean positive fraction');
  close(point.positiveFractionStd, Math.sqrt(1 / 12), 'std of ½, 1, ½', 1e-15);
  // Tr/‖H‖ 1/√5, √2, 1/√5: deviations −(√2 − 1/√5)/3 twice and 2(√2 − 1/√5)/3, variance (√2 − 1/√5)²/3
  close(point.traceOverNormStd, (Math.SQRT2 - 1 / Math.sqrt(5)) / Math.sqrt(3), 'std of Tr/‖H‖', 1e-15);
});

test('measurePoint with no subspaces is refused (the curvature means would be NaN), also through the sweeps', () => {
  const message = 'measurePoint: no subspaces to measure the curvature on (give at least one)';
  for (const gaussNewton of [false, true]) throwsWith(() => measurePoint(model, zero, 1, [], gaussNewton), message);
  // repeats 0 with an empty list of subspaces passes the sweeps' own fit check
  const options = { subspaceDim: 2, projection: 'dense' as const, repeats: 0, seed: 1, gaussNewton: false, subspaces: [] };
  throwsWith(() => temperatureSweep(model, zero, [1], options), message);
  throwsWith(() => scaleSweep(model, Float64Array.of(1, 0, 0), [1], options), message);
});

test('measurePoint with one subspace: standard deviations 0; the order of the subspaces picks the eigenvalues', () => {
  const one = measurePoint(model, zero, 1, [B], false);
  assert.is(one.traceOverNormStd, 0);
  assert.is(one.positiveFractionStd, 0);
  close(one.traceOverNorm, Math.SQRT2, 'Tr/‖H‖ on B');
  const swapped = measurePoint(model, zero, 1, [B, A], false);
  close(swapped.eigenvalues[0]!, 1, 'B first: λ₁');
  close(swapped.eigenvalues[1]!, 1, 'B first: λ₂');
});

test('the Gauss-Newton split on the first subspace: G = diag(¼, 0) and H − G = diag(¾, −½) on (e₀, e₁)', () => {
  for (const T of [1, 2]) {
    const point = measurePoint(model, zero, T, [A, B], true);
    const h = hessianDiagonal(T);
    const g = gDiagonal(T);
    const G = summary([g[0]!, g[1]!]);
    const rest = summary([h[0]! - g[0]!, h[1]! - g[1]!]);
    const split = point.gaussNewton!;
    close(split.gTraceOverNorm, G.traceOverNorm, `T = ${T}: G Tr/‖·‖`);
    close(split.gSpectralNorm, Math.max(Math.abs(G.min), Math.abs(G.max)), `T = ${T}: G spectral norm`);
    close(split.hTraceOverNorm, rest.traceOverNorm, `T = ${T}: H-term Tr/‖·‖`);
    close(split.hSpectralNorm, Math.max(Math.abs(rest.min), Math.abs(rest.max)), `T = ${T}: H-term spectral norm`);
    checkPoint(point, T, `T = ${T} with the split`);
  }
  // at T = 1 by hand: G Tr/‖·‖ = 1, spectral norm ¼; H-term Tr/‖·‖ = ¼/(√13/4) = 1/√13, spectral norm ¾ (from |−½| and ¾)
  const split = measurePoint(model, zero, 1, [A], true).gaussNewton!;
  close(split.gTraceOverNorm, 1, 'G Tr/‖·‖');
  close(split.gSpectralNorm, 0.25, 'G spectral norm');
  close(split.hTraceOverNorm, 1 / Math.sqrt(13), 'H-term Tr/‖·‖');
  close(split.hSpectralNorm, 0.75, 'H-term spectral norm');
  // on e₁ alone the H-term is [−½]: its spectral norm is |−½|
  close(measurePoint(model, zero, 1, [coordinateSubspace(3, [1])], true).gaussNewton!.hSpectralNorm, 0.5, 'H-term spectral norm on e₁');
});

test('measurePoint reports the largest asymmetry over the subspaces', () => {
  // a tanh network's HVPs round differently in the two orders: ‖M − Mᵀ‖/‖M‖ small but not 0
  const r = new ad.Random(5);
  const X = ad.randn([6, 3], r);
  const net: Classifier = {
    logits: (t) => X.matmul(t.slice([0], [12]).reshape([3, 4])).tanh().matmul(t.slice([12], [24]).reshape([4, 3])),
    labels: Int32Array.of(0, 1, 2, 0, 1, 2),
    numClasses: 3,
  };
  const theta = ad.randn([24], r).toTypedArray() as Float64Array;
  const subspaces = [denseOrthonormalSubspace(24, 5, 1), denseOrthonormalSubspace(24, 5, 2), denseOrthonormalSubspace(24, 5, 3)];
  const each = subspaces.map((s) => restrictedHessian(crossEntropyLoss(net), theta, s).asymmetry);
  const largest = Math.max(...each);
  assert.ok(largest > 0 && each.some((x) => x < largest), `asymmetries ${each}`);
  assert.is(measurePoint(net, theta, 1, subspaces, false).asymmetry, largest);
});

test('measurePoint refuses a point where the loss is not finite, saying where', () => {
  const broken: Classifier = { ...model, logits: (t) => model.logits(t).mul(Number.NaN) };
  throwsWith(() => measurePoint(broken, Float64Array.of(3, 0, 4), 1.5, [A], false), 'the loss is NaN at ‖θ‖ = 5, temperature 1.5; the point cannot be analysed');
  // z = (1e308, −1e308) and label 1: the loss 2e308 overflows to Infinity
  const infinite: Classifier = { ...model, logits: (t) => model.logits(t).add(ad.tensor([[1e308, -1e308]])) };
  throwsWith(() => measurePoint(infinite, Float64Array.of(1, 0, 0), 1, [A], false), 'the loss is Infinity at ‖θ‖ = 1');
});

test('makeSubspaces: R subspaces seeded seed·1000 + r, dense or sparse; d in [1, D] and R ≥ 1 (integers) or refused', () => {
  const dense = makeSubspaces(10, { subspaceDim: 3, projection: 'dense', repeats: 2, seed: 2 });
  assert.equal(dense.map((s) => s.kind), ['dense', 'dense']);
  assert.equal(Array.from(dense[0]!.toDense()), Array.from(denseOrthonormalSubspace(10, 3, 2000).toDense()));
  assert.equal(Array.from(dense[1]!.toDense()), Array.from(denseOrthonormalSubspace(10, 3, 2001).toDense()));
  const sparse = makeSubspaces(10, { subspaceDim: 3, projection: 'sparse', repeats: 3, seed: 1 });
  assert.equal(sparse.map((s) => s.kind), ['sparse', 'sparse', 'sparse']);
  assert.equal(Array.from(sparse[2]!.toDense()), Array.from(sparseRandomSubspace(10, 3, 1002).toDense()));
  // the ends of the ranges are accepted
  assert.is(makeSubspaces(10, { subspaceDim: 1, projection: 'dense', repeats: 1, seed: 0 })[0]!.subspaceDim, 1);
  assert.is(makeSubspaces(10, { subspaceDim: 10, projection: 'dense', repeats: 1, seed: 0 })[0]!.subspaceDim, 10);
  const bad = (subspaceDim: number, repeats: number) => () => makeSubspaces(10, { subspaceDim, projection: 'dense', repeats, seed: 0 });
  throwsWith(bad(0, 1), 'subspace dimension must be an integer in [1, 10], got 0');
  throwsWith(bad(11, 1), 'subspace dimension must be an integer in [1, 10], got 11');
  throwsWith(bad(2.5, 1), 'got 2.5');
  throwsWith(bad(3, 0), 'repeats must be a positive integer, got 0');
  throwsWith(bad(3, 1.5), 'repeats must be a positive integer, got 1.5');
});

test('scaleSweep: θ = α·θ_init at each α, radius α‖θ_init‖, progress after each point', () => {
  // along θ_init = (1, 0, 0): z₀ = α + ¾α², loss log(1 + e^z₀), gradient p₀·(1 + 3α/2) e₀ with p₀ = 1/(1 + e^−z₀)
  const progress: [number, number][] = [];
  const points = scaleSweep(model, Float64Array.of(1, 0, 0), [0.5, 2], { subspaceDim: 2, projection: 'dense', repeats: 1, seed: 0, gaussNewton: false }, (done, total) => progress.push([done, total]));
  assert.equal(progress, [[1, 2], [2, 2]]);
  assert.equal(points.map((p) => [p.scale, p.radius, p.radiusRatio]), [[0.5, 0.5, 0.5], [2, 2, 2]]);
  points.forEach((p) => {
    const a = p.scale;
    const z0 = a + 0.75 * a * a;
    close(p.loss, Math.log1p(Math.exp(z0)), `α = ${a}: loss`, 1e-14);
    close(p.gradientNorm, (1 + 1.5 * a) / (1 + Math.exp(-z0)), `α = ${a}: ‖g‖`, 1e-14);
  });
  // a longer θ_init: the radius is α‖θ_init‖, the ratio α
  const [p] = scaleSweep(model, Float64Array.of(0, 3, 4), [0.25], { subspaceDim: 1, projection: 'sparse', repeats: 1, seed: 0, gaussNewton: true });
  assert.equal([p!.radius, p!.radiusRatio], [1.25, 0.25]);
  assert.ok(p!.gaussNewton);
  const options = { subspaceDim: 1, projection: 'dense' as const, repeats: 1, seed: 0, gaussNewton: false };
  throwsWith(() => scaleSweep(model, zero, [1], options), 'scaleSweep: the initial parameters are all zero; scaling cannot move them');
  throwsWith(() => scaleSweep(model, Float64Array.of(1, 0, 0), [1, 0], options), 'scales must be positive, got 0');
  throwsWith(() => scaleSweep(model, Float64Array.of(1, 0, 0), [-1], options), 'scales must be positive, got -1');
  throwsWith(() => scaleSweep(model, Float64Array.of(1, 0, 0), [Number.NaN], options), 'scales must be positive, got NaN');
  throwsWith(() => scaleSweep(model, Float64Array.of(1, 0, 0), [1], { ...options, subspaceDim: 4 }), 'subspace dimension must be an integer in [1, 3], got 4');
});

test('temperatureSweep: each temperature at the same θ and subspaces, progress after each point', () => {
  const progress: [number, number][] = [];
  const points = temperatureSweep(model, zero, [1, 2], { subspaceDim: 2, projection: 'dense', repeats: 2, seed: 3, gaussNewton: true }, (done, total) => progress.push([done, total]));
  assert.equal(progress, [[1, 2], [2, 2]]);
  assert.equal(points.map((p) => p.temperature), [1, 2]);
  // on random planes: the same subspaces at both temperatures, so the restricted Hessians are those of H(1) and H(2)
  const subspaces = makeSubspaces(3, { subspaceDim: 2, projection: 'dense', repeats: 2, seed: 3 });
  points.forEach((p, i) => {
    const T = i + 1;
    const h = hessianDiagonal(T);
    const expected = subspaces.map((s) => {
      const P = s.toDense();
      let trace = 0;
      for (let j = 0; j < 2; j++) for (let a = 0; a < 3; a++) trace += P[a * 2 + j]! ** 2 * h[a]!;
      return trace;
    });
    close(p.trace, (expected[0]! + expected[1]!) / 2, `T = ${T}: mean trace of PᵀH(T)P`, 1e-14);
    close(p.gradientNorm, 1 / (2 * T), `T = ${T}: ‖g‖`);
    assert.ok(p.gaussNewton);
  });
  assert.equal(temperatureSweep(model, zero, [], { subspaceDim: 2, projection: 'dense', repeats: 1, seed: 0, gaussNewton: false }), []);
  // without a progress callback
  assert.equal(temperatureSweep(model, zero, [4], { subspaceDim: 1, projection: 'sparse', repeats: 1, seed: 0, gaussNewton: false }).map((p) => p.temperature), [4]);
});

test('sweeps use the subspaces they are given when these fit, and refuse them otherwise, saying what fits', () => {
  const options = { subspaceDim: 2, projection: 'dense' as const, repeats: 2, seed: 0, gaussNewton: false };
  // the coordinate planes (e₀, e₁) and (e₀, e₂): every field as computed by hand
  checkPoint(temperatureSweep(model, zero, [1], { ...options, subspaces: [A, B] })[0]!, 1, 'given subspaces');
  const message = 'the given subspaces do not fit: expected 2 of dimension 2 in ℝ^3';
  // one too few; the right count but the second of dimension 1; the second in ℝ⁴
  throwsWith(() => temperatureSweep(model, zero, [1], { ...options, subspaces: [A] }), message);
  throwsWith(() => temperatureSweep(model, zero, [1], { ...options, subspaces: [A, coordinateSubspace(3, [0])] }), message);
  throwsWith(() => temperatureSweep(model, zero, [1], { ...options, subspaces: [A, coordinateSubspace(4, [0, 1])] }), message);
  throwsWith(() => scaleSweep(model, Float64Array.of(1, 0, 0), [1], { ...options, subspaces: [coordinateSubspace(4, [0, 1]), A] }), message);
});

test.run();
