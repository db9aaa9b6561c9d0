/**
 * Where critical-point finders start.
 *
 * A finder started at random lands wherever its own dynamics take it, which
 * says little about the landscape an optimiser actually visits. Frye et al.
 * (after Pennington & Bahri 2017) start instead from points on optimiser
 * trajectories, chosen so that their loss values are spread uniformly — high
 * (near the start of training, near saddles) as much as low (near minima) —
 * and add Gaussian noise of variance 1e-2 to half of them, so that not every
 * start lies exactly on a trajectory.
 *
 * Here each starting point gets its own trajectory: draw θ₀ (an
 * initialisation), run plain gradient descent for `steps` steps, pick a
 * target loss uniformly between the lowest and the highest loss seen, and
 * take the trajectory point whose loss is closest to it. Every other point
 * (odd indices) gets the noise. Every random choice comes from the seed.
 */
import { Random, valueAndGrad } from '../../autodiff/index.js';
import { flatTensor, toFloat64 } from '../../nn/index.js';
import type { LossOfTheta } from '../hessian-operator.js';

export interface TrajectoryOptions {
  /** Gradient-descent steps per trajectory. */
  steps: number;
  /** Its learning rate. */
  learningRate: number;
  /** θ₀ ~ N(0, initScale²·I) when no `init` is given. */
  initScale: number;
  /** Draws θ₀ (e.g. a network's initialisation). */
  init?: (rng: Random) => Float64Array;
  /** Variance of the Gaussian noise added to every other starting point (0 for none). */
  noiseVariance: number;
}

/** One gradient-descent trajectory: the points visited and their losses (stops early if the loss stops being finite). */
export function gradientDescentTrajectory(loss: LossOfTheta, theta0: Float64Array, steps: number, learningRate: number): { points: Float64Array[]; losses: number[] } {
  const points: Float64Array[] = [];
  const losses: number[] = [];
  const lossAndGradient = valueAndGrad(loss);
  let theta: Float64Array = Float64Array.from(theta0);
  for (let t = 0; t <= steps; t++) {
    const [value, gradient] = lossAndGradient(flatTensor(theta));
    const l = value.item();
    if (!Number.isFinite(l)) break;
    points.push(theta);
    losses.push(l);
    const g = toFloat64(gradient);
    theta = theta.map((v, i) => v - learningRate * g[i]!);
  }
  return { points, losses };
}

/** `count` starting points from gradient-descent trajectories, uniform in loss value, noise on every other one. */
export function trajectoryStartingPoints(loss: LossOfTheta, dim: number, count: number, seed: number, options: TrajectoryOptions): Float64Array[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`startingPoints: count must be a non-negative integer, got ${count}`);
  const master = new Random(seed);
  const noiseSd = Math.sqrt(options.noiseVariance);
  const starts: Float64Array[] = [];
  for (let i = 0; i < count; i++) {
    const rng = master.split();
    const theta0 = options.init ? options.init(rng) : Float64Array.from({ length: dim }, () => options.initScale * rng.normal());
    if (theta0.length !== dim) throw new Error(`startingPoints: init gave ${theta0.length} numbers, the problem has D = ${dim}`);
    const { points, losses } = gradientDescentTrajectory(loss, theta0, options.steps, options.learningRate);
    if (points.length === 0) throw new Error('startingPoints: the loss is not finite at the initial point');
    const lowest = Math.min(...losses);
    const highest = Math.max(...losses);
    const target = rng.uniform(lowest, highest);
    let best = 0;
    for (let t = 1; t < losses.length; t++) if (Math.abs(losses[t]! - target) < Math.abs(losses[best]! - target)) best = t;
    const start = Float64Array.from(points[best]!);
    if (i % 2 === 1 && noiseSd > 0) for (let j = 0; j < dim; j++) start[j] = start[j]! + noiseSd * rng.normal();
    starts.push(start);
  }
  return starts;
}
