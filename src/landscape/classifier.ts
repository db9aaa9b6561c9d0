/**
 * A classifier seen from the landscape: its logits as a function of the flat
 * parameter vector θ on a fixed batch, the labels, and a softmax temperature T.
 *
 *   L(θ) = −(1/N) Σ_s log softmax(z_s(θ)/T)[y_s]
 *
 * From one forward pass: loss, accuracy, the mean entropy of the softmax
 * output, and Γ = Tr(M)/‖M‖_F of the mean softmax covariance
 * M = (1/N) Σ_s (diag p_s − p_s p_sᵀ) (Vysogorets et al.).
 *
 * The Gauss-Newton split (Vysogorets et al.; Fort & Ganguli): the Hessian of
 * L is G + H′, where the G-term
 *
 *   G = (1/N) Σ_s J_sᵀ (diag p_s − p_s p_sᵀ) J_s,   J_s = ∂(z_s/T)/∂θ,
 *
 * is positive semi-definite, and the H-term H′ carries the logits' own
 * curvature weighted by the residuals p_s − onehot(y_s). Restricted to a
 * subspace, J_s P has columns J_s p_j: one forward-mode product (jvp) of the
 * logits per direction, d in all, computed together as one vmap of the jvp.
 */
import { jvp, vmap, type Tensor } from '../autodiff/index.js';
import { checkTemperature, crossEntropy, crossEntropyRows, flatTensor, softmaxRows, toFloat64, toTensor, type Vector } from '../nn/index.js';
import { basisDirections, type RandomSubspace } from './linalg/subspace.js';
import { symmetricEigen } from './linalg/symmetric-eigen.js';
import type { LossOfTheta } from './hessian-operator.js';
import type { RestrictedHessian } from './restricted-hessian.js';
import { splitVectors, stackVectors } from './linalg/vector.js';

export interface Classifier {
  /** Logits [N, C] of the network with flat parameters θ, on the fixed batch. */
  logits: (theta: Tensor) => Tensor;
  labels: Int32Array;
  numClasses: number;
}

/** θ ↦ the mean cross-entropy of the classifier's logits / T (nn's crossEntropy). */
export function crossEntropyLoss(classifier: Classifier, temperature = 1): LossOfTheta {
  checkTemperature('crossEntropyLoss', temperature);
  const labels = classifier.labels;
  return (theta) => crossEntropy(classifier.logits(theta), labels, temperature);
}

export interface OutputStatistics {
  loss: number;
  accuracy: number;
  /** Mean entropy of the softmax output, in nats (log C at uniform output). */
  entropy: number;
  /** Γ = Tr(M)/‖M‖_F of the mean softmax covariance M. */
  gamma: number;
  /** Fraction of logits that are exactly 0 (dead ReLU networks, tiny scales). */
  zeroLogitFraction: number;
}

export function outputStatistics(classifier: Classifier, theta: Vector, temperature = 1): OutputStatistics {
  checkTemperature('outputStatistics', temperature);
  const { labels, numClasses: c } = classifier;
  const n = labels.length;
  const z = toFloat64(classifier.logits(flatTensor(theta)));
  const p = softmaxRows(z, n, c, temperature);
  let correct = 0;
  let entropy = 0;
  let zeros = 0;
  const M = new Float64Array(c * c);
  for (let s = 0; s < n; s++) {
    const row = s * c;
    let best = 0;
    for (let k = 0; k < c; k++) {
      const pk = p[row + k]!;
      if (z[row + k]! > z[row + best]!) best = k;
      if (pk > 0) entropy -= pk * Math.log(pk);
      if (z[row + k] === 0) zeros += 1;
      M[k * c + k]! += pk;
      for (let l = 0; l < c; l++) M[k * c + l]! -= pk * p[row + l]!;
    }
    if (best === labels[s]) correct += 1;
  }
  let traceM = 0;
  let frobM = 0;
  for (let k = 0; k < c * c; k++) frobM += (M[k]! / n) ** 2;
  for (let k = 0; k < c; k++) traceM += M[k * c + k]! / n;
  frobM = Math.sqrt(frobM);
  return { loss: crossEntropyRows(z, labels, c, temperature), accuracy: correct / n, entropy: entropy / n, gamma: frobM === 0 ? 0 : traceM / frobM, zeroLogitFraction: zeros / (n * c) };
}

/** The G-term of the Hessian restricted to the subspace: d forward-mode products of the logits, batched. */
export function restrictedGaussNewton(classifier: Classifier, theta: Vector, subspace: RandomSubspace, temperature = 1): RestrictedHessian {
  checkTemperature('restrictedGaussNewton', temperature);
  const { labels, numClasses: c } = classifier;
  const n = labels.length;
  const d = subspace.subspaceDim;
  const at = flatTensor(theta);
  const z = toFloat64(classifier.logits(at));
  const p = softmaxRows(z, n, c, temperature);
  // Columns J P e_j, each [N, C], scaled by 1/T: all d in one vmap of the jvp.
  const directions = toTensor(stackVectors(basisDirections(subspace)), [d, at.size]);
  const tangents = vmap((v: Tensor) => jvp(classifier.logits, [at], [v])[1])(directions);
  const columns = splitVectors(toFloat64(tangents), d).map((column) => column.map((v) => v / temperature));
  const G = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const a = columns[i]!;
      const b = columns[j]!;
      let total = 0;
      for (let s = 0; s < n; s++) {
        const row = s * c;
        let weighted = 0;
        let pa = 0;
        let pb = 0;
        for (let k = 0; k < c; k++) {
          const pk = p[row + k]!;
          weighted += pk * a[row + k]! * b[row + k]!;
          pa += pk * a[row + k]!;
          pb += pk * b[row + k]!;
        }
        total += weighted - pa * pb;
      }
      G[i * d + j] = total / n;
      G[j * d + i] = total / n;
    }
  }
  return { matrix: G, d, asymmetry: 0 };
}

/** Eigenvalues (ascending) of a restricted matrix. */
export function eigenvaluesOf(m: RestrictedHessian): Float64Array {
  return symmetricEigen(m.matrix).values;
}
