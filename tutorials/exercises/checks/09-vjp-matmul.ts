/** Checks for exercise 9: the vjp rule of matmul. For C = A·B and cotangent G: Ā = G·Bᵀ, B̄ = Aᵀ·G (the transpose of the linear map). Expected values come from plain loops. */
import { grad, matmul, sum, tensor, type Tensor } from '../../../src/autodiff/index.js';
import { expectAllClose, type ExerciseCheck } from '../check.js';

const A = [[1, 2, 3], [4, 5, 6]];
const B = [[1, -1], [0, 2], [3, 1]];
const G = [[1, 10], [100, 1000]];
const transposeOf = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));
const times = (p: number[][], q: number[][]): number[] => p.flatMap((row) => q[0]!.map((_, j) => row.reduce((s, a, k) => s + a * q[k]![j]!, 0)));
// f(A, B) = Σ G ⊙ (A·B), whose gradients are G·Bᵀ and Aᵀ·G.
const f = (a: Tensor, b: Tensor): Tensor => sum(matmul(a, b).mul(tensor(G)));

export const checks: ExerciseCheck[] = [
  {
    name: 'the cotangent of the left operand is G·Bᵀ',
    run: () => expectAllClose('gradient of Σ G⊙(AB) with respect to A', grad(f, 0)(tensor(A), tensor(B)).toTypedArray(), times(G, transposeOf(B))),
  },
  {
    name: 'the cotangent of the right operand is Aᵀ·G',
    run: () => expectAllClose('gradient of Σ G⊙(AB) with respect to B', grad(f, 1)(tensor(A), tensor(B)).toTypedArray(), times(transposeOf(A), G)),
  },
  {
    name: 'batched [b, m, k] @ [b, k, n]: each batch on its own',
    run: () => {
      const a = tensor([A, A.map((r) => r.map((x) => -x))]);
      const b = tensor([B, B]);
      const g = tensor([G, G]);
      const got = grad((x: Tensor) => sum(matmul(x, b).mul(g)))(a).toTypedArray();
      expectAllClose('gradient of a batched matmul with respect to its left operand', got, [...times(G, transposeOf(B)), ...times(G, transposeOf(B))]);
    },
  },
];
