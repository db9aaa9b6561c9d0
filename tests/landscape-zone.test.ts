/**
 * The zone analysis on tiny problems, against independent computations:
 * the restricted Hessian against the dense Hessian projected; the G-term
 * against an explicit Jacobian; G + H-term = Hessian; scaling a bias-free
 * ReLU network by α against a softmax temperature α^(−L); the curvature
 * summaries and the zone finder on known inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { restrictedHessian, restrictOperator } from '../src/landscape/restricted-hessian.js';
import { hessianOperator } from '../src/landscape/hessian-operator.js';
import { throwsWith } from './support/assertions.js';
import { crossEntropyLoss, outputStatistics, restrictedGaussNewton, type Classifier } from '../src/landscape/classifier.js';
import { denseOrthonormalSubspace, sparseRandomSubspace } from '../src/landscape/linalg/subspace.js';
import { symmetricEigen } from '../src/landscape/linalg/symmetric-eigen.js';
import { randomMatrixTraceOverNormStd, summarizeEigenvalues } from '../src/landscape/curvature.js';
import { findZone, logSpace, makeSubspaces, measurePoint, scaleSweep, temperatureSweep, zoneCriterion, type ZonePoint } from '../src/landscape/zone.js';
import { relativeError } from './support/numeric.js';

const N = 12;
const widths = [3, 5, 4, 3];
const rng = new ad.Random(3);
const X = ad.randn([N, widths[0]!], rng);
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);
const D = widths.slice(1).reduce((s, b, i) => s + widths[i]! * b, 0);

/** A bias-free ReLU MLP 3-5-4-3 on flat θ (homogeneous of degree L = 3). */
function reluLogits(theta: Tensor): Tensor {
  let at = 0;
  let h = X;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [a, b] = [widths[l]!, widths[l + 1]!];
    h = h.matmul(theta.slice([at], [at + a * b]).reshape([a, b]));
    at += a * b;
    if (l + 2 < widths.length) h = h.relu();
  }
  return h;
}
const classifier: Classifier = { logits: reluLogits, labels, numClasses: 3 };
const theta0 = ad.randn([D], new ad.Random(4), 0.7).toTypedArray() as Float64Array;

function projectDense(H: Float64Array, P: Float64Array, D: number, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) s += P[a * d + i]! * H[a * D + b]! * P[b * d + j]!;
      out[i * d + j] = s;
    }
  return out;
}

test('PᵀHP from d HVPs equals the dense Hessian projected (dense and sparse subspaces)', () => {
  const loss = crossEntropyLoss(classifier);
  const H = ad.hessian(loss)(ad.tensor(theta0)).toTypedArray() as Float64Array;
  for (const subspace of [denseOrthonormalSubspace(D, 5, 1), sparseRandomSubspace(D, 5, 2)]) {
    const restricted = restrictedHessian(loss, theta0, subspace);
    const expected = projectDense(H, subspace.toDense(), D, 5);
    assert.ok(relativeError(restricted.matrix, expected) < 1e-13, `${subspace.kind}: ${relativeError(restricted.matrix, expected)}`);
    assert.ok(restricted.asymmetry < 1e-13);
  }
});

test('batched HVPs (applyMany, in blocks) equal one product at a time, bit for bit, and are counted', () => {
  const loss = crossEntropyLoss(classifier);
  const d = 11; // blocks of 5: three blocks, the last one partial
  const subspace = denseOrthonormalSubspace(D, Math.min(d, D), 6);
  const H = hessianOperator(loss, theta0, { blockSize: 5 });
  const one = { dim: H.dim, apply: (v: Float64Array) => H.apply(v) }; // no applyMany: column by column
  const looped = restrictOperator(one, subspace);
  const before = H.products();
  const batched = restrictOperator(H, subspace);
  assert.is(H.products() - before, subspace.subspaceDim);
  assert.equal(Array.from(batched.matrix), Array.from(looped.matrix));
});

