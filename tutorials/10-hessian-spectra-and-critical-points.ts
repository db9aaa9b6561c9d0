/**
 * Tutorial 10 — Hessian spectra in the full parameter space, and critical
 * points that are not what they seem.
 *
 * Run it: npx tsx tutorials/10-hessian-spectra-and-critical-points.ts
 * (by default 12 eigenvalues and a small autoencoder, k = 8, p = 2, from 3
 *  starts: about twenty seconds; GOLDILOCKS_TUTORIAL_FULL=1 computes 20
 *  eigenvalues of an MLP 784-8-10 on 200 MNIST images and runs the finders on
 *  the deep linear autoencoder k = 16, p = 4 from 6 starts: several minutes
 *  on two cores)
 *
 * Step 1 finds extreme eigenvalues of a Hessian from Hessian-vector products
 * alone (Lanczos) and checks them against the dense matrix. Step 2 trains a
 * classifier briefly and looks at its spectrum: a few large outliers (Fort
 * & Ganguli: about one per class), carried by the Gauss-Newton term; the
 * gradient lies mostly in their span; logit gradients cluster by class.
 * Step 3 meets a gradient-flat point on a two-dimensional toy: Newton's
 * method stops there although the gradient is not zero. Step 4 compares
 * Newton-MR with gradient-norm minimisation on the deep linear
 * autoencoder, whose critical points are known in closed form (Frye et al.).
 *
 * Exercises: 19 (hutchinsonTrace, src/landscape/linalg/hutchinson.ts) and
 * 20 (LanczosProcess.step, src/landscape/linalg/lanczos.ts); see
 * tutorials/README.md.
 */
import { Random, fromTypedArray, hessian, tensor } from '../src/autodiff/index.js';
import { crossEntropy, data, mlp, sgd, toFloat64 } from '../src/nn/index.js';
import {
  classBalancedIndices, classifyEndpoint, crossEntropyLoss, datasetClassifier, dlaeCriticalLosses, dlaeProblem, gaussNewtonOperator,
  gradientAt, gradientNormMinimization, hessianOperator, linalg, logitGradientAlignment, modelClassifier, newtonMR,
  overlapWithEigenvectors, topEigenpairs, toyLoss, traceAndFrobeniusNorm,
} from '../src/landscape/index.js';

// The default sizes run in seconds; GOLDILOCKS_TUTORIAL_FULL=1 runs the full-size study.
const quick = process.env.GOLDILOCKS_TUTORIAL_FULL !== '1';
// Step 2 uses the same small network in both modes (its checks depend on where training ends up, see there);
// the full run asks it for more eigenvalues and runs the finders of step 4 on the full-size autoencoder.
const sizes = quick
  ? { topK: 12, perClass: 2, dlae: { inputDim: 8, hiddenDim: 2 }, runs: 3, newtonIterations: 200, gnmIterations: 600 }
  : { topK: 20, perClass: 5, dlae: { inputDim: 16, hiddenDim: 4 }, runs: 6, newtonIterations: 500, gnmIterations: 5000 };

