/**
 * Checks for exercise 12: the transpose rule of add in chapter 04's linear
 * IR. Expected values are the Jacobians of small functions written out by
 * hand.
 */
import { linearize, transposeProgram } from '../../04-linearize-and-transpose.js';
import { expectAllClose, expectClose, type ExerciseCheck } from '../check.js';

export const checks: ExerciseCheck[] = [
  {
    name: 'the transpose of t = x + y sends u to both inputs',
    run: () => {
      const lin = linearize(([x, y]) => [x!.add(y!)], [2, 5]);
      expectAllClose('Jᵀ·u for f(x, y) = x + y and u = 3', transposeProgram(lin, [3]), [3, 3]);
    },
  },
  {
    name: 'contributions add up: f(x) = x + x has Jᵀ·u = 2u',
    run: () => {
      const lin = linearize(([x]) => [x!.add(x!)], [1.5]);
      expectAllClose('Jᵀ·u for f(x) = x + x and u = 1', transposeProgram(lin, [1]), [2]);
    },
  },
  {
    name: 'a composite: f(x, y) = [x·y + x, x + y] at (2, −3)',
    run: () => {
      // J = [[y + 1, x], [1, 1]] = [[−2, 2], [1, 1]], so Jᵀ·[u₁, u₂] = [−2u₁ + u₂, 2u₁ + u₂].
      const lin = linearize(([x, y]) => [x!.mul(y!).add(x!), x!.add(y!)], [2, -3]);
      expectAllClose('Jᵀ·[1, 10]', transposeProgram(lin, [1, 10]), [8, 12]);
    },
  },
  {
    name: '⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ for a program of adds and scales',
    run: () => {
      const lin = linearize(([x, y]) => [x!.add(y!).mul(x!).add(y!.neg())], [0.7, -0.2]);
      const v = [0.3, -1.1];
      const jv = lin.program.apply(lin.inputs, lin.outputs, v);
      const jtu = transposeProgram(lin, [2]);
      expectClose('⟨Jᵀu, v⟩ against ⟨u, Jv⟩ with u = 2', jtu[0]! * v[0]! + jtu[1]! * v[1]!, 2 * jv[0]!, 1e-14);
    },
  },
];

