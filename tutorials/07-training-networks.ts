/**
 * Tutorial 07 — networks on the engine: a model is a function of one flat
 * parameter vector θ, and training is gradient steps on θ.
 *
 * Run it: npx tsx tutorials/07-training-networks.ts
 * (by default a small MLP on the synthetic circles set, in seconds;
 *  GOLDILOCKS_TUTORIAL_FULL=1 trains the MLP 784-200-200-10 on all of MNIST
 *  for 5 epochs, to ≥ 97.5 % test accuracy, in about ten minutes)
 *
 * Step 1 builds a model and checks its parameter count and initial radius.
 * Step 2 takes one gradient and one exact Hessian-vector product of the loss
 * with respect to θ. Step 3 trains with Adam and checks the test accuracy.
 *
 * Exercises: 14 (initVariance, src/nn/init.ts), 15 (softmaxCrossEntropy,
 * src/autodiff/ops.ts) and 16 (Adam's step, src/nn/optim.ts); see
 * tutorials/README.md.
 */
import { Random, fromTypedArray, grad, hvp, randn } from '../src/autodiff/index.js';
import { adam, createModel, data, evaluate, expectedRadius, objective, parameterNorm, trainModel } from '../src/nn/index.js';

// The default sizes run in seconds; GOLDILOCKS_TUTORIAL_FULL=1 runs the full-size study.
const quick = process.env.GOLDILOCKS_TUTORIAL_FULL !== '1';

function check(label: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${label}: ${detail}`);
  console.log(`  ✓ ${label}: ${detail}`);
}

const setup = quick
  ? { dataset: 'circles', model: '2-32-32-3', samples: 600, epochs: 12, lr: 0.02, batch: 32, target: 0.95 }
  : { dataset: 'mnist', model: '784-200-200-10', samples: undefined, epochs: 5, lr: 1e-3, batch: 128, target: 0.975 };

// ---------------------------------------------------------------------------
// Step 1. A model and its parameters.
//
// createModel('784-200-200-10') is three dense layers with ReLU between them.
// Its parameters live in one vector θ ∈ ℝ^D (weights and biases, layer after
// layer); model.apply(θ, x) cuts θ into matrices with slices and reshapes —
// differentiable operations — so every derivative with respect to θ is exact.
// ---------------------------------------------------------------------------
console.log(`Step 1: the model ${setup.model}`);
const rng = new Random(0);
const train = data.loadDataset(setup.dataset, { split: 'train', samples: setup.samples, seed: 0 });
const test = data.loadDataset(setup.dataset, { split: 'test', seed: 0 });
const model = createModel(setup.model, { activation: 'relu' });
const widths = setup.model.split('-').map(Number);
const D = widths.slice(1).reduce((s, out, i) => s + widths[i]! * out + out, 0);
check('D = Σ (n_in·n_out + n_out)', model.spec.size === D, `${model.spec.size} parameters`);
const theta0 = model.init(rng, 'xavier-normal');
// Xavier-normal draws each weight with variance 2/(n_in + n_out), biases 0, so
// E‖θ‖² = Σ_layers n_in·n_out·2/(n_in + n_out): the radius the Goldilocks papers call r_Xavier.
const rXavier = expectedRadius(model, 'xavier-normal');
const measured = parameterNorm(theta0);
check('‖θ_init‖ ≈ r_Xavier', Math.abs(measured / rXavier - 1) < (quick ? 0.1 : 0.01), `measured ${measured.toFixed(3)}, expected ${rXavier.toFixed(3)}`);

// ---------------------------------------------------------------------------
// Step 2. The loss as a function of θ: gradients and Hessian-vector products.
// ---------------------------------------------------------------------------
console.log('Step 2: derivatives of the loss with respect to θ');
const batch = data.gather(train, Int32Array.from({ length: 64 }, (_, i) => i));
const x = fromTypedArray(batch.x, [64, ...train.sampleShape]);
const loss = objective(model, x, batch.labels);
const g = grad(loss)(theta0);
check('the gradient has one entry per parameter', g.size === D, `‖∇L‖ = ${g.square().sum().sqrt().item().toFixed(4)}`);
const v = randn([D], new Random(1));
const Hv = hvp(loss, theta0, v);
// curvature along v, vᵀHv, against a finite difference of the gradient
const h = 1e-5;
const fd = grad(loss)(theta0.add(v.mul(h))).sub(grad(loss)(theta0.sub(v.mul(h)))).div(2 * h);
const relative = Hv.sub(fd).square().sum().sqrt().item() / Hv.square().sum().sqrt().item();
check('H·v (exact) matches finite differences of the gradient', relative < 1e-5, `relative difference ${relative.toExponential(2)}`);

// ---------------------------------------------------------------------------
// Step 3. Training: Adam steps on θ over mini-batches.
// ---------------------------------------------------------------------------
console.log(`Step 3: train for ${setup.epochs} epochs with Adam (lr ${setup.lr}, batch ${setup.batch})`);
const before = evaluate(model, theta0, test);
const started = performance.now();
const result = trainModel({
  model, train, test,
  optimizer: adam({ learningRate: setup.lr }),
  epochs: setup.epochs, batchSize: setup.batch, rng: new Random(2),
  initial: theta0,
  onEpoch: (r) => console.log(`    epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, test accuracy ${(100 * r.testAccuracy!).toFixed(2)} %, ‖θ‖ ${r.radius.toFixed(2)} (${r.seconds.toFixed(1)} s)`),
});
const after = result.history[result.history.length - 1]!;
check('the loss went down', after.trainLoss < before.loss, `${before.loss.toFixed(3)} → ${after.trainLoss.toFixed(3)}`);
check(`test accuracy ≥ ${100 * setup.target} %`, after.testAccuracy! >= setup.target, `${(100 * after.testAccuracy!).toFixed(2)} % in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log('Tutorial 07: all checks passed.');
