/** Checks for exercise 18: restricting a symmetric operator A to a subspace, PᵀAP, column j from A·(P e_j). */
import { restrictOperator } from '../../../src/landscape/index.js';
import { denseOrthonormalSubspace } from '../../../src/landscape/linalg/index.js';
import { expectAllClose, expectClose, expectEqualList, type ExerciseCheck } from '../check.js';

const D = 7;
const d = 3;
const diagonal = Array.from({ length: D }, (_, i) => i + 1);
const applyDiagonal = (v: Float64Array): Float64Array => v.map((x, i) => diagonal[i]! * x);
/** A as an operator: its size and its product (no applyMany, so the exercise's loop is what runs). */
const diagonalOperator = { dim: D, apply: applyDiagonal };

export const checks: ExerciseCheck[] = [
  {
    name: 'PᵀAP for A = diag(1 … 7), against the dense product',
    run: () => {
      const subspace = denseOrthonormalSubspace(D, d, 3);
      const P = subspace.toDense();
      const expected: number[] = [];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expected.push(diagonal.reduce((s, a, k) => s + P[k * d + i]! * a * P[k * d + j]!, 0));
      const restricted = restrictOperator(diagonalOperator, subspace);
      expectEqualList('d', [restricted.d], [d]);
      expectAllClose('PᵀAP (row-major d×d)', restricted.matrix, expected, 1e-12);
    },
  },
  {
    name: 'A = 5·I restricted to orthonormal directions is 5·I',
    run: () => {
      const restricted = restrictOperator({ dim: D, apply: (v: Float64Array) => v.map((x) => 5 * x) }, denseOrthonormalSubspace(D, d, 1));
      expectAllClose('Pᵀ(5I)P', restricted.matrix, [5, 0, 0, 0, 5, 0, 0, 0, 5], 1e-12);
    },
  },
  {
    name: 'a symmetric A gives a symmetric result, and the asymmetry before symmetrising is reported',
    run: () => {
      const restricted = restrictOperator(diagonalOperator, denseOrthonormalSubspace(D, d, 5));
      expectClose('M[0][1] − M[1][0]', restricted.matrix[1]! - restricted.matrix[d]!, 0, 1e-14);
      expectClose('the reported asymmetry (rounding only)', restricted.asymmetry, 0, 1e-12);
    },
  },
];
