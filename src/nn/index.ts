/**
 * goldilocks/nn — neural networks on the autodiff engine.
 *
 * A network is a pure function of one flat parameter vector θ:
 *
 *   import { Random, grad, hvp, fromTypedArray } from '../autodiff/index.js';
 *   import { mlp, crossEntropy } from '../nn/index.js';
 *
 *   const model = mlp('784-200-200-10');                    // or lenet5(), lenet300100()
 *   const theta = model.init(new Random(0), 'he-normal');   // θ ∈ ℝ^D, D = model.spec.size
 *   const loss = (t) => crossEntropy(model.apply(t, x), labels);
 *   grad(loss)(theta); hvp(loss, theta, v);                 // exact, from the engine
 *
 * parameters  the tree of named tensors ↔ θ (flatten / unflatten, differentiable)
 * layers      dense, conv2d, pooling, flatten, activations, sequential
 * models      Model, mlp, lenet300100, lenet5, createModel
 * init        Xavier / He / LeCun / zeros, × α; expectedRadius, parameterNorm
 * losses      crossEntropy (with temperature), mse, accuracy, meanEntropy, objective
 * optim       sgd, adam, learning-rate schedules
 * vector      the boundary between tensors and plain vectors: Vector, toFloat64, toTensor, flatTensor, euclideanNorm
 * data        datasets (MNIST, Fashion-MNIST, CIFAR-10, synthetic), as plain typed arrays
 * checkpoint  parameters on disk
 */
export {
  type Params, type ParameterRole, type ParameterDeclaration, type ParameterEntry, type ParameterSpec, type NamedArray,
  makeSpec, inferDeclaration, specOf, parameterLeaves, parameterCount, getParameter, treeFromLeaves,
  flatten, unflatten, toNamedArrays, fromNamedArrays, formatSpec,
} from './parameters.js';

export { type Layer, type Size2 } from './layers/layer.js';
export { dense, type DenseOptions } from './layers/dense.js';
export { conv2d, type Conv2dOptions } from './layers/conv2d.js';
export { avgPool2d, maxPool2d, pool2d, POOLING_KINDS, type PoolingKind, type PoolingOptions } from './layers/pooling.js';
export { flattenLayer } from './layers/flatten.js';
export { activation, activationFunction, isActivationName, ACTIVATION_NAMES, type ActivationName, type ActivationOptions } from './layers/activations.js';
export { sequential, type SequentialLayer } from './layers/sequential.js';
export { patchIndices, extractPatches, slidingOutputSize, type PatchLayout } from './layers/patches.js';

export {
  type Model, type MlpOptions, type LeNet5Options, type ModelOptions,
  makeModel, mlp, lenet300100, lenet5, createModel, parseWidths,
} from './models.js';

export {
  INIT_NAMES, DEFAULT_INIT, type InitName, isInitName,
  initVariance, parameterVariance, initTheta, initParams, expectedRadius, parameterNorm,
} from './init.js';

export {
  LOSS_NAMES, type LossName, isLossName, type LossOptions,
  crossEntropy, mse, oneHot, accuracy, meanEntropy, loss, objective, softmaxRows, crossEntropyRows, checkTemperature,
} from './losses.js';

export {
  type Optimizer,
  sgd, type SgdOptions, type SgdState, adam, type AdamOptions, type AdamState,
  type Schedule, constantSchedule, stepSchedule, cosineSchedule, type StepScheduleOptions, type CosineScheduleOptions,
} from './optim.js';

export { type Vector, toFloat64, toTensor, flatTensor, euclideanNorm } from './vector.js';

export * as data from './data/index.js';
export {
  saveCheckpoint, loadCheckpoint, checkpointPaths, writeFileAtomic, DEFAULT_CHECKPOINT_NAME,
  type Checkpoint, type CheckpointParameter, type CheckpointPaths,
} from './checkpoint.js';

export {
  trainModel, trainSteps, evaluate, identityParametrisation, NonFiniteLossError, lossPlateau,
  type Parametrisation, type TrainOptions, type TrainResult, type TrainingResumePoint, type EpochRecord, type StepInfo,
} from './train.js';
