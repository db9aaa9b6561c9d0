/**
 * The Gauss-Newton operator and `hessianSpectrum` on a linear classifier,
 * where both are known in closed form.
 *
 * Logits z_s = x_sᵀ W with θ = vec(W) row by row (θ[a·C + k] = W[a][k]), so
 * the logit Jacobian of sample s is J_s = I_C ⊗ x_sᵀ and
 *
 *     G[(a,k), (b,l)] = (1/(N T²)) Σ_s x_s[a] x_s[b] M_s[k][l],
 *     M_s = diag p_s − p_s p_sᵀ,   p_s = softmax(z_s / T).
 *
 * At θ = 0 every p_s is uniform; with C = 2, M = [[¼, −¼], [−¼, ¼]] and
 * G = (1/(N T²)) (Σ_s x_s x_sᵀ) ⊗ M: dyadic numbers, computed exactly. The
 * logits are linear in θ, so the cross-entropy's Hessian is G itself, and
 * its eigenvalues are the products of those of the two factors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import { denseMatrixFromOperator, gaussNewtonOperator, hessianSpectrum } from '../src/landscape/spectrum.js';
import { crossEntropyLoss, type Classifier } from '../src/landscape/classifier.js';
import { symmetricEigen } from '../src/landscape/linalg/symmetric-eigen.js';
import { throwsWith } from './support/assertions.js';
import { linearClassifier } from './support/linear-classifier.js';

const linear = linearClassifier;

// x₀ = (1, 0), x₁ = (1, 2): Σ x xᵀ = [[2, 2], [2, 4]]; N = 2.
const X = [[1, 0], [1, 2]];
const two = linear(X, [0, 1], 2);

/** (1/(N T²)) [[2, 2], [2, 4]] ⊗ [[¼, −¼], [−¼, ¼]], rows and columns in θ's order (a, k). */
function gAtZero(T: number): number[] {
  const A = [[2, 2], [2, 4]];
  const M = [[0.25, -0.25], [-0.25, 0.25]];
  const out: number[] = [];
  for (let a = 0; a < 2; a++) for (let k = 0; k < 2; k++) for (let b = 0; b < 2; b++) for (let l = 0; l < 2; l++) out.push((A[a]![b]! * M[k]![l]!) / (2 * T * T));
  return out;
}

test('G of a linear two-class model at θ = 0: (1/N) Σ x xᵀ ⊗ (diag p − ppᵀ), exactly', () => {
  const G = gaussNewtonOperator(two, new Float64Array(4));
  assert.is(G.dim, 4);
  assert.equal(Array.from(denseMatrixFromOperator(G)), gAtZero(1));
  // written out: [[¼, −¼, ¼, −¼], [−¼, ¼, −¼, ¼], [¼, −¼, ½, −½], [−¼, ¼, −½, ½]]
  assert.equal(gAtZero(1), [0.25, -0.25, 0.25, -0.25, -0.25, 0.25, -0.25, 0.25, 0.25, -0.25, 0.5, -0.5, -0.25, 0.25, -0.5, 0.5]);
  assert.is(G.products(), 4);
});

test('G at temperature T is divided by T² (p stays uniform at θ = 0); the default temperature is 1', () => {
  assert.equal(Array.from(denseMatrixFromOperator(gaussNewtonOperator(two, new Float64Array(4), 2))), gAtZero(2));
  assert.equal(Array.from(denseMatrixFromOperator(gaussNewtonOperator(two, new Float64Array(4), 0.5))), gAtZero(0.5));
  assert.equal(Array.from(denseMatrixFromOperator(gaussNewtonOperator(two, new Float64Array(4)))), Array.from(denseMatrixFromOperator(gaussNewtonOperator(two, new Float64Array(4), 1))));
});

/** G by the formula above in float64, for any θ and T: the independent reference. */
function gByHand(Xs: number[][], c: number, theta: Float64Array, T: number): Float64Array {
  const f = Xs[0]!.length;
  const n = Xs.length;
  const D = f * c;
  const G = new Float64Array(D * D);
  for (const x of Xs) {
    const z = Array.from({ length: c }, (_, k) => x.reduce((s, xa, a) => s + xa * theta[a * c + k]!, 0) / T);
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const sum = e.reduce((s, v) => s + v, 0);
    const p = e.map((v) => v / sum);
    for (let a = 0; a < f; a++)
      for (let k = 0; k < c; k++)
        for (let b = 0; b < f; b++)
          for (let l = 0; l < c; l++) G[(a * c + k) * D + b * c + l]! += (x[a]! * x[b]! * ((k === l ? p[k]! : 0) - p[k]! * p[l]!)) / (n * T * T);
  }
  return G;
}

