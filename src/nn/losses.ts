/**
 * Losses and metrics for classification, on logits z ∈ ℝ^{n×C}.
 *
 *   cross-entropy   L = −(1/n) Σ_i log softmax(z_i / T)[y_i]
 *                   The temperature T divides the logits: T > 1 flattens the
 *                   softmax, T < 1 sharpens it. (For a homogeneous network,
 *                   scaling θ by α is the same as T = α^−L.)
 *   mse             L = (1/(n·C)) Σ_{i,c} (z_ic − t_ic)², with t the one-hot
 *                   encoding of the labels (or any target tensor)
 *   accuracy        the fraction of samples with argmax_c z_ic = y_i (a number)
 *   mean entropy    H = (1/n) Σ_i −Σ_c p_ic log p_ic, p_i = softmax(z_i / T):
 *                   log C for uniform outputs, 0 for one-hot ones
 *
 * The losses are tensors built from ops, so they differentiate (to any
 * order) through the model: `objective` packages θ ↦ L(model(θ, x), y), the
 * function that grad, hvp and the landscape code take.
 *
 * Where logits are already in hand as plain float64 numbers (statistics of a
 * forward pass, the Gauss-Newton product), `softmaxRows` and
 * `crossEntropyRows` compute the same softmax and cross-entropy on them,
 * without building tensors.
 */
import { Tensor, div, formatShape, fromTypedArray, logSoftmax, meanSquaredError, mean, mul, neg, exp, softmaxCrossEntropy, sum } from '../autodiff/index.js';
import type { Model } from './models.js';

export const LOSS_NAMES = ['cross-entropy', 'mse'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export function isLossName(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}

function checkLogits(where: string, logits: Tensor, labels?: ArrayLike<number>): void {
  if (!(logits instanceof Tensor) || logits.rank !== 2) throw new Error(`${where}: logits must be a tensor [n, classes], got ${logits instanceof Tensor ? formatShape(logits.shape) : typeof logits}`);
  if (labels && labels.length !== logits.shape[0]) throw new Error(`${where}: ${labels.length} labels for ${logits.shape[0]} rows of logits`);
}

/** Throws unless the softmax temperature T is a positive finite number, naming `where`. */
export function checkTemperature(where: string, temperature: number): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`${where}: the temperature must be a positive number, got ${temperature}`);
}

/** Mean softmax cross-entropy of logits / T against integer labels. */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number>, temperature = 1): Tensor {
  checkLogits('crossEntropy', logits, labels);
  checkTemperature('crossEntropy', temperature);
  return softmaxCrossEntropy(temperature === 1 ? logits : div(logits, temperature), labels);
}

/** Row-wise softmax(z_i / T) of row-major logits [n, c] given as plain numbers, in float64. */
export function softmaxRows(logits: Float64Array, n: number, c: number, temperature: number): Float64Array {
  const p = new Float64Array(n * c);
  for (let s = 0; s < n; s++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, logits[s * c + k]! / temperature);
    let total = 0;
    for (let k = 0; k < c; k++) {
      const e = Math.exp(logits[s * c + k]! / temperature - m);
      p[s * c + k] = e;
      total += e;
    }
    for (let k = 0; k < c; k++) p[s * c + k]! /= total;
  }
  return p;
}

/**
 * The mean cross-entropy −(1/n) Σ_i log softmax(z_i / T)[y_i] of row-major
 * logits [n, c] given as plain numbers, each term in log-sum-exp form
 * (m + log Σ_k e^{z_ik/T − m} − z_{iy}/T, m = max_k z_ik/T), accurate even
 * where p_y underflows.
 */
export function crossEntropyRows(logits: Float64Array, labels: ArrayLike<number>, c: number, temperature: number): number {
  const n = labels.length;
  let loss = 0;
  for (let s = 0; s < n; s++) {
    const row = s * c;
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, logits[row + k]! / temperature);
    let total = 0;
    for (let k = 0; k < c; k++) total += Math.exp(logits[row + k]! / temperature - m);
    loss += m + Math.log(total) - logits[row + labels[s]!]! / temperature;
  }
  return loss / n;
}

/** The one-hot matrix [n, numClasses] of integer labels. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Tensor {
  const out = new Float64Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new Error(`oneHot: label ${y} at position ${i} is not a class in [0, ${numClasses})`);
    out[i * numClasses + y] = 1;
  }
  return fromTypedArray(out, [labels.length, numClasses]);
}

/**
 * Mean squared error over all n·C entries. Targets are a tensor of the
 * logits' shape, or integer labels, which are one-hot encoded.
 */
export function mse(outputs: Tensor, targets: Tensor | ArrayLike<number>): Tensor {
  checkLogits('mse', outputs);
  if (targets instanceof Tensor) return meanSquaredError(outputs, targets);
  if (targets.length !== outputs.shape[0]) throw new Error(`mse: ${targets.length} labels for ${outputs.shape[0]} rows of outputs`);
  return meanSquaredError(outputs, oneHot(targets, outputs.shape[1]!));
}

/** The fraction of rows whose largest logit is at the label (ties: the first). A plain number. */
export function accuracy(logits: Tensor, labels: ArrayLike<number>): number {
  checkLogits('accuracy', logits, labels);
  const [n, c] = logits.shape as [number, number];
  if (n === 0) return NaN;
  const z = logits.toTypedArray();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (z[i * c + j]! > z[i * c + best]!) best = j;
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/** Mean entropy (in nats) of the softmax outputs softmax(logits / T). */
export function meanEntropy(logits: Tensor, temperature = 1): Tensor {
  checkLogits('meanEntropy', logits);
  checkTemperature('meanEntropy', temperature);
  const logp = logSoftmax(temperature === 1 ? logits : div(logits, temperature), 1);
  return mean(neg(sum(mul(exp(logp), logp), 1)));
}

export interface LossOptions {
  /** Which loss (default 'cross-entropy'). */
  loss?: LossName;
  /** Softmax temperature for cross-entropy (default 1). */
  temperature?: number;
}

/** The loss by name, on logits and integer labels. */
export function loss(logits: Tensor, labels: ArrayLike<number>, options: LossOptions = {}): Tensor {
  const name = options.loss ?? 'cross-entropy';
  switch (name) {
    case 'cross-entropy':
      return crossEntropy(logits, labels, options.temperature ?? 1);
    case 'mse':
      return mse(logits, labels);
    default:
      throw new Error(`loss: unknown loss ${JSON.stringify(name)}; allowed: ${LOSS_NAMES.join(', ')}`);
  }
}

/**
 * θ ↦ L(model(θ, x), labels): the loss on a fixed batch as a function of
 * the flat parameters — what grad, hvp and the landscape code take.
 */
export function objective(model: Pick<Model, 'apply'>, x: Tensor, labels: ArrayLike<number>, options: LossOptions = {}): (theta: Tensor) => Tensor {
  return (theta) => loss(model.apply(theta, x), labels, options);
}
