/**
 * Published constants and formulas, checked against literal values taken from
 * their sources (cited next to each check) or derived here independently of
 * the code — never computed from the code's own constant.
 *
 *   the Goldilocks criterion (Fort & Scherlis 2019): z = 3 standard errors of
 *   the random-matrix reference √(2/(d+1)), derived below from the GOE
 *   definition and checked by a simulation precise enough that a 5 % error
 *   in the reference fails;
 *   dataset normalisation (MNIST, Fashion-MNIST, CIFAR-10) and sizes;
 *   Glorot/He/LeCun initialisation variances and the uniform bound;
 *   Adam's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, η = 1e-3.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import * as nn from '../src/nn/index.js';
import { summarizeEigenvalues, zoneCriterion } from '../src/landscape/index.js';
import { symmetricEigen } from '../src/landscape/linalg/index.js';
import { randomMatrixTraceOverNormStd } from '../src/landscape/curvature.js';
import { dlaeCriticalLosses, dlaeProblem, dlaeTrajectory } from '../src/landscape/critical/problems.js';
import { gradientDescentTrajectory } from '../src/landscape/critical/starting-points.js';

const { data } = nn;

// ---------------------------------------------------------------------------
// The random-matrix reference and the zone criterion

/**
 * A d×d GOE matrix with off-diagonal variance σ² has diagonal variance 2σ².
 * Stack its d diagonal entries and its d(d−1)/2 upper entries times √2 into a
 * vector u of N = d(d+1)/2 independent N(0, 2σ²) entries: ‖u‖ = ‖H‖_F and
 * Tr H = eᵀu with e the indicator of the diagonal (‖e‖² = d). Since u/‖u‖ is
 * uniform on the sphere, E[(êᵀû)²] = 1/N, so
 *
 *   Var(Tr H/‖H‖_F) = d/N = 2/(d+1)   exactly, for every σ.
 *
 * The same in the usual words: Tr ~ N(0, 2dσ²) and ‖H‖_F² ≈ d·2σ² + d(d−1)σ² = d(d+1)σ².
 */
function goeReference(d: number): number {
  const sigma2 = 1;
  const traceVariance = d * 2 * sigma2; // d diagonal entries of variance 2σ²
  const frobeniusSquared = d * 2 * sigma2 + d * (d - 1) * sigma2; // diagonal + both triangles
  return Math.sqrt(traceVariance / frobeniusSquared);
}

test('random-matrix reference: √(2/(d+1)) from the GOE definition, and literal values', () => {
  for (const d of [1, 2, 3, 5, 10, 20, 50, 100, 1000]) {
    assert.ok(Math.abs(randomMatrixTraceOverNormStd(d) - goeReference(d)) <= 1e-15 * goeReference(d), `d = ${d}`);
  }
  // literal values (√(2/2) = 1, √(2/4) = √½, √(2/21) for the zone's default d = 20)
  assert.is(randomMatrixTraceOverNormStd(1), 1);
  assert.ok(Math.abs(randomMatrixTraceOverNormStd(3) - 0.7071067811865476) < 1e-15);
  assert.ok(Math.abs(randomMatrixTraceOverNormStd(20) - 0.30860669992418382) < 1e-15);
});

/** A GOE matrix (row-major): off-diagonal N(0, 1), diagonal N(0, 2). */
function goeMatrix(d: number, rng: ad.Random): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    m[i * d + i] = Math.SQRT2 * rng.normal();
    for (let j = i + 1; j < d; j++) {
      const v = rng.normal();
      m[i * d + j] = v;
      m[j * d + i] = v;
    }
  }
  return m;
}

