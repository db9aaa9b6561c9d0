/**
 * The Hessian restricted to a random subspace.
 *
 * On the affine slice θ = θ₀ + P·w (P ∈ ℝ^{D×d}, orthonormal or nearly so),
 * the loss is a function of w ∈ ℝ^d whose Hessian at w = 0 is the d×d matrix
 *
 *     H_P = Pᵀ H(θ₀) P.
 *
 * Column j is Pᵀ·(H·p_j), one exact Hessian-vector product with the j-th
 * column p_j = P·e_j: d HVPs in all, never the D×D matrix. The result is
 * symmetric up to rounding; it is symmetrised, and the asymmetry before that
 * is reported so that a broken HVP cannot pass unnoticed.
 */
import type { RandomSubspace } from './linalg/subspace.js';
import { relativeAsymmetry, symmetrize } from './linalg/symmetric-eigen.js';
import { hessianOperator, type LossOfTheta } from './hessian-operator.js';

export interface RestrictedHessian {
  /** d×d row-major, symmetrised. */
  matrix: Float64Array;
  d: number;
  /** ‖M − Mᵀ‖_F / ‖M‖_F before symmetrising (rounding: ~1e-15). */
  asymmetry: number;
}

/** Pᵀ A P for a symmetric operator A given by its products, column by column. */
export function restrictOperator(apply: (v: Float64Array) => Float64Array, subspace: RandomSubspace): RestrictedHessian {
  const d = subspace.subspaceDim;
  const raw = new Float64Array(d * d);
  const unit = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    unit.fill(0);
    unit[j] = 1;
    const column = subspace.projectTranspose(apply(subspace.project(unit)));
    for (let i = 0; i < d; i++) raw[i * d + j] = column[i]!;
  }
  return { matrix: symmetrize(raw), d, asymmetry: relativeAsymmetry(raw) };
}

/** The Hessian of `loss` at θ restricted to the subspace: d exact HVPs. */
export function restrictedHessian(loss: LossOfTheta, theta: Float64Array, subspace: RandomSubspace): RestrictedHessian {
  if (theta.length !== subspace.ambientDim) throw new Error(`restrictedHessian: θ has ${theta.length} entries but the subspace lives in ℝ^${subspace.ambientDim}`);
  const H = hessianOperator(loss, theta);
  return restrictOperator((v) => H.apply(v), subspace);
}