test('G of a linear three-class model away from θ = 0, at T = 1 and T = 1.5, against the formula in float64', () => {
  // three samples, so that each row's p·u and the next row's entries differ
  const Xs = [[1, -2], [0.5, 1], [-1, 0.25]];
  const three = linear(Xs, [0, 2, 1], 3);
  const theta = Float64Array.of(0.3, -0.7, 1.1, 0.4, 0.9, -0.2);
  for (const T of [1, 1.5]) {
    const G = denseMatrixFromOperator(gaussNewtonOperator(three, theta, T));
    const expected = gByHand(Xs, 3, theta, T);
    G.forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) < 1e-15, `T = ${T}, entry ${i}: ${g} vs ${expected[i]}`));
  }
});

test('G of a float32 model: computed in float32 (a float32 cotangent for the pullback), agreeing to float32 rounding', () => {
  const Xs = [[1, -2], [0.5, 1], [-1, 0.25]];
  const theta = Float64Array.of(0.3, -0.7, 1.1, 0.4, 0.9, -0.2);
  const G = denseMatrixFromOperator(gaussNewtonOperator(linear(Xs, [0, 2, 1], 3, 'float32'), theta));
  const expected = gByHand(Xs, 3, theta, 1);
  G.forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) < 1e-6, `entry ${i}: ${g} vs ${expected[i]}`));
  // at θ = 0 the dyadic G is exact in float32 too
  assert.equal(Array.from(denseMatrixFromOperator(gaussNewtonOperator(linear(X, [0, 1], 2, 'float32'), new Float64Array(4)))), gAtZero(1));
});

test('gaussNewtonOperator refuses a bad temperature, logits of the wrong shape and vectors of the wrong length', () => {
  const zero = new Float64Array(4);
  throwsWith(() => gaussNewtonOperator(two, zero, 0), 'gaussNewtonOperator: the temperature must be a positive number, got 0');
  throwsWith(() => gaussNewtonOperator(two, zero, -1), 'got -1');
  // rank 1, rank 3 with the right first two sizes, the wrong number of rows, the wrong number of classes
  const flat: Classifier = { ...two, logits: (t) => two.logits(t).reshape([4]) };
  throwsWith(() => gaussNewtonOperator(flat, zero), 'gaussNewtonOperator: the logits have shape [4], expected [2, 2]');
  const deep: Classifier = { ...two, logits: (t) => two.logits(t).reshape([2, 2, 1]) };
  throwsWith(() => gaussNewtonOperator(deep, zero), 'gaussNewtonOperator: the logits have shape [2, 2, 1], expected [2, 2]');
  const oneRow: Classifier = { ...two, labels: Int32Array.of(0) };
  throwsWith(() => gaussNewtonOperator(oneRow, zero), 'the logits have shape [2, 2], expected [1, 2]');
  const threeClasses: Classifier = { ...two, numClasses: 3 };
  throwsWith(() => gaussNewtonOperator(threeClasses, zero), 'the logits have shape [2, 2], expected [2, 3]');
  const G = gaussNewtonOperator(two, zero);
  throwsWith(() => G.apply(new Float64Array(3)), 'gaussNewtonOperator: vector has length 3, expected 4');
  throwsWith(() => G.apply(new Float64Array(5)), 'vector has length 5, expected 4');
});

test('hessianSpectrum of the linear model: the Hessian is G, eigenvalues (3 ± √5)/4, 0, 0; asking for nothing gives the largest', () => {
  const loss = crossEntropyLoss(two);
  // [[1, 1], [1, 2]] has eigenvalues (3 ± √5)/2, [[¼, −¼], [−¼, ¼]] has ½ and 0
  const largest = (3 + Math.sqrt(5)) / 4;
  const next = (3 - Math.sqrt(5)) / 4;
  const zero = new Float64Array(4);
  const plain = hessianSpectrum(loss, zero);
  assert.is(plain.dim, 4);
  assert.is(plain.top!.values.length, 1);
  assert.ok(Math.abs(plain.top!.values[0]! - largest) < 1e-14, `${plain.top!.values[0]}`);
  assert.is(plain.bottom, null);
  const asked = hessianSpectrum(loss, ad.zeros([4]), { topK: 2, bottomK: 1, tolerance: 1e-12 });
  assert.ok(Math.abs(asked.top!.values[0]! - largest) < 1e-14);
  assert.ok(Math.abs(asked.top!.values[1]! - next) < 1e-14);
  assert.ok(Math.abs(asked.bottom!.values[0]!) < 1e-14);
  // the same numbers as the dense G's eigenvalues
  const dense = symmetricEigen(Float64Array.from(gAtZero(1))).values;
  assert.ok(Math.abs(dense[3]! - largest) < 1e-14 && Math.abs(dense[2]! - next) < 1e-14);
});

test.run();
