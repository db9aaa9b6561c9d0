/**
 * The Hessian restricted to a random subspace.
 *
 * On the affine slice θ = θ₀ + P·w (P ∈ ℝ^{D×d}, orthonormal or nearly so),
 * the loss is a function of w ∈ ℝ^d whose Hessian at w = 0 is the d×d matrix
 *
 *     H_P = Pᵀ H(θ₀) P.
 *
 * Column j is Pᵀ·(H·p_j), one exact Hessian-vector product with the j-th
 * column p_j = P·e_j: d HVPs in all, never the D×D matrix, computed in one
 * batched pass (vmap over the directions) where the operator allows it. The result is
 * symmetric up to rounding; it is symmetrised, and the asymmetry before that
 * is reported so that a broken HVP cannot pass unnoticed.
 */
import { toFloat64, type Vector } from '../nn/index.js';
import { basisDirections, type RandomSubspace } from './linalg/subspace.js';
import { relativeAsymmetry, symmetrize } from './linalg/symmetric-eigen.js';
import { hessianOperator, type LossOfTheta } from './hessian-operator.js';
import { applyToEach, type LinearOperator } from './linalg/vector.js';

export interface RestrictedHessian {
  /** d×d row-major, symmetrised. */
  matrix: Float64Array;
  d: number;
  /** ‖M − Mᵀ‖_F / ‖M‖_F before symmetrising (rounding: ~1e-15). */
  asymmetry: number;
}

/** Pᵀ A P for a symmetric operator A, from the products A·p_j (all at once where A allows). */
export function restrictOperator(operator: LinearOperator, subspace: RandomSubspace): RestrictedHessian {
  const d = subspace.subspaceDim;
  const raw = new Float64Array(d * d);
  applyToEach(operator, basisDirections(subspace)).forEach((product, j) => {
    const column = subspace.projectTranspose(product);
    for (let i = 0; i < d; i++) raw[i * d + j] = column[i]!;
  });
  return { matrix: symmetrize(raw), d, asymmetry: relativeAsymmetry(raw) };
}

/** The Hessian of `loss` at θ restricted to the subspace: d exact HVPs. */
export function restrictedHessian(loss: LossOfTheta, thetaVector: Vector, subspace: RandomSubspace): RestrictedHessian {
  const theta = toFloat64(thetaVector);
  if (theta.length !== subspace.ambientDim) throw new Error(`restrictedHessian: θ has ${theta.length} entries but the subspace lives in ℝ^${subspace.ambientDim}`);
  return restrictOperator(hessianOperator(loss, theta), subspace);
}
