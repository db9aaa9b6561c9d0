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
import { grad, hvp, vmap, type Tensor } from '../autodiff/index.js';
import { toFloat64, toTensor, type Vector } from '../nn/index.js';
import { splitVectors, stackVectors } from './linalg/vector.js';
import { countedOperator, type CountedOperator } from './linalg/operator.js';

export type LossOfTheta = (theta: Tensor) => Tensor;

/**
 * How many Hessian-vector products one batched pass computes at most. The
 * batched tangents take this many times the memory of one; past a few
 * megabytes per intermediate, the time to map fresh memory for each one
 * outgrows what the shared forward and backward pass saves; 5 was chosen by
 * measurement (bench/vmap.ts; docs/results.md, "Settings chosen by
 * measurement").
 */
export const HVP_BLOCK_SIZE = 5;

/**
 * The Hessian of `loss` at θ as an operator; each apply is one HVP, applyMany
 * a batched pass. θ may be a Float64Array or a tensor (what `model.init`
 * returns); it is copied.
 */
export function hessianOperator(loss: LossOfTheta, theta: Vector): CountedOperator {
  const at = toTensor(Float64Array.from(toFloat64(theta)));
  const D = at.size;
  const batchedHvp = vmap((v: Tensor) => hvp(loss, at, v));
  const applyOne = (v: Float64Array): Float64Array => toFloat64(hvp(loss, at, toTensor(Float64Array.from(v))));
  const applyMany = (vs: readonly Float64Array[]): Float64Array[] => {
    const out: Float64Array[] = [];
    for (let start = 0; start < vs.length; start += HVP_BLOCK_SIZE) {
      const block = vs.slice(start, start + HVP_BLOCK_SIZE);
      out.push(...splitVectors(toFloat64(batchedHvp(toTensor(stackVectors(block), [block.length, D]))), block.length));
    }
    return out;
  };
  return countedOperator(D, applyOne, applyMany);
}

/** ∇loss(θ) as a Float64Array (θ a Float64Array or a tensor). */
export function gradientAt(loss: LossOfTheta, theta: Vector): Float64Array {
  const values = toFloat64(theta);
  return toFloat64(grad(loss)(toTensor(values)));
}
