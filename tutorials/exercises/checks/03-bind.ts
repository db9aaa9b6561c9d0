/** Checks for exercise 3: bind, which hands a primitive to the interpreter of its highest-level input. */
import { add, grad, jvp, mul, sum, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, expectClose, type ExerciseCheck } from '../check.js';

export const checks: ExerciseCheck[] = [
  {
    name: 'with no tracers, bind evaluates on numbers',
    run: () => expectAllClose('[1, 2] + [10, 20]', add(tensor([1, 2]), tensor([10, 20])).toTypedArray(), [11, 22]),
  },
  {
    name: 'inside grad, bind sends the primitive to the vjp trace',
    run: () => expectAllClose('gradient of sum(x·x) at [1, −2, 3]', grad((x: Tensor) => sum(mul(x, x)))(tensor([1, -2, 3])).toTypedArray(), [2, -4, 6]),
  },
  {
    name: 'a constant meets a tracer: it is lifted, not differentiated',
    run: () => expectAllClose('gradient of sum(c·x) with c = [5, 7]', grad((x: Tensor) => sum(mul(tensor([5, 7]), x)))(tensor([1, 1])).toTypedArray(), [5, 7]),
  },
  {
    name: 'no perturbation confusion: d/dx [x · d/dy (x + y)] = 1',
    run: () => {
      // d/dy (x + y) = 1 for every x, so the whole thing is d/dx x = 1; an engine that lets x's tangent leak into the inner derivative gets 2.
      const inner = (x: Tensor) => (y: Tensor): Tensor => add(x, y);
      const outer = (x: Tensor): Tensor => mul(x, jvp(inner(x), [tensor(4)], [tensor(1)])[1]);
      expectClose('d/dx [x · d/dy (x + y)] at x = 3', jvp(outer, [tensor(3)], [tensor(1)])[1].item(), 1);
    },
  },
  {
    name: 'the higher level wins: forward over reverse gives f″',
    run: () => {
      // f(x) = x³, f″(x) = 6x
      const g = grad((x: Tensor) => mul(mul(x, x), x));
      expectClose('d/dx of grad(x³) at x = 2', jvp(g, [tensor(2)], [tensor(1)])[1].item(), 12);
    },
  },
];
