/**
 * Training on random hyperplanes and hyperspheres (Li et al. 2018; Fort &
 * Scherlis 2019), as parametrisations for the ordinary training loop.
 *
 * The loop in src/nn/train.ts trains a vector w and asks a `Parametrisation`
 * for θ(w) and for the pull-back of ∇θL to ∇wL. A low-dimensional surface in
 * parameter space ℝ^D is exactly such a map.
 *
 * Hyperplane. Fix θ₀ ∈ ℝ^D and a random P ∈ ℝ^{D×d} (columns of unit
 * length, near-orthogonal: src/landscape/linalg/subspace.ts) and train only
 * w ∈ ℝ^d, starting at w = 0:
 *
 *     θ(w) = θ₀ + P·w,        ∇_w L = Pᵀ ∇_θ L        (the chain rule, exact).
 *
 * Hypersphere, full space. Keep ‖θ‖ = r₀ while training all of θ (w = θ):
 * remove the radial part of the gradient, g ← g − (g·θ̂)θ̂, so the optimiser
 * moves along the sphere to first order, and rescale θ ← r₀·θ/‖θ‖ after each
 * step to undo the second-order drift (and whatever an adaptive optimiser
 * like Adam adds by rescaling coordinates unevenly).
 *
 * Hypersphere within a hyperplane. Fort & Scherlis train on random
 * low-dimensional hyperspheres; their exact construction is not published,
 * so we decide: the sphere of radius r₀ inside the (d+1)-dimensional linear
 * span of θ₀ and the columns of P. With a = r₀·θ₀/‖θ₀‖ (θ₀ moved onto the
 * sphere) and u(w) = a + P·w,
 *
 *     θ(w) = r₀ · u / ‖u‖,
 *     ∇_w L = Pᵀ · (r₀/‖u‖) · (I − û ûᵀ) · ∇_θ L          (û = u/‖u‖).
 *
 * This is the hyperplane through a, projected radially onto the sphere
 * (a gnomonic chart): it covers the open half of that d-dimensional sphere
 * centred on θ̂₀, θ(0) = a, ‖θ(w)‖ = r₀ for every w by construction, and its
 * pull-back contains the same two operations as the full-space sphere — the
 * radial part of the gradient removed, the length rescaled. Near w = 0 it
 * is an isometry to first order in the directions of P (because P's columns
 * are nearly orthogonal to a), so learning rates carry over from hyperplanes.
 *
 * Radius of unconstrained training. `radiusRecorder` is an onStep hook that
 * samples r(t) = ‖θ‖ every N steps. Steps that are nearly orthogonal to θ
 * and to each other add up like a random walk: ‖θ_t‖² ≈ ‖θ_s‖² + Σ‖Δθ‖²,
 * so with steps of steady size r² grows linearly, r(t) = √(a + b·t) — the
 * √t law, with an offset a set by where the walk starts. `fitDiffusiveGrowth`
 * fits that straight line to r² against t; `fitPowerLaw` fits r ∝ t^β on
 * log–log axes (β → ½ only once b·t ≫ a: over a window that starts after
 * an early fast escape from a small radius, the offset pulls β below ½).
 */
import { toFloat64, type Parametrisation, type StepInfo, type Vector } from '../nn/index.js';
import { denseOrthonormalSubspace, fastfoodSubspace, sparseRandomSubspace, type RandomSubspace } from './linalg/subspace.js';
import { dot, norm } from './linalg/vector.js';
import { fitLine } from './line-fit.js';

/** The three constructions of a random P (see linalg/subspace.ts). */
export const SUBSPACE_KINDS = ['dense', 'sparse', 'fastfood'] as const;
export type SubspaceKind = (typeof SUBSPACE_KINDS)[number];

/** A dense D×d matrix larger than this many bytes is refused (use sparse or Fastfood). */
export const DENSE_PROJECTION_BYTE_LIMIT = 2 ** 30;

/**
 * A random d-dimensional subspace of ℝ^D of the given kind, seeded. Refuses a
 * dense P over DENSE_PROJECTION_BYTE_LIMIT (at D = 199,210 and d = 1000 it
 * would take 1.6 GB): sparse and Fastfood need no D×d storage.
 */
