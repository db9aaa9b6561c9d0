/**
 * A linear classifier for tests: logits z_s = x_sᵀW for the rows x_s of X,
 * with θ = W flattened row-major (f·C entries). Its logits are linear in θ,
 * so its Hessian is exactly its Gauss-Newton matrix and its logit gradients
 * are the inputs placed per logit: answers that can be worked out by hand.
 */
import * as ad from '../../src/autodiff/index.js';
import type { Tensor } from '../../src/autodiff/index.js';
import type { Classifier } from '../../src/landscape/classifier.js';

export function linearClassifier(X: number[][], labels: number[], c: number, dtype: 'float64' | 'float32' = 'float64'): Classifier {
  const f = X[0]!.length;
  const inputs = ad.tensor(X.flat(), [X.length, f], dtype);
  return {
    logits: (theta: Tensor) => inputs.matmul((dtype === 'float32' ? ad.astype(theta, 'float32') : theta).reshape([f, c])),
    labels: Int32Array.from(labels),
    numClasses: c,
  };
}
