/**
 * Tutorial 08 — the Goldilocks zone on MNIST.
 *
 * Run it: npx tsx tutorials/08-goldilocks-zone.ts
 * (by default small bias-free MLPs on 200 MNIST examples, d = 16, three
 *  radii, in seconds; GOLDILOCKS_TUTORIAL_FULL=1: MLPs 784-200-200-10 with
 *  ReLU and with tanh, 1000 MNIST training examples, d = 20, five radii from
 *  0.01·r_Xavier to 100·r_Xavier, about a minute)
 *
 * Fort & Scherlis found that the loss Hessian, restricted to a random
 * low-dimensional subspace, has an excess of positive curvature — large
 * Tr(H)/‖H‖_F, more than half its eigenvalues positive — in a thick shell of
 * radii ‖θ‖ around where Xavier initialisation puts the weights, and not far
 * inside or outside it. This tutorial measures exactly that:
 *
 *   1. draw θ_init (Xavier), radius r_X = ‖θ_init‖;
 *   2. for α in {0.01, 0.1, 1, 10, 100}: H_P = Pᵀ H(α·θ_init) P from d exact
 *      Hessian-vector products along the columns of a random orthonormal P;
 *   3. check that Tr(H_P)/‖H_P‖_F and the positive fraction are higher at
 *      α = 1 than at α = 0.01 and at α = 100.
 *
 * Exercises: 17 (zoneCriterion, src/landscape/zone.ts) and 18
 * (restrictOperator, src/landscape/restricted-hessian.ts); see
 * tutorials/README.md.
 */
import { Random } from '../src/autodiff/index.js';
import { createModel, data, expectedRadius, toFloat64 } from '../src/nn/index.js';
import { datasetClassifier, findZone, scaleSweep, zoneCriterion } from '../src/landscape/index.js';

// The default sizes run in seconds; GOLDILOCKS_TUTORIAL_FULL=1 runs the full-size study.
const quick = process.env.GOLDILOCKS_TUTORIAL_FULL !== '1';
const setup = quick
  ? { widths: '784-64-64-10', samples: 200, d: 16, scales: [0.01, 1, 100], bias: false }
  : { widths: '784-200-200-10', samples: 1000, d: 20, scales: [0.01, 0.1, 1, 10, 100], bias: true };

function check(label: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${label}: ${detail}`);
  console.log(`  ✓ ${label}: ${detail}`);
}

const train = data.loadDataset('mnist', { split: 'train', samples: setup.samples, seed: 0 });

for (const activation of ['relu', 'tanh'] as const) {
  console.log(`MLP ${setup.widths}${setup.bias ? '' : ' without biases'}, ${activation}, Xavier init, ${setup.samples} MNIST examples, d = ${setup.d}`);
  // With biases, the output layer's bias adds a little positive curvature that
  // does not shrink with the weights, so at very small radii Tr(H)/‖H‖ creeps
  // up again; bias-free networks show the clean picture (see README).
  const model = createModel(setup.widths, { activation, bias: setup.bias });
  const thetaInit = toFloat64(model.init(new Random(0), 'xavier-normal'));
  const started = performance.now();
  const points = scaleSweep(datasetClassifier(model, train), thetaInit, setup.scales, {
    subspaceDim: setup.d, projection: 'dense', repeats: 1, seed: 0, gaussNewton: false,
  });
  console.log('    r/r_X    loss      Tr(H)/‖H‖   positive fraction');
  for (const p of points) {
    console.log(`    ${p.scale.toExponential(0).padEnd(8)} ${p.loss.toPrecision(4).padEnd(9)} ${p.traceOverNorm.toFixed(3).padStart(8)}    ${p.positiveFraction.toFixed(2)}`);
  }
  console.log(`    (r_X = ${expectedRadius(model, 'xavier-normal').toFixed(2)}; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const at = (scale: number) => points.find((p) => p.scale === scale)!;
  const [inside, small, large] = [at(1), at(0.01), at(100)];
  check('Tr(H)/‖H‖ at r_X exceeds that at 0.01·r_X', inside.traceOverNorm > small.traceOverNorm, `${inside.traceOverNorm.toFixed(3)} > ${small.traceOverNorm.toFixed(3)}`);
  check('Tr(H)/‖H‖ at r_X exceeds that at 100·r_X', inside.traceOverNorm > large.traceOverNorm, `${inside.traceOverNorm.toFixed(3)} > ${large.traceOverNorm.toFixed(3)}`);
  check('more positive eigenvalues at r_X than at 0.01·r_X', inside.positiveFraction > small.positiveFraction, `${inside.positiveFraction.toFixed(2)} > ${small.positiveFraction.toFixed(2)}`);
  check('more positive eigenvalues at r_X than at 100·r_X', inside.positiveFraction >= large.positiveFraction, `${inside.positiveFraction.toFixed(2)} ≥ ${large.positiveFraction.toFixed(2)}`);
  const zone = findZone(points, zoneCriterion(setup.d, 1));
  check('r_X lies in the zone found by the significance criterion', zone !== null && zone.lowerRatio <= 1 && zone.upperRatio >= 1,
    zone ? `zone r/r_X from ${zone.lowerRatio.toPrecision(3)} to ${zone.upperRatio.toPrecision(3)}` : 'no zone');
}
console.log('Tutorial 08: all checks passed.');
