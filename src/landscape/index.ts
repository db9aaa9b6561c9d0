/**
 * goldilocks/landscape — the loss landscape of a network, seen through its
 * flat parameter vector θ ∈ ℝ^D.
 *
 *   import { hessianOperator, hessianSpectrum, newtonMR, toyProblem } from '../src/landscape/index.js';
 *
 * linalg/*           matrix-free linear algebra on plain vectors: Lanczos,
 *                    Hutchinson, stochastic Lanczos quadrature, MINRES-QLP,
 *                    random subspaces, dense symmetric eigenproblems
 * hessian-operator   H(θ) as an operator of exact Hessian-vector products
 * restricted-hessian PᵀHP on a random subspace, from d HVPs
 * classifier         a network as θ ↦ logits on a fixed batch; loss, output statistics, restricted G-term
 * model-classifier   a Classifier from an nn Model and a dataset (or a class-balanced subsample)
 * curvature          Tr/‖·‖_F, positive fraction and extremes of a spectrum
 * zone               the Goldilocks zone: scale and temperature sweeps
 * subspace-training  training on random hyperplanes and hyperspheres through θ₀
 * intrinsic-dimension  the smallest subspace dimension that still trains (d_int90)
 * init-selection     picking initialisations by curvature, with paired tests
 * spectrum           full-space spectra: top/bottom eigenpairs, Tr and ‖H‖_F, SLQ density; the Gauss-Newton operator
 * gradient-overlap   the gradient's overlap with the top Hessian subspace; logit-gradient clustering (WCA/CCA)
 * critical/*         critical-point finders (Newton-MR, damped Newton, GNM), end-point classification and index,
 *                    test problems (toy, deep linear autoencoder, MNIST MLP), studies over many starts
 */
export * from './linalg/vector.js';
export * from './linalg/symmetric-eigen.js';
export * from './linalg/lanczos.js';
export * from './linalg/hutchinson.js';
export * from './linalg/slq.js';
export * from './linalg/minres-qlp.js';
export * from './linalg/subspace.js';

export * from './hessian-operator.js';
export * from './restricted-hessian.js';
export * from './classifier.js';
export * from './model-classifier.js';
export * from './curvature.js';
export * from './zone.js';
export * from './subspace-training.js';
export * from './intrinsic-dimension.js';
export * from './init-selection.js';

export * from './spectrum.js';
export * from './gradient-overlap.js';

export * from './critical/finder.js';
export * from './critical/newton-mr.js';
export * from './critical/damped-newton.js';
export * from './critical/gradient-norm-minimization.js';
export * from './critical/classify.js';
export * from './critical/problems.js';
export * from './critical/starting-points.js';
export * from './critical/study.js';
