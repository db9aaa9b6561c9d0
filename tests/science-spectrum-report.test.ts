/**
 * What `analyzeSpectrum` and its helpers hand back, on operators whose answers
 * are known by hand:
 *  - a diagonal operator A = diag(a): every Rademacher probe z (zᵢ² = 1) gives
 *    zᵀAz = Σ aᵢ = Tr A and ‖Az‖² = Σ aᵢ² = ‖A‖_F² exactly, so Hutchinson's
 *    estimates are exact with a standard error of 0, and its eigenvalues are
 *    the aᵢ;
 *  - the all-ones 2×2 matrix J: Jz = (z₁ + z₂)(1, 1), so zᵀJz = (z₁ + z₂)² is
 *    0 or 4 and ‖Jz‖² = 2(z₁ + z₂)² is 0 or 8 — a spread whose mean and
 *    standard error follow from the counts of each value;
 *  - which parts are computed (and what they cost in products) for each
 *    combination of options.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyzeSpectrum, denseMatrixFromOperator, traceAndFrobeniusNorm } from '../src/landscape/spectrum.js';
import { slqSpectralDensity } from '../src/landscape/linalg/slq.js';
import type { LinearOperator } from '../src/landscape/linalg/vector.js';

/** An operator from a product function, counting its products itself. */
function counted(dim: number, apply: (v: Float64Array) => Float64Array): LinearOperator & { count: number } {
  const op = { dim, count: 0, apply: (v: Float64Array): Float64Array => (op.count++, apply(v)) };
  return op;
}
const diagonal = (a: number[]): LinearOperator & { count: number } => counted(a.length, (v) => Float64Array.from(v, (x, i) => a[i]! * x));
const ones2 = (): LinearOperator & { count: number } => counted(2, (v) => Float64Array.of(v[0]! + v[1]!, v[0]! + v[1]!));

// diag(5, −3, 2, 1, 0.5): Tr = 5.5, ‖·‖_F² = 25 + 9 + 4 + 1 + 0.25 = 39.25
const A = [5, -3, 2, 1, 0.5];

