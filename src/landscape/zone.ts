/**
 * The Goldilocks zone (Fort & Scherlis 2019; Vysogorets et al. 2024).
 *
 * Scale an initialisation θ_init by α (radius r = α·r_init) and, at each
 * point, restrict the Hessian of the loss to a few random d-dimensional
 * subspaces through it. Where the restricted Hessian has an excess of
 * positive curvature — Tr(H)/‖H‖_F well above the ≈ 0 of a random symmetric
 * matrix, more than half its eigenvalues positive — the point is in the zone.
 *
 * A point is counted as significant when the mean Tr/‖H‖_F over the R
 * subspaces exceeds `zThreshold` standard errors of the random-matrix
 * reference, z·√(2/(d+1))/√R, and the mean positive fraction exceeds ½. The
 * zone is the longest run of consecutive significant scales; its edges are
 * placed where the curve crosses the threshold (log-linear interpolation).
 *
 * The same measurements at fixed weights and varying softmax temperature T
 * give the temperature sweep: for a bias-free ReLU network with L layers,
 * z(αθ) = α^L z(θ), so scaling by α is a temperature T = α^(−L), and the
 * restricted Hessians differ only by the factor α², which leaves Tr/‖H‖_F
 * and the positive fraction unchanged.
 */
import { toFloat64, type Vector } from '../nn/index.js';
import { denseOrthonormalSubspace, sparseRandomSubspace, type RandomSubspace } from './linalg/subspace.js';
import { symmetricEigen } from './linalg/symmetric-eigen.js';
import { mean, norm, sampleStandardDeviation } from './linalg/vector.js';
import { hessianOperator } from './hessian-operator.js';
import { restrictOperator } from './restricted-hessian.js';
import { crossEntropyLoss, outputStatistics, restrictedGaussNewton, type Classifier, type OutputStatistics } from './classifier.js';
import { randomMatrixTraceOverNormStd, summarizeEigenvalues, type CurvatureSummary } from './curvature.js';

export type ProjectionKind = 'dense' | 'sparse';

export interface GaussNewtonSplit {
  /** Tr/‖·‖_F and spectral norm (largest |λ|) of the G-term. */
  gTraceOverNorm: number;
  gSpectralNorm: number;
  /** The same for the H-term, the Hessian minus the G-term. */
  hTraceOverNorm: number;
  hSpectralNorm: number;
}

export interface PointMeasurement extends OutputStatistics, CurvatureSummary {
  gradientNorm: number;
  /** Eigenvalues of the restricted Hessian on the first subspace, ascending. */
  eigenvalues: number[];
  /** Per-subspace Tr/‖H‖_F and positive fractions (length R). */
  traceOverNormByRepeat: number[];
  positiveFractionByRepeat: number[];
  /** Standard deviations over the R subspaces (0 when R = 1). */
  traceOverNormStd: number;
  positiveFractionStd: number;
  /** Largest ‖M − Mᵀ‖/‖M‖ seen before symmetrising (a check on the HVPs). */
  asymmetry: number;
  gaussNewton?: GaussNewtonSplit;
}

export interface ZonePoint extends PointMeasurement {
  scale: number;
  radius: number;
  radiusRatio: number;
}

export interface TemperaturePoint extends PointMeasurement {
  temperature: number;
}

export interface MeasureOptions {
  subspaceDim: number;
  projection: ProjectionKind;
  repeats: number;
  seed: number;
  gaussNewton: boolean;
  /**
   * The subspaces, drawn already by `makeSubspaces` with these options. A
   * sweep computed one point per call (as the CLI's resumable runs do) passes
   * them so that they are drawn once, not once per point; left out, each
   * sweep draws its own.
   */
  subspaces?: RandomSubspace[];
}

export interface ZoneBounds {
  lower: number;
  upper: number;
  lowerRatio: number;
  upperRatio: number;
  /** True when the zone reaches the end of the scanned grid (it may extend further). */
  openBelow: boolean;
  openAbove: boolean;
}

export interface ZoneCriterion {
  zThreshold: number;
  traceOverNormThreshold: number;
  positiveFractionThreshold: number;
}

