/**
 * node:os for the browser build. The matrix-product kernels ask how many
 * threads to use: the browser's count of logical processors where the page
 * is cross-origin isolated (shared memory, so the kernels' worker threads
 * can share the operands), else one.
 */
export function availableParallelism(): number {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return isolated ? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1) : 1;
}
