/** Checks for exercise 1: the reverse-mode (vjp) rule of tanh. Expected values: d/dx tanh x = 1 − tanh² x, d²/dx² tanh x = −2 tanh x (1 − tanh² x). */
import { grad, sum, tanh, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

const xs = [-1.5, -0.2, 0, 0.7, 2.5];

export const checks: ExerciseCheck[] = [
  {
    name: 'grad of sum(tanh(x)) is 1 − tanh²(x)',
    run: () => {
      const g = grad((x: Tensor) => sum(tanh(x)))(tensor(xs));
      expectAllClose('gradient of sum(tanh(x)) at x = [' + xs.join(', ') + ']', g.toTypedArray(), xs.map((x) => 1 - Math.tanh(x) ** 2));
    },
  },
  {
    name: 'the cotangent is multiplied in (chain rule)',
    run: () => {
      const g = grad((x: Tensor) => sum(tanh(x.mul(3))))(tensor(xs));
      expectAllClose('gradient of sum(tanh(3x))', g.toTypedArray(), xs.map((x) => 3 * (1 - Math.tanh(3 * x) ** 2)));
    },
  },
  {
    name: 'the rule is written with engine ops, so grad(grad) works',
    run: () => {
      const d2 = grad((x: Tensor) => sum(grad((y: Tensor) => sum(tanh(y)))(x)))(tensor(xs));
      expectAllClose('second derivative of tanh', d2.toTypedArray(), xs.map((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)));
    },
  },
];
