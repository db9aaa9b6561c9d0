/**
 * goldilocks/autodiff — the public API of the automatic-differentiation engine.
 * Everything above this layer (nn, landscape, cli, tutorials) imports from
 * here and nowhere else in src/autodiff.
 *
 * Importing it registers the built-in compute backends and selects the
 * default, defaultBackendName(): 'wasm' (a WebAssembly SIMD kernel, the
 * fastest correct choice for both dtypes on a CPU; see bench/README.md), or
 * 'js' (register-blocked TypeScript) where the engine lacks WebAssembly SIMD.
 * 'gpu' (gpu.js, float32) and 'reference' (the plain loop) can be chosen
 * with setBackend.
 */
import { setBackend as selectBackend } from './backend.js';
import { defaultBackendName, registerBuiltinBackends } from './backends/index.js';

registerBuiltinBackends();
selectBackend(defaultBackendName());

export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export { tensor, fromTypedArray, fromNdarray, full, zeros, ones, zerosLike, onesLike, arange, eye, randn, uniform } from './creation.js';
export {
  scalar, add, sub, mul, div, neg, exp, log, tanh, sin, cos, pow, sqrt, square, abs, relu, leakyRelu, sigmoid, maximum, minimum,
  greater, greaterEqual, less, lessEqual, equal, notEqual, heaviside, where,
  sum, mean, max, min, prod, logSumExp, logSoftmax, softmax,
  reshape, transpose, broadcastTo, slice, index, pad, concatenate, stack, gather, takeAlongAxis,
  matmul, dot, outer, astype, stopGradient, softmaxCrossEntropy, meanSquaredError,
} from './ops.js';
export { jvp } from './jvp.js';
export { vjp } from './vjp.js';
export { vmap, type InAxes } from './vmap.js';
export { grad, valueAndGrad, hvp, hvpReverseOverReverse, jacfwd, jacrev, hessian } from './transforms.js';
export { makeJaxpr, makeJaxprWithValue, evalJaxpr, printJaxpr, programBufferPool, type Jaxpr } from './jaxpr.js';
export { setBufferReuse, bufferReuseEnabled, type BufferPool } from './buffer-pool.js';
export type { Primitive, PrimitiveParams } from './primitives.js';
export { Random } from './random.js';
export type { DType, FloatArray } from './dtype.js';
export { checkDType } from './dtype.js';
export { formatShape } from './shape.js';
export type { Backend, MatmulArgs } from './backend.js';
export { setBackend, getBackend, describeBackend, registerBackend, availableBackends, referenceMatmul } from './backend.js';
export { setMatmulThreads, getMatmulThreads, defaultBackendName } from './backends/index.js';

