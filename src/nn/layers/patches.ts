/**
 * Patches (im2col): every kh×kw window of an image, as a column of a matrix.
 *
 * A convolution or a pooling layer looks at the input through a window that
 * slides with a stride. Cutting out every window position once turns those
 * layers into ops the engine already has:
 *
 *   convolution = W · patches      (one matrix product)
 *   pooling     = max or mean over each patch
 *
 * For one sample of shape [C, H, W] (row-major, already zero-padded), the
 * window at output position (oy, ox) covers input entries
 *
 *   (c, oy·sh + ky, ox·sw + kx)   for c < C, ky < kh, kx < kw,
 *
 * whose flat index is c·H·W + (oy·sh + ky)·W + (ox·sw + kx). Those integers
 * depend only on the shapes, so they are computed once and cached; the
 * patches are then one `gather` along the flattened image axis. `gather` is
 * linear, and its derivative (a scatter-add that sums each gradient back to
 * every window the pixel appeared in) and second derivatives come from the
 * engine — no convolution-specific derivative rules.
 *
 * Layout: the batch goes last. The image is stored as [C·H·W, n], so each
 * gathered index moves a contiguous run of n numbers (one per sample), and
 * the result [C·kh·kw, H_out, W_out, n] is a matrix [C·kh·kw, H_out·W_out·n]
 * with no further copy: row (c, ky, kx), one column per (position, sample).
 *
 * Output sizes: H_out = ⌊(H − kh) / sh⌋ + 1, W_out likewise.
 */
import { formatShape, gather, pad, reshape, transpose, type Tensor } from '../../autodiff/index.js';

export interface PatchLayout {
  /** Flat input index of each (c, ky, kx, oy, ox), in that (row-major) order. */
  readonly indices: Int32Array;
  readonly outHeight: number;
  readonly outWidth: number;
  /** C·kh·kw: the length of one patch. */
  readonly patchSize: number;
}

const cache = new Map<string, PatchLayout>();

/** The gather indices of every window of a [channels, height, width] sample. */
export function patchIndices(channels: number, height: number, width: number, kernel: readonly [number, number], stride: readonly [number, number]): PatchLayout {
  const [kh, kw] = kernel;
  const [sh, sw] = stride;
  const key = [channels, height, width, kh, kw, sh, sw].join(',');
  const cached = cache.get(key);
  if (cached) return cached;
  if (height < kh || width < kw) throw new Error(`patches: a ${kh}×${kw} window does not fit in a ${height}×${width} image (after padding)`);
  const outHeight = Math.floor((height - kh) / sh) + 1;
  const outWidth = Math.floor((width - kw) / sw) + 1;
  const patchSize = channels * kh * kw;
  const positions = outHeight * outWidth;
  const indices = new Int32Array(patchSize * positions);
  let at = 0;
  for (let c = 0; c < channels; c++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const row = c * height * width + (oy * sh + ky) * width + kx;
          for (let ox = 0; ox < outWidth; ox++) indices[at++] = row + ox * sw;
        }
      }
    }
  }
  const layout = { indices, outHeight, outWidth, patchSize };
  cache.set(key, layout);
  return layout;
}

/**
 * The windows of a batch x of shape [n, C, H, W], zero-padded by `padding`
 * on each side: shape [C·kh·kw, H_out, W_out, n] (batch last, see above).
 */
export function extractPatches(x: Tensor, kernel: readonly [number, number], stride: readonly [number, number], padding: readonly [number, number] = [0, 0]): Tensor {
  if (x.rank !== 4) throw new Error(`patches: expected an input of shape [n, channels, height, width], got ${formatShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [ph, pw] = padding;
  const batchLast = pad(transpose(x, [1, 2, 3, 0]), [0, ph, pw, 0], [0, ph, pw, 0]); // [C, H + 2ph, W + 2pw, n]
  const [hp, wp] = [h + 2 * ph, w + 2 * pw];
  const { indices, outHeight, outWidth, patchSize } = patchIndices(c, hp, wp, kernel, stride);
  const columns = gather(reshape(batchLast, [c * hp * wp, n]), indices, 0);
  return reshape(columns, [patchSize, outHeight, outWidth, n]);
}

/** (H_out, W_out) of a window sliding over an (H, W) image with the given padding and stride. */
export function slidingOutputSize(height: number, width: number, kernel: readonly [number, number], stride: readonly [number, number], padding: readonly [number, number] = [0, 0]): [number, number] {
  const [hp, wp] = [height + 2 * padding[0], width + 2 * padding[1]];
  if (hp < kernel[0] || wp < kernel[1]) throw new Error(`patches: a ${kernel[0]}×${kernel[1]} window does not fit in a ${hp}×${wp} image (after padding)`);
  return [Math.floor((hp - kernel[0]) / stride[0]) + 1, Math.floor((wp - kernel[1]) / stride[1]) + 1];
}
