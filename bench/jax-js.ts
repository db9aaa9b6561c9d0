/**
 * Benchmark: the same MLP 784-200-200-10 at batch 1000 in jax-js (the
 * `@jax-js/jax` package, a dev-only dependency), on its WebAssembly device,
 * so that `npm run bench` puts goldilocks and a peer side by side in one run.
 *
 * The problem is goldilocks's own (bench/mlp.ts): the same inputs, labels,
 * θ and direction v, cut into jax-js's weight matrices and biases. jax-js
 * computes its HVP forward-over-reverse, jvp of grad, like goldilocks; it is
 * timed both jitted (one compiled program) and eagerly, and the faster one
 * is compared. The first HVP is checked against goldilocks's, so a ratio is
 * only printed for two programs that compute the same numbers.
 *
 * jax-js counts references: every function takes ownership of its array
 * arguments, so arrays used again are passed as `x.ref` (tree.ref for a
 * tree of arrays).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType, Tensor } from '../src/autodiff/index.js';
import { hvp } from '../src/autodiff/index.js';
import { MLP_WIDTHS, mlpProblem, timeRuns } from './mlp.js';

type JaxModule = typeof import('@jax-js/jax');
type JaxArray = InstanceType<JaxModule['numpy']['Array']>;
type Params = { [name: string]: JaxArray };

export interface JaxTiming {
  dtype: DType;
  forwardMs: number;
  gradientMs: number;
  /** Median of the jitted jvp-of-grad. */
  hvpJitMs: number;
  /** Median of the eager (not jitted) jvp-of-grad. */
  hvpEagerMs: number;
  /** max |jax-js HVP − goldilocks HVP| / max |goldilocks HVP|. */
  relativeDifference: number;
}

/** jax-js, started on its WebAssembly device, or why it is not available. */
export async function loadJax(): Promise<{ jax: JaxModule; version: string } | { reason: string }> {
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) return { reason: 'jax-js started without its wasm device' };
    jax.defaultDevice('wasm');
    return { jax, version: installedVersion() };
  } catch (error) {
    return { reason: `jax-js is not installed (npm install) or does not load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The installed jax-js version, read from its package.json (the package does not export that file). */
function installedVersion(): string {
  try {
    const entry = fileURLToPath(import.meta.resolve('@jax-js/jax'));
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A goldilocks tensor as a jax-js array of the same dtype (through float32 storage plus a cast for float64: jax-js on Node 20 cannot take a Float64Array). */
function toJax(jax: JaxModule, t: Tensor, shape: number[], dtype: DType): JaxArray {
  const values = t.toTypedArray();
  if (dtype === 'float32') return jax.numpy.array(Float32Array.from(values)).reshape(shape);
  // split float64 into a float32 head and tail so the cast loses nothing
  const head = Float32Array.from(values);
  const tail = Float32Array.from(values, (x, i) => x - head[i]!);
  return jax.numpy.array(head).reshape(shape).astype(jax.numpy.float64).add(jax.numpy.array(tail).reshape(shape).astype(jax.numpy.float64));
}

/** The flat parameter vector θ cut into w0, b0, w1, b1, w2, b2, as goldilocks's mlpLogits reads it. */
function toParams(jax: JaxModule, theta: Tensor, dtype: DType): Params {
  const params: Params = {};
  let at = 0;
  for (let l = 0; l + 1 < MLP_WIDTHS.length; l++) {
    const [a, b] = [MLP_WIDTHS[l]!, MLP_WIDTHS[l + 1]!];
    params[`w${l}`] = toJax(jax, theta.slice([at], [at + a * b]), [a, b], dtype);
    params[`b${l}`] = toJax(jax, theta.slice([at + a * b], [at + a * b + b]), [b], dtype);
    at += a * b + b;
  }
  return params;
}

/** Times jax-js's forward pass, gradient and HVP on goldilocks's benchmark problem. */
export function benchJax(jax: JaxModule, dtype: DType, batch = 1000, repeats = 5): JaxTiming {
  const { numpy: np, nn, grad, jvp, jit, tree } = jax;
  const problem = mlpProblem(dtype, batch);
  const p = toParams(jax, problem.theta, dtype);
  const v = toParams(jax, problem.v, dtype);
  const X = toJax(jax, problem.X, [batch, MLP_WIDTHS[0]!], dtype);
  const oneHot = new Float32Array(batch * 10);
  problem.labels.forEach((y, i) => (oneHot[i * 10 + y] = 1));
  const Y = np.array(oneHot).reshape([batch, 10]).astype(dtype === 'float64' ? np.float64 : np.float32);
  const layers = MLP_WIDTHS.length - 1;
  const loss = (q: Params, x: JaxArray, y: JaxArray): JaxArray => {
    let h = x;
    for (let l = 0; l < layers; l++) {
      h = np.matmul(h, q[`w${l}`]!).add(q[`b${l}`]!);
      if (l + 1 < layers) h = nn.relu(h);
    }
    return nn.logSoftmax(h, -1).mul(y).sum().div(-batch);
  };
  const hvpOf = (q: Params, t: Params, x: JaxArray, y: JaxArray): Params => jvp((r: Params) => grad(loss)(r, x, y), [q], [t])[1] as Params;
  const lossJit = jit(loss);
  const gradJit = jit(grad(loss));
  const hvpJit = jit(hvpOf);
  const read = (out: Params): Float64Array => Float64Array.from(Object.keys(out).sort(byLayer).flatMap((k) => Array.from(out[k]!.dataSync())));
  const goldilocksHvp = hvp(problem.loss, problem.theta, problem.v).toTypedArray();
  const jaxHvp = read(hvpJit(tree.ref(p), tree.ref(v), X.ref, Y.ref));
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < goldilocksHvp.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(jaxHvp[i]! - goldilocksHvp[i]!));
    maxRef = Math.max(maxRef, Math.abs(goldilocksHvp[i]!));
  }
  const timing: JaxTiming = {
    dtype,
    forwardMs: timeRuns(() => lossJit(tree.ref(p), X.ref, Y.ref).dataSync(), repeats).median,
    gradientMs: timeRuns(() => read(gradJit(tree.ref(p), X.ref, Y.ref)), repeats).median,
    hvpJitMs: timeRuns(() => read(hvpJit(tree.ref(p), tree.ref(v), X.ref, Y.ref)), repeats).median,
    hvpEagerMs: timeRuns(() => read(hvpOf(tree.ref(p), tree.ref(v), X.ref, Y.ref)), repeats).median,
    relativeDifference: maxDiff / maxRef,
  };
  tree.dispose([p, v, X, Y]);
  lossJit.dispose();
  gradJit.dispose();
  hvpJit.dispose();
  return timing;
}

/** w0, b0, w1, b1, …: the order of goldilocks's flat θ. */
function byLayer(a: string, b: string): number {
  const key = (k: string): number => Number(k.slice(1)) * 2 + (k.startsWith('b') ? 1 : 0);
  return key(a) - key(b);
}