function check(label: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${label}: ${detail}`);
  console.log(`  ✓ ${label}: ${detail}`);
}
const fmt = (x: number): string => x.toPrecision(4);

// ---------------------------------------------------------------------------
// Step 1. Lanczos: eigenvalues from products.
//
// A network's Hessian is D×D, far too big to form. But H·v costs a few
// gradients (tutorial 03), and Lanczos turns products into eigenvalues: it
// builds an orthonormal basis of span{v, Hv, H²v, …}, in which H is
// tridiagonal, and the extreme eigenvalues of that small matrix converge to
// H's extreme eigenvalues after a few dozen products. On a tiny network we
// can check against the dense Hessian.
// ---------------------------------------------------------------------------
console.log('Step 1: Lanczos top eigenvalues from exact HVPs agree with the dense Hessian');
{
  const rng = new Random(1);
  const tiny = mlp('4-6-4', { activation: 'tanh' });
  const x = Float64Array.from({ length: 20 * 4 }, () => rng.normal());
  const labels = Int32Array.from({ length: 20 }, (_, i) => i % 4);
  const loss = crossEntropyLoss(modelClassifier(tiny, x, labels));
  const theta = Float64Array.from(tiny.init(new Random(2), 'xavier-normal', 2).toTypedArray());
  const dense = linalg.symmetricEigen(linalg.symmetrize(toFloat64(hessian(loss)(tensor(theta))))).values;
  const lanczos = topEigenpairs(hessianOperator(loss, theta), 3, { tolerance: 1e-12 });
  for (let i = 0; i < 3; i++) {
    const exact = dense[dense.length - 1 - i]!;
    check(`λ${i + 1}`, Math.abs(lanczos.values[i]! - exact) < 1e-8, `Lanczos ${fmt(lanczos.values[i]!)}, dense ${fmt(exact)}`);
  }
  console.log(`  (${lanczos.steps} products for D = ${theta.length})`);
}

// ---------------------------------------------------------------------------
// Step 2. The spectrum of a (briefly) trained classifier.
//
// Train an MLP 784-8-10 on 200 MNIST images by full-batch gradient descent,
// then look at its loss Hessian at θ:
//   - the top eigenvalues: a handful stand out from the rest (the bulk sits
//     near 0); Fort & Ganguli explain about C = 10 such outliers. This tiny
//     network is too small to show ten; at MNIST scale the CLI does (README,
//     "Hessian spectra"): 784-200-200-10 ReLU after 157 steps of minibatch SGD
//     (lr 0.1, batch 64, 10,000 images), measured on 5000 of them, has nine
//     outliers 14.3 … 3.86 and a tenth at 2.32 above a flat bulk top
//     (1.89, 1.79, … 1.29 at rank 30) — nine is C − 1, the rank of the
//     softmax covariance — and the gradient's overlap with the top 10 is
//     0.985 (random 0.007);
//   - the same for the Gauss-Newton matrix G = Jᵀ(diag p − ppᵀ)J/N, whose
//     product needs only first derivatives of the logits. G is positive
//     semi-definite; H − G = Σ (p − y)ᵀ∇²z/N carries the logits' own
//     curvature. Fort & Ganguli's model takes that to be weak, so that G
//     makes the outliers; on a narrow tanh network like this one it is not
//     (G supplies only part of the top curvature) — measure, don't assume;
//   - the gradient's overlap with the top-10 eigenvectors, ‖P g‖/‖g‖,
//     against the √(10/D) of a random direction. Gur-Ari et al. found it
//     near 1 ("gradient descent happens in a tiny subspace"), but that
//     depends on the step size η: gradient descent multiplies the gradient's
//     component along eigenvector i by about (1 − ηλᵢ) per step. At η = 0.2,
//     where ηλ₁ > 2 (the "edge of stability"), the top directions keep
//     oscillating and carry most of the gradient. At η = 0.05, ηλ₁ < 2: the
//     top components die out first and the gradient ends up in the
//     low-curvature bulk, with an overlap below the random one. (Measured on
//     784-32-10 with 1000 images, whose λ₁ falls below 2/η during training
//     even at η = 0.2, the overlap ends near 0; after Adam, near √(10/D).)
//     Minibatch SGD on the wider network above keeps the overlap high well
//     below the edge (ηλ₁ = 1.4: 0.985) early in training; after a full
//     epoch over 60,000 images (938 steps) its outliers have shrunk into a
//     smooth fall-off and the overlap is 0.57.
//   - the logit gradients ∂z_k(x)/∂θ: samples of the same class point the
//     same way (within-class alignment) more than samples in general.
// ---------------------------------------------------------------------------
console.log('Step 2: outliers and the gradient\'s subspace (MLP 784-8-10, 200 MNIST images)');
{
  const mnist = data.loadDataset('mnist', { split: 'train', samples: 200, seed: 0 });
  const model = mlp('784-8-10', { activation: 'tanh' });
  const classifier = datasetClassifier(model, mnist);
  const loss = crossEntropyLoss(classifier);
  const x = fromTypedArray(mnist.x, [200, 784]);
  const train = (learningRate: number, steps: number): Float64Array => {
    let theta: Float64Array = Float64Array.from(model.init(new Random(0), 'xavier-normal').toTypedArray());
    const optimizer = sgd({ learningRate }); // plain full-batch gradient descent
    let state = optimizer.init(theta);
    for (let t = 0; t < steps; t++) {
      const next = optimizer.step(theta, gradientAt((w) => crossEntropy(model.apply(w, x), mnist.labels), theta), state);
      theta = next.theta;
      state = next.state;
    }
    return theta;
  };
  const theta = train(0.2, 60);
  const D = theta.length;

  const H = hessianOperator(loss, theta);
  const top = topEigenpairs(H, sizes.topK, { tolerance: 1e-8, seed: 1 });
  console.log(`  top ${sizes.topK} Hessian eigenvalues: ${Array.from(top.values, fmt).join(', ')}`);
  const u = top.vectors[0]!;
  const Hu = H.apply(u);
  const residual = linalg.norm(Hu.map((v, i) => v - top.values[0]! * u[i]!));
  check('the top Ritz pair is an eigenpair', residual < 1e-5 * top.values[0]!, `‖Hu − λu‖ = ${residual.toExponential(2)}`);
  const ratio = top.values[0]! / top.values[sizes.topK - 1]!;
  check('the top eigenvalues stand out', ratio > 3, `λ1/λ${sizes.topK} = ${fmt(ratio)}`);

  // Hutchinson: Tr H and ‖H‖_F from 20 random ±1 probes. Σ_top λ² / ‖H‖_F² is the share of all the
  // curvature (squared) that the top eigenvalues hold; its error bar comes from that of ‖H‖_F.
  const hutchinson = traceAndFrobeniusNorm(H, { probes: 20, seed: 2 });
  const frobenius = hutchinson.frobeniusNorm;
  const share2 = top.values.reduce((a, b) => a + b * b, 0) / frobenius.estimate ** 2;
  console.log(
    `  Tr H ≈ ${fmt(hutchinson.trace.estimate)} ± ${fmt(hutchinson.trace.standardError)}, ‖H‖_F ≈ ${fmt(frobenius.estimate)} ± ${fmt(frobenius.standardError)}: ` +
      `the top ${sizes.topK} hold ${(100 * share2).toFixed(0)} ± ${((200 * share2 * frobenius.standardError) / frobenius.estimate).toFixed(0)} % of ‖H‖_F²`,
  );

  const gaussNewton = gaussNewtonOperator(classifier, theta);
  const G = topEigenpairs(gaussNewton, 3, { tolerance: 1e-8, seed: 1 });
  console.log(`  top Gauss-Newton eigenvalues: ${Array.from(G.values, fmt).join(', ')}`);
  // G is positive semi-definite; along H's top eigenvector it supplies uᵀGu of the curvature λ1 = uᵀHu, the H-term the rest.
  const share = linalg.dot(u, gaussNewton.apply(u));
  check('the Gauss-Newton part of the top curvature is ≥ 0', share >= 0, `uᵀGu = ${fmt(share)} of λ1 = ${fmt(top.values[0]!)} (${fmt((100 * share) / top.values[0]!)} %)`);

  const overlap = overlapWithEigenvectors(gradientAt(loss, theta), top, 10);
  check(
    'at the edge of stability the gradient lies mostly in the top-10 subspace',
    top.values[0]! * 0.2 > 2 && overlap.overlap > 0.5,
    `ηλ1 = ${fmt(0.2 * top.values[0]!)}, ‖P₁₀ g‖/‖g‖ = ${fmt(overlap.overlap)}, random √(10/D) = ${fmt(overlap.randomBaseline)} (D = ${D})`,
  );
  const stable = train(0.05, 60);
  const stableTop = topEigenpairs(hessianOperator(loss, stable), 10, { tolerance: 1e-6, seed: 1 });
  const stableOverlap = overlapWithEigenvectors(gradientAt(loss, stable), stableTop, 10);
  check(
    'with a small step the top components die out instead',
    stableTop.values[0]! * 0.05 < 2 && stableOverlap.overlap < overlap.randomBaseline,
    `η = 0.05: ηλ1 = ${fmt(0.05 * stableTop.values[0]!)}, ‖P₁₀ g‖/‖g‖ = ${fmt(stableOverlap.overlap)}`,
  );

  const subsample = classBalancedIndices(mnist.labels, 10, sizes.perClass, 3);
  const alignment = logitGradientAlignment(datasetClassifier(model, mnist, subsample), theta);
  check('logit gradients cluster by class', alignment.withinClass! > alignment.crossClass, `within-class ${fmt(alignment.withinClass!)} > all pairs ${fmt(alignment.crossClass)}`);
}

// ---------------------------------------------------------------------------
// Step 3. A gradient-flat point.
//
// f(x, y) = ¼x⁴ − 3x² + 9x + 0.9y⁴ + 5y² + 40 has one critical point,
// (−3, 0). At (√2, 0) the Hessian diag(3x² − 6, 10.8y² + 10) = diag(0, 10)
// is singular and the gradient (9 − 4√2, 0) lies in its kernel: no step
// p can make H p = −g hold, the best Newton can do is p = −H⁺g = 0. The
// relative residual r = ‖Hp + g‖/(‖H‖‖p‖ + ‖g‖) is then 1. Newton-MR (the
// minimum-length least-squares Newton step, with a line search on ‖∇f‖²)
// started on the right of x = −√2 ends there, with ‖∇f‖² ≈ 11.2 — a point
// that looks like convergence but is not critical.
// ---------------------------------------------------------------------------
console.log('Step 3: Newton-MR stops at a gradient-flat point on the right, finds the critical point on the left');
{
  const right = newtonMR(toyLoss, Float64Array.of(2, 1));
  const rightEnd = classifyEndpoint(toyLoss, right.theta);
  check('from (2, 1): gradient-flat', rightEnd.kind === 'gradient-flat', `ended at (${fmt(right.theta[0]!)}, ${fmt(right.theta[1]!)}) with ‖∇f‖² = ${fmt(right.squaredGradientNorm)}, r = ${fmt(rightEnd.relativeResidual)}`);
  const left = newtonMR(toyLoss, Float64Array.of(-2, 1));
  check('from (−2, 1): critical', classifyEndpoint(toyLoss, left.theta).kind === 'critical', `ended at (${fmt(left.theta[0]!)}, ${fmt(left.theta[1]!)}) with ‖∇f‖² = ${left.squaredGradientNorm.toExponential(1)}`);
  const gnm = gradientNormMinimization(toyLoss, Float64Array.of(1.8, 0.5));
  check('gradient-norm minimisation is drawn to the same flat point', Math.hypot(gnm.theta[0]! - Math.SQRT2, gnm.theta[1]!) < 1e-6, `ended at (${fmt(gnm.theta[0]!)}, ${fmt(gnm.theta[1]!)})`);
}

// ---------------------------------------------------------------------------
// Step 4. Newton-MR against gradient-norm minimisation on the deep linear
// autoencoder.
//
// x ↦ W₂W₁x with W₁ ∈ ℝ^{p×k}, on Gaussian data of covariance diag(1..k):
// every critical loss is (tr Σ − Σ_{i∈S} λᵢ)/k for a set S of at most p
// eigenvalues of the data's second-moment matrix (Baldi & Hornik), so a
// claimed critical point can be checked. Both finders start from the same
// points on gradient-descent trajectories. Newton-MR needs few iterations,
// each with a MINRES-QLP solve (dozens of HVPs); GNM many cheap ones (one
// gradient and one HVP each) on ½‖∇f‖², whose curvature is H²: badly
// conditioned, so it crawls (Frye et al.: 80 % against 35 %).
// ---------------------------------------------------------------------------
console.log(`Step 4: Newton-MR vs GNM on the deep linear autoencoder k = ${sizes.dlae.inputDim}, p = ${sizes.dlae.hiddenDim}, ${sizes.runs} starts`);
{
  const problem = dlaeProblem({ ...sizes.dlae, samples: 10_000, seed: 0 });
  const analytic = dlaeCriticalLosses(Array.from(linalg.symmetricEigen(problem.secondMoment).values), sizes.dlae.hiddenDim);
  const starts = problem.startingPoints(sizes.runs, 4);
  let newtonSuccesses = 0;
  let gnmSuccesses = 0;
  for (const [i, start] of starts.entries()) {
    const newton = newtonMR(problem.loss, start, { maxIterations: sizes.newtonIterations });
    const gnm = gradientNormMinimization(problem.loss, start, { maxIterations: sizes.gnmIterations });
    if (newton.squaredGradientNorm < 1e-10) {
      newtonSuccesses += 1;
      const gap = Math.min(...analytic.map((l) => Math.abs(l - newton.loss)));
      check(`start ${i + 1}: Newton-MR's critical point has an analytic loss`, gap < 1e-8, `loss ${newton.loss.toFixed(6)} (${gap.toExponential(1)} from the nearest)`);
    }
    if (gnm.squaredGradientNorm < 1e-10) gnmSuccesses += 1;
    console.log(
      `  start ${i + 1}: Newton-MR ‖∇f‖² ${newton.squaredGradientNorm.toExponential(1)} in ${newton.trace.length - 1} iterations (${newton.hessianProducts} HVPs, ${newton.seconds.toFixed(1)} s); ` +
        `GNM ${gnm.squaredGradientNorm.toExponential(1)} in ${gnm.trace.length - 1} iterations (${gnm.hessianProducts} HVPs, ${gnm.seconds.toFixed(1)} s)`,
    );
  }
  check('Newton-MR reaches ‖∇f‖² < 1e-10 at least as often as GNM', newtonSuccesses >= gnmSuccesses && newtonSuccesses >= Math.ceil(starts.length / 2), `${newtonSuccesses}/${starts.length} against ${gnmSuccesses}/${starts.length}`);
}
console.log('Tutorial 10: all checks passed.');
