/** Checks for exercise 6: the jvp rule of mul, the product rule d(a·b) = da·b + a·db, with exact zeros for constants. */
import { jvp, mul, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

export const checks: ExerciseCheck[] = [
  {
    name: 'both inputs moving: da·b + a·db',
    run: () => {
      const [y, dy] = jvp((a: Tensor, b: Tensor) => mul(a, b), [tensor([1, 2, 3]), tensor([4, 5, 6])], [tensor([1, 0, -1]), tensor([2, 2, 2])]);
      expectAllClose('a·b', y.toTypedArray(), [4, 10, 18]);
      // da·b + a·db = [4, 0, −6] + [2, 4, 6]
      expectAllClose('the tangent of a·b', dy.toTypedArray(), [6, 4, 0]);
    },
  },
  {
    name: 'a constant factor has no tangent: d(c·x) = c·dx',
    run: () => {
      const c = tensor([3, -1]);
      expectAllClose('the tangent of c·x with c = [3, −1], dx = [1, 2]', jvp((x: Tensor) => mul(c, x), [tensor([7, 8])], [tensor([1, 2])])[1].toTypedArray(), [3, -2]);
    },
  },
  {
    name: 'x·x: both inputs are the same tracer, d(x²) = 2x·dx',
    run: () => expectAllClose('the tangent of x·x at x = [1, −3]', jvp((x: Tensor) => mul(x, x), [tensor([1, -3])], [tensor([1, 1])])[1].toTypedArray(), [2, -6]),
  },
];
