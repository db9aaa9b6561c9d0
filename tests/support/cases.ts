/**
 * One table of test functions that together use every primitive (and the
 * operations composed from them). The derivative tests run each entry
 * through the same checks: finite differences, closed-form identities and
 * agreement between modes. Which primitives a row uses is measured, not
 * declared: the coverage test in autodiff-derivatives.test.ts records the
 * evaluation rules that run for each row's value, gradient and HVP.
 */
import { bind } from '../../src/autodiff/trace.js';
import * as ad from '../../src/autodiff/index.js';
import type { Tensor } from '../../src/autodiff/index.js';

export interface DerivativeCase {
  name: string;
  shapes: number[][];
  /** Inputs drawn from (0.5, 1.5) instead of (−1, 1): for log, sqrt, powers. */
  positive?: boolean;
  /** A fixed point (all inputs, flattened and joined) instead of a seeded one: for exact zeros. */
  point?: number[];
  f: (...xs: Tensor[]) => Tensor;
}

export const derivativeCases: DerivativeCase[] = [
  { name: 'neg', shapes: [[3]], f: (x) => x.neg().mul(x) },
  { name: 'exp', shapes: [[2, 3]], f: (x) => x.exp() },
  { name: 'log', shapes: [[4]], positive: true, f: (x) => x.log() },
  { name: 'tanh', shapes: [[2, 2]], f: (x) => x.mul(2).tanh() },
  { name: 'sin', shapes: [[2, 3]], f: (x) => x.mul(2).sin().mul(x) },
  { name: 'cos', shapes: [[4]], f: (x) => x.cos().square().add(x.mul(3).cos()) },
  { name: 'pow 3', shapes: [[3]], f: (x) => x.pow(3) },
  { name: 'pow −1.5', shapes: [[3]], positive: true, f: (x) => x.pow(-1.5) },
  { name: 'sqrt', shapes: [[3]], positive: true, f: (x) => x.sqrt() },
  { name: 'pow with a tensor exponent', shapes: [[2, 3], [2, 3]], positive: true, f: (x, y) => x.pow(y.mul(2).sub(1)) },
  { name: 'pow with a broadcast exponent and a number base', shapes: [[2, 3], [3]], positive: true, f: (x, y) => x.pow(y).add(ad.pow(2, y.neg())) },
  // x^0 at x = 0 and a zero tensor exponent (the base 0 stays out of x^y: finite differences there would step to x < 0)
  {
    name: 'pow with zero exponents',
    shapes: [[3], [3]],
    point: [0, 0.5, 2, 0, 0, 1.5],
    f: (x, y) => ad.concatenate([x.pow(0).mul(x.pow(2)), x.slice([1]).pow(y.slice([1]))]),
  },
  { name: 'add with broadcasting', shapes: [[3, 4], [4]], f: (a, b) => a.add(b).mul(a) },
  { name: 'sub with broadcasting', shapes: [[2, 1, 3], [4, 1]], f: (a, b) => a.sub(b).square() },
  { name: 'mul', shapes: [[2, 3], [2, 3]], f: (a, b) => a.mul(b).mul(a) },
  { name: 'div', shapes: [[3], [3]], positive: true, f: (a, b) => a.div(b) },
  { name: 'div by a scalar', shapes: [[3], []], positive: true, f: (a, b) => b.div(a).add(a.div(b)) },
  { name: 'relu', shapes: [[6]], f: (x) => x.relu().mul(x.exp()) },
  { name: 'leakyRelu', shapes: [[6]], f: (x) => x.leakyRelu(0.1).square() },
  { name: 'sigmoid', shapes: [[5]], f: (x) => x.mul(3).sigmoid() },
  { name: 'abs', shapes: [[5]], f: (x) => x.abs().mul(x) },
  { name: 'maximum and minimum', shapes: [[4], [4]], f: (a, b) => a.maximum(b).mul(a.minimum(b).exp()) },
  { name: 'where', shapes: [[2, 3], [2, 3]], f: (a, b) => ad.where(a.greater(b), a.mul(b), b.exp()) },
  { name: 'sum over axes', shapes: [[2, 3, 4]], f: (x) => x.square().sum([0, 2]).exp() },
  { name: 'sum keepdims', shapes: [[3, 4]], f: (x) => x.div(x.exp().sum(1, true)) },
  { name: 'mean', shapes: [[3, 2]], f: (x) => x.mean(0).tanh() },
  { name: 'max over an axis', shapes: [[3, 5]], f: (x) => x.max(1).square() },
  { name: 'prod over axes', shapes: [[2, 3, 2]], f: (x) => x.prod([0, 2]).tanh() },
  { name: 'prod keepdims', shapes: [[3, 4]], f: (x) => x.prod(1, true).mul(x).add(x.prod()) },
  { name: 'prod with one zero in a group', shapes: [[2, 3]], point: [0.7, 0, -1.2, 0.5, 0.9, 1.3], f: (x) => ad.concatenate([x.prod(1), x.prod(0)]).exp() },
  { name: 'prod with two zeros in a group', shapes: [[2, 3]], point: [0, 0.8, 0, 1.1, -0.6, 0.9], f: (x) => ad.concatenate([x.prod(1), x.prod(0)]) },
  { name: 'max keepdims and min', shapes: [[4, 3]], f: (x) => x.max(0, true).mul(x).add(x.min()) },
  { name: 'reshape', shapes: [[2, 6]], f: (x) => x.reshape([3, 4]).exp().reshape([12]) },
  { name: 'transpose', shapes: [[2, 3, 4]], f: (x) => x.transpose([2, 0, 1]).mul(x.transpose([2, 0, 1]).tanh()) },
  { name: 'broadcastTo', shapes: [[3, 1]], f: (x) => x.broadcastTo([2, 3, 4]).exp() },
  { name: 'slice', shapes: [[4, 5]], f: (x) => x.slice([1, 0], [3, -1]).square() },
  { name: 'index', shapes: [[3, 2]], f: (x) => x.index(1).exp().mul(x.index(-1)) },
  { name: 'pad', shapes: [[2, 3]], f: (x) => ad.pad(x.square(), [1, 0], [0, 2]).exp() },
  { name: 'concatenate', shapes: [[2, 3], [1, 3]], f: (a, b) => ad.concatenate([a, b.exp(), a.square()], 0) },
  { name: 'stack', shapes: [[3], [3]], f: (a, b) => ad.stack([a.mul(b), b.tanh()], 1) },
  { name: 'gather with repeats', shapes: [[4, 3]], f: (x) => x.gather([2, 0, 2, 3], 0).square().gather([1, 1], 1) },
  { name: 'takeAlongAxis', shapes: [[3, 4]], f: (x) => x.exp().takeAlongAxis([3, 0, 3]) },
  {
    name: 'scatterAdd',
   
    shapes: [[3, 2]],
    f: (x) => bind('scatterAdd', [x.square()], { indices: Int32Array.from([4, 0, 4]), indexShape: [3], axis: 0, axisSize: 5 }).exp(),
  },
  { name: 'matmul 2-D', shapes: [[3, 4], [4, 2]], f: (a, b) => a.matmul(b).tanh() },
  { name: 'matmul of a transpose', shapes: [[4, 3], [4, 2]], f: (a, b) => a.T.matmul(b.tanh()) },
  { name: 'batched matmul with broadcasting', shapes: [[2, 3, 4], [4, 2]], f: (a, b) => a.matmul(b).square() },
  { name: 'matrix-vector, dot, outer', shapes: [[3, 4], [4]], f: (a, v) => a.matmul(v).outer(v.tanh()).add(v.dot(v)) },
  { name: 'logSumExp', shapes: [[3, 4]], f: (x) => x.mul(5).logSumExp(1) },
  { name: 'softmax', shapes: [[2, 5]], f: (x) => x.softmax() },
  { name: 'softmaxCrossEntropy', shapes: [[4, 3]], f: (x) => ad.softmaxCrossEntropy(x.mul(2), [0, 2, 1, 2]) },
  { name: 'meanSquaredError', shapes: [[3], [3]], f: (a, b) => ad.meanSquaredError(a.tanh(), b) },
];
