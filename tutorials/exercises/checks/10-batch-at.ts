/**
 * Checks for exercise 10: batchAt, which gives a value its batch axis at a
 * chosen position — moved there, or made there by broadcasting. Every
 * elementwise batching rule lines its operands up with it, so the checks run
 * vmap and compare with a loop over the slices (which never batches).
 */
import { add, mul, stack, tensor, vmap, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, expectEqualList, type ExerciseCheck } from '../check.js';

const A = tensor([[1, 2, 3], [4, 5, 6]]); // two slices of shape [3]
const w = tensor([10, 20, 30]);

/** f applied to slice i of each argument (axis 0, or the whole argument when it is not mapped), stacked. */
function loop(f: (...xs: Tensor[]) => Tensor, args: Tensor[], mapped: boolean[], count: number): Tensor {
  return stack(Array.from({ length: count }, (_, i) => f(...args.map((x, j) => (mapped[j] ? x.index(i) : x)))), 0);
}

export const checks: ExerciseCheck[] = [
  {
    name: 'an unbatched operand is repeated along the batch axis (vmap of x + w with w unmapped)',
    run: () => {
      const got = vmap((x: Tensor, v: Tensor) => add(x, v), [0, null])(A, w);
      expectEqualList('shape', got.shape, [2, 3]);
      expectAllClose('each row + [10, 20, 30]', got.toTypedArray(), loop(add, [A, w], [true, false], 2).toTypedArray(), 0);
    },
  },
  {
    name: 'two operands batched on different axes are lined up (inAxes [0, 1])',
    run: () => {
      const B = tensor([[7, 8], [9, 10], [11, 12]]); // batch axis 1: slices [7, 9, 11] and [8, 10, 12]
      const got = vmap((x: Tensor, y: Tensor) => mul(x, y), [0, 1])(A, B);
      const expected = loop(mul, [A, B.T], [true, true], 2);
      expectAllClose('A[i] · B[:, i]', got.toTypedArray(), expected.toTypedArray(), 0);
    },
  },
  {
    name: 'the result\'s batch axis goes where outAxes says, and an unbatched result is repeated',
    run: () => {
      const moved = vmap((x: Tensor) => mul(x, 2), 0, 1)(A);
      expectEqualList('shape with outAxes 1', moved.shape, [3, 2]);
      expectAllClose('2·Aᵀ', moved.toTypedArray(), [2, 8, 4, 10, 6, 12], 0);
      const constant = vmap(() => w, 0, 0)(A);
      expectAllClose('w repeated for both slices', constant.toTypedArray(), [10, 20, 30, 10, 20, 30], 0);
    },
  },
];
