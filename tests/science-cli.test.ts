/**
 * The analysis commands end to end, at tiny sizes, checking the numbers each
 * result file reports — against the definitions (recomputed here from the
 * file's own raw measurements) or against closed forms — not only that the
 * command ran:
 *
 *   zone           the criterion 3·√(2/(d+1))/√R, the radii α·r_init on the
 *                  log grid, each point's summaries from its eigenvalues and
 *                  repeats, and the zone's bounds from the points;
 *   spectrum       with every eigenvalue computed, Hutchinson's Tr and ‖·‖_F
 *                  within their error bars of Σλ and √Σλ², the overlap and its
 *                  random baseline √(k/D), the density integrating to 1;
 *   critical       each run's loss, ‖∇f‖², kind and index from the toy's
 *                  closed forms at the reported θ, the summary from the runs;
 *   intrinsic-dim  d_int90 under both conventions from the accuracy curve;
 *   radius-sweep   the radii α·r_init and the last epoch's numbers;
 *   init-select    best/worst per score from the candidates, the paired
 *                  t-test (closed-form t distribution, 3 degrees of freedom)
 *                  and the exact Wilcoxon p-value by enumeration;
 *   zone --temperature-sweep  each temperature's point equal to the scale
 *                  point it is equivalent to (gradient ×α, Hessian ×α²);
 *   subspace-train the radius conserved on a sphere, and the radius-growth
 *                  fits recomputed from the reported samples.
 * `train` and `track` are checked against a computation by hand in
 * science-train.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'goldilocks-science-cli-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function goldilocks(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'goldilocks.js'), ...args, '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `goldilocks ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sampleStd = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

// ---------------------------------------------------------------------------

interface ZoneJson {
  rInit: number;
  expectedRInit: number;
  criterion: { zThreshold: number; traceOverNormThreshold: number; positiveFractionThreshold: number };
  zone: { lower: number; upper: number; lowerRatio: number; upperRatio: number; openBelow: boolean; openAbove: boolean } | null;
  points: {
    scale: number; radius: number; radiusRatio: number; traceOverNorm: number; positiveFraction: number; eigenvalues: number[];
    traceOverNormByRepeat: number[]; positiveFractionByRepeat: number[]; traceOverNormStd: number; trace: number; frobeniusNorm: number;
  }[];
}

test('zone: criterion 3·√(2/(d+1))/√R, radii α·r_init, summaries from the eigenvalues, bounds from the points', () => {
  const out = join(scratch, 'zone');
  const d = 5;
  const R = 3;
  const stdout = goldilocks('zone', '--dataset', 'circles', '--samples', '40', '--model', '2-6-3', '--subspace-dim', String(d), '--repeats', String(R), '--scales', '0.01:100:9', '--out', out);
  const report = readJson<ZoneJson>(join(out, 'zone.json'));
  // the criterion: z = 3 by default, 3·√(2/6)/√3 = 1 exactly
  assert.is(report.criterion.zThreshold, 3);
  close(report.criterion.traceOverNormThreshold, 1, 1e-15, 'Tr/‖H‖ threshold');
  assert.is(report.criterion.positiveFractionThreshold, 0.5);
  // 2-6-3, Xavier: E‖θ‖² = 2·6·2/8 + 6·3·2/9 = 7
  close(report.expectedRInit, Math.sqrt(7), 1e-14, 'expected r_init');
  // the scales 10^(−2 + k/2) and radii α·r_init
  assert.is(report.points.length, 9);
  report.points.forEach((p, k) => {
    close(p.scale, 10 ** (-2 + k / 2), 1e-12, `scale ${k}`);
    assert.is(p.radiusRatio, p.scale);
    close(p.radius, p.scale * report.rInit, 1e-14, `radius ${k}`);
    // per point: the means over R repeats, the first repeat from its eigenvalues (λ > 0 counted as positive)
    assert.is(p.traceOverNormByRepeat.length, R);
    assert.is(p.eigenvalues.length, d);
    close(p.traceOverNorm, mean(p.traceOverNormByRepeat), 1e-14, `Tr/‖H‖ ${k}`);
    close(p.positiveFraction, mean(p.positiveFractionByRepeat), 1e-14, `positive fraction ${k}`);
    close(p.traceOverNormStd, sampleStd(p.traceOverNormByRepeat), 1e-12, `std ${k}`);
    const sum = p.eigenvalues.reduce((s, l) => s + l, 0);
    const fro = Math.sqrt(p.eigenvalues.reduce((s, l) => s + l * l, 0));
    close(p.traceOverNormByRepeat[0]!, sum / fro, 1e-9, `first repeat's Tr/‖H‖ ${k}`);
    assert.is(p.positiveFractionByRepeat[0], p.eigenvalues.filter((l) => l > 0).length / d);
    for (let i = 1; i < d; i++) assert.ok(p.eigenvalues[i]! >= p.eigenvalues[i - 1]!);
  });
  // the zone: the longest run of points strictly above both thresholds, edges interpolated on log r
  const t = report.criterion.traceOverNormThreshold;
  const inside = report.points.map((p) => p.traceOverNorm > t && p.positiveFraction > 0.5);
  let best: [number, number] | null = null;
  for (let i = 0; i < inside.length; i++) {
    if (!inside[i]) continue;
    let j = i;
    while (inside[j + 1]) j++;
    if (!best || j - i > best[1] - best[0]) best = [i, j];
    i = j;
  }
  assert.ok(best, 'this configuration has a zone (see the points)');
  const [first, last] = best!;
  const zone = report.zone!;
  const edge = (outside: number, within: number): number => {
    const a = report.points[outside]!;
    const b = report.points[within]!;
    const w = (t - a.traceOverNorm) / (b.traceOverNorm - a.traceOverNorm);
    return Math.exp(Math.log(a.radius) + w * (Math.log(b.radius) - Math.log(a.radius)));
  };
  assert.is(zone.openBelow, first === 0);
  assert.is(zone.openAbove, last === inside.length - 1);
  close(zone.lower, first === 0 ? report.points[0]!.radius : edge(first - 1, first), 1e-12, 'lower edge');
  close(zone.upper, last === inside.length - 1 ? report.points[last]!.radius : edge(last + 1, last), 1e-12, 'upper edge');
  close(zone.lowerRatio, zone.lower / report.rInit, 1e-12, 'lower ratio');
  close(zone.upperRatio, zone.upper / report.rInit, 1e-12, 'upper ratio');
  assert.ok(zone.upper > zone.lower);
  assert.match(stdout, `Goldilocks zone: r from ${zone.lower.toFixed(3)} to ${zone.upper.toFixed(3)}`);
  // the CSV has the same numbers
  const csv = readFileSync(join(out, 'zone.csv'), 'utf8').trim().split('\n');
  const header = csv[0]!.split(',');
  assert.is(csv.length, 10);
  csv.slice(1).forEach((line, k) => close(Number(line.split(',')[header.indexOf('traceOverNorm')]), report.points[k]!.traceOverNorm, 1e-14, `zone.csv row ${k}`));
});

// ---------------------------------------------------------------------------

interface SpectrumJson {
  parameters: number;
  topEigenvalues: number[];
  trace: { estimate: number; standardError: number };
  frobeniusNorm: { estimate: number; standardError: number };
  traceProbes: number;
  gradientOverlap: { k: number; overlap: number; perDirection: number[]; randomBaseline: number };
}

test('spectrum: with all D eigenvalues, Hutchinson agrees with Σλ and √Σλ² within its error bars; overlap; density', () => {
  const out = join(scratch, 'spectrum');
  goldilocks('spectrum', '--dataset', 'circles', '--samples', '40', '--model', '2-6-3', '--top-k', '39', '--overlap-k', '10', '--probes', '30', '--slq-probes', '2', '--slq-steps', '39', '--out', out);
  const report = readJson<SpectrumJson>(join(out, 'spectrum.json'));
  const D = 2 * 6 + 6 + 6 * 3 + 3;
  assert.is(report.parameters, D);
  assert.is(report.topEigenvalues.length, D);
  const trace = report.topEigenvalues.reduce((s, l) => s + l, 0);
  const fro = Math.sqrt(report.topEigenvalues.reduce((s, l) => s + l * l, 0));
  assert.is(report.traceProbes, 30);
  assert.ok(report.trace.standardError > 0 && report.frobeniusNorm.standardError > 0);
  assert.ok(Math.abs(report.trace.estimate - trace) < 4 * report.trace.standardError, `Tr: ${report.trace.estimate} ± ${report.trace.standardError} vs Σλ = ${trace}`);
  assert.ok(Math.abs(report.frobeniusNorm.estimate - fro) < 4 * report.frobeniusNorm.standardError, `‖H‖_F: ${report.frobeniusNorm.estimate} ± ${report.frobeniusNorm.standardError} vs ${fro}`);
  // the error bar is not inflated either: the estimate of Tr from 30 Rademacher probes is far better than |Σλ|
  assert.ok(report.trace.standardError < 0.5 * Math.abs(trace));
  // the overlap of the gradient with the top-10 eigenvectors: √(Σ squared cosines); a random direction has √(k/D)
  const { overlap, perDirection, randomBaseline, k } = report.gradientOverlap;
  assert.is(k, 10);
  assert.is(perDirection.length, 10);
  close(overlap, Math.sqrt(perDirection.reduce((s, c) => s + c, 0)), 1e-12, 'overlap');
  close(randomBaseline, Math.sqrt(10 / D), 1e-15, 'random baseline');
  // the density integrates to 1 (trapezoid rule on its grid)
  const rows = readFileSync(join(out, 'density.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number) as [number, number]);
  let integral = 0;
  for (let i = 1; i < rows.length; i++) integral += ((rows[i]![1] + rows[i - 1]![1]) / 2) * (rows[i]![0] - rows[i - 1]![0]);
  close(integral, 1, 1e-6, 'density integral');
});

// ---------------------------------------------------------------------------

interface CriticalJson {
  summary: { runs: number; critical: number; gradientFlat: number; neither: number; fractionCritical: number; fractionCriticalStandardError: number; fractionFlat: number; fractionFlatStandardError: number };
  runs: { kind: string; loss: number; squaredGradientNorm: number; relativeResidual: number; index: number; negativeEigenvalues: number; theta: number[] }[];
}

test('critical on the toy: each run\'s loss, ‖∇f‖², kind and index from the closed forms at its θ; the summary from the runs', () => {
  const out = join(scratch, 'critical');
  goldilocks('critical', '--problem', 'toy', '--runs', '4', '--seed', '2', '--out', out);
  const report = readJson<CriticalJson>(join(out, 'critical.json'));
  let critical = 0;
  let flat = 0;
  for (const run of report.runs) {
    const [x, y] = run.theta as [number, number];
    const f = x ** 4 / 4 - 3 * x * x + 9 * x + 0.9 * y ** 4 + 5 * y * y + 40;
    const g2 = (x ** 3 - 6 * x + 9) ** 2 + (3.6 * y ** 3 + 10 * y) ** 2;
    close(run.loss, f, 1e-12, 'loss at θ');
    assert.ok(Math.abs(run.squaredGradientNorm - g2) <= 1e-9 * Math.max(g2, 1e-30) + 1e-30, `‖∇f‖² ${run.squaredGradientNorm} vs ${g2}`);
    const kind = g2 < 1e-10 ? 'critical' : run.relativeResidual > 0.9 ? 'gradient-flat' : 'neither';
    assert.is(run.kind, kind);
    // the Hessian is diag(3x² − 6, 10.8y² + 10): its eigenvalues below −1e-5 are the negative ones
    const negatives = [3 * x * x - 6, 10.8 * y * y + 10].filter((l) => l < -1e-5).length;
    assert.is(run.negativeEigenvalues, negatives);
    assert.is(run.index, negatives / 2);
    if (kind === 'critical') {
      critical++;
      close(x, -3, 1e-9, 'critical x');
    }
    if (kind === 'gradient-flat') flat++;
  }
  const n = report.runs.length;
  assert.is(report.summary.runs, 4);
  assert.equal([report.summary.critical, report.summary.gradientFlat, report.summary.neither], [critical, flat, n - critical - flat]);
  assert.is(report.summary.fractionCritical, critical / n);
  // binomial standard error √(p(1 − p)/n)
  close(report.summary.fractionCriticalStandardError, Math.sqrt(((critical / n) * (1 - critical / n)) / n), 1e-15, 'SE of the critical fraction');
  close(report.summary.fractionFlatStandardError, Math.sqrt(((flat / n) * (1 - flat / n)) / n), 1e-15, 'SE of the flat fraction');
  assert.ok(critical > 0 && flat > 0, 'seed 2 gives both kinds');
});

// ---------------------------------------------------------------------------

const tiny = ['--dataset', 'circles', '--samples', '120', '--test-samples', '120', '--model', '2-16-3', '--batch-size', '30'];

interface Crossing { convention: string; reference: number; fraction: number; threshold: number; firstDim: number | null; interpolatedDim: number | null; bracketed: boolean }

test('intrinsic-dim: d_int90 under both conventions, from the accuracy curve it reports', () => {
  const out = join(scratch, 'intrinsic');
  goldilocks('intrinsic-dim', ...tiny, '--subspace-dims', '3,10,40', '--lr', '0.3', '--baseline-lr', '0.03', '--epochs', '8', '--out', out);
  const report = readJson<{ runs: { subspaceDim: number; testAccuracy: number }[]; baseline: { testAccuracy: number }; absolute: Crossing; trainedBaseline: Crossing }>(join(out, 'intrinsic-dim.json'));
  const expectCrossing = (c: Crossing, reference: number, convention: string): void => {
    assert.is(c.convention, convention);
    assert.is(c.fraction, 0.9);
    assert.is(c.reference, reference);
    close(c.threshold, 0.9 * reference, 1e-15, `${convention} threshold`);
    const i = report.runs.findIndex((r) => r.testAccuracy >= c.threshold);
    assert.ok(i > 0, `${convention}: this configuration brackets the threshold (${report.runs.map((r) => r.testAccuracy).join(', ')})`);
    const [a, b] = [report.runs[i - 1]!, report.runs[i]!];
    assert.is(c.firstDim, b.subspaceDim);
    assert.is(c.bracketed, true);
    close(c.interpolatedDim!, a.subspaceDim + ((c.threshold - a.testAccuracy) / (b.testAccuracy - a.testAccuracy)) * (b.subspaceDim - a.subspaceDim), 1e-12, `${convention} d_int90`);
  };
  expectCrossing(report.absolute, 1, 'absolute');
  expectCrossing(report.trainedBaseline, report.baseline.testAccuracy, 'trained-baseline');
});

test('radius-sweep: start radii α·r_init on the log grid; each point reports its last epoch', () => {
  const out = join(scratch, 'radius');
  goldilocks('radius-sweep', ...tiny, '--subspace-dim', '8', '--scales', '0.1:10:3', '--lr', '0.05', '--epochs', '2', '--out', out);
  const report = readJson<{ rInit: number; config: { expectedRInit: number }; points: { scale: number; startRadius: number; finalRadius: number; testAccuracy: number; trainLoss: number; history: { testAccuracy: number; trainLoss: number; radius: number }[] }[] }>(join(out, 'radius-sweep.json'));
  // 2-16-3, Xavier: E‖θ‖² = 2·16·2/18 + 16·3·2/19
  close(report.config.expectedRInit, Math.sqrt(64 / 18 + 96 / 19), 1e-14, 'expected r_init');
  [0.1, 1, 10].forEach((scale, k) => {
    const p = report.points[k]!;
    close(p.scale, scale, 1e-12, 'scale');
    close(p.startRadius, scale * report.rInit, 1e-12, 'start radius');
    assert.is(p.history.length, 2);
    const last = p.history[1]!;
    assert.equal([p.testAccuracy, p.trainLoss, p.finalRadius], [last.testAccuracy, last.trainLoss, last.radius]);
  });
});

// ---------------------------------------------------------------------------

interface TestResult { n: number; meanDifference: number; statistic: number | null; df: number | null; pValue: number | null; statisticKind: string }
interface InitSelectJson {
  config: { scaleRange: { min: number; max: number } };
  trials: {
    candidates: { index: number; scale: number; traceOverNorm: number; positiveFraction: number; initialLoss: number }[];
    selections: { score: 'traceOverNorm' | 'positiveFraction' | 'initialLoss'; best: { index: number; value: number; outcome: { trainLoss: number; testAccuracy: number } }; worst: { index: number; value: number; outcome: { trainLoss: number; testAccuracy: number } } }[];
  }[];
  comparisons: {
    score: string; bestWins: number; trials: number; tiedTrials: number; sharedBestTrials: number; scales: { bestSmaller: number; geometricMeanBest: number; geometricMeanWorst: number };
    trainLoss: { tTest: TestResult; wilcoxon: TestResult; power: { observedEffectSize: number | null; minimumDetectableEffect: number; powerAtMediumEffect: number } }; testAccuracy: { tTest: TestResult; wilcoxon: TestResult };
  }[];
  scale: { finalLoss: { rho: number; n: number } | null; scores: Record<string, { rho: number; n: number } | null> };
}

/** Two-sided p of Student's t with 3 degrees of freedom: F(t) = ½ + (1/π)[t/(√3(1 + t²/3)) + atan(t/√3)]. */
function tTestPValue3(t: number): number {
  const a = Math.abs(t);
  return 1 - (2 / Math.PI) * (a / (Math.sqrt(3) * (1 + (a * a) / 3)) + Math.atan(a / Math.sqrt(3)));
}

