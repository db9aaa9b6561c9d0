/**
 * goldilocks/landscape — the loss landscape of a network, seen through its
 * flat parameter vector θ ∈ ℝ^D.
 *
 * Everything here asks questions about L(θ) near one θ, using exact
 * Hessian-vector products (HVPs) from the engine, never the D×D Hessian.
 * θ may be a Float64Array or the tensor `model.init(...)` returns.
 *
 * The top-k Hessian eigenvalues of a trained model:
 *
 *   import { Random } from '../src/autodiff/index.js';
 *   import { data, mlp, sgd, trainModel } from '../src/nn/index.js';
 *   import { crossEntropyLoss, datasetClassifier, hessianSpectrum } from '../src/landscape/index.js';
 *
 *   const train = data.loadDataset('circles', { samples: 200 });
 *   const model = mlp('2-16-3');
 *   const { theta } = trainModel({ model, train, optimizer: sgd({ learningRate: 0.5 }), epochs: 5,
 *                                  batchSize: 20, rng: new Random(1), initial: model.init(new Random(0), 'he-normal') });
 *   const loss = crossEntropyLoss(datasetClassifier(model, train));     // θ ↦ mean cross-entropy on the set
 *   const { top, products } = hessianSpectrum(loss, theta, { topK: 3 });
 *   top!.values;      // the 3 largest eigenvalues, descending; top!.vectors the unit eigenvectors
 *   products;         // HVPs used: one Lanczos run, a few dozen at most (trace, density: only when asked)
 *
 * What I want                                  What to call
 * ──────────────────────────────────────────   ───────────────────────────────────────────────────────
 * a loss θ ↦ L(θ) from a model and data        datasetClassifier / modelClassifier, then crossEntropyLoss
 * the Hessian or Gauss-Newton as an operator   hessianOperator(loss, θ), gaussNewtonOperator(classifier, θ)
 * ∇L(θ)                                        gradientAt(loss, θ)
 * top / bottom eigenpairs                      hessianSpectrum(loss, θ, { topK, bottomK }),
 *                                              or topEigenpairs / bottomEigenpairs(operator, k)
 * Tr(H), ‖H‖_F and the eigenvalue density      hessianSpectrum(loss, θ, { traceProbes, densityProbes }),
 *                                              or traceAndFrobeniusNorm(operator), linalg.slqSpectralDensity(operator)
 * any of the above on another operator         analyzeSpectrum(operator, options)
 * curvature on a random d-dim subspace         restrictedHessian(loss, θ, randomSubspace(kind, D, d, seed)),
 *                                              then summarizeEigenvalues(eigenvaluesOf(restricted))
 * the Goldilocks zone sweep                    scaleSweep / temperatureSweep, then findZone with zoneCriterion
 * output statistics (loss, accuracy, entropy)  outputStatistics(classifier, θ)
 * the gradient vs the top Hessian subspace     overlapWithEigenvectors(gradient, topEigenpairs(…)), logitGradientAlignment
 * the outliers without a network (a model)     logitGradientModel, then summarizeLogitGradientModel
 * training on a hyperplane or sphere through θ₀  hyperplaneParametrisation / hypersphereParametrisation → nn's trainModel
 * the intrinsic dimension (d_int90)            measureIntrinsicDimension
 * picking initialisations by curvature         initSelectionExperiment (paired tests: pairedTTest, wilcoxonSignedRank;
 *                                              Spearman's ρ: rankCorrelation)
 * critical points                              newtonMR / dampedNewton / gradientNormMinimization, then classifyEndpoint;
 *                                              many starts: criticalPointStudy; test problems: toyProblem, dlaeProblem, mnistMlpProblem
 * Lanczos, MINRES-QLP, Hutchinson, SLQ, random subspaces, vector helpers
 *                                              the `linalg` namespace (linalg/index.ts)
 *
 * Files: hessian-operator (H as an operator), classifier and model-classifier
 * (a network as θ ↦ logits), spectrum (full-space spectra, the Gauss-Newton
 * operator), restricted-hessian and curvature (PᵀHP on a subspace), zone,
 * gradient-overlap, logit-gradient-model, subspace-training, intrinsic-dimension, init-selection, power, line-fit,
 * critical/* (finders, classification, test problems, studies), linalg/*.
 */

