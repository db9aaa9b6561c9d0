/**
 * goldilocks/landscape/linalg — matrix-free linear algebra on plain vectors.
 *
 * Everything here works on a `LinearOperator` (a dimension and a product
 * v ↦ A·v) and on Float64Arrays; nothing knows about networks or tensors. The
 * landscape functions build their operators (a Hessian, a Gauss-Newton
 * matrix) and hand them to these kernels. Reached from the landscape's public
 * index as the `linalg` namespace:
 *
 *   import { linalg } from '../src/landscape/index.js';
 *   const A = linalg.denseOperator([[2, 1, 0], [1, 2, 1], [0, 1, 2]]);   // any LinearOperator
 *   linalg.topEigenpairs(A, 2).values;                                  // 2 + √2, 2 (descending)
 *
 * vector            LinearOperator; dot, norm, axpy, scale, copy; stacking vectors for batched passes
 * operator          CountedOperator: operators that count their products (the one place products are counted)
 * symmetric-eigen   dense symmetric eigenproblems (ml-matrix), symmetry checks, a dense matrix as an operator
 * lanczos           the Lanczos process; top-k and bottom-k eigenpairs
 * hutchinson        Hutchinson's estimators of Tr(A) and ‖A‖_F
 * slq               stochastic Lanczos quadrature: spectral densities
 * minres-qlp        MINRES-QLP: least-squares solutions of symmetric, possibly singular systems
 * subspace          random subspaces (dense, sparse, Fastfood) and operators restricted to them
 */
export {
  type LinearOperator, dot, norm, mean, sampleStandardDeviation, axpy, scale, copy, stackVectors, splitVectors, applyToEach,
} from './vector.js';
export { type CountedOperator, type ProductListener, countedOperator, countingOperator } from './operator.js';
export {
  type DenseMatrix, type SymmetricEigenResult, type SymmetryCheckOptions,
  symmetricEigen, symmetrize, checkSymmetric, relativeAsymmetry, toRowMajor, denseOperator,
} from './symmetric-eigen.js';
export {
  type LanczosTridiagonal, type LanczosOptions, type LanczosDecomposition, type LanczosEigenOptions, type LanczosEigenpairs,
  LanczosProcess, lanczosTridiagonalize, tridiagonalToDense, ritzDecomposition, topEigenpairs, bottomEigenpairs,
} from './lanczos.js';
export {
  type HutchinsonOptions, type HutchinsonEstimate,
  rademacherVector, summarizeSamples, hutchinsonTrace, hutchinsonFrobeniusSquared, hutchinsonFrobeniusNorm,
} from './hutchinson.js';
export {
  type SlqOptions, type SlqQuadrature, type DensityOptions, type SpectralDensity,
  slqQuadrature, slqTraceEstimate, gaussianBroadenedDensity, slqSpectralDensity,
} from './slq.js';
export { type MinresQlpOptions, type MinresQlpFlag, type MinresQlpResult, minresQlp, symOrtho } from './minres-qlp.js';
export {
  type RandomSubspace, type SparseRandomSubspace,
  basisDirections, denseOrthonormalSubspace, sparseRandomSubspace, fastWalshHadamard, fastfoodSubspace, restrictedOperator,
} from './subspace.js';