test('the Hessian operator after its first product (a traced tangent program) gives exactly hvp\'s numbers', () => {
  // A model large enough that the program reuses arrays (≥ 512 numbers): a tanh MLP 20-30-10 on 40 examples.
  const r = new ad.Random(8);
  const Xb = ad.randn([40, 20], r);
  const yb = Int32Array.from({ length: 40 }, (_, i) => i % 10);
  const Db = 20 * 30 + 30 * 10;
  const logits = (t: Tensor): Tensor => Xb.matmul(t.slice([0], [600]).reshape([20, 30])).tanh().matmul(t.slice([600], [Db]).reshape([30, 10]));
  const loss = crossEntropyLoss({ logits, labels: yb, numClasses: 10 });
  const theta = ad.randn([Db], r, 0.3).toTypedArray() as Float64Array;
  const H = hessianOperator(loss, theta);
  const direct = (v: Float64Array): number[] => Array.from(ad.hvp(loss, ad.tensor(theta), ad.tensor(v)).toTypedArray());
  const vectors = Array.from({ length: 12 }, () => ad.randn([Db], r).toTypedArray() as Float64Array);
  for (const v of vectors.slice(0, 3)) assert.equal(Array.from(H.apply(v)), direct(v)); // the first one traces
  for (let round = 0; round < 2; round++) {
    const many = H.applyMany!(vectors);
    many.forEach((hv, i) => assert.equal(Array.from(hv), direct(vectors[i]!), `round ${round}, vector ${i}`));
  }
  // in blocks of 5 (a vmap of the tangent program): two full blocks and a partial one, each traced once
  const blocked = hessianOperator(loss, theta, { blockSize: 5 });
  for (let round = 0; round < 2; round++) {
    blocked.applyMany!(vectors).forEach((hv, i) => assert.equal(Array.from(hv), direct(vectors[i]!), `blocks, round ${round}, vector ${i}`));
  }
  throwsWith(() => hessianOperator(loss, theta, { blockSize: 0 }), 'blockSize must be a positive integer');
});

test('G-term equals Jᵀ(diag p − ppᵀ)J built from the explicit Jacobian', () => {
  const subspace = denseOrthonormalSubspace(D, 4, 5);
  const T = 1.7;
  const G = restrictedGaussNewton(classifier, theta0, subspace, T).matrix;
  const J = ad.jacfwd((t: Tensor) => reluLogits(t).div(T))(ad.tensor(theta0)).toTypedArray(); // [N, C, D]
  const z = reluLogits(ad.tensor(theta0)).div(T).softmax().toTypedArray();
  const P = subspace.toDense();
  const expected = new Float64Array(16);
  for (let s = 0; s < N; s++) {
    // JP for sample s: [C, d]
    const JP = Array.from({ length: 3 }, (_, k) => Array.from({ length: 4 }, (_, j) => {
      let v = 0;
      for (let a = 0; a < D; a++) v += J[(s * 3 + k) * D + a]! * P[a * 4 + j]!;
      return v;
    }));
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        let v = 0;
        for (let k = 0; k < 3; k++)
          for (let l = 0; l < 3; l++) {
            const m = (k === l ? z[s * 3 + k]! : 0) - z[s * 3 + k]! * z[s * 3 + l]!;
            v += JP[k]![i]! * m * JP[l]![j]!;
          }
        expected[i * 4 + j]! += v / N;
      }
  }
  assert.ok(relativeError(G, expected) < 1e-13, `${relativeError(G, expected)}`);
  // G is positive semi-definite
  assert.ok(symmetricEigen(G).values[0]! > -1e-12);
});

test('for logits linear in θ the H-term vanishes: G-term = restricted Hessian', () => {
  const linear: Classifier = { logits: (t) => X.matmul(t.slice([0], [9]).reshape([3, 3])), labels, numClasses: 3 };
  const theta = ad.randn([9], new ad.Random(8)).toTypedArray() as Float64Array;
  const subspace = denseOrthonormalSubspace(9, 6, 9);
  const H = restrictedHessian(crossEntropyLoss(linear), theta, subspace).matrix;
  const G = restrictedGaussNewton(linear, theta, subspace).matrix;
  assert.ok(relativeError(H, G) < 1e-13, `${relativeError(H, G)}`);
});

