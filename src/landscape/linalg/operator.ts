/**
 * Operators that count their products.
 *
 * The cost of everything matrix-free is the number of products v ↦ A·v (for a
 * network's Hessian, each is an exact Hessian-vector product worth a few
 * gradients). So every operator built in this project is a `CountedOperator`,
 * and every one is built by `countedOperator` below: the count is kept here
 * and only here, whether a product is computed alone (`apply`) or in a
 * batched pass (`applyMany`, which counts one per vector).
 *
 *   countedOperator(dim, apply, applyMany?)   an operator from its products
 *   countingOperator(op, onProduct?)          any operator, counted (and
 *                                             reported, e.g. to a progress bar)
 */
import type { LinearOperator } from './vector.js';

/** An operator that also says how many products it has computed. */
export type CountedOperator = LinearOperator & { products: () => number };

/** Called after each apply (count + 1) or batched pass (count + its size) with the running count. */
export type ProductListener = (count: number) => void;

/**
 * The operator with these product functions, counting its products: `apply`
 * is one product, `applyMany` over k vectors is k.
 */
export function countedOperator(
  dim: number,
  apply: (v: Float64Array) => Float64Array,
  applyMany?: (vs: readonly Float64Array[]) => Float64Array[],
  onProduct?: ProductListener,
): CountedOperator {
  let count = 0;
  return {
    dim,
    apply: (v: Float64Array): Float64Array => {
      const out = apply(v);
      count += 1;
      onProduct?.(count);
      return out;
    },
    ...(applyMany && {
      applyMany: (vs: readonly Float64Array[]): Float64Array[] => {
        const out = applyMany(vs);
        count += vs.length;
        onProduct?.(count);
        return out;
      },
    }),
    products: () => count,
  };
}

/** Wraps an operator to count its products (and report each one, e.g. to a progress bar). */
export function countingOperator(op: LinearOperator, onProduct?: ProductListener): CountedOperator {
  return countedOperator(op.dim, (v) => op.apply(v), op.applyMany && ((vs) => op.applyMany!(vs)), onProduct);
}