// Operators and losses
export { type LossOfTheta, hessianOperator, gradientAt } from './hessian-operator.js';
export { type Classifier, type OutputStatistics, crossEntropyLoss, outputStatistics, eigenvaluesOf } from './classifier.js';
export { modelClassifier, datasetClassifier, classBalancedIndices, selectRows } from './model-classifier.js';
export { type LinearOperator, type CountedOperator, countingOperator } from './linalg/index.js';
export { topEigenpairs, bottomEigenpairs, type LanczosEigenpairs } from './linalg/index.js';

// Full-space spectra
export {
  type SpectrumOptions, type SpectrumReport, type SpectrumStage, type EigenvalueEstimate,
  hessianSpectrum, analyzeSpectrum, traceAndFrobeniusNorm, gaussNewtonOperator,
} from './spectrum.js';
export { overlapWithEigenvectors, logitGradientAlignment } from './gradient-overlap.js';

// Curvature on a subspace and the Goldilocks zone
export { type RestrictedHessian, restrictedHessian, restrictOperator } from './restricted-hessian.js';
export { type CurvatureSummary, summarizeEigenvalues } from './curvature.js';
export {
  type PointMeasurement, type ZonePoint, type TemperaturePoint, type MeasureOptions, type ZoneBounds,
  measurePoint, makeSubspaces, scaleSweep, temperatureSweep, zoneCriterion, findZone, logSpace,
} from './zone.js';
export { type RandomSubspace } from './linalg/index.js';

// Subspace training and intrinsic dimension
export {
  SUBSPACE_KINDS, type SubspaceKind, type SurfaceParametrisation, type RadiusSample, type PowerLawFit, type DiffusiveFit,
  randomSubspace, hyperplaneParametrisation, hypersphereParametrisation, radiusRecorder, fitPowerLaw, fitDiffusiveGrowth,
} from './subspace-training.js';
export { type IntrinsicDimensionResult, type ThresholdCrossing, measureIntrinsicDimension, intrinsicDimensionRun, summarizeIntrinsicDimension, adamFactory } from './intrinsic-dimension.js';

// Picking initialisations
export { pairedTTestPower, minimumDetectableEffect, pairedEffectSize } from './power.js';
export { fitLine, type LineFit } from './line-fit.js';
export { type InitSelectionReport, type PairedTestResult, type ScaleAssociation, type SelectionTrial, type TestPower, SELECTION_SCORES, compareSelections, initSelectionExperiment, scaleAssociation, selectionTrial, trainedLosses, pairedTTest, wilcoxonSignedRank } from './init-selection.js';
export { type RankCorrelation, rankCorrelation } from './rank-correlation.js';

// Critical points
export { FINDER_METHODS, type FinderMethod, type FinderResult } from './critical/finder.js';
export { newtonMR } from './critical/newton-mr.js';
export { dampedNewton } from './critical/damped-newton.js';
export { gradientNormMinimization } from './critical/gradient-norm-minimization.js';
export { classifyEndpoint } from './critical/classify.js';
export {
  type LogitGradientModel, type LogitGradientModelOptions, type LogitGradientModelSummary, logitGradientModel, summarizeLogitGradientModel,
} from './logit-gradient-model.js';
export { type CriticalPointProblem, toyProblem, toyLoss, dlaeProblem, dlaeCriticalLosses, mnistMlpProblem } from './critical/problems.js';
export { type AnyFinderOptions, type CriticalRun, criticalPointStudy, summarizeRuns } from './critical/study.js';

// The linear-algebra kernels, by name: linalg.minresQlp, linalg.norm, …
export * as linalg from './linalg/index.js';
