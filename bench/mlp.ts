/**
 * Benchmark: the MNIST MLP 784-200-200-10 at batch 1000 — forward pass, gradient
 * and exact Hessian-vector product, in float64 and float32, on the current
 * backend. The ratios HVP/gradient and gradient/forward show what the
 * transformations cost over plain evaluation.
 */
import { fileURLToPath } from 'node:url';
import { evalJaxpr, grad, hvp, makeJaxpr, randn, softmaxCrossEntropy, Random, getBackend, type DType, type Tensor } from '../src/autodiff/index.js';

export interface MlpTiming {
  backend: string;
  dtype: DType;
  forwardMs: number;
  gradientMs: number;
  /** A plain (eager) `hvp` call: traced and evaluated on every call. */
  hvpMs: number;
  /**
   * The same HVP as a program: traced once by makeJaxpr, then run by
   * evalJaxpr, which reuses its intermediates in the backend's memory — what
   * jit is in JAX, and how the Hessian operator of `zone` runs its products.
   */
  hvpProgramMs: number;
}

/** The layer widths of the benchmark MLP. */
export const MLP_WIDTHS: readonly number[] = [784, 200, 200, 10];
const widths = MLP_WIDTHS;

/** The logits of a ReLU MLP on inputs X [n, 784], as a function of one flat parameter vector. */
export function mlpLogits(theta: Tensor, X: Tensor): Tensor {
  let at = 0;
  let h = X;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [a, b] = [widths[l]!, widths[l + 1]!];
    const W = theta.slice([at], [at + a * b]).reshape([a, b]);
    const bias = theta.slice([at + a * b], [at + a * b + b]);
    at += a * b + b;
    h = h.matmul(W).add(bias);
    if (l + 2 < widths.length) h = h.relu();
  }
  return h;
}

/** The loss of a ReLU MLP as a function of one flat parameter vector. */
export function mlpLoss(X: Tensor, labels: number[]): (theta: Tensor) => Tensor {
  return (theta) => softmaxCrossEntropy(mlpLogits(theta, X), labels);
}

/** Times `fn`: one warm-up run, then `repeats` timed runs; the median and the best, in milliseconds. */
export function timeRuns(fn: () => unknown, repeats = 5): { median: number; best: number } {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, best: ms[0]! };
}

/** The benchmark's problem: seeded inputs, labels, θ and a direction v for the MLP at this batch and dtype. */
export function mlpProblem(dtype: DType, batch: number): { loss: (theta: Tensor) => Tensor; theta: Tensor; v: Tensor; X: Tensor; labels: number[] } {
  const rng = new Random(0);
  const D = widths.slice(1).reduce((s, b, i) => s + widths[i]! * b + b, 0);
  const X = randn([batch, widths[0]!], rng, 1, dtype);
  const labels = Array.from({ length: batch }, (_, i) => i % 10);
  const theta = randn([D], rng, 0.05, dtype);
  const v = randn([D], rng, 1, dtype);
  return { loss: mlpLoss(X, labels), theta, v, X, labels };
}

export function benchMlp(dtype: DType, batch = 1000, repeats = 5): MlpTiming {
  const { loss, theta, v } = mlpProblem(dtype, batch);
  const gradient = grad(loss);
  return {
    backend: getBackend().name,
    dtype,
    forwardMs: timeRuns(() => loss(theta).item(), repeats).median,
    gradientMs: timeRuns(() => gradient(theta).toTypedArray(), repeats).median,
    hvpMs: timeRuns(() => hvp(loss, theta, v).toTypedArray(), repeats).median,
    hvpProgramMs: timeRuns(hvpProgram(loss, theta, v), repeats).median,
  };
}

/**
 * HVP(θ, v) as a program of both inputs, checked against a plain `hvp` bit
 * for bit, ready to time.
 */
export function hvpProgram(loss: (theta: Tensor) => Tensor, theta: Tensor, v: Tensor): () => Float64Array | Float32Array {
  const program = makeJaxpr((t: Tensor, u: Tensor) => hvp(loss, t, u))(theta, v);
  const run = (): Float64Array | Float32Array => evalJaxpr(program, theta, v).toTypedArray();
  const eager = hvp(loss, theta, v).toTypedArray();
  const traced = run();
  for (let i = 0; i < eager.length; i++) {
    if (!Object.is(eager[i], traced[i])) throw new Error(`bench: the HVP program differs from hvp at element ${i} (${traced[i]} against ${eager[i]})`);
  }
  return run;
}

/**
 * The HVP in float32 over the HVP in float64 on the current backend, timed
 * alternately (64, 32, 64, 32, …) so that both see the same machine; the
 * median of the per-pair ratios, with both medians in ms, for a plain `hvp`
 * call and for the same HVP as a program.
 */
export function hvpDtypeRatio(batch = 1000, pairs = 9): {
  ratio: number; float64Ms: number; float32Ms: number;
  programRatio: number; float64ProgramMs: number; float32ProgramMs: number;
} {
  const setup = (dtype: DType): { eager: () => unknown; program: () => unknown } => {
    const { loss, theta, v } = mlpProblem(dtype, batch);
    return { eager: () => hvp(loss, theta, v).toTypedArray(), program: hvpProgram(loss, theta, v) };
  };
  const run64 = setup('float64');
  const run32 = setup('float32');
  const eager = alternate(run64.eager, run32.eager, pairs);
  const program = alternate(run64.program, run32.program, pairs);
  return {
    ratio: eager.ratio, float64Ms: eager.firstMs, float32Ms: eager.secondMs,
    programRatio: program.ratio, float64ProgramMs: program.firstMs, float32ProgramMs: program.secondMs,
  };
}

/** `second` over `first`, timed alternately after one warm-up each: the median per-pair ratio and both medians (ms). */
function alternate(first: () => unknown, second: () => unknown, pairs: number): { ratio: number; firstMs: number; secondMs: number } {
  first();
  second();
  const time = (fn: () => unknown): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
  const ratios: number[] = [];
  const t1: number[] = [];
  const t2: number[] = [];
  for (let i = 0; i < pairs; i++) {
    t1.push(time(first));
    t2.push(time(second));
    ratios.push(t2[i]! / t1[i]!);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { ratio: median(ratios), firstMs: median(t1), secondMs: median(t2) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'ratio') {
    const r = hvpDtypeRatio(1000, Number(process.argv[3] ?? 9));
    console.log(`HVP float32 / float64, alternating: ${r.ratio.toFixed(2)} (medians ${r.float32Ms.toFixed(0)} / ${r.float64Ms.toFixed(0)} ms); as programs ${r.programRatio.toFixed(2)} (${r.float32ProgramMs.toFixed(0)} / ${r.float64ProgramMs.toFixed(0)} ms)`);
    process.exit(0);
  }
  for (const dtype of ['float64', 'float32'] as const) {
    const t = benchMlp(dtype);
    console.log(`${t.backend} ${dtype}: forward ${t.forwardMs.toFixed(0)} ms, gradient ${t.gradientMs.toFixed(0)} ms, HVP ${t.hvpMs.toFixed(0)} ms (as a program ${t.hvpProgramMs.toFixed(0)} ms); HVP/gradient ${(t.hvpMs / t.gradientMs).toFixed(2)}, gradient/forward ${(t.gradientMs / t.forwardMs).toFixed(2)}`);
  }
}
