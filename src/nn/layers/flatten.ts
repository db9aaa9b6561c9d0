/**
 * Flatten: [n, d₁, d₂, …] → [n, d₁·d₂·…], the bridge from convolutional
 * feature maps to dense layers. A reshape of row-major data: the channel
 * axis varies slowest, so feature (c, i, j) lands at c·H·W + i·W + j.
 * No parameters; linear, hence positively homogeneous.
 */
import { reshape, type Tensor } from '../../autodiff/index.js';
import { makeSpec } from '../parameters.js';
import type { Layer } from './layer.js';

/** The flatten layer (named so as not to clash with flatten(params) → θ). */
export function flattenLayer(): Layer {
  return {
    kind: 'flatten',
    spec: makeSpec([]),
    weightLayers: 0,
    homogeneous: true,
    init: () => ({}),
    apply(_params, x: Tensor): Tensor {
      if (x.rank < 1) throw new Error(`flatten: expected a batch [n, ...], got a scalar`);
      return reshape(x, [x.shape[0]!, x.size === 0 ? 0 : x.size / x.shape[0]!]);
    },
    outputShape: (inputShape) => [inputShape.reduce((p, d) => p * d, 1)],
    describe: () => 'flatten',
  };
}
