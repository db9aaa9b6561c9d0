/** Checks for exercise 16: one step of Adam (Kingma & Ba 2015, Algorithm 1), against a hand-written loop of the paper's formulas. */
import { adam, type AdamOptions } from '../../../src/nn/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

/** The paper's update, written out for a list of gradients. */
function adamByHand(theta: number[], gradients: number[][], o: Required<AdamOptions>): number[] {
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  let th = [...theta];
  gradients.forEach((gradient, step) => {
    const t = step + 1;
    th = th.map((x, i) => {
      const g = gradient[i]! + (o.decoupled ? 0 : o.weightDecay * x);
      m[i] = o.beta1 * m[i]! + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i]! + (1 - o.beta2) * g * g;
      const mHat = m[i]! / (1 - o.beta1 ** t);
      const vHat = v[i]! / (1 - o.beta2 ** t);
      return x - (o.decoupled ? o.learningRate * o.weightDecay * x : 0) - (o.learningRate * mHat) / (Math.sqrt(vHat) + o.eps);
    });
  });
  return th;
}

function run(options: Required<AdamOptions>, theta: number[], gradients: number[][]): Float64Array {
  const optimizer = adam(options);
  let state = optimizer.init(Float64Array.from(theta));
  let th: Float64Array = Float64Array.from(theta);
  for (const g of gradients) ({ theta: th, state } = optimizer.step(th, Float64Array.from(g), state));
  return th;
}

const plain = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false };
const gradients = [[1, -2, 0.5], [0.5, -1, 2], [-1, 3, 0]];

export const checks: ExerciseCheck[] = [
  {
    name: 'the first step moves every coordinate by about the learning rate, against the gradient',
    run: () => expectAllClose('θ after one step from [0, 0, 0] with g = [1, −2, 0.5], lr 0.1', run(plain, [0, 0, 0], [gradients[0]!]), [-0.1, 0.1, -0.1], 1e-6),
  },
  {
    name: 'three steps with bias correction match the paper',
    run: () => expectAllClose('θ after three steps', run(plain, [1, 2, 3], gradients), adamByHand([1, 2, 3], gradients, plain), 1e-12),
  },
  {
    name: 'L2 weight decay (added to the gradient) and decoupled weight decay (AdamW)',
    run: () => {
      const l2 = { ...plain, weightDecay: 0.1 };
      expectAllClose('θ after three steps of Adam with weightDecay 0.1', run(l2, [1, 2, 3], gradients), adamByHand([1, 2, 3], gradients, l2), 1e-12);
      const adamw = { ...plain, weightDecay: 0.1, decoupled: true };
      expectAllClose('θ after three steps of AdamW with weightDecay 0.1', run(adamw, [1, 2, 3], gradients), adamByHand([1, 2, 3], gradients, adamw), 1e-12);
    },
  },
];
