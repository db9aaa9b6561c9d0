/**
 * node:os for the browser build. The matrix-product kernels ask how many
 * threads to use; the page runs them on one (the Web Worker that computes).
 */
export function availableParallelism(): number {
  return 1;
}
