/**
 * Benchmark: batched (vmap) against looped, in one run.
 *
 *   1. d = 20 Hessian-vector products on the MNIST-sized MLP 784-200-200-10
 *      at batch 1000, float64, against 20 calls of `hvp`: the restricted
 *      Hessian PᵀHP of the zone study. The Hessian operator (a fresh one per
 *      timed run, so its tracing is counted) does the forward and backward
 *      pass at θ once and then runs only the tangent work per direction;
 *      also without buffer reuse, with intermediates outside the
 *      WebAssembly memory, in vmapped blocks, and as one plain vmap of hvp.
 *      The target is ≤ 10 single HVPs for all 20 (the loop costs 20), and
 *      the same matrix PᵀHP to 1e-12.
 *   2. per-example gradients of 256 examples: `vmap(grad(f))` against a loop
 *      of `grad(f)` over single examples, in blocks of 16 and all at once.
 *
 * Run alone with `npx tsx bench/vmap.ts [repeats] [hessian]` (`hessian`: the
 * first part only); `npm run bench` includes it.
 */
import { fileURLToPath } from 'node:url';
import { bufferReuseEnabled, grad, hvp, randn, setBufferReuse, tensor, vmap, Random, type Tensor } from '../src/autodiff/index.js';
import { residentIntermediatesEnabled, setResidentIntermediates } from '../src/autodiff/backends/index.js';
import { HVP_BLOCK_SIZE, hessianOperator } from '../src/landscape/hessian-operator.js';
import { mlpLogits, mlpLoss, timeRuns } from './mlp.js';

export interface BatchedRow {
  what: string;
  loopMs: number;
  batchedMs: number;
  /** The batched time in units of one looped item (loop / count). */
  batchedInItems: number;
  count: number;
  /** max |batched − looped| / max |looped| over the results. */
  relativeDifference: number;
}

const widths = [784, 200, 200, 10];
const parameterCount = widths.slice(1).reduce((s, b, i) => s + widths[i]! * b + b, 0);

function relativeDifference(a: Float64Array | Float32Array, b: Float64Array | Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** PᵀHP for an orthonormal-ish P (here: Gaussian columns scaled by 1/√D) from the products H·p_j. */
function restricted(products: Float64Array, P: Float64Array, d: number): Float64Array {
  const D = parameterCount;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += P[i * D + k]! * products[j * D + k]!;
      out[i * d + j] = s;
    }
  }
  return out;
}

/** One way of computing the d products H·p_j (the rows of P, [d, D]) as a [d·D] array. */
interface ProductMethod {
  what: string;
  run: (P: Tensor, rows: Float64Array[]) => Float64Array;
}

/**
 * The restricted Hessian's d products by several methods against the loop
 * of d calls of `hvp`, in one run. The machine's speed drifts, so the loop
 * and the methods are timed in turns (loop, method 1, method 2, …, loop,
 * …) after one warm-up round; each method's "single items" is the median
 * over the rounds of its time over the mean of the two loop timings around
 * it, divided by d.
 */