/** Exact two-sided Wilcoxon signed-rank p of W⁺ = w for n pairs without ties, by enumerating the 2ⁿ sign patterns. */
function wilcoxonExactP(w: number, n: number): number {
  let below = 0;
  let above = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let s = 0;
    for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) s += r;
    if (s <= w) below++;
    if (s >= w) above++;
  }
  return Math.min(1, (2 * Math.min(below, above)) / (1 << n));
}

test('init-select: best and worst from the candidates\' scores; t-test and exact Wilcoxon recomputed from the outcomes', () => {
  const out = join(scratch, 'select');
  goldilocks('init-select', ...tiny, '--candidates', '3', '--trials', '4', '--subspace-dim', '4', '--score-samples', '30', '--lr', '0.02', '--out', out);
  const report = readJson<InitSelectJson>(join(out, 'init-select.json'));
  assert.is(report.trials.length, 4);
  for (const trial of report.trials) {
    for (const c of trial.candidates) assert.ok(c.scale >= report.config.scaleRange.min && c.scale <= report.config.scaleRange.max);
    for (const s of trial.selections) {
      const values = trial.candidates.map((c) => c[s.score]);
      // higher Tr/‖H‖ and positive fraction are better; lower initial loss is better
      const [bestValue, worstValue] = s.score === 'initialLoss' ? [Math.min(...values), Math.max(...values)] : [Math.max(...values), Math.min(...values)];
      assert.is(s.best.value, bestValue);
      assert.is(s.worst.value, worstValue);
      assert.is(trial.candidates[s.best.index]![s.score], bestValue);
    }
  }
  for (const comparison of report.comparisons) {
    const picks = report.trials.map((t) => t.selections.find((s) => s.score === comparison.score)!);
    const best = picks.map((p) => p.best.outcome.trainLoss);
    const worst = picks.map((p) => p.worst.outcome.trainLoss);
    const d = best.map((b, i) => b - worst[i]!);
    assert.is(comparison.bestWins, d.filter((x) => x < 0).length);
    // the scales picked, read from the candidates
    const scaleOf = (trial: number, index: number): number => report.trials[trial]!.candidates[index]!.scale;
    const bestScales = picks.map((p, i) => scaleOf(i, p.best.index));
    const worstScales = picks.map((p, i) => scaleOf(i, p.worst.index));
    assert.is(comparison.scales.bestSmaller, bestScales.filter((b, i) => b < worstScales[i]!).length);
    close(comparison.scales.geometricMeanBest, bestScales.reduce((a, b) => a * b, 1) ** (1 / 4), 1e-12, 'geometric mean of the best α');
    close(comparison.scales.geometricMeanWorst, worstScales.reduce((a, b) => a * b, 1) ** (1 / 4), 1e-12, 'geometric mean of the worst α');
    assert.is(comparison.tiedTrials, picks.filter((p) => p.best.value === p.worst.value).length);
    assert.is(comparison.sharedBestTrials, picks.filter((p, i) => report.trials[i]!.candidates.filter((c) => c[p.score] === p.best.value).length > 1).length);
    const { tTest, wilcoxon } = comparison.trainLoss;
    close(tTest.meanDifference, mean(d), 1e-12, 'mean difference');
    // what 4 trials can detect (SciPy 1.17.1, non-central t): |d_z| ≥ 2.128 at 80 % power; 11.1 % power at d_z = 0.5
    close(comparison.trainLoss.power.minimumDetectableEffect, 2.12795, 1e-4, 'minimum detectable effect');
    close(comparison.trainLoss.power.powerAtMediumEffect, 0.11127, 1e-4, 'power at d_z = 0.5');
    if (d.every((x) => x === d[0])) {
      assert.is(tTest.statistic, null);
      continue;
    }
    const t = mean(d) / (sampleStd(d) / Math.sqrt(d.length));
    close(tTest.statistic!, t, 1e-9, `${comparison.score}: t`);
    close(comparison.trainLoss.power.observedEffectSize!, mean(d) / sampleStd(d), 1e-12, `${comparison.score}: d_z`);
    assert.is(tTest.df, 3);
    close(tTest.pValue!, tTestPValue3(t), 1e-6, `${comparison.score}: p of the t-test`);
    const nonzero = d.filter((x) => x !== 0);
    if (nonzero.length === d.length && new Set(nonzero.map(Math.abs)).size === d.length) {
      const ranks = nonzero.map((x) => nonzero.filter((y) => Math.abs(y) <= Math.abs(x)).length);
      const wPlus = ranks.filter((_, i) => nonzero[i]! > 0).reduce((s, r) => s + r, 0);
      assert.is(wilcoxon.statisticKind, 'W+');
      assert.is(wilcoxon.statistic, wPlus);
      close(wilcoxon.pValue!, wilcoxonExactP(wPlus, d.length), 1e-12, `${comparison.score}: exact Wilcoxon p`);
    }
  }
  // α against each score over all 12 candidates, by ranks computed here (no ties among continuous draws): ρ = 1 − 6Σd²/(n(n² − 1))
  const candidates = report.trials.flatMap((t) => t.candidates);
  const rankOf = (v: number[]): number[] => v.map((x) => v.filter((y) => y < x).length + 1);
  const spearman = (x: number[], y: number[]): number => {
    const [rx, ry] = [rankOf(x), rankOf(y)];
    const n = x.length;
    return 1 - (6 * rx.reduce((s, r, i) => s + (r - ry[i]!) ** 2, 0)) / (n * (n * n - 1));
  };
  const scales = candidates.map((c) => c.scale);
  for (const score of ['traceOverNorm', 'initialLoss'] as const) {
    const values = candidates.map((c) => c[score]);
    if (new Set(values).size !== values.length) continue;
    assert.is(report.scale.scores[score]!.n, 12);
    close(report.scale.scores[score]!.rho, spearman(scales, values), 1e-12, `ρ(α, ${score})`);
  }
});