export function randomSubspace(kind: SubspaceKind, ambientDim: number, subspaceDim: number, seed: number): RandomSubspace {
  if (!Number.isInteger(subspaceDim) || subspaceDim < 1) throw new Error(`randomSubspace: d must be a positive integer, got ${subspaceDim}`);
  switch (kind) {
    case 'dense': {
      const bytes = ambientDim * subspaceDim * 8;
      if (bytes > DENSE_PROJECTION_BYTE_LIMIT) {
        throw new Error(`a dense ${ambientDim}×${subspaceDim} projection needs ${(bytes / 2 ** 30).toFixed(1)} GiB; use the sparse or fastfood projection`);
      }
      if (subspaceDim > ambientDim) throw new Error(`a dense projection needs d ≤ D, got d = ${subspaceDim} > D = ${ambientDim}`);
      return denseOrthonormalSubspace(ambientDim, subspaceDim, seed);
    }
    case 'sparse':
      return sparseRandomSubspace(ambientDim, subspaceDim, seed);
    case 'fastfood':
      return fastfoodSubspace(ambientDim, subspaceDim, seed);
  }
}

/** A surface in parameter space, ready for trainModel: `initial` is where training starts. */
export interface SurfaceParametrisation extends Parametrisation {
  readonly surface: 'hyperplane' | 'hypersphere';
  /** The number of trained coordinates: d on a subspace, D on the full sphere. */
  readonly trainedDim: number;
  /** w₀, the trained vector at the start (zeros on a subspace). */
  readonly initial: Float64Array;
  /** The radius the surface holds fixed (hyperspheres only). */
  readonly radius?: number;
}

function checkFinitePoint(where: string, v: Float64Array): void {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new Error(`${where}: entry ${i} is ${v[i]}`);
}

function checkAmbient(where: string, theta: Float64Array, subspace: RandomSubspace): void {
  if (theta.length !== subspace.ambientDim) throw new Error(`${where}: θ₀ has ${theta.length} entries but the subspace lives in ℝ^${subspace.ambientDim}`);
}

/** θ(w) = θ₀ + P·w on w ∈ ℝ^d, starting at w = 0; ∇_w L = Pᵀ∇_θ L. */
export function hyperplaneParametrisation(originVector: Vector, subspace: RandomSubspace): SurfaceParametrisation {
  const origin = toFloat64(originVector);
  checkAmbient('hyperplaneParametrisation', origin, subspace);
  checkFinitePoint('hyperplaneParametrisation: θ₀', origin);
  const theta0 = Float64Array.from(origin);
  return {
    surface: 'hyperplane',
    trainedDim: subspace.subspaceDim,
    initial: new Float64Array(subspace.subspaceDim),
    toTheta(w: Float64Array): Float64Array {
      const displacement = subspace.project(w);
      for (let i = 0; i < displacement.length; i++) displacement[i] = theta0[i]! + displacement[i]!;
      return displacement;
    },
    pullBack: (gradientTheta: Float64Array): Float64Array => subspace.projectTranspose(gradientTheta),
  };
}

export interface HypersphereOptions {
  /** A point giving the starting direction: training starts at radius·through/‖through‖. */
  through: Float64Array;
  /** Restrict to the sphere inside span(through, P) (see the header); omit for the full-space sphere. */
  subspace?: RandomSubspace;
}

/** g − (g·x̂)x̂: g without its component along x. */
function removeRadial(g: Float64Array, x: Float64Array): Float64Array {
  const xx = dot(x, x);
  const coefficient = xx > 0 ? dot(g, x) / xx : 0;
  const out = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) out[i] = g[i]! - coefficient * x[i]!;
  return out;
}

/** x·(radius/‖x‖), a new array. */
function rescaled(x: Float64Array, radius: number): Float64Array {
  const r = norm(x);
  if (!(r > 0) || !Number.isFinite(r)) throw new Error(`hypersphere: cannot rescale a point of norm ${r} to radius ${radius}`);
  const factor = radius / r;
  return x.map((v) => v * factor);
}

/**
 * Training with ‖θ‖ held at `radius`: on the full sphere in ℝ^D (trained
 * vector w = θ, radial gradient removed, rescaled after every step), or, with
 * `subspace`, on the d-dimensional sphere inside span(through, P),
 * θ(w) = r₀·u/‖u‖ with u = r₀·through/‖through‖ + P·w, w starting at 0.
 */
