/**
 * Models: a network as a pure function of one flat parameter vector θ.
 *
 *   const model = mlp('784-200-200-10', { activation: 'relu' });
 *   const theta = model.init(new Random(0), 'xavier-normal');   // θ ∈ ℝ^D
 *   const logits = model.apply(theta, x);                       // x: [n, 784]
 *   const loss = (t: Tensor) => crossEntropy(model.apply(t, x), labels);
 *   grad(loss)(theta); hvp(loss, theta, v);                     // exact
 *
 * A `Model` wraps a sequential network with what the loss-landscape code
 * needs: the `ParameterSpec` (θ's layout, D = spec.size), the input shape of
 * one sample, the number of classes, and L, the number of weight layers.
 * `apply` accepts θ or a parameter tree; θ is cut into parameters by
 * `unflatten` (slices and reshapes), so derivatives with respect to θ flow
 * through it.
 *
 * Homogeneity: a bias-free network whose activations and pooling are
 * positively homogeneous (ReLU, leaky ReLU, identity; avg or max pooling) has
 * f(αθ, x) = α^L · f(θ, x) for α > 0, with L = numLayers: scaling the
 * initialisation scales the logits by α^L, which is how the initial radius
 * controls the softmax temperature.
 *
 * Ready models:
 * - mlp('784-200-200-10'): dense layers with an activation between them;
 * - lenet300100(): the MLP 784-300-100-10 of LeCun et al. (1998);
 * - lenet5(): conv 6@5×5 (pad 2) → pool 2 → conv 16@5×5 → pool 2 → 120 → 84
 *   → 10 on 1×28×28 input (61,706 parameters with biases).
 */
import { Tensor, formatShape, reshape, type Random } from '../autodiff/index.js';
import { DEFAULT_INIT, initTheta, type InitName } from './init.js';
import { unflatten, type ParameterSpec, type Params } from './parameters.js';
import { activation, type ActivationName } from './layers/activations.js';
import { conv2d } from './layers/conv2d.js';
import { dense } from './layers/dense.js';
import { flattenLayer } from './layers/flatten.js';
import type { Layer } from './layers/layer.js';
import { pool2d, type PoolingKind } from './layers/pooling.js';
import { sequential, type SequentialLayer } from './layers/sequential.js';

export interface Model {
  /** A short name, e.g. 'mlp 784-200-200-10' or 'lenet5'. */
  readonly name: string;
  /** The layout of θ; D = spec.size. */
  readonly spec: ParameterSpec;
  /** The shape of one input sample, e.g. [784] or [1, 28, 28]. */
  readonly inputShape: readonly number[];
  /** The number of logits per sample. */
  readonly numClasses: number;
  /** L: the number of weight (dense and conv) layers. */
  readonly numLayers: number;
  /** True when f(αθ, x) = α^L f(θ, x) for α > 0 (no biases, homogeneous activations and pooling). */
  readonly homogeneous: boolean;
  /** The network itself. */
  readonly network: SequentialLayer;
  /** A draw of θ (a 1-D float64 tensor of length D): weights by `init`, times α; biases zero. */
  init(rng: Random, init?: InitName, alpha?: number): Tensor;
  /**
   * The logits [n, numClasses] for a batch x of shape [n, ...inputShape]
   * (or [n, prod(inputShape)], e.g. flat image rows), given θ or a parameter tree.
   */
  apply(params: Tensor | Params, x: Tensor): Tensor;
  /** A multi-line description: layers, output shapes, parameter counts, D and L. */
  describe(): string;
}

