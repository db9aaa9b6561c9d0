/** Declarations for what the browser build (scripts/build-web.ts) provides. */
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}

/** gpu.js's version, written in by the build. */
declare const GPU_JS_VERSION: string;
