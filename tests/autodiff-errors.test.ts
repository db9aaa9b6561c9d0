/**
 * Bad input fails loudly, with messages that name the op and the shapes.
 */
import { test } from 'uvu';
import { throwsWith } from './support/assertions.js';
import * as ad from '../src/autodiff/index.js';

test('shape mismatches name the op and both shapes', () => {
  throwsWith(() => ad.zeros([2, 3]).add(ad.zeros([4])), 'add', '[2, 3]', '[4]');
  throwsWith(() => ad.zeros([2, 3]).matmul(ad.zeros([2, 3])), 'matmul', '[2, 3]');
  throwsWith(() => ad.zeros([6]).reshape([4, 2]), 'reshape', '[6]', '[4, 2]');
  throwsWith(() => ad.zeros([2]).broadcastTo([3]), 'broadcastTo', '[2]', '[3]');
  throwsWith(() => ad.concatenate([ad.zeros([2, 2]), ad.zeros([3, 3])]), 'concatenate', '[2, 2]', '[3, 3]');
  throwsWith(() => ad.zeros([2]).dot(ad.zeros([3])), 'dot', '[2]', '[3]');
});

test('grad of a non-scalar function says so and suggests vjp', () => {
  throwsWith(() => ad.grad((x: ad.Tensor) => x.mul(2))(ad.zeros([3])), 'grad', 'scalar', '[3]');
});

test('unknown dtypes and mixed dtypes are rejected', () => {
  throwsWith(() => ad.zeros([2], 'int8' as ad.DType), 'unknown dtype', 'int8');
  throwsWith(() => ad.zeros([2]).astype('float16' as ad.DType), 'astype', 'float16');
  throwsWith(() => ad.zeros([2]).add(ad.zeros([2], 'float32')), 'add', 'float64', 'float32');
});

test('out-of-range axes, slices and indices are rejected', () => {
  throwsWith(() => ad.zeros([2, 2]).sum(2), 'sum', 'axis 2');
  throwsWith(() => ad.zeros([3]).slice([1], [5]), 'slice', 'axis 0', '[3]');
  throwsWith(() => ad.zeros([3]).index(3), 'index', '[3]');
  throwsWith(() => ad.zeros([3, 2]).gather([0, 2], 1), 'gather', 'index 2');
  throwsWith(() => ad.zeros([2, 3]).transpose([0, 0]), 'transpose', '[2, 3]');
  throwsWith(() => ad.zeros([2, 3]).takeAlongAxis([0]), 'takeAlongAxis', '[2, 3]');
});

test('NaN where it matters: labels, indices, exponents and shapes', () => {
  throwsWith(() => ad.softmaxCrossEntropy(ad.zeros([2, 3]), [0, NaN]), 'takeAlongAxis', 'NaN');
  throwsWith(() => ad.zeros([3]).gather([NaN]), 'gather', 'NaN');
  throwsWith(() => ad.zeros([3]).pow(NaN), 'pow', 'NaN');
  throwsWith(() => ad.zeros([NaN]), 'full', 'NaN');
});

test('jvp and vjp check their arguments', () => {
  throwsWith(() => ad.jvp((x: ad.Tensor) => x, [ad.zeros([2])], [ad.zeros([3])]), 'jvp', '[3]', '[2]');
  throwsWith(() => ad.vjp((x: ad.Tensor) => x.sum(), ad.zeros([2]))[1](ad.zeros([2])), 'vjp', 'cotangent', '[2]');
  throwsWith(() => ad.grad((x: ad.Tensor) => x.sum(), 3)(ad.zeros([2])), 'argnums 3');
});

test('a tracer that escapes its transformation is caught when used', () => {
  let leaked: ad.Tensor | null = null;
  ad.grad((x: ad.Tensor) => {
    leaked = x;
    return x.sum();
  })(ad.zeros([2]));
  // a new transformation at the same level meets the stale tracer
  throwsWith(() => ad.grad((y: ad.Tensor) => y.mul(leaked!).sum())(ad.zeros([2])), 'escape');
});

test('setBackend rejects unknown names and lists the available ones', () => {
  throwsWith(() => ad.setBackend('cuda'), 'unknown backend', 'cuda', 'reference');
});

test.run();
