/**
 * node:module for the browser build: `createRequire` returns a `require` that
 * knows the few packages goldilocks loads on first use (see
 * src/landscape/lazy-dependency.ts and the 'gpu' backend), bundled here.
 * Anything else is not available in the page.
 */
import * as mlMatrix from 'ml-matrix';
import * as gpuJs from 'gpu.js';

const modules: Record<string, unknown> = {
  'ml-matrix': mlMatrix,
  'gpu.js': gpuJs,
  'gpu.js/package.json': { version: GPU_JS_VERSION },
};

interface BrowserRequire {
  (id: string): unknown;
  resolve(id: string): string;
}

export function createRequire(_from: unknown): BrowserRequire {
  const require = (id: string): unknown => {
    if (id in modules) return modules[id];
    throw new Error(`${id} is not available in the browser`);
  };
  return Object.assign(require, {
    resolve: (id: string): string => {
      throw new Error(`${id} is not available in the browser`);
    },
  });
}
