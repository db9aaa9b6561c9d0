/**
 * The layer interface: a layer is a pure function with its parameters passed in.
 *
 *   const layer = dense(784, 200);
 *   const params = layer.init(rng);          // { weight: [784, 200], bias: [200] }
 *   const y = layer.apply(params, x);        // x: [n, 784] → y: [n, 200]
 *
 * A layer stores no numbers, only its configuration (sizes, stride, …) and a
 * `ParameterSpec` of the parameters it expects. Because `apply` is a pure
 * function of (params, x), a whole network is a pure function of θ, and the
 * engine's grad, hvp and jvp apply to it unchanged (the JAX / Flax style).
 *
 * Shapes: the first axis of x is always the batch; `outputShape` maps the
 * shape of one sample (without the batch axis) to the shape of one output.
 */
import { formatShape, type Random, type Tensor } from '../../autodiff/index.js';
import type { InitName } from '../init.js';
import type { ParameterSpec, Params } from '../parameters.js';

export interface Layer {
  /** What kind of layer: 'dense', 'conv2d', 'relu', 'sequential', … */
  readonly kind: string;
  /** The parameters this layer expects, by dotted path relative to the layer (empty for none). */
  readonly spec: ParameterSpec;
  /** The number of weight layers (dense and conv) inside: L, the degree of homogeneity. */
  readonly weightLayers: number;
  /**
   * True when the layer is positively homogeneous: scaling its input by
   * β > 0 scales its output by β, and scaling its weights by α > 0 scales its
   * output by α. Bias-free dense and conv layers, ReLU-like activations,
   * pooling and flatten are; so is a sequence of them. A homogeneous network
   * with L weight layers satisfies f(αθ, x) = α^L f(θ, x).
   */
  readonly homogeneous: boolean;
  /** A fresh draw of the parameters (default initialisation: xavier-normal, α = 1). */
  init(rng: Random, init?: InitName, alpha?: number): Params;
  /** The layer's output for a batch x, given its parameters. */
  apply(params: Params, x: Tensor): Tensor;
  /** The shape of one output sample for one input sample (batch axis excluded). */
  outputShape(inputShape: readonly number[]): number[];
  /** One line: the kind and its configuration, e.g. 'dense 784→200 (bias)'. */
  describe(): string;
}

/** A pair of sizes for two spatial axes; a single number means the same for both. */
export type Size2 = number | readonly [number, number];

/** (height, width) from a number or a pair, each a positive (or non-negative) integer. */
export function pair(value: Size2, what: string, where: string, allowZero = false): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  const ok = (v: number): boolean => Number.isInteger(v) && (allowZero ? v >= 0 : v > 0);
  if (!ok(a) || !ok(b)) throw new Error(`${where}: ${what} must be ${allowZero ? 'non-negative' : 'positive'} integers, got ${JSON.stringify(value)}`);
  return [a, b];
}

/** Throws unless x has shape [batch, ...expected] (−1 in expected matches any size). */
export function checkInput(layer: string, x: Tensor, expected: readonly number[]): void {
  const ok = x.rank === expected.length + 1 && expected.every((d, i) => d === -1 || x.shape[i + 1] === d);
  if (!ok) {
    const want = formatShape(['n', ...expected.map((d) => (d === -1 ? '*' : d))]);
    throw new Error(`${layer}: expected an input of shape ${want}, got ${formatShape(x.shape)}`);
  }
}
