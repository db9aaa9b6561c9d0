/**
 * Layers: forward values against direct nested loops (convolution, pooling),
 * gradients with respect to parameters and inputs against central finite
 * differences in float64, and shapes against outputShape.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';
import { finiteDifferenceGradient, relativeError, seededVector } from './support/numeric.js';

const product = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/**
 * Checks d/d(θ, x) of Σ layer(θ, x) ⊙ R (R a fixed random tensor) against
 * central differences, for random θ (biases included) and a random batch x.
 */
function checkGradient(label: string, layer: nn.Layer, batchShape: number[], seed: number): void {
  const D = layer.spec.size;
  const outShape = [batchShape[0]!, ...layer.outputShape(batchShape.slice(1))];
  const R = ad.tensor(seededVector(product(outShape), seed + 2), outShape);
  const f = (z: Tensor): Tensor => {
    const theta = z.slice([0], [D]);
    const x = z.slice([D]).reshape(batchShape);
    const y = layer.apply(nn.unflatten(theta, layer.spec), x);
    assert.equal(y.shape, outShape, `${label}: output shape`);
    return y.mul(R).sum();
  };
  const z = new Float64Array(D + product(batchShape));
  z.set(seededVector(D, seed, 0.7));
  z.set(seededVector(product(batchShape), seed + 1), D);
  const g = ad.grad(f)(ad.tensor(z)).toTypedArray();
  const fd = finiteDifferenceGradient((t) => f(ad.tensor(t)).item(), z);
  const err = relativeError(g, fd);
  assert.ok(err <= 1e-6, `${label}: gradient vs finite differences, relative error ${err}`);
}

test('dense: y = xW + b, and its gradients', () => {
  const layer = nn.dense(3, 2);
  const params = { weight: ad.tensor([[1, 2], [3, 4], [5, 6]]), bias: ad.tensor([0.5, -1]) };
  assert.equal(layer.apply(params, ad.tensor([[1, 0, -1]])).toArray(), [[1 - 5 + 0.5, 2 - 6 - 1]]);
  assert.equal(layer.spec.entries.map((e) => [e.name, e.shape]), [['weight', [3, 2]], ['bias', [2]]]);
  assert.equal(nn.dense(3, 2, { bias: false }).spec.entries.map((e) => e.name), ['weight']);
  checkGradient('dense', nn.dense(4, 3), [5, 4], 10);
  checkGradient('dense without bias', nn.dense(4, 3, { bias: false }), [5, 4], 11);
  assert.throws(() => layer.apply(params, ad.zeros([2, 4])), /dense 3→2: expected an input of shape \[n, 3\], got \[2, 4\]/);
});

/** Direct convolution by nested loops: x [n, c, h, w], W [o, c, kh, kw], b [o]. */
type Four = [number, number, number, number];
type Two = [number, number];

function conv2dReference(x: ArrayLike<number>, [n, c, h, w]: Four, W: ArrayLike<number>, b: ArrayLike<number> | null, o: number, [kh, kw]: Two, [sh, sw]: Two, [ph, pw]: Two) {
  const ho = Math.floor((h + 2 * ph - kh) / sh) + 1;
  const wo = Math.floor((w + 2 * pw - kw) / sw) + 1;
  const out = new Float64Array(n * o * ho * wo);
  for (let s = 0; s < n; s++)
    for (let oc = 0; oc < o; oc++)
      for (let i = 0; i < ho; i++)
        for (let j = 0; j < wo; j++) {
          let acc = b ? b[oc]! : 0;
          for (let ic = 0; ic < c; ic++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const y = i * sh + ky - ph;
                const xx = j * sw + kx - pw;
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                acc += W[((oc * c + ic) * kh + ky) * kw + kx]! * x[((s * c + ic) * h + y) * w + xx]!;
              }
          out[((s * o + oc) * ho + i) * wo + j] = acc;
        }
  return { out, shape: [n, o, ho, wo] };
}

const convCases: { label: string; n: number; c: number; h: number; w: number; o: number; k: Two; s: Two; p: Two; bias: boolean }[] = [
  { label: 'stride 2, padding 1, 3→4 channels, 3×3', n: 2, c: 3, h: 7, w: 6, o: 4, k: [3, 3], s: [2, 2], p: [1, 1], bias: true },
  { label: 'stride 1, no padding, 2→3 channels, 2×3', n: 2, c: 2, h: 5, w: 6, o: 3, k: [2, 3], s: [1, 1], p: [0, 0], bias: true },
  { label: 'stride (2, 1), padding (1, 0), no bias', n: 1, c: 2, h: 6, w: 5, o: 2, k: [3, 2], s: [2, 1], p: [1, 0], bias: false },
  { label: 'LeNet-5 conv1: 1→6, 5×5, padding 2, 28×28', n: 2, c: 1, h: 28, w: 28, o: 6, k: [5, 5], s: [1, 1], p: [2, 2], bias: true },
];

