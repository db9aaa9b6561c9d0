/**
 * The landscape's public API as a newcomer uses it: the example at the top
 * of src/landscape/index.ts (top-k Hessian eigenvalues of a trained model),
 * against the eigenvalues of autodiff's dense Hessian; a spectrum call that
 * computes only what it is asked for, counted in Hessian-vector products;
 * and what `nn` returns (a tensor θ) accepted wherever a θ is expected.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random, hessian, tensor } from '../src/autodiff/index.js';
import { data, mlp, sgd, toFloat64, trainModel } from '../src/nn/index.js';
import {
  analyzeSpectrum, crossEntropyLoss, datasetClassifier, gaussNewtonOperator, gradientAt, hessianOperator, hessianSpectrum, linalg,
  modelClassifier, outputStatistics,
} from '../src/landscape/index.js';

/** The eigenvalues of the dense Hessian of `loss` at θ, descending. */
function denseDescending(loss: (t: ReturnType<typeof tensor>) => ReturnType<typeof tensor>, theta: Float64Array): number[] {
  const H = linalg.symmetrize(toFloat64(hessian(loss)(tensor(theta))));
  return Array.from(linalg.symmetricEigen(H).values).reverse();
}

test('the index example: top-3 Hessian eigenvalues of a trained model, from one Lanczos run', () => {
  const train = data.loadDataset('circles', { samples: 200 });
  const model = mlp('2-16-3');
  const { theta } = trainModel({
    model, train, optimizer: sgd({ learningRate: 0.5 }), epochs: 5, batchSize: 20, rng: new Random(1), initial: model.init(new Random(0), 'he-normal'),
  });
  const loss = crossEntropyLoss(datasetClassifier(model, train));
  const { top, products, trace, density, bottom } = hessianSpectrum(loss, theta, { topK: 3 });
  const exact = denseDescending(loss, theta);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(top!.values[i]! - exact[i]!) <= 1e-6 * exact[0]!, `λ${i + 1}: ${top!.values[i]} vs dense ${exact[i]}`);
  }
  assert.is(trace, null);
  assert.is(density, null);
  assert.is(bottom, null);
  assert.is(products, top!.steps, 'every product went into the one Lanczos run');
  assert.ok(products <= 60, `at most the default 60 Lanczos steps, used ${products}`);
});

// A small classifier whose Hessian is cheap to form densely (D = 4·6 + 6 + 6·3 + 3 = 51).
const model = mlp('4-6-3', { activation: 'tanh' });
const rng = new Random(5);
const x = Float64Array.from({ length: 30 * 4 }, () => rng.normal());
const labels = Int32Array.from({ length: 30 }, (_, i) => i % 3);
const classifier = modelClassifier(model, x, labels);
const loss = crossEntropyLoss(classifier);
const thetaTensor = model.init(new Random(6), 'xavier-normal', 2);
const theta = toFloat64(thetaTensor);

test('{ topK: 1 } costs one Lanczos run (≈20 HVPs here), not the 400-odd of trace and density probes', () => {
  const report = hessianSpectrum(loss, theta, { topK: 1 });
  const exact = denseDescending(loss, theta);
  assert.ok(Math.abs(report.top!.values[0]! - exact[0]!) <= 1e-7 * exact[0]!, `${report.top!.values[0]} vs ${exact[0]}`);
  assert.ok(report.top!.converged);
  assert.is(report.products, report.top!.steps);
  assert.ok(report.products >= 5 && report.products <= 30, `products ${report.products}`);
  assert.is(report.trace, null);
  assert.is(report.frobeniusNorm, null);
  assert.is(report.traceProbes, 0);
  assert.is(report.density, null);
});

test('asking for nothing computes the top eigenvalue only; asking for the trace does not add eigenvalues', () => {
  const nothing = analyzeSpectrum(hessianOperator(loss, theta));
  assert.is(nothing.top!.values.length, 1);
  assert.is(nothing.products, nothing.top!.steps);
  const traceOnly = analyzeSpectrum(hessianOperator(loss, theta), { traceProbes: 7 });
  assert.is(traceOnly.top, null);
  assert.is(traceOnly.density, null);
  assert.is(traceOnly.products, 7);
});

test('every operator counts its products once: single products, batched passes, and a counting wrapper on top', () => {
  const H = hessianOperator(loss, theta);
  const v = Float64Array.from({ length: theta.length }, (_, i) => Math.sin(i));
  H.apply(v);
  H.applyMany!([v, v, v, v, v, v, v]);
  assert.is(H.products(), 8);
  let reported = 0;
  const wrapped = linalg.countingOperator(H, (count) => (reported = count));
  wrapped.apply(v);
  wrapped.applyMany!([v, v]);
  assert.is(wrapped.products(), 3);
  assert.is(reported, 3);
  assert.is(H.products(), 11, 'the inner operator counted the same products');
  const G = gaussNewtonOperator(classifier, theta);
  G.apply(v);
  G.apply(v);
  assert.is(G.products(), 2);
});

test('a tensor θ from model.init is accepted wherever a θ is, with the same numbers as its Float64Array', () => {
  const v = Float64Array.from({ length: theta.length }, (_, i) => Math.cos(i));
  assert.equal(Array.from(hessianOperator(loss, thetaTensor).apply(v)), Array.from(hessianOperator(loss, theta).apply(v)));
  assert.equal(Array.from(gaussNewtonOperator(classifier, thetaTensor).apply(v)), Array.from(gaussNewtonOperator(classifier, theta).apply(v)));
  assert.equal(Array.from(gradientAt(loss, thetaTensor)), Array.from(gradientAt(loss, theta)));
  assert.equal(outputStatistics(classifier, thetaTensor), outputStatistics(classifier, theta));
  assert.equal(hessianSpectrum(loss, thetaTensor, { topK: 2 }).top!.values, hessianSpectrum(loss, theta, { topK: 2 }).top!.values);
});

test.run();
