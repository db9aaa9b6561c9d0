/**
 * From a network and a dataset to a `Classifier` (classifier.ts): the
 * logits of a goldilocks/nn model on a fixed batch, as a function of θ.
 *
 * The landscape code only ever sees θ ↦ logits(θ); which rows of which
 * dataset make up the batch is decided here. Two helpers choose rows: a
 * seeded class-balanced subsample (the logit-gradient statistics need a few
 * samples of every class) and a plain row copy.
 */
import { Random, fromTypedArray, type DType, type Tensor } from '../autodiff/index.js';
import type { Model, data } from '../nn/index.js';
import type { Classifier } from './classifier.js';

/** The rows `indices` of a row-major matrix with rows of `rowLength` numbers. */
export function selectRows(x: Float64Array, rowLength: number, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length * rowLength);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    out.set(x.subarray(row * rowLength, (row + 1) * rowLength), i * rowLength);
  }
  return out;
}

/**
 * Up to `perClass` row indices of each class, chosen by a seeded shuffle,
 * grouped by class (all of class 0 first, then class 1, …).
 */
export function classBalancedIndices(labels: Int32Array, numClasses: number, perClass: number, seed: number): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`classBalancedIndices: perClass must be a positive integer, got ${perClass}`);
  const order = new Random(seed).permutation(labels.length);
  const chosen: number[][] = Array.from({ length: numClasses }, () => []);
  for (const i of order) {
    const y = labels[i]!;
    if (y < 0 || y >= numClasses) throw new Error(`classBalancedIndices: label ${y} at row ${i} is not a class in [0, ${numClasses})`);
    if (chosen[y]!.length < perClass) chosen[y]!.push(i);
  }
  return Int32Array.from(chosen.flat());
}

/**
 * The classifier "this model on these samples": logits(θ) = model.apply(θ, x).
 * With dtype 'float32' the network runs in float32 and its logits are widened
 * back to float64, so everything downstream stays float64.
 */
export function modelClassifier(model: Model, x: Float64Array, labels: Int32Array, dtype: DType = 'float64'): Classifier {
  const n = labels.length;
  const sampleSize = model.inputShape.reduce((a, b) => a * b, 1);
  if (x.length !== n * sampleSize) throw new Error(`modelClassifier: ${n} labels need ${n * sampleSize} input numbers (${sampleSize} each), got ${x.length}`);
  if (dtype === 'float64') {
    const inputs = fromTypedArray(x, [n, sampleSize]);
    return { logits: (theta: Tensor) => model.apply(theta, inputs), labels, numClasses: model.numClasses };
  }
  const inputs = fromTypedArray(Float32Array.from(x), [n, sampleSize]);
  return { logits: (theta: Tensor) => model.apply(theta.astype('float32'), inputs).astype('float64'), labels, numClasses: model.numClasses };
}

/** The classifier of a model on a dataset, or on the rows `indices` of it, computing in `dtype` (see modelClassifier). */
export function datasetClassifier(model: Model, dataset: data.Dataset, indices?: ArrayLike<number>, dtype: DType = 'float64'): Classifier {
  const rowLength = dataset.sampleShape.reduce((a, b) => a * b, 1);
  if (indices === undefined) return modelClassifier(model, dataset.x, dataset.labels, dtype);
  return modelClassifier(model, selectRows(dataset.x, rowLength, indices), Int32Array.from(indices, (i) => dataset.labels[i]!), dtype);
}