test('zone --temperature-sweep (bias-free ReLU, L = 2): the point at T equals the point at α = T^(−1/L), with g·α and eigenvalues·α²', () => {
  const out = join(scratch, 'zone-temperature');
  goldilocks('zone', '--dataset', 'circles', '--samples', '40', '--model', '2-6-3', '--no-bias', '--subspace-dim', '4', '--scales', '0.1:10:3',
    '--temperature-sweep', '--temperatures', '0.01:100:3', '--out', out);
  interface Point { loss: number; accuracy: number; entropy: number; gradientNorm: number; traceOverNorm: number; positiveFraction: number; eigenvalues: number[] }
  const report = readJson<{ points: (Point & { scale: number })[]; temperature: { numLayers: number; homogeneous: boolean; points: (Point & { temperature: number; equivalentScale: number })[] } }>(join(out, 'zone.json'));
  // f(αθ) = α^L f(θ) for this network, so L(αθ) is the loss of θ at temperature T = α^(−L):
  // ∇_θ of the tempered loss is α times the gradient at αθ, its Hessian α² times the Hessian there.
  assert.is(report.temperature.numLayers, 2);
  assert.is(report.temperature.homogeneous, true);
  assert.is(report.temperature.points.length, 3);
  for (const t of report.temperature.points) {
    const alpha = t.temperature ** (-1 / 2);
    close(t.equivalentScale, alpha, 1e-12, `T = ${t.temperature}: equivalent scale`);
    const p = report.points.find((q) => Math.abs(q.scale - alpha) <= 1e-9 * alpha);
    assert.ok(p, `a scale point at α = ${alpha}`);
    close(t.loss, p!.loss, 1e-12, `T = ${t.temperature}: loss`);
    close(t.entropy, p!.entropy, 1e-12, `T = ${t.temperature}: entropy`);
    assert.is(t.accuracy, p!.accuracy);
    close(t.gradientNorm, alpha * p!.gradientNorm, 1e-10, `T = ${t.temperature}: gradient norm`);
    close(t.traceOverNorm, p!.traceOverNorm, 1e-10, `T = ${t.temperature}: Tr/‖H‖`);
    assert.is(t.positiveFraction, p!.positiveFraction);
    t.eigenvalues.forEach((v, i) => assert.ok(Math.abs(v - alpha * alpha * p!.eigenvalues[i]!) <= 1e-10 * Math.max(...t.eigenvalues.map(Math.abs)), `T = ${t.temperature}: λ${i + 1} ${v} vs α²·${p!.eigenvalues[i]}`));
  }
});

