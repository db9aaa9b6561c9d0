/** Checks for exercise 15: the mean softmax cross-entropy −(1/n) Σ log softmax(z_i)[y_i], computed here by hand. */
import { grad, softmaxCrossEntropy, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, expectClose, type ExerciseCheck } from '../check.js';

const logits = [[2, 1, 0.1], [0.5, 2.5, -1], [-3, 0, 3]];
const labels = [0, 2, 2];
const softmaxRow = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

export const checks: ExerciseCheck[] = [
  {
    name: 'the value: the mean of −log p[label]',
    run: () => {
      const expected = -labels.reduce((s, y, i) => s + Math.log(softmaxRow(logits[i]!)[y]!), 0) / labels.length;
      expectClose('cross-entropy of three rows', softmaxCrossEntropy(tensor(logits), labels).item(), expected, 1e-12);
    },
  },
  {
    name: 'the gradient: (softmax − one-hot) / n',
    run: () => {
      const expected = logits.flatMap((z, i) => softmaxRow(z).map((p, j) => (p - (j === labels[i] ? 1 : 0)) / labels.length));
      expectAllClose('gradient with respect to the logits', grad((z: Tensor) => softmaxCrossEntropy(z, labels))(tensor(logits)).toTypedArray(), expected, 1e-12);
    },
  },
  {
    name: 'large logits do not overflow (log-sum-exp)',
    run: () => expectClose('cross-entropy of logits [1000, 0] with label 1', softmaxCrossEntropy(tensor([[1000, 0]]), [1]).item(), 1000, 1e-12),
  },
];
