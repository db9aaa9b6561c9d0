/** Checks for exercise 7: hvp, the exact Hessian-vector product by forward over reverse. */
import { hvp, matmul, mul, sum, tanh, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

// f(x) = ½ xᵀAx + Σ x_i³ has H = A + diag(6x) (A symmetric).
const A = [[2, 1, 0], [1, 3, -1], [0, -1, 4]];
const quadraticPlusCubic = (x: Tensor): Tensor =>
  sum(mul(matmul(tensor(A), x.reshape([3, 1])).reshape([3]), x)).mul(0.5).add(sum(mul(mul(x, x), x)));

export const checks: ExerciseCheck[] = [
  {
    name: 'H·v for ½xᵀAx + Σx³ equals (A + diag(6x))·v, exactly',
    run: () => {
      const x = [1, -2, 0.5];
      const v = [1, 2, -1];
      const expected = A.map((row, i) => row.reduce((s, a, j) => s + a * v[j]!, 0) + 6 * x[i]! * v[i]!);
      expectAllClose('hvp at x = [1, −2, 0.5] along v = [1, 2, −1]', hvp(quadraticPlusCubic, tensor(x), tensor(v)).toTypedArray(), expected, 1e-12);
    },
  },
  {
    name: 'H·v of Σ tanh(x): the diagonal −2 tanh(1 − tanh²) times v',
    run: () => {
      const x = [0.3, -1.1];
      const v = [2, 5];
      const d2 = (t: number): number => -2 * Math.tanh(t) * (1 - Math.tanh(t) ** 2);
      expectAllClose('hvp of Σ tanh', hvp((y: Tensor) => sum(tanh(y)), tensor(x), tensor(v)).toTypedArray(), x.map((t, i) => d2(t) * v[i]!), 1e-12);
    },
  },
];
