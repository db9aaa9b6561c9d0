/** Checks for exercise 5: the forward-mode (jvp) rule of tanh: d tanh(x) = (1 − tanh² x)·dx. */
import { grad, jvp, sum, tanh, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

const xs = [-2, -0.3, 0, 0.5, 1.7];
const vs = [1, -2, 0.5, 3, -1];

export const checks: ExerciseCheck[] = [
  {
    name: 'jvp of tanh along v is v·(1 − tanh²x)',
    run: () => {
      const [y, dy] = jvp((x: Tensor) => tanh(x), [tensor(xs)], [tensor(vs)]);
      expectAllClose('tanh(x) (the primal output)', y.toTypedArray(), xs.map(Math.tanh));
      expectAllClose('the tangent of tanh(x) along v', dy.toTypedArray(), xs.map((x, i) => vs[i]! * (1 - Math.tanh(x) ** 2)));
    },
  },
  {
    name: 'the rule is written with engine ops, so forward over reverse works',
    run: () => {
      // H of Σ tanh(x_i) is diagonal with entries −2 tanh(x)(1 − tanh²x); H·v multiplies them by v.
      const g = grad((x: Tensor) => sum(tanh(x)));
      const hv = jvp(g, [tensor(xs)], [tensor(vs)])[1];
      expectAllClose('jvp of grad(Σ tanh) along v', hv.toTypedArray(), xs.map((x, i) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2) * vs[i]!));
    },
  },
];
