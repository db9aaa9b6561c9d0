/** Checks for exercise 8: jacrev, the whole Jacobian, one pullback per output element. */
import { jacrev, matmul, mul, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, expectEqualList, type ExerciseCheck } from '../check.js';

export const checks: ExerciseCheck[] = [
  {
    name: 'the Jacobian of x ↦ Ax is A',
    run: () => {
      const A = [[1, 2, 3], [4, 5, 6]];
      const J = jacrev((x: Tensor) => matmul(tensor(A), x.reshape([3, 1])).reshape([2]))(tensor([0.5, -1, 2]));
      expectEqualList('shape of the Jacobian of ℝ³ → ℝ²', [...J.shape], [2, 3]);
      expectAllClose('the Jacobian of x ↦ Ax', J.toTypedArray(), A.flat());
    },
  },
  {
    name: 'the Jacobian of x ↦ x² (elementwise) is diag(2x)',
    run: () => expectAllClose('Jacobian of x ↦ x·x at [1, −2, 3]', jacrev((x: Tensor) => mul(x, x))(tensor([1, -2, 3])).toTypedArray(), [2, 0, 0, 0, -4, 0, 0, 0, 6]),
  },
  {
    name: 'shapes: [...output, ...input]',
    run: () => {
      // f(x)_{ij} = x_i · x_j for x ∈ ℝ², ∂f_ij/∂x_k = δ_ik x_j + x_i δ_jk
      const x = [3, 5];
      const J = jacrev((t: Tensor) => mul(t.reshape([2, 1]), t.reshape([1, 2])))(tensor(x));
      expectEqualList('shape of the Jacobian of the outer product x xᵀ', [...J.shape], [2, 2, 2]);
      const expected: number[] = [];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) expected.push((i === k ? x[j]! : 0) + (j === k ? x[i]! : 0));
      expectAllClose('Jacobian of x xᵀ', J.toTypedArray(), expected);
    },
  },
];
