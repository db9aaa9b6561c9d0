/** Checks for exercise 4: unbroadcast, which sums a cotangent back to the shape its input had before broadcasting. */
import { add, grad, sum, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { unbroadcast } from '../../../src/autodiff/vjp.js';
import { expectAllClose, expectEqualList, type ExerciseCheck } from '../check.js';

const g = (): Tensor => tensor([[1, 2, 3], [10, 20, 30]]);

export const checks: ExerciseCheck[] = [
  {
    name: 'a leading axis that broadcasting added is summed away',
    run: () => {
      const r = unbroadcast(g(), [3]);
      expectEqualList('shape of unbroadcast([2, 3] → [3])', [...r.shape], [3]);
      expectAllClose('column sums', r.toTypedArray(), [11, 22, 33]);
    },
  },
  {
    name: 'an axis of size 1 is summed and kept',
    run: () => {
      const r = unbroadcast(g(), [2, 1]);
      expectEqualList('shape of unbroadcast([2, 3] → [2, 1])', [...r.shape], [2, 1]);
      expectAllClose('row sums', r.toTypedArray(), [6, 60]);
    },
  },
  {
    name: 'a shape that was not broadcast comes back unchanged',
    run: () => expectAllClose('unbroadcast([2, 3] → [2, 3])', unbroadcast(g(), [2, 3]).toTypedArray(), [1, 2, 3, 10, 20, 30]),
  },
  {
    name: 'to a scalar: everything is summed',
    run: () => {
      const r = unbroadcast(g(), []);
      expectEqualList('shape of unbroadcast([2, 3] → [])', [...r.shape], []);
      expectAllClose('total', r.toTypedArray(), [66]);
    },
  },
  {
    name: 'grad through a broadcasting add: a bias gets the sum over the batch',
    run: () => {
      const x = tensor([[1, 2], [3, 4], [5, 6]]);
      const f = (b: Tensor): Tensor => sum(add(x, b).mul(x));
      expectAllClose('gradient of Σ (x + b)·x with respect to b of shape [2]', grad(f)(tensor([0, 0])).toTypedArray(), [9, 12]);
    },
  },
];
