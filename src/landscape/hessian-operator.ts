/**
 * A loss's Hessian as a linear operator on plain vectors: v ↦ H(θ)·v, each
 * product one exact Hessian-vector product (forward-over-reverse). This is
 * the bridge between the autodiff engine and the matrix-free algorithms in
 * linalg/ (Lanczos, Hutchinson, MINRES-QLP), which never see H itself.
 */
import { fromTypedArray, grad, hvp, type Tensor } from '../autodiff/index.js';
import type { LinearOperator } from './linalg/vector.js';

export type LossOfTheta = (theta: Tensor) => Tensor;

/** Copies a tensor's values into a Float64Array (float32 values are widened). */
export function toFloat64(t: Tensor): Float64Array {
  const values = t.toTypedArray();
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/** The Hessian of `loss` at θ as an operator; each apply is one HVP. */
export function hessianOperator(loss: LossOfTheta, theta: Float64Array): LinearOperator & { products: () => number } {
  const at = fromTypedArray(theta, [theta.length]);
  let count = 0;
  return {
    dim: theta.length,
    apply: (v: Float64Array): Float64Array => {
      count += 1;
      return toFloat64(hvp(loss, at, fromTypedArray(Float64Array.from(v), [v.length])));
    },
    products: () => count,
  };
}

/** ∇loss(θ) as a Float64Array. */
export function gradientAt(loss: LossOfTheta, theta: Float64Array): Float64Array {
  return toFloat64(grad(loss)(fromTypedArray(theta, [theta.length])));
}
