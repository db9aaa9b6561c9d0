/**
 * 2-D convolution (cross-correlation, as in every deep-learning library), NCHW.
 *
 *   y[n, o, i, j] = b[o] + Σ_{c, ky, kx} W[o, c, ky, kx] · x̃[n, c, i·sh + ky, j·sw + kx]
 *
 * where x̃ is x zero-padded by (ph, pw) on each side. Shapes: x [n, C, H, W],
 * W [O, C, kh, kw] (PyTorch's layout), b [O], y [n, O, H_out, W_out] with
 * H_out = ⌊(H + 2ph − kh) / sh⌋ + 1.
 *
 * Implementation (im2col, see patches.ts): cut every window into a column,
 *
 *   P = patches(x̃)                           [C·kh·kw, H_out·W_out·n]
 *   Y = reshape(W, [O, C·kh·kw]) · P + b      [O, H_out·W_out·n]
 *
 * and move the batch axis back in front. Everything is transpose, pad,
 * gather, reshape, matmul and add: the engine differentiates it to any
 * order with no rule written here.
 *
 * fan_in = C·kh·kw, fan_out = O·kh·kw (for initialisation).
 */
import { add, formatShape, matmul, reshape, transpose, type Random, type Tensor } from '../../autodiff/index.js';
import { initParams, type InitName } from '../init.js';
import { getParameter, makeSpec, type Params } from '../parameters.js';
import { checkInput, pair, type Layer, type Size2 } from './layer.js';
import { extractPatches, slidingOutputSize } from './patches.js';

export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Size2;
  /** Zeros added on each side of each spatial axis (default 0). */
  padding?: Size2;
  /** Add a bias per output channel (default true). */
  bias?: boolean;
}

export function conv2d(inChannels: number, outChannels: number, kernel: Size2, options: Conv2dOptions = {}): Layer {
  const where = 'conv2d';
  for (const [what, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${where}: ${what} must be a positive integer, got ${v}`);
  }
  const [kh, kw] = pair(kernel, 'the kernel size', where);
  const stride = pair(options.stride ?? 1, 'the stride', where);
  const padding = pair(options.padding ?? 0, 'the padding', where, true);
  const bias = options.bias ?? true;
  const patchSize = inChannels * kh * kw;
  const spec = makeSpec([
    { name: 'weight', shape: [outChannels, inChannels, kh, kw], role: 'weight', fanIn: patchSize, fanOut: outChannels * kh * kw },
    ...(bias ? [{ name: 'bias', shape: [outChannels], role: 'bias' as const, fanIn: patchSize, fanOut: outChannels * kh * kw }] : []),
  ]);
  const both = ([a, b]: [number, number]): string => (a === b ? `${a}` : `${a}×${b}`);
  const name = `conv2d ${inChannels}→${outChannels}, ${kh}×${kw}, stride ${both(stride)}, padding ${both(padding)}`;

  return {
    kind: 'conv2d',
    spec,
    weightLayers: 1,
    homogeneous: !bias,
    init: (rng: Random, init?: InitName, alpha?: number) => initParams(spec, rng, init, alpha),
    apply(params: Params, x: Tensor): Tensor {
      checkInput(name, x, [inChannels, -1, -1]);
      const n = x.shape[0]!;
      const patches = extractPatches(x, [kh, kw], stride, padding); // [C·kh·kw, Ho, Wo, n]
      const [, ho, wo] = patches.shape as [number, number, number, number];
      const columns = reshape(patches, [patchSize, ho * wo * n]);
      const weight = reshape(getParameter(params, 'weight'), [outChannels, patchSize]);
      let y = matmul(weight, columns); // [O, Ho·Wo·n]
      if (bias) y = add(y, reshape(getParameter(params, 'bias'), [outChannels, 1]));
      return transpose(reshape(y, [outChannels, ho, wo, n]), [3, 0, 1, 2]);
    },
    outputShape(inputShape) {
      if (inputShape.length !== 3 || inputShape[0] !== inChannels) throw new Error(`${name}: expected input samples of shape [${inChannels}, height, width], got ${formatShape(inputShape)}`);
      return [outChannels, ...slidingOutputSize(inputShape[1]!, inputShape[2]!, [kh, kw], stride, padding)];
    },
    describe: () => `${name}${bias ? '' : ' (no bias)'}`,
  };
}