test('conv2d matches a direct nested-loop convolution', () => {
  for (const { label, n, c, h, w, o, k, s, p, bias } of convCases) {
    const layer = nn.conv2d(c, o, k, { stride: s, padding: p, bias });
    const theta = seededVector(layer.spec.size, 21);
    const x = seededVector(n * c * h * w, 22);
    const y = layer.apply(nn.unflatten(ad.tensor(theta), layer.spec), ad.tensor(x, [n, c, h, w]));
    const W = theta.subarray(0, o * c * k[0] * k[1]);
    const b = bias ? theta.subarray(W.length) : null;
    const ref = conv2dReference(x, [n, c, h, w], W, b, o, k, s, p);
    assert.equal(y.shape, ref.shape, label);
    assert.equal([n, ...layer.outputShape([c, h, w])], ref.shape, `${label}: outputShape`);
    const err = relativeError(y.toTypedArray(), ref.out);
    assert.ok(err < 1e-14, `${label}: ${err}`);
  }
});

test('conv2d gradients (weights, bias and input) match finite differences', () => {
  checkGradient('conv2d stride 2 padding 1', nn.conv2d(2, 3, 3, { stride: 2, padding: 1 }), [2, 2, 5, 4], 30);
  checkGradient('conv2d 2×3 kernel, stride (1, 2)', nn.conv2d(2, 2, [2, 3], { stride: [1, 2] }), [1, 2, 4, 5], 31);
  checkGradient('conv2d without bias', nn.conv2d(1, 2, 2, { bias: false, padding: 1 }), [2, 1, 3, 3], 32);
});

/** Direct pooling by nested loops. */
function poolReference(kind: 'avg' | 'max', x: ArrayLike<number>, [n, c, h, w]: Four, [kh, kw]: Two, [sh, sw]: Two) {
  const ho = Math.floor((h - kh) / sh) + 1;
  const wo = Math.floor((w - kw) / sw) + 1;
  const out = new Float64Array(n * c * ho * wo);
  for (let s = 0; s < n * c; s++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const v = x[(s * h + i * sh + ky) * w + j * sw + kx]!;
            acc = kind === 'max' ? Math.max(acc, v) : acc + v / (kh * kw);
          }
        out[(s * ho + i) * wo + j] = acc;
      }
  return { out, shape: [n, c, ho, wo] };
}

const poolCases: { label: string; shape: Four; k: Two; s: Two }[] = [
  { label: '2×2 stride 2 (tiling)', shape: [2, 3, 6, 8], k: [2, 2], s: [2, 2] },
  { label: '2×2 stride 2 on odd sizes (remainder dropped)', shape: [1, 2, 7, 5], k: [2, 2], s: [2, 2] },
  { label: '3×3 stride 2 (overlapping)', shape: [2, 2, 7, 7], k: [3, 3], s: [2, 2] },
  { label: '3×2 stride (1, 2)', shape: [1, 3, 5, 6], k: [3, 2], s: [1, 2] },
];

test('average and max pooling match direct loops', () => {
  for (const kind of ['avg', 'max'] as const) {
    for (const { label, shape, k, s } of poolCases) {
      const layer = nn.pool2d(kind, k, { stride: s });
      const x = seededVector(product(shape), 40);
      const y = layer.apply({}, ad.tensor(x, shape));
      const ref = poolReference(kind, x, shape, k, s);
      assert.equal(y.shape, ref.shape, `${kind} ${label}`);
      assert.equal([shape[0], ...layer.outputShape(shape.slice(1))], ref.shape, `${kind} ${label}: outputShape`);
      const err = relativeError(y.toTypedArray(), ref.out);
      assert.ok(err < 1e-15, `${kind} ${label}: ${err}`);
    }
  }
  assert.equal(nn.maxPool2d(2).describe(), 'max pool 2×2, stride 2');
  assert.is(nn.avgPool2d(2).spec.size, 0);
});

test('pooling gradients match finite differences', () => {
  for (const kind of ['avg', 'max'] as const) {
    checkGradient(`${kind} pool 2×2`, nn.pool2d(kind, 2), [2, 2, 4, 5], 50);
    checkGradient(`${kind} pool 3×3 stride 2`, nn.pool2d(kind, 3, { stride: 2 }), [1, 2, 5, 5], 51);
  }
});

