/**
 * The logit-gradient model of the Hessian's outliers: its operator and
 * gradient against dense formulas, its outliers against the closed form at
 * perfect clustering (exactly C − 1, with the gradient inside their span), and
 * the direction of its predictions as the clustering weakens.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logitGradientModel, summarizeLogitGradientModel } from '../src/landscape/index.js';
import { linalg } from '../src/landscape/index.js';

const { dot, norm, symmetricEigen, topEigenpairs } = linalg;

function randomVector(dim: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: dim }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

test('the Gauss-Newton product and the gradient equal their dense sums over examples', () => {
  const model = logitGradientModel({ classes: 3, perClass: 4, dim: 7, clusterNoise: 0.7, logitCurvature: 0, seed: 2 });
  const { classes: c, examples: n, dim: d, logitGradients: J, probabilities: P, labels } = model;
  const G = new Float64Array(d * d);
  const g = new Float64Array(d);
  for (let mu = 0; mu < n; mu++) {
    for (let k = 0; k < c; k++) {
      const pk = P[mu * c + k]!;
      g.forEach((_, i) => (g[i] = g[i]! + ((pk - (labels[mu] === k ? 1 : 0)) * J[(mu * c + k) * d + i]!) / n));
      for (let l = 0; l < c; l++) {
        const a = (k === l ? pk : 0) - pk * P[mu * c + l]!;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) G[i * d + j] = G[i * d + j]! + (J[(mu * c + k) * d + i]! * a * J[(mu * c + l) * d + j]!) / n;
      }
    }
  }
  const v = randomVector(d, 5);
  const Gv = model.gaussNewton.apply(v);
  for (let i = 0; i < d; i++) {
    const expected = dot(G.subarray(i * d, (i + 1) * d), v);
    assert.ok(Math.abs(Gv[i]! - expected) < 1e-14 * (1 + Math.abs(expected)), `(Gv)_${i} = ${Gv[i]} vs ${expected}`);
    assert.ok(Math.abs(model.gradient[i]! - g[i]!) < 1e-15, `g_${i}`);
  }
  for (let mu = 0; mu < n; mu++) assert.ok(Math.abs(P.subarray(mu * c, (mu + 1) * c).reduce((a, b) => a + b) - 1) < 1e-14);
});

test('H = G + κW is symmetric (uᵀHv = vᵀHu) and counts its products', () => {
  const model = logitGradientModel({ classes: 4, perClass: 3, dim: 30, logitCurvature: 0.3, seed: 1 });
  const u = randomVector(30, 1);
  const v = randomVector(30, 2);
  const a = dot(u, model.hessian.apply(v));
  const b = dot(v, model.hessian.apply(u));
  assert.ok(Math.abs(a - b) < 1e-14 * Math.abs(a), `${a} vs ${b}`);
  assert.is(model.hessian.products(), 2);
});

test('perfect clustering (σ = 0, κ = 0): exactly C − 1 non-zero eigenvalues, those of K^½ĀK^½ with K = MMᵀ, and the gradient inside their span', () => {
  const c = 5;
  const d = 60;
  const model = logitGradientModel({ classes: c, perClass: 6, dim: d, clusterNoise: 0, logitCurvature: 0, seed: 3 });
  const { examples: n, logitGradients: J, probabilities: P } = model;
  // With σ = 0 every J_μ is M (the first block); Ā is the mean softmax covariance.
  const M = J.subarray(0, c * d);
  const K = new Float64Array(c * c);
  const A = new Float64Array(c * c);
  for (let k = 0; k < c; k++) for (let l = 0; l < c; l++) K[k * c + l] = dot(M.subarray(k * d, (k + 1) * d), M.subarray(l * d, (l + 1) * d));
  for (let mu = 0; mu < n; mu++) {
    for (let k = 0; k < c; k++) for (let l = 0; l < c; l++) A[k * c + l] = A[k * c + l]! + ((k === l ? P[mu * c + k]! : 0) - P[mu * c + k]! * P[mu * c + l]!) / n;
  }
  // The non-zero eigenvalues of MᵀĀM are those of K^½ Ā K^½ (K = MMᵀ).
  const { values: kv, vectors: kvec } = symmetricEigen(K);
  const sqrtK = new Float64Array(c * c);
  for (let r = 0; r < c; r++) for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) sqrtK[i * c + j] = sqrtK[i * c + j]! + Math.sqrt(kv[r]!) * kvec[r]![i]! * kvec[r]![j]!;
  const S = new Float64Array(c * c);
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) S[i * c + j] = S[i * c + j]! + sqrtK[i * c + a]! * A[a * c + b]! * sqrtK[b * c + j]!;
  const expected = Array.from(symmetricEigen(S).values).sort((x, y) => y - x);
  assert.ok(Math.abs(expected[c - 1]!) < 1e-14, `Ā is singular (1 is in its kernel): smallest ${expected[c - 1]}`);
  const top = topEigenpairs(model.hessian, c);
  for (let i = 0; i < c - 1; i++) assert.ok(Math.abs(top.values[i]! - expected[i]!) < 1e-12, `λ${i + 1} = ${top.values[i]} vs ${expected[i]}`);
  assert.ok(Math.abs(top.values[c - 1]!) < 1e-12 * top.values[0]!, `λ${c} = ${top.values[c - 1]} should be 0`);
  const summary = summarizeLogitGradientModel(model);
  assert.is(summary.outliers, c - 1);
  assert.ok(summary.overlapTopCMinusOne > 1 - 1e-10, `overlap ${summary.overlapTopCMinusOne}`);
  assert.ok(Math.abs(summary.sameLogitCosine - 1) < 1e-12);
});

test('as the clustering weakens, the same-logit cosine follows 1/(1 + σ²) and the gradient leaves the outliers’ span', () => {
  const summaries = [0.5, 3].map((sigma) => summarizeLogitGradientModel(logitGradientModel({ classes: 4, perClass: 20, dim: 400, clusterNoise: sigma, seed: 4 })));
  const [tight, loose] = summaries as [ReturnType<typeof summarizeLogitGradientModel>, ReturnType<typeof summarizeLogitGradientModel>];
  assert.ok(Math.abs(tight.sameLogitCosine - 1 / 1.25) < 0.05, `σ = 0.5: cosine ${tight.sameLogitCosine}, expected ≈ 0.8`);
  assert.ok(Math.abs(loose.sameLogitCosine - 1 / 10) < 0.05, `σ = 3: cosine ${loose.sameLogitCosine}, expected ≈ 0.1`);
  assert.ok(Math.abs(tight.differentLogitCosine) < 0.05, `different logits are nearly orthogonal: ${tight.differentLogitCosine}`);
  assert.is(tight.outliers, 3);
  assert.ok(tight.overlapTopCMinusOne > 0.85, `tight clusters: overlap ${tight.overlapTopCMinusOne}`);
  assert.ok(loose.overlapTopCMinusOne < tight.overlapTopCMinusOne - 0.2, `loose ${loose.overlapTopCMinusOne} vs tight ${tight.overlapTopCMinusOne}`);
  assert.ok(tight.overlapTopCMinusOne > 5 * tight.randomOverlap);
  assert.ok(norm(logitGradientModel({ classes: 4, perClass: 2, dim: 10 }).gradient) > 0);
});

test('options are checked', () => {
  assert.throws(() => logitGradientModel({ classes: 1 }), /classes must be an integer ≥ 2/);
  assert.throws(() => logitGradientModel({ dim: 2.5 }), /dim must be an integer/);
  assert.throws(() => logitGradientModel({ clusterNoise: -1 }), /clusterNoise must be a finite number ≥ 0/);
  assert.throws(() => logitGradientModel({ logitCurvature: Number.NaN }), /logitCurvature/);
});

test.run();
