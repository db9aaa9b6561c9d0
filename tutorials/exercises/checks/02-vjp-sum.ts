/** Checks for exercise 2: the vjp rule of sum. Each input entry appears once in the sum of its group, so its cotangent is the group's cotangent. */
import { grad, sum, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

const x = (): Tensor => tensor([[1, 2, 3], [4, 5, 6]]);

export const checks: ExerciseCheck[] = [
  {
    name: 'grad of a full sum is all ones',
    run: () => expectAllClose('gradient of sum(x) for x of shape [2, 3]', grad((t: Tensor) => sum(t))(x()).toTypedArray(), [1, 1, 1, 1, 1, 1]),
  },
  {
    name: 'a sum over axis 1, weighted per row, gives each row its weight',
    run: () => {
      // f(x) = 10·(x00 + x01 + x02) + 100·(x10 + x11 + x12)
      const f = (t: Tensor): Tensor => sum(sum(t, 1).mul(tensor([10, 100])));
      expectAllClose('gradient of Σ_i w_i Σ_j x_ij with w = [10, 100]', grad(f)(x()).toTypedArray(), [10, 10, 10, 100, 100, 100]);
    },
  },
  {
    name: 'a sum over axis 0 with keepdims, weighted per column',
    run: () => {
      const f = (t: Tensor): Tensor => sum(sum(t, 0, true).mul(tensor([[1, 2, 3]])));
      expectAllClose('gradient of Σ_j w_j Σ_i x_ij with w = [1, 2, 3]', grad(f)(x()).toTypedArray(), [1, 2, 3, 1, 2, 3]);
    },
  },
];
