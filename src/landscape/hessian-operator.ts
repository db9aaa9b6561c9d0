/**
 * A loss's Hessian as a linear operator on plain vectors: v ↦ H(θ)·v, each
 * product one exact Hessian-vector product (forward-over-reverse). This is
 * the bridge between the autodiff engine and the matrix-free algorithms in
 * linalg/ (Lanczos, Hutchinson, MINRES-QLP), which never see H itself.
 *
 * Several products at once (`applyMany`) are one vmap of the HVP over the
 * vectors: the forward and backward pass at θ is computed once, and only the
 * tangent work grows with the number of vectors. The results are the same
 * numbers as one product at a time.
 */
import { fromTypedArray, grad, hvp, vmap, type Tensor } from '../autodiff/index.js';
import { splitVectors, stackVectors, type LinearOperator } from './linalg/vector.js';

export type LossOfTheta = (theta: Tensor) => Tensor;

/** Copies a tensor's values into a Float64Array (float32 values are widened). */
export function toFloat64(t: Tensor): Float64Array {
  const values = t.toTypedArray();
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * How many Hessian-vector products one batched pass computes at most. The
 * batched tangents take this many times the memory of one; past a few
 * megabytes per intermediate, the time to map fresh memory for each one
 * outgrows what the shared forward and backward pass saves. Measured on the
 * MNIST MLP at 1000 examples (bench/vmap.ts): blocks of 5 (8 MB per
 * activation) beat both 1 and 20.
 */
export const HVP_BLOCK_SIZE = 5;

/** The Hessian of `loss` at θ as an operator; each apply is one HVP, applyMany a batched pass. */
export function hessianOperator(loss: LossOfTheta, theta: Float64Array): LinearOperator & { products: () => number } {
  const D = theta.length;
  const at = fromTypedArray(theta, [D]);
  const batchedHvp = vmap((v: Tensor) => hvp(loss, at, v));
  let count = 0;
  return {
    dim: D,
    apply: (v: Float64Array): Float64Array => {
      count += 1;
      return toFloat64(hvp(loss, at, fromTypedArray(Float64Array.from(v), [v.length])));
    },
    applyMany: (vs: readonly Float64Array[]): Float64Array[] => {
      const out: Float64Array[] = [];
      for (let start = 0; start < vs.length; start += HVP_BLOCK_SIZE) {
        const block = vs.slice(start, start + HVP_BLOCK_SIZE);
        out.push(...splitVectors(toFloat64(batchedHvp(fromTypedArray(stackVectors(block), [block.length, D]))), block.length));
      }
      count += vs.length;
      return out;
    },
    products: () => count,
  };
}

/** ∇loss(θ) as a Float64Array. */
export function gradientAt(loss: LossOfTheta, theta: Float64Array): Float64Array {
  return toFloat64(grad(loss)(fromTypedArray(theta, [theta.length])));
}
