/**
 * The `process` global for the browser build (esbuild injects it where the
 * code names `process`): environment variables a page sets before it
 * computes (GOLDILOCKS_GPU_MODE), and warnings to the console.
 */
export const process = {
  env: {} as Record<string, string | undefined>,
  emitWarning: (message: string): void => console.warn(message),
  versions: {} as Record<string, string>,
  platform: 'browser',
};