export function hypersphereParametrisation(radius: number, options: HypersphereOptions): SurfaceParametrisation {
  if (!(radius > 0) || !Number.isFinite(radius)) throw new Error(`hypersphereParametrisation: the radius must be a positive number, got ${radius}`);
  checkFinitePoint('hypersphereParametrisation: through', options.through);
  const anchor = rescaled(options.through, radius); // throws for the zero vector
  const subspace = options.subspace;
  if (!subspace) {
    return {
      surface: 'hypersphere',
      trainedDim: anchor.length,
      initial: anchor,
      radius,
      toTheta: (w) => w,
      pullBack: (gradientTheta, w) => removeRadial(gradientTheta, w),
      project: (w) => rescaled(w, radius),
    };
  }
  checkAmbient('hypersphereParametrisation', anchor, subspace);
  const pointOnPlane = (w: Float64Array): Float64Array => {
    const u = subspace.project(w);
    for (let i = 0; i < u.length; i++) u[i] = anchor[i]! + u[i]!;
    return u;
  };
  return {
    surface: 'hypersphere',
    trainedDim: subspace.subspaceDim,
    initial: new Float64Array(subspace.subspaceDim),
    radius,
    toTheta: (w) => rescaled(pointOnPlane(w), radius),
    pullBack(gradientTheta, w) {
      const u = pointOnPlane(w);
      const tangential = removeRadial(gradientTheta, u);
      const factor = radius / norm(u);
      for (let i = 0; i < tangential.length; i++) tangential[i] = tangential[i]! * factor;
      return subspace.projectTranspose(tangential);
    },
  };
}

// ---------------------------------------------------------------------------
// The radius r(t) during training

export interface RadiusSample {
  /** Optimiser steps taken (0 = before training). */
  step: number;
  radius: number;
}

export interface RadiusRecorder {
  readonly samples: RadiusSample[];
  /** Records ‖θ(w)‖ at step 0 (call before training). */
  start(w: Float64Array): void;
  /** The hook to pass as trainModel's onStep (or to call from one). */
  onStep(info: StepInfo, w: Float64Array): void;
}

/**
 * Collects r = ‖θ(w)‖ every `every` optimiser steps (θ(w) through the
 * parametrisation, the identity by default).
 */
export function radiusRecorder(options: { every: number; parametrisation?: Parametrisation }): RadiusRecorder {
  const { every } = options;
  if (!Number.isInteger(every) || every < 1) throw new Error(`radiusRecorder: every must be a positive integer, got ${every}`);
  const toTheta = options.parametrisation?.toTheta ?? ((w: Float64Array) => w);
  const samples: RadiusSample[] = [];
  return {
    samples,
    start(w) {
      samples.push({ step: 0, radius: norm(toTheta(w)) });
    },
    onStep(info, w) {
      if (info.globalStep % every === 0) samples.push({ step: info.globalStep, radius: norm(toTheta(w)) });
    },
  };
}

export interface PowerLawFit {
  /** β in y ≈ c·x^β. */
  exponent: number;
  /** c. */
  prefactor: number;
  /** R² of the straight-line fit of log y on log x. */
  rSquared: number;
  /** The number of points used. */
  points: number;
}

/**
 * Least-squares fit of log y = log c + β·log x over the points with x > 0 and
 * y > 0 (at least two distinct x are needed).
 */
export function fitPowerLaw(points: readonly { x: number; y: number }[]): PowerLawFit {
  const used = points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y));
  if (used.length < 2) throw new Error(`fitPowerLaw: need at least two points with x > 0 and y > 0, got ${used.length}`);
  const line = fitLine(used.map((p) => Math.log(p.x)), used.map((p) => Math.log(p.y)));
  if (line === null) throw new Error('fitPowerLaw: all x are equal');
  return { exponent: line.slope, prefactor: Math.exp(line.intercept), rSquared: line.rSquared, points: used.length };
}

export interface DiffusiveFit {
  /** a in r² ≈ a + b·t (the squared radius the walk extrapolates to at t = 0). */
  offset: number;
  /** b, the growth of r² per step (the mean squared step length, for a walk of orthogonal steps). */
  rate: number;
  /** R² of the straight-line fit of r² on t. */
  rSquared: number;
  points: number;
}

/** Least-squares fit of r² = a + b·t to radius samples (at least two distinct steps). */
export function fitDiffusiveGrowth(samples: readonly RadiusSample[]): DiffusiveFit {
  const used = samples.filter((s) => Number.isFinite(s.step) && Number.isFinite(s.radius));
  if (used.length < 2) throw new Error(`fitDiffusiveGrowth: need at least two samples, got ${used.length}`);
  const line = fitLine(used.map((s) => s.step), used.map((s) => s.radius * s.radius));
  if (line === null) throw new Error('fitDiffusiveGrowth: all samples are at the same step');
  return { offset: line.intercept, rate: line.slope, rSquared: line.rSquared, points: used.length };
}