test('subspace-train: on a sphere every radius sample is the start radius; unconstrained, the r² = a + b·t fit is the least-squares line of its samples', () => {
  const tiny = ['--dataset', 'circles', '--samples', '48', '--model', '2-6-3', '--batch-size', '8', '--optimizer', 'sgd', '--lr', '0.3', '--radius-every', '1'];
  const sphere = join(scratch, 'subspace-sphere');
  goldilocks('subspace-train', ...tiny, '--surface', 'sphere', '--subspace-dim', '5', '--init-scale', '2', '--epochs', '2', '--out', sphere);
  const onSphere = readJson<{ config: { startRadius: number; rInit: number; initScale: number }; radius: { step: number; radius: number }[]; history: { radius: number }[] }>(join(sphere, 'log.json'));
  close(onSphere.config.startRadius, 2 * onSphere.config.rInit, 1e-14, 'start radius = 2·r_init');
  assert.is(onSphere.radius.length, 2 * 6 + 1); // steps 0 … 12, every step
  for (const s of onSphere.radius) close(s.radius, onSphere.config.startRadius, 1e-12, `sphere radius at step ${s.step}`);
  for (const h of onSphere.history) close(h.radius, onSphere.config.startRadius, 1e-12, 'sphere radius at an epoch end');

  const free = join(scratch, 'subspace-free');
  goldilocks('subspace-train', ...tiny, '--subspace-dim', 'full', '--epochs', '3', '--out', free);
  const report = readJson<{ radius: { step: number; radius: number }[]; radiusFit: { fromStep: number; diffusive: { offset: number; rate: number; rSquared: number; points: number }; powerLaw: { exponent: number; prefactor: number; rSquared: number; points: number } } }>(join(free, 'log.json'));
  assert.is(report.radiusFit.fromStep, 9); // the second half of 18 steps
  const window = report.radius.filter((s) => s.step >= 9);
  const line = (xs: number[], ys: number[]): { slope: number; intercept: number; r2: number } => {
    const mx = mean(xs);
    const my = mean(ys);
    const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
    const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const slope = sxy / sxx;
    const intercept = my - slope * mx;
    const residual = ys.reduce((s, y, i) => s + (y - intercept - slope * xs[i]!) ** 2, 0);
    return { slope, intercept, r2: 1 - residual / ys.reduce((s, y) => s + (y - my) ** 2, 0) };
  };
  const diffusive = line(window.map((s) => s.step), window.map((s) => s.radius ** 2));
  assert.is(report.radiusFit.diffusive.points, window.length);
  close(report.radiusFit.diffusive.rate, diffusive.slope, 1e-9, 'b in r² = a + b·t');
  close(report.radiusFit.diffusive.offset, diffusive.intercept, 1e-9, 'a in r² = a + b·t');
  close(report.radiusFit.diffusive.rSquared, diffusive.r2, 1e-9, 'R² of the r² fit');
  const power = line(window.map((s) => Math.log(s.step)), window.map((s) => Math.log(s.radius)));
  close(report.radiusFit.powerLaw.exponent, power.slope, 1e-9, 'β in r ∝ t^β');
  close(report.radiusFit.powerLaw.prefactor, Math.exp(power.intercept), 1e-9, 'c in r = c·t^β');
  close(report.radiusFit.powerLaw.rSquared, power.r2, 1e-9, 'R² of the power law');
});

test.run();