export function makeSubspaces(D: number, options: Pick<MeasureOptions, 'subspaceDim' | 'projection' | 'repeats' | 'seed'>): RandomSubspace[] {
  const { subspaceDim: d, projection, repeats, seed } = options;
  if (!Number.isInteger(d) || d < 1 || d > D) throw new Error(`subspace dimension must be an integer in [1, ${D}], got ${d}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be a positive integer, got ${repeats}`);
  return Array.from({ length: repeats }, (_, r) =>
    projection === 'dense' ? denseOrthonormalSubspace(D, d, seed * 1000 + r) : sparseRandomSubspace(D, d, seed * 1000 + r),
  );
}

function split(values: Float64Array): { traceOverNorm: number; spectralNorm: number } {
  const s = summarizeEigenvalues(values);
  return { traceOverNorm: s.traceOverNorm, spectralNorm: Math.max(Math.abs(s.minEigenvalue), Math.abs(s.maxEigenvalue)) };
}

/** Every quantity of the study at one θ and temperature, on the given subspaces (at least one). */
export function measurePoint(classifier: Classifier, thetaVector: Vector, temperature: number, subspaces: RandomSubspace[], gaussNewton: boolean): PointMeasurement {
  // with none, every curvature mean would be the mean of nothing (NaN)
  if (subspaces.length === 0) throw new Error('measurePoint: no subspaces to measure the curvature on (give at least one)');
  const theta = toFloat64(thetaVector);
  const stats = outputStatistics(classifier, theta, temperature);
  if (!Number.isFinite(stats.loss)) throw new Error(`the loss is ${stats.loss} at ‖θ‖ = ${norm(theta)}, temperature ${temperature}; the point cannot be analysed`);
  const loss = crossEntropyLoss(classifier, temperature);
  // one pass at θ for every subspace's products and the gradient
  const hessian = hessianOperator(loss, theta);
  const summaries: CurvatureSummary[] = [];
  let eigenvalues: number[] = [];
  let asymmetry = 0;
  let gn: GaussNewtonSplit | undefined;
  subspaces.forEach((subspace, r) => {
    const H = restrictOperator(hessian, subspace);
    asymmetry = Math.max(asymmetry, H.asymmetry);
    const values = symmetricEigen(H.matrix).values;
    summaries.push(summarizeEigenvalues(values));
    if (r === 0) {
      eigenvalues = Array.from(values);
      if (gaussNewton) {
        const G = restrictedGaussNewton(classifier, theta, subspace, temperature);
        const rest = H.matrix.map((h, i) => h - G.matrix[i]!);
        const g = split(symmetricEigen(G.matrix).values);
        const h = split(symmetricEigen(rest).values);
        gn = { gTraceOverNorm: g.traceOverNorm, gSpectralNorm: g.spectralNorm, hTraceOverNorm: h.traceOverNorm, hSpectralNorm: h.spectralNorm };
      }
    }
  });
  const gradientNorm = norm(hessian.gradient());
  const pick = (key: keyof CurvatureSummary): number => mean(summaries.map((s) => s[key]));
  const traceOverNormByRepeat = summaries.map((s) => s.traceOverNorm);
  const positiveFractionByRepeat = summaries.map((s) => s.positiveFraction);
  return {
    ...stats,
    gradientNorm,
    trace: pick('trace'),
    frobeniusNorm: pick('frobeniusNorm'),
    traceOverNorm: mean(traceOverNormByRepeat),
    positiveFraction: mean(positiveFractionByRepeat),
    minEigenvalue: pick('minEigenvalue'),
    maxEigenvalue: pick('maxEigenvalue'),
    eigenvalues,
    traceOverNormByRepeat,
    positiveFractionByRepeat,
    traceOverNormStd: sampleStandardDeviation(traceOverNormByRepeat),
    positiveFractionStd: sampleStandardDeviation(positiveFractionByRepeat),
    asymmetry,
    ...(gn ? { gaussNewton: gn } : {}),
  };
}

export interface SweepProgress {
  (done: number, total: number): void;
}

/** The given subspaces after checking that they fit, or new ones drawn from the options. */
function sweepSubspaces(D: number, options: MeasureOptions): RandomSubspace[] {
  const given = options.subspaces;
  if (given === undefined) return makeSubspaces(D, options);
  if (given.length !== options.repeats || given.some((s) => s.ambientDim !== D || s.subspaceDim !== options.subspaceDim)) {
    throw new Error(`the given subspaces do not fit: expected ${options.repeats} of dimension ${options.subspaceDim} in ℝ^${D}`);
  }
  return given;
}