test('the Gauss-Newton split reports G and H-terms that add up to the Hessian', () => {
  const point = measurePoint(classifier, theta0, 1, [denseOrthonormalSubspace(D, 6, 3)], true);
  assert.ok(point.gaussNewton);
  assert.ok(point.gaussNewton!.gTraceOverNorm > 0); // PSD: trace over norm ≥ 0
  // reconstruct: the Hessian's extreme eigenvalues are bounded by the two norms together
  assert.ok(Math.max(Math.abs(point.minEigenvalue), point.maxEigenvalue) <= point.gaussNewton!.gSpectralNorm + point.gaussNewton!.hSpectralNorm + 1e-12);
});

test('bias-free ReLU net: scaling θ by α equals temperature α^(−L) (L = 3), Hessians differing by α²', () => {
  const L = 3;
  const subspace = [denseOrthonormalSubspace(D, 6, 11)];
  for (const alpha of [0.3, 2.5]) {
    const scaled = measurePoint(classifier, theta0.map((v) => v * alpha), 1, subspace, false);
    const tempered = measurePoint(classifier, theta0, alpha ** -L, subspace, false);
    assert.ok(Math.abs(scaled.loss - tempered.loss) < 1e-13);
    assert.ok(Math.abs(scaled.traceOverNorm - tempered.traceOverNorm) < 1e-10);
    assert.is(scaled.positiveFraction, tempered.positiveFraction);
    const rescaled = tempered.eigenvalues.map((l) => l / alpha ** 2);
    assert.ok(relativeError(scaled.eigenvalues, rescaled) < 1e-10, `${relativeError(scaled.eigenvalues, rescaled)}`);
  }
});

test('output statistics: uniform logits give loss log C, entropy log C, accuracy of ties to class 0, Γ', () => {
  const zero: Classifier = { logits: () => ad.zeros([N, 3]), labels, numClasses: 3 };
  const s = outputStatistics(zero, new Float64Array(1));
  assert.ok(Math.abs(s.loss - Math.log(3)) < 1e-15);
  assert.ok(Math.abs(s.entropy - Math.log(3)) < 1e-15);
  assert.is(s.zeroLogitFraction, 1);
  // M = (1/3)I − (1/9)11ᵀ: trace 2/3, ‖M‖_F = √(2/9 + ... ) → Γ = √2
  assert.ok(Math.abs(s.gamma - Math.SQRT2) < 1e-14);
});

test('curvature summary: closed forms, and the random-matrix reference by simulation', () => {
  const s = summarizeEigenvalues([1, 1, 1, 1]);
  assert.is(s.traceOverNorm, 2); // √d for equal positive eigenvalues
  assert.is(s.positiveFraction, 1);
  const t = summarizeEigenvalues([-3, 1, 2, 4]);
  assert.is(t.trace, 4);
  assert.ok(Math.abs(t.frobeniusNorm - Math.sqrt(30)) < 1e-15);
  assert.is(t.positiveFraction, 0.75);
  assert.throws(() => summarizeEigenvalues([1, NaN]), /not finite/);
  // GOE matrices of size d: std of Tr/‖·‖_F ≈ √(2/(d+1))
  const d = 10;
  const r = new ad.Random(21);
  const samples: number[] = [];
  for (let k = 0; k < 2000; k++) {
    const A = ad.randn([d, d], r);
    const sym = A.add(A.T).div(Math.SQRT2);
    samples.push(summarizeEigenvalues(symmetricEigen(sym.toTypedArray() as Float64Array).values).traceOverNorm);
  }
  const m = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - m) ** 2, 0) / samples.length);
  assert.ok(Math.abs(m) < 4 * sd / Math.sqrt(samples.length));
  assert.ok(Math.abs(sd / randomMatrixTraceOverNormStd(d) - 1) < 0.08, `simulated ${sd} vs ${randomMatrixTraceOverNormStd(d)}`);
});

