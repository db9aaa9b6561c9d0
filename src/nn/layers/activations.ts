/**
 * Activations: the elementwise nonlinearities between weight layers.
 *
 *   relu(x)        = max(x, 0)
 *   leaky-relu(x)  = x for x > 0, slope·x otherwise (default slope 0.01)
 *   tanh(x)        = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)
 *   sigmoid(x)     = 1 / (1 + e⁻ˣ)
 *   swish(x)       = x·sigmoid(x)   (also called SiLU; Ramachandran et al. 2017)
 *   identity(x)    = x
 *
 * All are the engine's ops, differentiable to any order (relu and leaky relu
 * piecewise, with the engine's convention at the kink: the midpoint of the
 * one-sided derivatives, relu′(0) = ½). relu, leaky relu and identity are
 * positively homogeneous, φ(βx) = β·φ(x) for β > 0; tanh, sigmoid and swish
 * are not.
 *
 * The table ACTIVATIONS is typed `{ [N in ActivationName]: … }`, so a name
 * added to ACTIVATION_NAMES without an entry is a compile error.
 */
import { leakyRelu, mul, relu, sigmoid, tanh, type Tensor } from '../../autodiff/index.js';
import { makeSpec } from '../parameters.js';
import type { Layer } from './layer.js';

export const ACTIVATION_NAMES = ['relu', 'tanh', 'sigmoid', 'swish', 'identity', 'leaky-relu'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export interface ActivationOptions {
  /** The negative-side slope of leaky-relu (default 0.01). */
  slope?: number;
}

export function isActivationName(name: string): name is ActivationName {
  return (ACTIVATION_NAMES as readonly string[]).includes(name);
}

interface ActivationEntry {
  /** The function, given the leaky-relu slope (ignored by the others). */
  make: (slope: number) => (x: Tensor) => Tensor;
  /** Positively homogeneous: φ(βx) = β·φ(x) for β > 0. */
  homogeneous: boolean;
}

const ACTIVATIONS: { [N in ActivationName]: ActivationEntry } = {
  relu: { make: () => relu, homogeneous: true },
  'leaky-relu': {
    make: (slope) => {
      if (!Number.isFinite(slope)) throw new Error(`activation: the leaky-relu slope must be a finite number, got ${slope}`);
      return (x) => leakyRelu(x, slope);
    },
    homogeneous: true,
  },
  tanh: { make: () => tanh, homogeneous: false },
  sigmoid: { make: () => sigmoid, homogeneous: false },
  swish: { make: () => swish, homogeneous: false },
  identity: { make: () => (x) => x, homogeneous: true },
};

/** swish(x) = x·sigmoid(x): smooth everywhere, unlike relu, and unbounded above, unlike tanh. */
function swish(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

function entry(name: ActivationName): ActivationEntry {
  // names can come from the command line, so an unknown one is checked at run time too
  if (!isActivationName(name)) throw new Error(`activation: unknown activation ${JSON.stringify(name)}; allowed: ${ACTIVATION_NAMES.join(', ')}`);
  return ACTIVATIONS[name];
}

/** The activation as a plain function of a tensor. */
export function activationFunction(name: ActivationName, options: ActivationOptions = {}): (x: Tensor) => Tensor {
  return entry(name).make(options.slope ?? 0.01);
}

/** The activation as a parameter-free layer. */
export function activation(name: ActivationName, options: ActivationOptions = {}): Layer {
  const f = activationFunction(name, options);
  const label = name === 'leaky-relu' ? `leaky-relu (slope ${options.slope ?? 0.01})` : name;
  return {
    kind: name,
    spec: makeSpec([]),
    weightLayers: 0,
    homogeneous: entry(name).homogeneous,
    init: () => ({}),
    apply: (_params, x: Tensor) => f(x),
    outputShape: (inputShape) => [...inputShape],
    describe: () => label,
  };
}