/** A Model from a sequential network and the shape of one input sample. */
export function makeModel(name: string, network: SequentialLayer, inputShape: readonly number[]): Model {
  const sampleSize = inputShape.reduce((p, d) => p * d, 1);
  const outputShape = network.outputShape(inputShape); // also checks the layers fit together
  if (outputShape.length !== 1) throw new Error(`makeModel: ${name} must output logits [n, classes], but outputs samples of shape ${formatShape(outputShape)}`);
  const spec = network.spec;

  return {
    name,
    spec,
    inputShape: [...inputShape],
    numClasses: outputShape[0]!,
    numLayers: network.weightLayers,
    homogeneous: network.homogeneous,
    network,
    init: (rng: Random, init: InitName = DEFAULT_INIT, alpha = 1) => initTheta(spec, rng, init, alpha),
    apply(params: Tensor | Params, x: Tensor): Tensor {
      if (!(x instanceof Tensor)) throw new Error(`${name}: the input must be a Tensor`);
      const n = x.shape[0] ?? 0;
      if (x.rank < 1 || n * sampleSize !== x.size) {
        throw new Error(`${name}: expected a batch of shape [n, ${inputShape.join(', ')}] (or [n, ${sampleSize}]), got ${formatShape(x.shape)}`);
      }
      const tree = params instanceof Tensor ? unflatten(params, spec) : params;
      return network.apply(tree, reshape(x, [n, ...inputShape]));
    },
    describe() {
      const rows = network.summary(inputShape).map((r) => [r.name, r.description, `→ ${formatShape(r.outputShape)}`, r.parameters > 0 ? r.parameters.toLocaleString('en-US') : '']);
      const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
      const lines = rows.map((r) => '  ' + r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
      const homogeneity = network.homogeneous ? `homogeneous of degree ${network.weightLayers}` : 'not homogeneous (biases or a non-homogeneous activation)';
      return [
        `${name}: input ${formatShape(inputShape)} → ${outputShape[0]} logits`,
        ...lines,
        `  D = ${spec.size.toLocaleString('en-US')} parameters, L = ${network.weightLayers} weight layers, ${homogeneity}`,
      ].join('\n');
    },
  };
}

// ------------------------------------------------------------------ MLPs

export interface MlpOptions {
  /** The activation between dense layers (default 'relu'); the output is the raw logits. */
  activation?: ActivationName;
  /** The leaky-relu slope (default 0.01). */
  slope?: number;
  /** Dense layers with biases (default true). */
  bias?: boolean;
}

/** Widths from '784-200-200-10' (or an array): at least an input and an output width. */
export function parseWidths(widths: string | readonly number[]): number[] {
  const list = typeof widths === 'string' ? widths.split('-').map((w) => (/^\d+$/.test(w.trim()) ? Number(w) : NaN)) : [...widths];
  if (list.length < 2 || list.some((w) => !Number.isInteger(w) || w <= 0)) {
    throw new Error(`mlp: widths must be at least two positive integers like '784-200-200-10', got ${JSON.stringify(widths)}`);
  }
  return list;
}

/** A multilayer perceptron: dense layers of the given widths, an activation between each two. */
export function mlp(widths: string | readonly number[], options: MlpOptions = {}): Model {
  const list = parseWidths(widths);
  return buildMlp(`mlp ${list.join('-')}`, list, options);
}

/** LeNet-300-100: the MLP 784-300-100-10. */
export function lenet300100(options: MlpOptions = {}): Model {
  return buildMlp('lenet-300-100', [784, 300, 100, 10], options);
}

function buildMlp(name: string, widths: readonly number[], options: MlpOptions): Model {
  const act = options.activation ?? 'relu';
  const layers: Layer[] = [];
  const names: string[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    layers.push(dense(widths[l]!, widths[l + 1]!, { bias: options.bias ?? true }));
    names.push(`dense${l + 1}`);
    if (l + 2 < widths.length) {
      layers.push(activation(act, { slope: options.slope }));
      names.push(`act${l + 1}`);
    }
  }
  return makeModel(`${name} (${act}${options.bias === false ? ', no bias' : ''})`, sequential(layers, names), [widths[0]!]);
}

// ------------------------------------------------------------------ LeNet-5

export interface LeNet5Options {
  /** Activation after each conv and hidden dense layer (default 'relu'). */
  activation?: ActivationName;
  slope?: number;
  /** Pooling kind (default 'avg', as in the original). */
  pooling?: PoolingKind;
  /** Biases in every layer (default true). */
  bias?: boolean;
  /** One input sample, [channels, height, width] (default [1, 28, 28]). */
  inputShape?: readonly [number, number, number];
  /** Number of classes (default 10). */
  numClasses?: number;
}

/**
 * LeNet-5: conv 6@5×5 pad 2 → act → pool 2 → conv 16@5×5 → act → pool 2 →
 * flatten → 120 → act → 84 → act → 10. On 1×28×28 input the feature maps are
 * 6×28×28, 6×14×14, 16×10×10, 16×5×5 (400 features).
 */
export function lenet5(options: LeNet5Options = {}): Model {
  const act = options.activation ?? 'relu';
  const kind = options.pooling ?? 'avg';
  const bias = options.bias ?? true;
  const inputShape = options.inputShape ?? [1, 28, 28];
  const numClasses = options.numClasses ?? 10;
  const a = (): Layer => activation(act, { slope: options.slope });
  const featureLayers: Layer[] = [
    conv2d(inputShape[0], 6, 5, { padding: 2, bias }), a(), pool2d(kind, 2),
    conv2d(6, 16, 5, { bias }), a(), pool2d(kind, 2),
    flattenLayer(),
  ];
  const flat = featureLayers.reduce<number[]>((shape, layer) => layer.outputShape(shape), [...inputShape])[0]!;
  const network = sequential(
    [...featureLayers, dense(flat, 120, { bias }), a(), dense(120, 84, { bias }), a(), dense(84, numClasses, { bias })],
    ['conv1', 'act1', 'pool1', 'conv2', 'act2', 'pool2', 'flatten', 'fc1', 'act3', 'fc2', 'act4', 'fc3'],
  );
  return makeModel(`lenet5 (${act}, ${kind} pooling${bias ? '' : ', no bias'})`, network, inputShape);
}

// ------------------------------------------------------------------ by name

export interface ModelOptions extends MlpOptions {
  pooling?: PoolingKind;
  inputShape?: readonly [number, number, number];
  numClasses?: number;
}

/**
 * A model by name: 'lenet5' (or 'lenet-5'), 'lenet-300-100', or an MLP as
 * 'mlp:784-200-200-10' or just '784-200-200-10'.
 */
export function createModel(name: string, options: ModelOptions = {}): Model {
  const key = name.trim().toLowerCase();
  if (key === 'lenet5' || key === 'lenet-5') return lenet5(options);
  if (key === 'lenet-300-100' || key === 'lenet300100') return lenet300100(options);
  const widths = key.startsWith('mlp:') ? key.slice(4) : key;
  if (/^\d+(-\d+)+$/.test(widths)) return mlp(widths, options);
  throw new Error(`createModel: unknown model ${JSON.stringify(name)}; use 'lenet5', 'lenet-300-100' or widths like 'mlp:784-200-200-10'`);
}
