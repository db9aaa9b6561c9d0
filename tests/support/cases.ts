/**
 * One table of test functions that together use every primitive (and the
 * operations composed from them). The derivative tests run each entry
 * through the same checks: finite differences, closed-form identities and
 * agreement between modes.
 */
import { bind } from '../../src/autodiff/trace.js';
import * as ad from '../../src/autodiff/index.js';
import type { Tensor } from '../../src/autodiff/index.js';

export interface DerivativeCase {
  name: string;
  /** Primitives this case exercises (checked for coverage of the whole set). */
  primitives: ad.Primitive[];
  shapes: number[][];
  /** Inputs drawn from (0.5, 1.5) instead of (−1, 1): for log, sqrt, powers. */
  positive?: boolean;
  f: (...xs: Tensor[]) => Tensor;
}

export const derivativeCases: DerivativeCase[] = [
  { name: 'neg', primitives: ['neg'], shapes: [[3]], f: (x) => x.neg().mul(x) },
  { name: 'exp', primitives: ['exp'], shapes: [[2, 3]], f: (x) => x.exp() },
  { name: 'log', primitives: ['log'], shapes: [[4]], positive: true, f: (x) => x.log() },
  { name: 'tanh', primitives: ['tanh'], shapes: [[2, 2]], f: (x) => x.mul(2).tanh() },
  { name: 'pow 3', primitives: ['pow'], shapes: [[3]], f: (x) => x.pow(3) },
  { name: 'pow −1.5', primitives: ['pow'], shapes: [[3]], positive: true, f: (x) => x.pow(-1.5) },
  { name: 'sqrt', primitives: ['pow'], shapes: [[3]], positive: true, f: (x) => x.sqrt() },
  { name: 'add with broadcasting', primitives: ['add', 'broadcastTo'], shapes: [[3, 4], [4]], f: (a, b) => a.add(b).mul(a) },
  { name: 'sub with broadcasting', primitives: ['sub', 'broadcastTo'], shapes: [[2, 1, 3], [4, 1]], f: (a, b) => a.sub(b).square() },
  { name: 'mul', primitives: ['mul'], shapes: [[2, 3], [2, 3]], f: (a, b) => a.mul(b).mul(a) },
  { name: 'div', primitives: ['div'], shapes: [[3], [3]], positive: true, f: (a, b) => a.div(b) },
  { name: 'div by a scalar', primitives: ['div'], shapes: [[3], []], positive: true, f: (a, b) => b.div(a).add(a.div(b)) },
  { name: 'relu', primitives: ['compare', 'mul'], shapes: [[6]], f: (x) => x.relu().mul(x.exp()) },
  { name: 'leakyRelu', primitives: ['compare', 'where'], shapes: [[6]], f: (x) => x.leakyRelu(0.1).square() },
  { name: 'sigmoid', primitives: ['tanh'], shapes: [[5]], f: (x) => x.mul(3).sigmoid() },
  { name: 'abs', primitives: ['where'], shapes: [[5]], f: (x) => x.abs().mul(x) },
  { name: 'maximum and minimum', primitives: ['compare', 'where'], shapes: [[4], [4]], f: (a, b) => a.maximum(b).mul(a.minimum(b).exp()) },
  { name: 'where', primitives: ['where'], shapes: [[2, 3], [2, 3]], f: (a, b) => ad.where(a.greater(b), a.mul(b), b.exp()) },
  { name: 'sum over axes', primitives: ['sum'], shapes: [[2, 3, 4]], f: (x) => x.square().sum([0, 2]).exp() },
  { name: 'sum keepdims', primitives: ['sum', 'broadcastTo'], shapes: [[3, 4]], f: (x) => x.div(x.exp().sum(1, true)) },
  { name: 'mean', primitives: ['sum', 'div'], shapes: [[3, 2]], f: (x) => x.mean(0).tanh() },
  { name: 'max over an axis', primitives: ['max'], shapes: [[3, 5]], f: (x) => x.max(1).square() },
  { name: 'max keepdims and min', primitives: ['max'], shapes: [[4, 3]], f: (x) => x.max(0, true).mul(x).add(x.min()) },
  { name: 'reshape', primitives: ['reshape'], shapes: [[2, 6]], f: (x) => x.reshape([3, 4]).exp().reshape([12]) },
  { name: 'transpose', primitives: ['transpose'], shapes: [[2, 3, 4]], f: (x) => x.transpose([2, 0, 1]).mul(x.transpose([2, 0, 1]).tanh()) },
  { name: 'broadcastTo', primitives: ['broadcastTo'], shapes: [[3, 1]], f: (x) => x.broadcastTo([2, 3, 4]).exp() },
  { name: 'slice', primitives: ['slice'], shapes: [[4, 5]], f: (x) => x.slice([1, 0], [3, -1]).square() },
  { name: 'index', primitives: ['slice', 'reshape'], shapes: [[3, 2]], f: (x) => x.index(1).exp().mul(x.index(-1)) },
  { name: 'pad', primitives: ['pad'], shapes: [[2, 3]], f: (x) => ad.pad(x.square(), [1, 0], [0, 2]).exp() },
  { name: 'concatenate', primitives: ['concatenate'], shapes: [[2, 3], [1, 3]], f: (a, b) => ad.concatenate([a, b.exp(), a.square()], 0) },
  { name: 'stack', primitives: ['concatenate', 'reshape'], shapes: [[3], [3]], f: (a, b) => ad.stack([a.mul(b), b.tanh()], 1) },
  { name: 'gather with repeats', primitives: ['gather'], shapes: [[4, 3]], f: (x) => x.gather([2, 0, 2, 3], 0).square().gather([1, 1], 1) },
  { name: 'takeAlongAxis', primitives: ['gather', 'reshape'], shapes: [[3, 4]], f: (x) => x.exp().takeAlongAxis([3, 0, 3]) },
  {
    name: 'scatterAdd',
    primitives: ['scatterAdd'],
    shapes: [[3, 2]],
    f: (x) => bind('scatterAdd', [x.square()], { indices: Int32Array.from([4, 0, 4]), indexShape: [3], axis: 0, axisSize: 5 }).exp(),
  },
  { name: 'matmul 2-D', primitives: ['matmul'], shapes: [[3, 4], [4, 2]], f: (a, b) => a.matmul(b).tanh() },
  { name: 'matmul of a transpose', primitives: ['matmul', 'transpose'], shapes: [[4, 3], [4, 2]], f: (a, b) => a.T.matmul(b.tanh()) },
  { name: 'batched matmul with broadcasting', primitives: ['matmul'], shapes: [[2, 3, 4], [4, 2]], f: (a, b) => a.matmul(b).square() },
  { name: 'matrix-vector, dot, outer', primitives: ['matmul', 'mul', 'sum'], shapes: [[3, 4], [4]], f: (a, v) => a.matmul(v).outer(v.tanh()).add(v.dot(v)) },
  { name: 'logSumExp', primitives: ['max', 'stopGradient', 'exp', 'log'], shapes: [[3, 4]], f: (x) => x.mul(5).logSumExp(1) },
  { name: 'softmax', primitives: ['exp', 'sub'], shapes: [[2, 5]], f: (x) => x.softmax() },
  { name: 'softmaxCrossEntropy', primitives: ['gather'], shapes: [[4, 3]], f: (x) => ad.softmaxCrossEntropy(x.mul(2), [0, 2, 1, 2]) },
  { name: 'meanSquaredError', primitives: ['pow'], shapes: [[3], [3]], f: (a, b) => ad.meanSquaredError(a.tanh(), b) },
];
