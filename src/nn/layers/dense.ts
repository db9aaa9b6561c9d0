/**
 * Dense (fully connected) layer: y = x·W + b.
 *
 * For a batch x of shape [n, n_in], W of shape [n_in, n_out] and b of shape
 * [n_out] (broadcast over the batch), y has shape [n, n_out]: each output
 * unit is a weighted sum of all inputs. Storing W as [n_in, n_out] makes the
 * forward pass a plain matrix product with no transpose. Without a bias the
 * layer is linear, hence positively homogeneous: scaling W by α scales y by α.
 *
 * fan_in = n_in, fan_out = n_out (for initialisation).
 */
import { add, matmul, type Random, type Tensor } from '../../autodiff/index.js';
import { initParams, type InitName } from '../init.js';
import { getParameter, makeSpec, type Params } from '../parameters.js';
import { checkInput, type Layer } from './layer.js';

export interface DenseOptions {
  /** Add a bias vector b (default true). */
  bias?: boolean;
}

export function dense(inFeatures: number, outFeatures: number, options: DenseOptions = {}): Layer {
  const bias = options.bias ?? true;
  for (const [what, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`dense: ${what} must be a positive integer, got ${v}`);
  }
  const spec = makeSpec([
    { name: 'weight', shape: [inFeatures, outFeatures], role: 'weight', fanIn: inFeatures, fanOut: outFeatures },
    ...(bias ? [{ name: 'bias', shape: [outFeatures], role: 'bias' as const, fanIn: inFeatures, fanOut: outFeatures }] : []),
  ]);
  const name = `dense ${inFeatures}→${outFeatures}`;
  return {
    kind: 'dense',
    spec,
    weightLayers: 1,
    homogeneous: !bias,
    init: (rng: Random, init?: InitName, alpha?: number) => initParams(spec, rng, init, alpha),
    apply(params: Params, x: Tensor): Tensor {
      checkInput(name, x, [inFeatures]);
      const y = matmul(x, getParameter(params, 'weight'));
      return bias ? add(y, getParameter(params, 'bias')) : y;
    },
    outputShape(inputShape) {
      if (inputShape.length !== 1 || inputShape[0] !== inFeatures) throw new Error(`${name}: expected input samples of shape [${inFeatures}], got [${inputShape.join(', ')}]`);
      return [outFeatures];
    },
    describe: () => `${name}${bias ? '' : ' (no bias)'}`,
  };
}