test('findZone: the longest significant run, with edges interpolated on a log scale', () => {
  const criterion = zoneCriterion(20, 1);
  const mk = (radius: number, traceOverNorm: number, positiveFraction: number): ZonePoint =>
    ({ radius, radiusRatio: radius / 10, scale: radius / 10, traceOverNorm, positiveFraction }) as ZonePoint;
  const t = criterion.traceOverNormThreshold;
  const points = [mk(1, 0, 0.5), mk(10, 2 * t, 0.8), mk(100, 2 * t, 0.9), mk(1000, 0, 0.5), mk(10000, 3 * t, 0.9)];
  const zone = findZone(points, criterion)!;
  assert.ok(zone);
  // halfway in value between radius 1 and 10 on a log scale: √10
  assert.ok(Math.abs(zone.lower - Math.sqrt(10)) < 1e-9);
  assert.ok(Math.abs(zone.upper - 100 * Math.sqrt(10)) < 1e-9);
  assert.ok(Math.abs(zone.lowerRatio - Math.sqrt(10) / 10) < 1e-12);
  assert.is(zone.openBelow, false);
  assert.is(findZone([mk(1, 0, 0.5)], criterion), null);
  // a high Tr/‖H‖ without a majority of positive eigenvalues does not count
  assert.is(findZone([mk(1, 5 * t, 0.5)], criterion), null);
});

test('scaleSweep measures each scale on the same subspaces and reports radii', () => {
  const scales = logSpace(0.1, 10, 3);
  const points = scaleSweep(classifier, theta0, scales, { subspaceDim: 4, projection: 'dense', repeats: 2, seed: 1, gaussNewton: false });
  const r0 = Math.hypot(...theta0);
  assert.equal(points.map((p) => p.scale), scales);
  points.forEach((p) => {
    assert.ok(Math.abs(p.radius - p.scale * r0) < 1e-12 * r0);
    assert.is(p.traceOverNormByRepeat.length, 2);
    assert.is(p.eigenvalues.length, 4);
  });
  assert.throws(() => scaleSweep(classifier, theta0, [1], { subspaceDim: D + 1, projection: 'dense', repeats: 1, seed: 1, gaussNewton: false }), /subspace dimension/);
});

test('a sweep given its subspaces point by point equals the sweep that draws them, bit for bit; subspaces that do not fit are refused', () => {
  const options = { subspaceDim: 3, projection: 'dense' as const, repeats: 2, seed: 5, gaussNewton: false };
  const scales = [0.5, 2];
  const subspaces = makeSubspaces(D, options);
  const whole = scaleSweep(classifier, theta0, scales, options);
  const pointByPoint = scales.map((scale) => scaleSweep(classifier, theta0, [scale], { ...options, subspaces })[0]!);
  assert.equal(pointByPoint, whole);
  assert.equal(temperatureSweep(classifier, theta0, [0.7], { ...options, subspaces }), temperatureSweep(classifier, theta0, [0.7], options));
  // other subspaces give other numbers: the given ones are really used
  const others = makeSubspaces(D, { ...options, seed: 6 });
  assert.not.equal(scaleSweep(classifier, theta0, [2], { ...options, subspaces: others })[0]!.traceOverNorm, whole[1]!.traceOverNorm);
  assert.throws(() => scaleSweep(classifier, theta0, [1], { ...options, subspaces: subspaces.slice(1) }), /expected 2 of dimension 3 in ℝ\^/);
  assert.throws(() => scaleSweep(classifier, theta0, [1], { ...options, subspaceDim: 4, subspaces }), /do not fit/);
  assert.throws(() => temperatureSweep(classifier, theta0, [1], { ...options, subspaces: makeSubspaces(D - 1, options) }), /do not fit/);
});

test.run();
