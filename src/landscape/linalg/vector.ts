/**
 * Vectors and linear operators: the vocabulary of matrix-free linear algebra.
 *
 * The algorithms in this folder (Lanczos, Hutchinson, stochastic Lanczos
 * quadrature, MINRES-QLP) never look inside a matrix. All they need is the
 * ability to multiply a vector by it, v ↦ A·v. For a network's Hessian that
 * product costs about two backward passes, while the matrix itself (D×D for D
 * parameters) would not fit in memory. So a matrix is represented here by a
 * `LinearOperator`: its dimension plus an `apply` function.
 *
 * Vectors are plain Float64Arrays. The helpers below are the handful of BLAS-1
 * operations the algorithms use; they are deliberately tiny.
 */
import { euclideanNorm } from '../../nn/index.js';

/** A square matrix known only through its action v ↦ A·v (symmetric where an algorithm says so). */
export type LinearOperator = {
  /** n, the size of the n×n matrix. */
  dim: number;
  /** Returns a new vector A·v; must not modify v. */
  apply(v: Float64Array): Float64Array;
  /**
   * Optional: A·v for several vectors in one pass (the same numbers as
   * `apply` on each). Operators that can share work between products (a
   * Hessian: the forward and backward pass at θ) provide it.
   */
  applyMany?(vs: readonly Float64Array[]): Float64Array[];
};

/** Vectors of one length laid end to end: the rows of a [count, n] matrix (for a batched pass). */
export function stackVectors(vs: readonly Float64Array[]): Float64Array {
  const n = vs[0]?.length ?? 0;
  const out = new Float64Array(vs.length * n);
  vs.forEach((v, i) => {
    if (v.length !== n) throw new Error(`stackVectors: vector ${i} has length ${v.length}, vector 0 has ${n}`);
    out.set(v, i * n);
  });
  return out;
}

/** The rows of a row-major [count, n] matrix as separate vectors (copies). */
export function splitVectors(rows: Float64Array, count: number): Float64Array[] {
  const n = count === 0 ? 0 : rows.length / count;
  return Array.from({ length: count }, (_, i) => rows.slice(i * n, (i + 1) * n));
}

/** A·v for each v, in one pass where the operator supports it. */
export function applyToEach(op: LinearOperator, vs: readonly Float64Array[]): Float64Array[] {
  return op.applyMany ? op.applyMany(vs) : vs.map((v) => op.apply(v));
}

/** The arithmetic mean (1/n) Σ xᵢ, summed left to right (NaN for no numbers). */
export function mean(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  return sum / x.length;
}

/**
 * The sample standard deviation √(Σ(xᵢ − x̄)² / (n − 1)), summed left to
 * right; 0 for fewer than two numbers (no spread can be seen).
 */
export function sampleStandardDeviation(x: ArrayLike<number>): number {
  if (x.length < 2) return 0;
  const m = mean(x);
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += (x[i]! - m) ** 2;
  return Math.sqrt(squares / (x.length - 1));
}

/** ⟨x, y⟩ = Σ xᵢyᵢ. */
export function dot(x: Float64Array, y: Float64Array): number {
  if (x.length !== y.length) throw new Error(`dot: length mismatch ${x.length} vs ${y.length}`);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return sum;
}

/** The Euclidean norm ‖x‖₂ (computed without overflow for huge entries; defined in nn's vector.ts). */
export const norm: (x: Float64Array) => number = euclideanNorm;

/** y ← a·x + y, in place; returns y. */
export function axpy(a: number, x: Float64Array, y: Float64Array): Float64Array {
  if (x.length !== y.length) throw new Error(`axpy: length mismatch ${x.length} vs ${y.length}`);
  for (let i = 0; i < x.length; i++) y[i] = y[i]! + a * x[i]!;
  return y;
}

/** x ← a·x, in place; returns x. */
export function scale(a: number, x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = a * x[i]!;
  return x;
}

/** A fresh copy of x. */
export function copy(x: Float64Array): Float64Array {
  return Float64Array.from(x);
}
