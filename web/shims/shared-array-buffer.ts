/**
 * `SharedArrayBuffer` for the browser build (esbuild injects it where the code
 * names it). Browsers define SharedArrayBuffer only on cross-origin isolated
 * pages; elsewhere the kernels' buffers become plain ArrayBuffers. That is
 * enough there, because node-os.ts then reports one thread, so nothing is
 * ever shared with another thread.
 */
const shared = (globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor }).SharedArrayBuffer;
const SharedArrayBufferOrPlain = (shared ?? ArrayBuffer) as SharedArrayBufferConstructor;
export { SharedArrayBufferOrPlain as SharedArrayBuffer };