test('random-matrix reference by simulation: within 2 % for d = 4 and d = 10 (a 5 % error fails)', () => {
  // 40 000 matrices per d: the relative standard error of the measured std is
  // ≈ 1/√(2·40000) ≈ 0.35 %, so 2 % is > 5 standard errors, and a 5 % error
  // in the reference is > 8 standard errors away.
  const rng = new ad.Random(20190601);
  for (const d of [4, 10]) {
    const count = 40_000;
    let squares = 0;
    for (let s = 0; s < count; s++) {
      const m = goeMatrix(d, rng);
      let trace = 0;
      let fro = 0;
      for (let i = 0; i < d * d; i++) fro += m[i]! * m[i]!;
      for (let i = 0; i < d; i++) trace += m[i * d + i]!;
      squares += (trace * trace) / fro; // the mean is 0 by symmetry: E[x²] is the variance
    }
    const measured = Math.sqrt(squares / count);
    const ratio = measured / randomMatrixTraceOverNormStd(d);
    assert.ok(Math.abs(ratio - 1) < 0.02, `d = ${d}: measured std ${measured}, reference ${randomMatrixTraceOverNormStd(d)}`);
  }
});

test('summarizeEigenvalues on GOE spectra: Tr/‖H‖_F from eigenvalues equals the one from entries', () => {
  // the eigenvalue route used by the zone gives the same statistic as the entries
  const rng = new ad.Random(7);
  for (let s = 0; s < 20; s++) {
    const d = 6;
    const m = goeMatrix(d, rng);
    let trace = 0;
    let fro = 0;
    for (let i = 0; i < d * d; i++) fro += m[i]! * m[i]!;
    for (let i = 0; i < d; i++) trace += m[i * d + i]!;
    const summary = summarizeEigenvalues(symmetricEigen(m).values);
    assert.ok(Math.abs(summary.traceOverNorm - trace / Math.sqrt(fro)) < 1e-12);
    assert.ok(Math.abs(summary.frobeniusNorm - Math.sqrt(fro)) < 1e-12 * Math.sqrt(fro));
  }
});

test('zone criterion: z = 3 standard errors of √(2/(d+1)) over R subspaces, positive fraction above ½ (Fort & Scherlis 2019)', () => {
  const c = zoneCriterion(20, 1);
  assert.is(c.zThreshold, 3);
  assert.ok(Math.abs(c.traceOverNormThreshold - 3 * 0.30860669992418382) < 1e-15);
  assert.is(c.positiveFractionThreshold, 0.5);
  // d = 3, R = 2: 3·√(2/4)/√2 = 1.5
  assert.ok(Math.abs(zoneCriterion(3, 2).traceOverNormThreshold - 1.5) < 1e-15);
  // d = 8, R = 4: 3·√(2/9)/2 = √2/2
  assert.ok(Math.abs(zoneCriterion(8, 4).traceOverNormThreshold - Math.SQRT1_2) < 1e-15);
  // a chosen z is used as given
  assert.ok(Math.abs(zoneCriterion(3, 2, 2).traceOverNormThreshold - 1) < 1e-15);
});

// ---------------------------------------------------------------------------
// Datasets

test('normalisation constants as published', () => {
  // MNIST mean 0.1307, std 0.3081: the values of the PyTorch MNIST example
  // (pytorch/examples, mnist/main.py: transforms.Normalize((0.1307,), (0.3081,))).
  assert.equal([...data.MNIST_STATS.mean], [0.1307]);
  assert.equal([...data.MNIST_STATS.std], [0.3081]);
  // Fashion-MNIST training-set mean 0.2860, std 0.3530 (Xiao, Rasul & Vollgraf 2017 data; commonly quoted values).
  assert.equal([...data.FASHION_MNIST_STATS.mean], [0.286]);
  assert.equal([...data.FASHION_MNIST_STATS.std], [0.353]);
  // CIFAR-10 per-channel mean (0.4914, 0.4822, 0.4465) and population std (0.2470, 0.2435, 0.2616) of the training set.
  assert.equal([...data.CIFAR10_STATS.mean], [0.4914, 0.4822, 0.4465]);
  assert.equal([...data.CIFAR10_STATS.std], [0.247, 0.2435, 0.2616]);
});

