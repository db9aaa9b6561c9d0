/**
 * Parameters: the spec's layout, flatten/unflatten as exact inverses, and
 * derivatives through unflatten (the gradient with respect to θ is the
 * per-parameter gradients laid end to end; jvp and hvp go through it too).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';
import { finiteDifferenceDirectional, relativeError, seededVector } from './support/numeric.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

function sampleTree(): nn.Params {
  const rng = new ad.Random(5);
  return {
    conv: { weight: ad.randn([3, 2, 2, 2], rng), bias: ad.randn([3], rng) },
    head: { dense: { weight: ad.randn([4, 5], rng) } },
    scale: ad.randn([], rng),
  };
}

test('makeSpec lays parameters end to end; specOf infers roles and fans from shapes', () => {
  const spec = nn.specOf(sampleTree());
  assert.equal(spec.entries.map((e) => [e.name, e.offset, e.size]), [
    ['conv.weight', 0, 24],
    ['conv.bias', 24, 3],
    ['head.dense.weight', 27, 20],
    ['scale', 47, 1],
  ]);
  assert.is(spec.size, 48);
  assert.is(nn.parameterCount(spec), 48);
  assert.is(nn.parameterCount(sampleTree()), 48);
  const conv = spec.entries[0]!;
  assert.equal([conv.role, conv.fanIn, conv.fanOut], ['weight', 2 * 4, 3 * 4]);
  assert.equal([spec.entries[1]!.role, spec.entries[2]!.fanIn, spec.entries[2]!.fanOut], ['bias', 4, 5]);
  assert.ok(nn.formatSpec(spec).includes('D = 48'));
});

test('makeSpec refuses duplicate and nested names', () => {
  const d = (name: string): nn.ParameterDeclaration => ({ name, shape: [2], role: 'bias', fanIn: 1, fanOut: 2 });
  assert.throws(() => nn.makeSpec([d('a'), d('a')]), /two parameters are named "a"/);
  assert.throws(() => nn.makeSpec([d('a'), d('a.b')]), /one is inside the other/);
  assert.throws(() => nn.makeSpec([d('a..b')]), /invalid parameter name/);
});

test('flatten and unflatten are exact inverses', () => {
  const params = sampleTree();
  const spec = nn.specOf(params);
  const theta = nn.flatten(params);
  assert.equal(theta.shape, [48]);
  assert.is(theta.dtype, 'float64');
  const back = nn.unflatten(theta, spec);
  for (const [name, t] of nn.parameterLeaves(params)) {
    const u = nn.getParameter(back, name);
    assert.equal(u.shape, t.shape, name);
    assert.ok(same(u.toTypedArray(), t.toTypedArray()), name);
  }
  const theta2 = ad.tensor(seededVector(48, 3));
  assert.ok(same(nn.flatten(nn.unflatten(theta2, spec), spec).toTypedArray(), theta2.toTypedArray()));
  // the nested structure is rebuilt from the dotted names
  const tree = back as { head: { dense: { weight: Tensor } } };
  assert.equal(tree.head.dense.weight.shape, [4, 5]);
  assert.throws(() => nn.unflatten(ad.zeros([47]), spec), /vector of the spec's 48 parameters/);
  assert.throws(() => nn.flatten({ conv: { weight: ad.zeros([3, 2, 2, 2]) } }, spec), /no parameter "conv.bias"/);
});

test('the gradient through unflatten is the per-parameter gradients laid end to end', () => {
  const rng = new ad.Random(11);
  const x = ad.randn([6, 4], rng);
  const params = { l1: { weight: ad.randn([4, 3], rng), bias: ad.randn([3], rng) }, l2: { weight: ad.randn([3, 2], rng) } };
  const spec = nn.specOf(params);
  const loss = (w1: Tensor, b1: Tensor, w2: Tensor): Tensor => x.matmul(w1).add(b1).tanh().matmul(w2).square().sum();
  const perParameter = ad.grad(loss, [0, 1, 2])(params.l1.weight, params.l1.bias, params.l2.weight);
  const lossOfTheta = (theta: Tensor): Tensor => {
    const p = nn.unflatten(theta, spec);
    return loss(nn.getParameter(p, 'l1.weight'), nn.getParameter(p, 'l1.bias'), nn.getParameter(p, 'l2.weight'));
  };
  const theta = nn.flatten(params, spec);
  const g = ad.grad(lossOfTheta)(theta).toTypedArray();
  const expected = Float64Array.from(perParameter.flatMap((t) => Array.from(t.toTypedArray())));
  assert.ok(relativeError(g, expected) < 1e-15, `${relativeError(g, expected)}`);

  // second order through unflatten: the HVP against finite differences of the gradient
  const v = seededVector(spec.size, 4);
  const hv = ad.hvp(lossOfTheta, theta, ad.tensor(v)).toTypedArray();
  const numGrad = (t: Float64Array): Float64Array => ad.grad(lossOfTheta)(ad.tensor(t)).toTypedArray() as Float64Array;
  const fd = finiteDifferenceDirectional(numGrad, Float64Array.from(theta.toTypedArray()), v);
  assert.ok(relativeError(hv, fd) <= 1e-6, `HVP vs FD ${relativeError(hv, fd)}`);

  // forward mode: the tangent of each unflattened parameter is the matching slice of the tangent of θ
  const [, tangent] = ad.jvp((t: Tensor) => nn.getParameter(nn.unflatten(t, spec), 'l1.bias'), [theta], [ad.tensor(v)]);
  const e = spec.entries.find((x) => x.name === 'l1.bias')!;
  assert.ok(same(tangent.toTypedArray(), v.subarray(e.offset, e.offset + e.size)));
});

test('toNamedArrays / fromNamedArrays round-trip θ (the checkpoint form)', () => {
  const spec = nn.specOf(sampleTree());
  const theta = seededVector(spec.size, 8);
  const named = nn.toNamedArrays(theta, spec);
  assert.equal(named.map((a) => a.name), spec.entries.map((e) => e.name));
  assert.equal(named[0]!.shape, [3, 2, 2, 2]);
  assert.ok(same(nn.fromNamedArrays(named.slice().reverse(), spec).toTypedArray(), theta));
  assert.throws(() => nn.fromNamedArrays(named.slice(1), spec), /"conv.weight" is missing/);
});

test('initParams and initTheta draw the same numbers from the same seed', () => {
  const model = nn.mlp('3-4-2');
  const tree = nn.initParams(model.spec, new ad.Random(3), 'he-uniform', 0.5);
  const theta = model.init(new ad.Random(3), 'he-uniform', 0.5);
  assert.ok(same(nn.flatten(tree, model.spec).toTypedArray(), theta.toTypedArray()));
  const layerTree = model.network.init(new ad.Random(3), 'he-uniform', 0.5);
  assert.ok(same(nn.flatten(layerTree, model.spec).toTypedArray(), theta.toTypedArray()));
});

test.run();