/** The radius sweep: θ = α·θ_init for each α in `scales`. */
export function scaleSweep(classifier: Classifier, thetaInitVector: Vector, scales: number[], options: MeasureOptions, onProgress?: SweepProgress): ZonePoint[] {
  const thetaInit = toFloat64(thetaInitVector);
  const rInit = norm(thetaInit);
  if (!(rInit > 0)) throw new Error('scaleSweep: the initial parameters are all zero; scaling cannot move them');
  const subspaces = sweepSubspaces(thetaInit.length, options);
  return scales.map((scale, i) => {
    if (!(scale > 0)) throw new Error(`scales must be positive, got ${scale}`);
    const theta = thetaInit.map((v) => v * scale);
    const point: ZonePoint = { scale, radius: scale * rInit, radiusRatio: scale, ...measurePoint(classifier, theta, 1, subspaces, options.gaussNewton) };
    onProgress?.(i + 1, scales.length);
    return point;
  });
}

/** The temperature sweep at fixed weights θ. */
export function temperatureSweep(classifier: Classifier, thetaVector: Vector, temperatures: number[], options: MeasureOptions, onProgress?: SweepProgress): TemperaturePoint[] {
  const theta = toFloat64(thetaVector);
  const subspaces = sweepSubspaces(theta.length, options);
  return temperatures.map((temperature, i) => {
    const point: TemperaturePoint = { temperature, ...measurePoint(classifier, theta, temperature, subspaces, options.gaussNewton) };
    onProgress?.(i + 1, temperatures.length);
    return point;
  });
}

export function zoneCriterion(subspaceDim: number, repeats: number, zThreshold = 3): ZoneCriterion {
  return {
    zThreshold,
    traceOverNormThreshold: (zThreshold * randomMatrixTraceOverNormStd(subspaceDim)) / Math.sqrt(repeats),
    positiveFractionThreshold: 0.5,
  };
}

/**
 * The longest run of consecutive points (in the order given, increasing
 * radius) with significant excess positive curvature; null if there is none.
 */
export function findZone(points: ZonePoint[], criterion: ZoneCriterion): ZoneBounds | null {
  const inside = points.map((p) => p.traceOverNorm > criterion.traceOverNormThreshold && p.positiveFraction > criterion.positiveFractionThreshold);
  let best: [number, number] | null = null;
  for (let i = 0; i < points.length; i++) {
    if (!inside[i]) continue;
    let j = i;
    while (j + 1 < points.length && inside[j + 1]) j++;
    if (!best || j - i > best[1] - best[0]) best = [i, j];
    i = j;
  }
  if (!best) return null;
  const [first, last] = best;
  const t = criterion.traceOverNormThreshold;
  /** Where Tr/‖H‖ crosses the threshold between points a (outside) and b (inside), on a log-radius scale. */
  const crossing = (a: ZonePoint, b: ZonePoint): number => {
    const fa = a.traceOverNorm - t;
    const fb = b.traceOverNorm - t;
    const w = fa === fb ? 0.5 : Math.min(1, Math.max(0, fa / (fa - fb)));
    return Math.exp(Math.log(a.radius) + w * (Math.log(b.radius) - Math.log(a.radius)));
  };
  const lower = first > 0 ? crossing(points[first - 1]!, points[first]!) : points[first]!.radius;
  const upper = last + 1 < points.length ? crossing(points[last + 1]!, points[last]!) : points[last]!.radius;
  const rInit = points[first]!.radius / points[first]!.radiusRatio;
  return { lower, upper, lowerRatio: lower / rInit, upperRatio: upper / rInit, openBelow: first === 0, openAbove: last === points.length - 1 };
}

/** n log-spaced numbers from min to max inclusive. */
export function logSpace(min: number, max: number, count: number): number[] {
  if (!(min > 0 && max > min && Number.isInteger(count) && count >= 2)) throw new Error(`logSpace: need 0 < min < max and count ≥ 2, got ${min}, ${max}, ${count}`);
  const a = Math.log(min);
  const b = Math.log(max);
  return Array.from({ length: count }, (_, i) => Math.exp(a + ((b - a) * i) / (count - 1)));
}
