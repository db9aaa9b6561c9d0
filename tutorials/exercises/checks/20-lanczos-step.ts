/**
 * Checks for exercise 20: one step of the Lanczos iteration. After m steps
 * V_m has orthonormal columns, T_m = V_mᵀ A V_m is tridiagonal with the
 * alphas on its diagonal and the betas beside it, and after n steps the
 * eigenvalues of T are those of A. A = Q diag(λ) Qᵀ with a Householder Q, so
 * its eigenvalues are known without computing them.
 */
import { LanczosProcess, symmetricEigen, tridiagonalToDense } from '../../../src/landscape/linalg/index.js';
import { Random } from '../../../src/autodiff/index.js';
import { expectAllClose, expectClose, expectEqualList, type ExerciseCheck } from '../check.js';

const n = 6;
const eigenvalues = [-3, -1, 0.5, 2, 4, 7];
const u = [1, 2, -1, 0.5, 3, -2];
const uu = u.reduce((s, x) => s + x * x, 0);
const Q = u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / uu));
const A = Q.map((_, i) => Q.map((__, j) => eigenvalues.reduce((s, l, k) => s + Q[i]![k]! * l * Q[j]![k]!, 0)));
const op = { dim: n, apply: (v: Float64Array): Float64Array => Float64Array.from(A.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0))) };
const start = Float64Array.from([1, 0.5, -0.3, 0.8, 0.1, -0.6]);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

function process(steps: number): LanczosProcess {
  const lanczos = new LanczosProcess(op, start, new Random(0));
  for (let s = 0; s < steps; s++) lanczos.step();
  return lanczos;
}

export const checks: ExerciseCheck[] = [
  {
    name: 'the first step: v₁ = start/‖start‖ and α₁ = v₁ᵀAv₁',
    run: () => {
      const lanczos = process(1);
      expectEqualList('steps taken', [lanczos.steps], [1]);
      const v1 = Array.from(start).map((x) => x / Math.sqrt(dot(start, start)));
      expectAllClose('v₁', lanczos.basis[0]!, v1, 1e-12);
      expectClose('α₁', lanczos.alphas[0]!, dot(v1, op.apply(Float64Array.from(v1))), 1e-12);
    },
  },
  {
    name: 'four steps: orthonormal basis and T = VᵀAV',
    run: () => {
      const lanczos = process(4);
      expectEqualList('steps taken and number of betas', [lanczos.steps, lanczos.betas.length], [4, 3]);
      const gram: number[] = [];
      const projected: number[] = [];
      for (const vi of lanczos.basis) for (const vj of lanczos.basis) {
        gram.push(dot(vi, vj));
        projected.push(dot(vi, op.apply(vj)));
      }
      expectAllClose('VᵀV', gram, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-12);
      expectAllClose('VᵀAV against the tridiagonal T of the alphas and betas', projected, tridiagonalToDense(lanczos.tridiagonal()), 1e-10);
    },
  },
  {
    name: 'n steps: the eigenvalues of T are those of A',
    run: () => {
      const lanczos = process(n);
      expectAllClose('eigenvalues of T_6', symmetricEigen(tridiagonalToDense(lanczos.tridiagonal())).values, eigenvalues, 1e-10);
    },
  },
];
