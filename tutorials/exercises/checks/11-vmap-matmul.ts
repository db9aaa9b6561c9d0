/**
 * Checks for exercise 11: the batching rule of matmul. vmap of a product
 * must equal the loop over slices, whichever operands are batched and
 * wherever their batch axes are, for matrix-matrix, matrix-vector and
 * stacked products. The expected values come from the loop, which calls
 * matmul on single slices and never reaches a batching rule.
 */
import { matmul, randn, stack, Random, vmap, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, expectEqualList, type ExerciseCheck } from '../check.js';

const rng = new Random(11);
const B = 3;

/** Slice i of x along `axis`. */
const sliceOf = (x: Tensor, axis: number, i: number): Tensor => x.gather([i], axis).reshape(x.shape.filter((_, j) => j !== axis));

function loop(a: Tensor, b: Tensor, axes: (number | null)[]): Tensor {
  return stack(Array.from({ length: B }, (_, i) => matmul(axes[0] === null ? a : sliceOf(a, axes[0]!, i), axes[1] === null ? b : sliceOf(b, axes[1]!, i))), 0);
}

function compare(a: Tensor, b: Tensor, axes: (number | null)[], what: string): void {
  const got = vmap(matmul, axes)(a, b);
  const expected = loop(a, b, axes);
  expectEqualList(`${what}: shape`, got.shape, expected.shape);
  expectAllClose(what, got.toTypedArray(), expected.toTypedArray(), 1e-12);
}

export const checks: ExerciseCheck[] = [
  {
    name: 'only the left operand batched: a batch of [4, 5] matrices times one [5, 2]',
    run: () => compare(randn([B, 4, 5], rng), randn([5, 2], rng), [0, null], 'X[i]·W'),
  },
  {
    name: 'only the right operand batched, with its batch axis last: one [4, 5] times a batch of [5, 40]',
    run: () => compare(randn([4, 5], rng), randn([5, 40, B], rng), [null, 2], 'W·Y[:, :, i]'),
  },
  {
    name: 'a matrix times a batch of vectors (a matrix-vector product for every vector)',
    run: () => compare(randn([4, 5], rng), randn([B, 5], rng), [null, 0], 'W·v_i'),
  },
  {
    name: 'both operands batched, on different axes',
    run: () => compare(randn([4, B, 5], rng), randn([B, 5, 2], rng), [1, 0], 'X[:, i]·Y[i]'),
  },
  {
    name: 'stacks of products: a batch of [2, 4, 5] stacks times one [2, 5, 3] stack',
    run: () => compare(randn([B, 2, 4, 5], rng), randn([2, 5, 3], rng), [0, null], 'stacked'),
  },
];