test('MNIST: the training pixels really have mean 0.1307 and std 0.3081; 60000 + 10000 images (LeCun et al.)', () => {
  const train = data.loadMnist({ split: 'train', normalize: false });
  assert.is(data.numSamples(train), 60000);
  assert.is(data.numSamples(data.loadMnist({ split: 'test', normalize: false })), 10000);
  let s = 0;
  let s2 = 0;
  for (const v of train.x) {
    s += v;
    s2 += v * v;
  }
  const n = train.x.length;
  const mean = s / n;
  const std = Math.sqrt(s2 / n - mean * mean);
  assert.is(Number(mean.toFixed(4)), 0.1307, `mean ${mean}`);
  assert.is(Number(std.toFixed(4)), 0.3081, `std ${std}`);
  // and the loader applies them: byte 0 → −0.1307/0.3081, byte 255 → (1 − 0.1307)/0.3081
  const normalised = data.loadMnist({ split: 'test', samples: 20, seed: 1 });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of normalised.x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.ok(Math.abs(lo - -0.1307 / 0.3081) < 1e-12, `min ${lo}`);
  assert.ok(Math.abs(hi - (1 - 0.1307) / 0.3081) < 1e-12, `max ${hi}`);
});

// ---------------------------------------------------------------------------
// Initialisation

test('init variances: Glorot & Bengio 2010 (eq. 12), He et al. 2015 (eq. 10), LeCun 1998, literal values', () => {
  // fan_in 784, fan_out 200
  assert.ok(Math.abs(nn.initVariance('xavier-normal', 784, 200) - 2 / 984) < 1e-18);
  assert.ok(Math.abs(nn.initVariance('xavier-uniform', 784, 200) - 0.0020325203252032522) < 1e-18);
  assert.ok(Math.abs(nn.initVariance('he-normal', 784, 200) - 0.002551020408163265) < 1e-18);
  assert.ok(Math.abs(nn.initVariance('he-uniform', 784, 200) - 2 / 784) < 1e-18);
  assert.ok(Math.abs(nn.initVariance('lecun-normal', 784, 200) - 1 / 784) < 1e-18);
  assert.is(nn.initVariance('zeros', 784, 200), 0);
  // Glorot's uniform bound √6/√(n_in + n_out) and He-uniform's √(6/n_in): the largest |w| of a big draw is just below it
  for (const [init, bound] of [['xavier-uniform', Math.sqrt(6) / Math.sqrt(984)], ['he-uniform', Math.sqrt(6 / 784)]] as const) {
    const w = nn.getParameter(nn.dense(784, 200).init(new ad.Random(3), init), 'weight').toTypedArray();
    let max = 0;
    for (const v of w) max = Math.max(max, Math.abs(v));
    assert.ok(max <= bound && max > 0.999 * bound, `${init}: max |w| ${max}, bound ${bound}`);
  }
  // the expected radius of 784-200-200-10 (comment in src/nn/init.ts: ≈ 23.2, 28.6, 20.2)
  const model = nn.mlp([784, 200, 200, 10]);
  const xavier = Math.sqrt((784 * 200 * 2) / 984 + (200 * 200 * 2) / 400 + (200 * 10 * 2) / 210);
  const he = Math.sqrt(200 * 2 + 200 * 2 + 10 * 2);
  assert.ok(Math.abs(nn.expectedRadius(model, 'xavier-normal') - xavier) < 1e-12);
  assert.ok(Math.abs(nn.expectedRadius(model, 'he-normal') - he) < 1e-12);
  assert.is(Number(xavier.toFixed(1)), 23.2);
  assert.is(Number(he.toFixed(1)), 28.6);
});

// ---------------------------------------------------------------------------
// Adam

