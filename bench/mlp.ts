/**
 * Benchmark: the MNIST MLP 784-200-200-10 at batch 1000 — forward pass, gradient
 * and exact Hessian-vector product, in float64 and float32, on the current
 * backend. The ratios HVP/gradient and gradient/forward show what the
 * transformations cost over plain evaluation.
 */
import { fileURLToPath } from 'node:url';
import { grad, hvp, randn, softmaxCrossEntropy, Random, getBackend, type DType, type Tensor } from '../src/autodiff/index.js';

export interface MlpTiming {
  backend: string;
  dtype: DType;
  forwardMs: number;
  gradientMs: number;
  hvpMs: number;
}

const widths = [784, 200, 200, 10];

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

export function benchMlp(dtype: DType, batch = 1000, repeats = 5): MlpTiming {
  const rng = new Random(0);
  const D = widths.slice(1).reduce((s, b, i) => s + widths[i]! * b + b, 0);
  const X = randn([batch, widths[0]!], rng, 1, dtype);
  const labels = Array.from({ length: batch }, (_, i) => i % 10);
  const theta = randn([D], rng, 0.05, dtype);
  const v = randn([D], rng, 1, dtype);
  const loss = mlpLoss(X, labels);
  const gradient = grad(loss);
  return {
    backend: getBackend().name,
    dtype,
    forwardMs: timeRuns(() => loss(theta).item(), repeats).median,
    gradientMs: timeRuns(() => gradient(theta).toTypedArray(), repeats).median,
    hvpMs: timeRuns(() => hvp(loss, theta, v).toTypedArray(), repeats).median,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const dtype of ['float64', 'float32'] as const) {
    const t = benchMlp(dtype);
    console.log(`${t.backend} ${dtype}: forward ${t.forwardMs.toFixed(0)} ms, gradient ${t.gradientMs.toFixed(0)} ms, HVP ${t.hvpMs.toFixed(0)} ms; HVP/gradient ${(t.hvpMs / t.gradientMs).toFixed(2)}, gradient/forward ${(t.gradientMs / t.forwardMs).toFixed(2)}`);
  }
}
