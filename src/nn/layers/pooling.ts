/**
 * Pooling: shrink each channel of an image by summarising kh×kw windows.
 *
 *   average pooling  y[n, c, i, j] = (1 / kh·kw) Σ_{ky, kx} x[n, c, i·sh + ky, j·sw + kx]
 *   max pooling      y[n, c, i, j] = max_{ky, kx}    x[n, c, i·sh + ky, j·sw + kx]
 *
 * Shapes: x [n, C, H, W] → y [n, C, H_out, W_out], H_out = ⌊(H − kh) / sh⌋ + 1
 * (no padding; a remainder that no window reaches is dropped). No parameters.
 *
 * Two routes, both made of ops:
 * - windows that tile the image (stride = kernel, the usual 2×2/2): drop the
 *   remainder with a slice, reshape [n, C, H_out, kh, W_out, kw], and reduce
 *   the two window axes — no copying of windows at all;
 * - overlapping or gapped windows: cut them out with `gather` (patches.ts)
 *   and reduce the window axis.
 *
 * The derivative of the mean spreads ȳ/(kh·kw) over the window; that of max
 * sends ȳ to the window's maximum (split evenly between tied maxima) — both
 * from the engine's rules for sum and max. Both poolings are positively
 * homogeneous: pool(βx) = β·pool(x) for β > 0.
 */
import { formatShape, max, mean, reshape, slice, transpose, type Tensor } from '../../autodiff/index.js';
import { makeSpec } from '../parameters.js';
import { checkInput, pair, type Layer, type Size2 } from './layer.js';
import { extractPatches, slidingOutputSize } from './patches.js';

export type PoolingKind = 'avg' | 'max';
export const POOLING_KINDS: readonly PoolingKind[] = ['avg', 'max'];

export interface PoolingOptions {
  /** Step between windows (default: the kernel size, so windows tile the image). */
  stride?: Size2;
}

const noParameters = makeSpec([]);

function pooling(kind: PoolingKind, kernel: Size2, options: PoolingOptions): Layer {
  const where = `${kind}Pool2d`;
  const [kh, kw] = pair(kernel, 'the kernel size', where);
  const [sh, sw] = pair(options.stride ?? [kh, kw], 'the stride', where);
  const reduce = kind === 'avg' ? mean : max;
  const tiles = sh === kh && sw === kw;
  const name = `${kind} pool ${kh}×${kw}, stride ${sh === sw ? sh : `${sh}×${sw}`}`;

  return {
    kind: `${kind}-pool`,
    spec: noParameters,
    weightLayers: 0,
    homogeneous: true,
    init: () => ({}),
    apply(_params, x: Tensor): Tensor {
      checkInput(name, x, [-1, -1, -1]);
      const [n, c, h, w] = x.shape as [number, number, number, number];
      const [ho, wo] = slidingOutputSize(h, w, [kh, kw], [sh, sw]);
      if (tiles) {
        const covered = slice(x, [0, 0, 0, 0], [n, c, ho * kh, wo * kw]);
        return reduce(reshape(covered, [n, c, ho, kh, wo, kw]), [3, 5]);
      }
      // Each channel as its own one-channel image: windows never mix channels.
      const patches = extractPatches(reshape(x, [n * c, 1, h, w]), [kh, kw], [sh, sw]); // [kh·kw, Ho, Wo, n·C]
      return transpose(reshape(reduce(patches, 0), [ho, wo, n, c]), [2, 3, 0, 1]);
    },
    outputShape(inputShape) {
      if (inputShape.length !== 3) throw new Error(`${name}: expected input samples of shape [channels, height, width], got ${formatShape(inputShape)}`);
      return [inputShape[0]!, ...slidingOutputSize(inputShape[1]!, inputShape[2]!, [kh, kw], [sh, sw])];
    },
    describe: () => name,
  };
}

/** Average pooling over kh×kw windows (stride defaults to the kernel size). */
export function avgPool2d(kernel: Size2, options: PoolingOptions = {}): Layer {
  return pooling('avg', kernel, options);
}

/** Max pooling over kh×kw windows (stride defaults to the kernel size). */
export function maxPool2d(kernel: Size2, options: PoolingOptions = {}): Layer {
  return pooling('max', kernel, options);
}

/** Pooling of either kind by name. */
export function pool2d(kind: PoolingKind, kernel: Size2, options: PoolingOptions = {}): Layer {
  if (!POOLING_KINDS.includes(kind)) throw new Error(`pool2d: unknown pooling ${JSON.stringify(kind)}; allowed: ${POOLING_KINDS.join(', ')}`);
  return pooling(kind, kernel, options);
}