test('Adam defaults (Kingma & Ba 2015, Algorithm 1): η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8', () => {
  const opt = nn.adam();
  assert.is(opt.learningRate, 0.001);
  // a gradient of size ε: the first step is η·g/(|g| + ε) = η/2 — sees ε
  const theta = Float64Array.of(1, -1);
  const g = Float64Array.of(1e-8, -1e-8);
  const first = opt.step(theta, g, opt.init(theta));
  assert.ok(Math.abs(first.theta[0]! - (1 - 0.0005)) < 1e-15, `${first.theta[0]}`);
  assert.ok(Math.abs(first.theta[1]! - (-1 + 0.0005)) < 1e-15, `${first.theta[1]}`);
  // two steps with different gradients see β₁ and β₂ (bias-corrected moments by hand, with the literal constants)
  const g1 = Float64Array.of(3, 0.5);
  const g2 = Float64Array.of(-1, 2);
  const s1 = opt.step(theta, g1, opt.init(theta));
  const s2 = opt.step(s1.theta, g2, s1.state);
  for (let i = 0; i < 2; i++) {
    const m = (0.9 * (0.1 * g1[i]!) + 0.1 * g2[i]!) / (1 - 0.81);
    const v = (0.999 * (0.001 * g1[i]! ** 2) + 0.001 * g2[i]! ** 2) / (1 - 0.998001);
    const expected = s1.theta[i]! - (0.001 * m) / (Math.sqrt(v) + 1e-8);
    assert.ok(Math.abs(s2.theta[i]! - expected) < 1e-15, `θ[${i}] ${s2.theta[i]} vs ${expected}`);
  }
});


// ---------------------------------------------------------------------------
// Starting points of the critical-point finders on the deep linear autoencoder

test('DLAE starts as in Frye et al.’s autocrit: θ₀ ~ N(0, I/D), gradient descent at 0.1, from the loss at 0 down to the minimum', () => {
  // autocrit (github.com/charlesfrye/autocrit): networks initialise their
  // parameters as N(0, 1/D) and the default optimiser is gradient descent
  // with learning rate 0.1; starting points are taken along that trajectory.
  const D = 2 * 16 * 4;
  const trajectory = dlaeTrajectory(D);
  assert.is(trajectory.learningRate, 0.1);
  assert.ok(Math.abs(trajectory.initScale - 0.0883883476483184) < 1e-15, `init std ${trajectory.initScale}, 1/√128 = 0.0883883…`);
  assert.is(trajectory.steps, 1000);
  assert.is(trajectory.noiseVariance, 0.01);
  // Near θ = 0 the loss is tr Σ / k = (1 + … + 16)/16 = 8.5 for Σ ≈ diag(1..16);
  // the global minimum keeps the top p = 4 eigenvalues: (1 + … + 12)/16 = 4.875.
  // A trajectory from θ₀ starts at the first and, in 1000 steps, reaches the second.
  const problem = dlaeProblem({ inputDim: 16, hiddenDim: 4, samples: 2000, seed: 0 });
  const sigma = problem.secondMoment;
  const minimum = Math.min(...dlaeCriticalLosses(Array.from(symmetricEigen(sigma).values), 4));
  const atZero = Array.from({ length: 16 }, (_, i) => sigma[i * 16 + i]!).reduce((a, b) => a + b) / 16;
  assert.ok(Math.abs(atZero - 8.5) < 0.5 && Math.abs(minimum - 4.875) < 0.5, `tr Σ/k = ${atZero}, minimum ${minimum}`);
  const rng = new ad.Random(3);
  const theta0 = Float64Array.from({ length: D }, () => trajectory.initScale * rng.normal());
  const { losses } = gradientDescentTrajectory(problem.loss, theta0, trajectory.steps, trajectory.learningRate);
  const range = atZero - minimum;
  assert.ok(Math.abs(losses[0]! - atZero) < 0.02 * range, `the trajectory starts at ${losses[0]}, near the loss at 0, ${atZero}`);
  assert.ok(Math.abs(losses.at(-1)! - minimum) < 1e-3 * range, `after 1000 steps the loss is ${losses.at(-1)}, the minimum is ${minimum}`);
});

test.run();
