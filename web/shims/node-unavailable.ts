/**
 * node:zlib and node:crypto for the browser build: what the page never calls
 * (its data files are not compressed, checkpoints are not written), as
 * functions that say so if called.
 */
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser`);
}

export const gunzipSync = (): never => unavailable('zlib');
export const gzipSync = (): never => unavailable('zlib');
export const createHash = (): never => unavailable('crypto');