export function benchRestrictedHessian(d = 20, batch = 1000, repeats = 3): BatchedRow[] {
  const rng = new Random(1);
  const X = randn([batch, widths[0]!], rng);
  const labels = Array.from({ length: batch }, (_, i) => i % 10);
  const theta = randn([parameterCount], rng, 0.05);
  const thetaValues = theta.toTypedArray() as Float64Array;
  const P = randn([d, parameterCount], rng, 1 / Math.sqrt(parameterCount));
  const loss = mlpLoss(X, labels);
  const rows = Array.from({ length: d }, (_, j) => P.index(j));
  const rowValues = rows.map((r) => r.toTypedArray() as Float64Array);
  const joined = (parts: Float64Array[]): Float64Array => {
    const out = new Float64Array(d * parameterCount);
    parts.forEach((part, j) => out.set(part, j * parameterCount));
    return out;
  };
  const batchedHvp = vmap((v: Tensor) => hvp(loss, theta, v));
  const operator = (blockSize: number) => (_: Tensor, vs: Float64Array[]): Float64Array => joined(hessianOperator(loss, thetaValues, { blockSize }).applyMany!(vs));
  /** The default Hessian operator with one setting off for the run, restored after. */
  const switchedOff = (enabled: () => boolean, set: (on: boolean) => void) => (_: Tensor, vs: Float64Array[]): Float64Array => {
    const before = enabled();
    set(false);
    try {
      return operator(HVP_BLOCK_SIZE)(_, vs);
    } finally {
      set(before);
    }
  };
  const methods: ProductMethod[] = [
    { what: `the Hessian operator (what \`zone\` does): the pass at θ once, then a tangent program per vector (blocks of ${HVP_BLOCK_SIZE})`, run: operator(HVP_BLOCK_SIZE) },
    { what: 'the same, intermediates not reused (buffer pool off)', run: switchedOff(bufferReuseEnabled, setBufferReuse) },
    { what: 'the same, intermediates outside the WebAssembly memory (every product copies, TypeScript elementwise loops)', run: switchedOff(residentIntermediatesEnabled, setResidentIntermediates) },
    { what: 'the Hessian operator in blocks of 5 (a vmap of the tangent program)', run: operator(5) },
    { what: `one vmap of hvp over all ${d} directions, no program`, run: (V) => batchedHvp(V).toTypedArray() as Float64Array },
  ];
  const time = (fn: () => void): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
  let looped: Float64Array = new Float64Array(0);
  const loop = (): number => time(() => {
    looped = joined(rows.map((p) => hvp(loss, theta, p).toTypedArray() as Float64Array));
  });
  const results = methods.map(() => ({ ms: [] as number[], units: [] as number[], out: new Float64Array(0) as Float64Array }));
  loop(); // warm-up
  methods.forEach((m, i) => { results[i]!.out = m.run(P, rowValues); });
  const loopMs: number[] = [loop()];
  for (let round = 0; round < repeats; round++) {
    const before = loopMs[loopMs.length - 1]!;
    const times = methods.map((m, i) => time(() => { results[i]!.out = m.run(P, rowValues); }));
    const after = loop();
    loopMs.push(after);
    times.forEach((ms, i) => {
      results[i]!.ms.push(ms);
      results[i]!.units.push(ms / ((before + after) / 2 / d));
    });
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const Pdata = P.toTypedArray() as Float64Array;
  const reference = restricted(looped, Pdata, d);
  return methods.map((m, i) => ({
    what: `PᵀHP, d = ${d}, MLP 784-200-200-10, batch ${batch}, float64: ${m.what}`,
    loopMs: median(loopMs),
    batchedMs: median(results[i]!.ms),
    batchedInItems: median(results[i]!.units),
    count: d,
    relativeDifference: relativeDifference(restricted(results[i]!.out, Pdata, d), reference),
  }));
}

export function benchPerExampleGradients(count = 256, repeats = 3, block = count): BatchedRow {
  const rng = new Random(2);
  const X = randn([count, widths[0]!], rng);
  const theta = randn([parameterCount], rng, 0.05);
  const oneHot = new Float64Array(count * 10);
  for (let i = 0; i < count; i++) oneHot[i * 10 + (i % 10)] = 1;
  const Y = tensor(oneHot, [count, 10]);
  // The cross-entropy of one example (x [784], one-hot y [10]) as a function of θ.
  const exampleLoss = (x: Tensor, y: Tensor) => (t: Tensor): Tensor => mlpLogits(t, x.reshape([1, widths[0]!])).logSoftmax(1).mul(y.reshape([1, 10])).sum().neg();
  let looped: Float64Array = new Float64Array(0);
  let batched: Float64Array = new Float64Array(0);
  const loopMs = timeRuns(() => {
    looped = new Float64Array(count * parameterCount);
    for (let i = 0; i < count; i++) looped.set(grad(exampleLoss(X.index(i), Y.index(i)))(theta).toTypedArray(), i * parameterCount);
  }, repeats).median;
  const perExample = vmap((x: Tensor, y: Tensor) => grad(exampleLoss(x, y))(theta));
  const batchedMs = timeRuns(() => {
    batched = new Float64Array(count * parameterCount);
    for (let i = 0; i < count; i += block) {
      const end = Math.min(count, i + block);
      batched.set(perExample(X.slice([i], [end]), Y.slice([i], [end])).toTypedArray(), i * parameterCount);
    }
  }, repeats).median;
  return {
    what: `per-example gradients of ${count} examples in vmaps of ${block}, MLP 784-200-200-10, float64`,
    loopMs,
    batchedMs,
    batchedInItems: batchedMs / (loopMs / count),
    count,
    relativeDifference: relativeDifference(batched, looped),
  };
}

/** The rows `npm run bench` prints: the restricted Hessian by each method, and per-example gradients. */
export function batchedRows(repeats: number): BatchedRow[] {
  return [...benchRestrictedHessian(20, 1000, repeats), benchPerExampleGradients(256, repeats, 16), benchPerExampleGradients(256, repeats)];
}

export function formatBatchedTable(rows: BatchedRow[]): string {
  const lines = ['| what | loop (ms) | vmap (ms) | loop / vmap | vmap in single items | items | max relative difference |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.what} | ${r.loopMs.toFixed(0)} | ${r.batchedMs.toFixed(0)} | ${(r.loopMs / r.batchedMs).toFixed(2)} | ${r.batchedInItems.toFixed(1)} | ${r.count} | ${r.relativeDifference.toExponential(1)} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repeats = Number(process.argv[2] ?? 3);
  // `npx tsx bench/vmap.ts 3 hessian`: the restricted Hessian's rows only
  console.log(formatBatchedTable(process.argv[3] === 'hessian' ? benchRestrictedHessian(20, 1000, repeats) : batchedRows(repeats)));
}