test('max pooling sends the gradient to the maximum of each window', () => {
  const x = ad.tensor([1, 5, 2, 0, -1, -3, 4, -2, 7, 8, 9, 6, 3, 3, 3, 3], [1, 1, 4, 4]);
  const flat = ad.grad((t: Tensor) => nn.maxPool2d(2).apply({}, t).sum())(x).toTypedArray();
  // windows: {1, 5, −1, −3} → 5; {2, 0, 4, −2} → 4; {7, 8, 3, 3} → 8; {9, 6, 3, 3} → 9
  assert.equal(Array.from(flat), [0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  // tied maxima share the gradient evenly (a valid subgradient)
  const tied = ad.grad((t: Tensor) => nn.maxPool2d(2).apply({}, t).sum())(ad.full([1, 1, 2, 2], 3)).toTypedArray();
  assert.equal(Array.from(tied), [0.25, 0.25, 0.25, 0.25]);
});

test('activations: values, homogeneity flags and gradients', () => {
  const x = ad.tensor([[-2, -0.5, 0.5, 3]]);
  const values: Record<nn.ActivationName, number[]> = {
    relu: [0, 0, 0.5, 3],
    tanh: [-2, -0.5, 0.5, 3].map(Math.tanh),
    sigmoid: [-2, -0.5, 0.5, 3].map((v) => 1 / (1 + Math.exp(-v))),
    swish: [-2, -0.5, 0.5, 3].map((v) => v / (1 + Math.exp(-v))),
    identity: [-2, -0.5, 0.5, 3],
    'leaky-relu': [-0.02, -0.005, 0.5, 3],
  };
  for (const name of nn.ACTIVATION_NAMES) {
    const layer = nn.activation(name);
    assert.ok(relativeError(layer.apply({}, x).toTypedArray(), values[name]) < 1e-15, name);
    assert.is(layer.homogeneous, name !== 'tanh' && name !== 'sigmoid' && name !== 'swish', name);
    assert.equal(layer.outputShape([4]), [4]);
    checkGradient(name, layer, [3, 4], 60);
  }
  assert.ok(relativeError(nn.activation('leaky-relu', { slope: 0.2 }).apply({}, x).toTypedArray(), [-0.4, -0.1, 0.5, 3]) < 1e-15);
  assert.throws(() => nn.activation('softplus' as nn.ActivationName), /unknown activation "softplus"/);
});

test('swish: first and second derivatives against their closed forms, σ(1 + x(1 − σ)) and σ(1 − σ)(2 + x(1 − 2σ))', () => {
  const points = [-6, -1.5, -0.25, 0, 0.25, 1.5, 6];
  const swish = (t: Tensor): Tensor => nn.activation('swish').apply({}, t).sum();
  const sigma = (v: number): number => 1 / (1 + Math.exp(-v));
  for (const v of points) {
    const s = sigma(v);
    const first = ad.grad(swish)(ad.tensor([v])).item();
    const second = ad.grad((t: Tensor) => ad.grad(swish)(t).sum())(ad.tensor([v])).item();
    assert.ok(Math.abs(first - s * (1 + v * (1 - s))) < 1e-15, `swish′(${v}) = ${first}`);
    assert.ok(Math.abs(second - s * (1 - s) * (2 + v * (1 - 2 * s))) < 1e-15, `swish″(${v}) = ${second}`);
  }
  // at 0: swish′(0) = ½ and swish″(0) = ½ exactly
  assert.is(ad.grad(swish)(ad.tensor([0])).item(), 0.5);
});

test('activations use the engine ops, so they follow its convention at the kink: relu′(0) = ½, leaky-relu′(0) = (1 + slope)/2', () => {
  assert.is(nn.activationFunction('relu'), ad.relu);
  const slopeAtZero = (name: nn.ActivationName): number => ad.grad((t: Tensor) => nn.activation(name, { slope: 0.2 }).apply({}, t).sum())(ad.tensor([0])).item();
  assert.is(slopeAtZero('relu'), 0.5);
  assert.is(slopeAtZero('leaky-relu'), 0.6);
});

test('flatten layer and sequential composition', () => {
  const flat = nn.flattenLayer();
  assert.equal(flat.apply({}, ad.zeros([2, 3, 4, 5])).shape, [2, 60]);
  assert.equal(flat.outputShape([3, 4, 5]), [60]);
  checkGradient('flatten', flat, [2, 2, 3], 70);

  const net = nn.sequential([nn.conv2d(1, 2, 3, { padding: 1 }), nn.activation('tanh'), nn.maxPool2d(2), nn.flattenLayer(), nn.dense(8, 3)]);
  assert.equal(net.spec.entries.map((e) => e.name), ['0.weight', '0.bias', '4.weight', '4.bias']);
  assert.is(net.weightLayers, 2);
  assert.is(net.homogeneous, false);
  assert.equal(net.outputShape([1, 4, 4]), [3]);
  checkGradient('sequential conv-tanh-maxpool-flatten-dense', net, [2, 1, 4, 4], 71);
  // a layer applied alone and inside the sequence give the same numbers
  const theta = ad.tensor(seededVector(net.spec.size, 72));
  const x = ad.tensor(seededVector(32, 73), [2, 1, 4, 4]);
  const params = nn.unflatten(theta, net.spec);
  let h = x;
  net.layers.forEach(({ name, layer }) => (h = layer.apply((params[name] as nn.Params | undefined) ?? {}, h)));
  assert.equal(Array.from(net.apply(params, x).toTypedArray()), Array.from(h.toTypedArray()));
  assert.throws(() => net.apply({}, x), /no parameters for layer "0"/);
  assert.throws(() => nn.sequential([nn.dense(2, 2), nn.dense(2, 2)], ['a', 'a']), /two layers are named "a"/);
});

test.run();
