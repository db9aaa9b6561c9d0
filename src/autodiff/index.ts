/**
 * goldilocks/autodiff — the public API of the automatic-differentiation engine.
 * Everything above this layer (nn, landscape, cli, tutorials) imports from
 * here and nowhere else in src/autodiff.
 */
export { Random } from './random.js';
export type { DType, FloatArray } from './dtype.js';
export { checkDType } from './dtype.js';
export type { Backend, MatmulArgs } from './backend.js';
export { setBackend, getBackend, registerBackend, availableBackends, referenceMatmul } from './backend.js';
