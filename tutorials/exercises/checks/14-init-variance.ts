/**
 * Checks for exercise 14: the variance of one weight under each initialiser.
 * Glorot & Bengio (2010): Var = 2/(fan_in + fan_out); He et al. (2015):
 * Var = 2/fan_in; LeCun (1998): Var = 1/fan_in.
 */
import { initVariance } from '../../../src/nn/index.js';
import { expectClose, type ExerciseCheck } from '../check.js';

export const checks: ExerciseCheck[] = [
  {
    name: 'Xavier (normal and uniform): 2 / (fan_in + fan_out)',
    run: () => {
      expectClose('xavier-normal variance for fan_in 784, fan_out 200', initVariance('xavier-normal', 784, 200), 2 / 984, 1e-14);
      expectClose('xavier-uniform variance for fan_in 30, fan_out 10', initVariance('xavier-uniform', 30, 10), 0.05, 1e-14);
    },
  },
  {
    name: 'He (normal and uniform): 2 / fan_in',
    run: () => {
      expectClose('he-normal variance for fan_in 784', initVariance('he-normal', 784, 200), 2 / 784, 1e-14);
      expectClose('he-uniform variance for fan_in 50', initVariance('he-uniform', 50, 3), 0.04, 1e-14);
    },
  },
  {
    name: 'LeCun: 1 / fan_in; zeros: 0',
    run: () => {
      expectClose('lecun-normal variance for fan_in 25', initVariance('lecun-normal', 25, 7), 0.04, 1e-14);
      expectClose('zeros variance', initVariance('zeros', 25, 7), 0, 0);
    },
  },
];