test('denseMatrixFromOperator: column j is A eⱼ, stored row-major (a non-symmetric 3×3 example)', () => {
  // A = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as a product function
  const op = counted(3, (v) => Float64Array.of(v[0]! + 2 * v[1]! + 3 * v[2]!, 4 * v[0]! + 5 * v[1]! + 6 * v[2]!, 7 * v[0]! + 8 * v[1]! + 9 * v[2]!));
  assert.equal(Array.from(denseMatrixFromOperator(op)), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.is(op.count, 3); // one product per column
});

test('traceAndFrobeniusNorm on a diagonal operator: exact, with standard errors 0', () => {
  const op = diagonal(A);
  const r = traceAndFrobeniusNorm(op, { probes: 3, seed: 7 });
  assert.is(r.probes, 3);
  assert.is(op.count, 3); // one product per probe serves both
  assert.is(r.trace.estimate, 5.5);
  assert.is(r.trace.standardError, 0);
  assert.equal(Array.from(r.trace.samples), [5.5, 5.5, 5.5]);
  assert.is(r.frobeniusNorm.estimate, Math.sqrt(39.25));
  assert.is(r.frobeniusNorm.standardError, 0);
  assert.equal(Array.from(r.frobeniusNorm.samples), [39.25, 39.25, 39.25]);
  // the default is 100 probes
  assert.is(traceAndFrobeniusNorm(diagonal(A)).trace.samples.length, 100);
  // one probe is enough to run
  assert.is(traceAndFrobeniusNorm(diagonal(A), { probes: 1 }).frobeniusNorm.estimate, Math.sqrt(39.25));
});

test('traceAndFrobeniusNorm of the zero operator: 0 ± 0 (no 0/0)', () => {
  const r = traceAndFrobeniusNorm(diagonal([0, 0, 0]), { probes: 4 });
  assert.equal([r.trace.estimate, r.trace.standardError, r.frobeniusNorm.estimate, r.frobeniusNorm.standardError], [0, 0, 0, 0]);
});

test('traceAndFrobeniusNorm on J = [[1, 1], [1, 1]]: samples 0 or 4 (trace) and 0 or 8 (‖Jz‖²), delta-method error', () => {
  const N = 40;
  const r = traceAndFrobeniusNorm(ones2(), { probes: N, seed: 3 });
  const fours = Array.from(r.trace.samples).filter((s) => s === 4).length;
  assert.ok(fours > 0 && fours < N, `${fours} of ${N}`);
  assert.ok(Array.from(r.trace.samples).every((s) => s === 0 || s === 4));
  assert.equal(Array.from(r.frobeniusNorm.samples), Array.from(r.trace.samples, (s) => 2 * s));
  // with k samples of 4 among N: mean 4k/N, sample variance 16·k(N − k)/(N(N − 1))
  const k = fours;
  assert.ok(Math.abs(r.trace.estimate - (4 * k) / N) < 1e-14);
  assert.ok(Math.abs(r.trace.standardError - Math.sqrt((16 * k * (N - k)) / (N * (N - 1)) / N)) < 1e-14);
  // ‖J‖_F² estimate 8k/N with standard error 2× the trace's; ‖J‖_F = √(8k/N), error s/(2‖J‖_F)
  const norm = Math.sqrt((8 * k) / N);
  assert.ok(Math.abs(r.frobeniusNorm.estimate - norm) < 1e-14);
  assert.ok(Math.abs(r.frobeniusNorm.standardError - (2 * r.trace.standardError) / (2 * norm)) < 1e-14);
  // the seed picks the probes: the default is 0, another seed gives others
  const s0 = Array.from(traceAndFrobeniusNorm(ones2(), { probes: N, seed: 0 }).trace.samples);
  assert.equal(Array.from(traceAndFrobeniusNorm(ones2(), { probes: N }).trace.samples), s0);
  assert.not.equal(Array.from(r.trace.samples), s0);
});

test('traceAndFrobeniusNorm refuses a probe count that is not a positive integer, naming it', () => {
  for (const probes of [0, -2, 1.5, NaN]) {
    assert.throws(() => traceAndFrobeniusNorm(diagonal(A), { probes }), new RegExp(`^traceAndFrobeniusNorm: probes must be a positive integer, got ${probes}$`));
  }
});

test('analyzeSpectrum with no options: the largest eigenvalue and nothing else', () => {
  const op = diagonal(A);
  const before = performance.now();
  const r = analyzeSpectrum(op);
  const wall = (performance.now() - before) / 1000;
  assert.is(r.dim, 5);
  assert.ok(r.top !== null);
  assert.is(r.top.values.length, 1);
  assert.ok(Math.abs(r.top.values[0]! - 5) < 1e-8);
  assert.is(r.top.converged, true);
  assert.is(r.top.vectors.length, 1);
  assert.is(r.top.residualNorms.length, 1);
  assert.ok(r.top.residualNorms[0]! <= 1e-8 * 5);
  assert.ok(Math.abs(Math.abs(r.top.vectors[0]![0]!) - 1) < 1e-8); // e₁
  assert.equal([r.bottom, r.trace, r.frobeniusNorm, r.density, r.traceProbes], [null, null, null, null, 0]);
  assert.is(r.products, op.count);
  assert.is(r.products, r.top.steps);
  assert.ok(r.seconds >= 0 && r.seconds <= wall, `${r.seconds} s reported, ${wall} s measured around the call`);
});

test('analyzeSpectrum: top, bottom and trace together; products counted across the stages', () => {
  const op = diagonal(A);
  const stages: string[] = [];
  const r = analyzeSpectrum(op, { topK: 2, bottomK: 1, traceProbes: 4, seed: 2, onProgress: (stage, n) => stages.push(`${stage}${n}`) });
  assert.ok(Math.abs(r.top!.values[0]! - 5) < 1e-8 && Math.abs(r.top!.values[1]! - 2) < 1e-8, `${r.top!.values}`);
  assert.is(r.bottom!.values.length, 1);
  assert.ok(Math.abs(r.bottom!.values[0]! + 3) < 1e-8, `${r.bottom!.values}`);
  assert.equal(r.trace, { estimate: 5.5, standardError: 0 }); // exactly these two fields
  assert.equal(r.frobeniusNorm, { estimate: Math.sqrt(39.25), standardError: 0 });
  assert.is(r.traceProbes, 4);
  assert.is(r.density, null);
  assert.is(r.products, op.count);
  assert.is(r.products, r.top!.steps + r.bottom!.steps + 4);
  // progress: each stage counts its own products from 1, in the order top, bottom, trace
  const expected = [
    ...Array.from({ length: r.top!.steps }, (_, i) => `top${i + 1}`),
    ...Array.from({ length: r.bottom!.steps }, (_, i) => `bottom${i + 1}`),
    'trace1', 'trace2', 'trace3', 'trace4',
  ];
  assert.equal(stages, expected);
});

test('analyzeSpectrum: asking for any one part turns off the default top eigenvalue', () => {
  const only = (options: Parameters<typeof analyzeSpectrum>[1]): string[] => {
    const r = analyzeSpectrum(diagonal(A), options);
    return (['top', 'bottom', 'trace', 'density'] as const).filter((key) => r[key] !== null);
  };
  assert.equal(only({ bottomK: 1 }), ['bottom']);
  assert.equal(only({ traceProbes: 2 }), ['trace']);
  assert.equal(only({ densityProbes: 1, densitySteps: 2 }), ['density']);
  assert.equal(only({ topK: 0 }), []); // asked explicitly for none
  assert.equal(only({ topK: 0, bottomK: 0, traceProbes: 0, densityProbes: 0 }), []);
  assert.equal(only({ topK: 1, bottomK: 0 }), ['top']);
  assert.equal(only({ bottomK: 0 }), ['top']); // zeros ask for nothing
  const r = analyzeSpectrum(diagonal(A), { traceProbes: 2 });
  assert.is(r.frobeniusNorm!.estimate, Math.sqrt(39.25));
  assert.is(r.products, 2);
});

test('analyzeSpectrum: k above the dimension is capped at D (all five eigenvalues, each way)', () => {
  const r = analyzeSpectrum(diagonal(A), { topK: 9, bottomK: 7 });
  const sorted = [...A].sort((x, y) => y - x); // 5, 2, 1, 0.5, −3
  assert.is(r.top!.values.length, 5);
  assert.is(r.bottom!.values.length, 5);
  r.top!.values.forEach((v, i) => assert.ok(Math.abs(v - sorted[i]!) < 1e-8, `${r.top!.values}`));
  r.bottom!.values.forEach((v, i) => assert.ok(Math.abs(v - sorted[4 - i]!) < 1e-8, `${r.bottom!.values}`));
});

test('analyzeSpectrum: Lanczos step budget min(D, max(4k, 60)) by default, lanczosSteps when given; tolerance passed on', () => {
  // D = 70 distinct eigenvalues; tolerance 0 runs each search to its budget
  const a = Array.from({ length: 70 }, (_, i) => i + 1);
  assert.is(analyzeSpectrum(diagonal(a), { topK: 1, tolerance: 0 }).top!.steps, 60); // min(70, max(4, 60))
  assert.is(analyzeSpectrum(diagonal(a), { bottomK: 16, tolerance: 0 }).bottom!.steps, 64); // min(70, max(64, 60))
  assert.is(analyzeSpectrum(diagonal(a), { topK: 20, tolerance: 0 }).top!.steps, 70); // min(70, max(80, 60))
  assert.is(analyzeSpectrum(diagonal(a), { topK: 1, tolerance: 0, lanczosSteps: 7 }).top!.steps, 7);
  const loose = analyzeSpectrum(diagonal(a), { topK: 1, lanczosSteps: 70 });
  assert.ok(loose.top!.steps < 60 && loose.top!.converged, `${loose.top!.steps}`); // the default 1e-8 stops early
  assert.is(loose.top!.steps, analyzeSpectrum(diagonal(a), { topK: 1, tolerance: 1e-8, lanczosSteps: 70 }).top!.steps);
  assert.ok(analyzeSpectrum(diagonal(a), { topK: 1, tolerance: 1e-10, lanczosSteps: 70 }).top!.steps > loose.top!.steps); // Lanczos's own default is tighter
  // a tolerance of the spectrum's whole scale is met as soon as the first Ritz value is checked
  const r = analyzeSpectrum(diagonal(a), { topK: 1, tolerance: 1, lanczosSteps: 70 });
  assert.ok(r.top!.steps < loose.top!.steps, `${r.top!.steps} vs ${loose.top!.steps}`);
});

test('analyzeSpectrum: the density is SLQ with seed + 2 and 60 steps by default; the trace uses seed + 1', () => {
  const a = Array.from({ length: 70 }, (_, i) => i + 1); // 70 distinct eigenvalues: no early stop before 60 steps
  const op = diagonal(a);
  const r = analyzeSpectrum(op, { densityProbes: 2, seed: 4, density: { gridSize: 9 } });
  const direct = slqSpectralDensity(diagonal(a), { probes: 2, steps: 60, seed: 6, gridSize: 9 });
  assert.is(r.density!.grid.length, 9);
  assert.equal(Array.from(r.density!.density), Array.from(direct.density));
  assert.is(r.density!.nodes.length, 2);
  assert.equal(r.density!.nodes.map((n) => n.length), [60, 60]);
  assert.is(r.products, op.count);
  assert.is(analyzeSpectrum(diagonal(a), { densityProbes: 1, densitySteps: 5 }).density!.nodes[0]!.length, 5);
  const j = analyzeSpectrum(ones2(), { traceProbes: 30, seed: 4 });
  const t = traceAndFrobeniusNorm(ones2(), { probes: 30, seed: 5 });
  assert.equal(j.trace, { estimate: t.trace.estimate, standardError: t.trace.standardError });
  assert.not.equal(j.trace, analyzeSpectrum(ones2(), { traceProbes: 30, seed: 5 }).trace);
  // the density's probes depend on the seed only through a non-diagonal operator: S = [[2, 1, 0], [1, 3, 1], [0, 1, 4]]
  const S = (): LinearOperator & { count: number } => counted(3, (v) => Float64Array.of(2 * v[0]! + v[1]!, v[0]! + 3 * v[1]! + v[2]!, v[1]! + 4 * v[2]!));
  const stages = new Set<string>();
  const sd = analyzeSpectrum(S(), { densityProbes: 3, seed: 4, density: { gridSize: 9 }, onProgress: (stage) => stages.add(stage) });
  assert.equal([...stages], ['density']);
  const sdDirect = slqSpectralDensity(S(), { probes: 3, steps: 60, seed: 6, gridSize: 9 });
  assert.equal(Array.from(sd.density!.density), Array.from(sdDirect.density));
  const sdOther = slqSpectralDensity(S(), { probes: 3, steps: 60, seed: 2, gridSize: 9 });
  assert.not.equal(Array.from(sd.density!.density), Array.from(sdOther.density));
  // seed 0 by default
  assert.equal(analyzeSpectrum(ones2(), { traceProbes: 30 }).trace, analyzeSpectrum(ones2(), { traceProbes: 30, seed: 0 }).trace);
});

test.run();
