/**
 * Tutorial 05 — batching with vmap, and programs you can print.
 *
 * Run it: npx tsx tutorials/05-vmap-and-printed-programs.ts
 *
 * Step 1 prints the program a function computes (makeJaxpr), then the
 * programs grad, jvp and hvp compute from it: the derivative rules of the
 * earlier chapters, written out. Step 2 builds batching by hand, the way
 * vmap does it, for a tiny matrix-vector function. Step 3 uses vmap itself
 * and checks it against the loop it replaces, and prints a batched program.
 * Step 4 composes: per-example gradients (vmap of grad), the gradient of a
 * batched function (grad of vmap), many Hessian-vector products at once
 * (vmap of hvp), and whole Jacobians (jacfwd and jacrev are vmaps). Step 5
 * times the batched Hessian-vector products against the loop. Every step
 * checks its numbers.
 *
 * Exercises 10 and 11 (`npx goldilocks course start 10`): `batchAt`, which
 * gives a value its batch axis, and `matmulRule`, the batching rule of
 * matmul, both in src/autodiff/vmap.ts.
 */
import {
  grad, hessian, hvp, jacfwd, jacrev, jvp, makeJaxpr, evalJaxpr, randn, tensor, vmap, Random, type Tensor,
} from '../src/autodiff/index.js';

function check(label: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${label}: ${detail}`);
  console.log(`  ✓ ${label}: ${detail}`);
}

/** The largest |a − b| over all entries (shapes must match). */
function maxDifference(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

// ---------------------------------------------------------------------------
// Step 1. Programs you can print.
//
// A transformation never sees your code, only the primitives it calls: each
// x.mul(y) ends in bind('mul', …). makeJaxpr runs f once with tracers of a
// recording interpreter at the bottom of the interpreter stack, so every
// primitive that reaches the numbers — including the ones grad's rules emit
// on the way back — is written down as an equation `out = prim[params] in`.
// ---------------------------------------------------------------------------
console.log('Step 1: what grad, jvp and hvp compute, printed');
{
  const f = (x: Tensor): Tensor => x.tanh().sum(); // Σ tanh(x)
  const x = tensor([0.5, -1, 2]);

  const program = makeJaxpr(f)(x);
  console.log(program.toString());
  check('f is two primitives', program.equations.length === 2, program.equations.map((e) => e.primitive).join(', '));

  // grad: tanh's cotangent rule is ḡ·(1 − tanh²); sum's rule broadcasts the
  // seed 1 back to the shape of x. The printed program says exactly that.
  const gradProgram = makeJaxpr(grad(f))(x);
  console.log(gradProgram.toString());
  const prims = gradProgram.equations.map((e) => e.primitive);
  check('grad(f) squares tanh and subtracts it from 1', prims.includes('tanh') && prims.includes('pow') && prims.includes('sub'), prims.join(', '));

  // The printed program is a program: evaluating it gives the same numbers.
  const again = evalJaxpr(gradProgram, tensor([0.1, 0.2, 0.3]));
  const direct = grad(f)(tensor([0.1, 0.2, 0.3]));
  check('evalJaxpr(grad program) = grad(f), bit for bit', maxDifference(again, direct) === 0, `at a new x: ${Array.from(again.toTypedArray(), (v) => v.toFixed(6)).join(', ')}`);

  // jvp pushes a tangent forward: d tanh = (1 − tanh²)·dx, then sum.
  console.log(makeJaxpr((p: Tensor, t: Tensor) => jvp(f, [p], [t])[1])(x, tensor([1, 0, 0])).toString());
  // hvp = jvp of grad: the program of the second derivative, −2 tanh (1 − tanh²)·v.
  const hvpProgram = makeJaxpr((p: Tensor, v: Tensor) => hvp(f, p, v))(x, tensor([1, 0, 0]));
  console.log(hvpProgram.toString());
  const t = Math.tanh(0.5);
  check('evaluating the hvp program gives −2·tanh·(1 − tanh²) at x₀ = 0.5', Math.abs(evalJaxpr(hvpProgram, x, tensor([1, 0, 0])).toTypedArray()[0]! - -2 * t * (1 - t * t)) < 1e-15, 'exact');
}

// ---------------------------------------------------------------------------
// Step 2. Batching by hand.
//
// Take g(x) = tanh(W x) for one input x ∈ ℝ³ and W ∈ ℝ^{2×3}. For a batch
// X ∈ ℝ^{B×3} a loop calls g B times. Batching rewrites each primitive to
// act on the whole batch at once, tracking where the batch axis is:
//   - matmul W·x with x batched: stack the x's as columns, W·Xᵀ ∈ ℝ^{2×B},
//     so the batch axis of the result is axis 1;
//   - tanh is elementwise: apply it to the whole array; the axis stays put.
// That bookkeeping — a value and where its batch axis is — is a BatchTracer,
// and one such rule per primitive is vmap's table (src/autodiff/vmap.ts).
// ---------------------------------------------------------------------------
console.log('Step 2: batching a function by hand');
const W = randn([2, 3], new Random(1));
const g = (x: Tensor): Tensor => W.matmul(x).tanh();
const X = randn([4, 3], new Random(2));
{
  const looped = tensor(Array.from({ length: 4 }, (_, i) => Array.from(g(X.index(i)).toTypedArray())));
  const byHand = W.matmul(X.T).tanh().T; // batch axis 1 after the product; moved to 0 at the end
  check('W·Xᵀ, then tanh, then the batch axis moved first = the loop', maxDifference(byHand, looped) === 0, `shape [${byHand.shape}]`);
}

// ---------------------------------------------------------------------------
// Step 3. vmap does the same for any function.
//
// vmap(g)(X) runs g once, with a tracer standing for one row of X. Each
// primitive g calls is rewritten by its batching rule. inAxes says where each
// argument's batch axis is (null: not batched — the same for every slice);
// outAxes where the result's goes.
// ---------------------------------------------------------------------------
console.log('Step 3: vmap equals the loop');
{
  const looped = tensor(Array.from({ length: 4 }, (_, i) => Array.from(g(X.index(i)).toTypedArray())));
  check('vmap(g)(X) = the loop, bit for bit', maxDifference(vmap(g)(X), looped) === 0, 'every entry identical');
  check('inAxes 1: batching over the columns of Xᵀ gives the same', maxDifference(vmap(g, 1)(X.T), looped) === 0, 'identical');
  const two = (x: Tensor, w: Tensor): Tensor => w.matmul(x).tanh();
  check('an unbatched argument (inAxes null) is shared by every slice', maxDifference(vmap(two, [0, null])(X, W), looped) === 0, 'identical');
  // Printing a batched program shows the rewriting: the x's are moved into the
  // columns of one matrix (transpose, reshape), multiplied by W once — Step 2's
  // W·Xᵀ — and the batch axis is moved back to the front before tanh.
  const program = makeJaxpr(vmap(g))(X);
  console.log(program.toString());
  check('the batched program has one matmul, not four', program.equations.filter((e) => e.primitive === 'matmul').length === 1, `${program.equations.length} equations`);
}

// ---------------------------------------------------------------------------
// Step 4. vmap composes with everything.
//
// vmap is an interpreter level like jvp and vjp, and its rules call bind on
// the values below it, so it nests with the other transformations in any
// order.
// ---------------------------------------------------------------------------
console.log('Step 4: per-example gradients, grad of vmap, vmap of hvp, Jacobians');
const loss = (x: Tensor, w: Tensor): Tensor => w.matmul(x).tanh().square().sum();
{
  // per-example gradients with respect to the shared weights W: vmap of grad
  const perExample = vmap((x: Tensor) => grad((w: Tensor) => loss(x, w))(W))(X); // [4, 2, 3]
  const second = grad((w: Tensor) => loss(X.index(1), w))(W);
  check('vmap(grad) row 1 = the gradient of example 1', maxDifference(perExample.index(1), second) === 0, `shape [${perExample.shape}]`);
  // grad of a batched function: the gradient of the summed loss is the sum of the per-example ones
  const total = grad((w: Tensor) => vmap((x: Tensor) => loss(x, w))(X).sum())(W);
  check('grad(Σ vmap(loss)) = Σ per-example gradients', maxDifference(total, perExample.sum(0)) < 1e-15, `largest difference ${maxDifference(total, perExample.sum(0)).toExponential(1)}`);
  // many Hessian-vector products at once: the rows of V·H, with H the dense Hessian
  const f = (x: Tensor): Tensor => loss(x, W).add(x.pow(4).sum());
  const x0 = tensor([0.3, -0.2, 0.9]);
  const V = randn([5, 3], new Random(3));
  const HV = vmap((v: Tensor) => hvp(f, x0, v))(V);
  const H = hessian(f)(x0);
  check('vmap(hvp) = V·H', maxDifference(HV, V.matmul(H)) < 1e-14, `largest difference ${maxDifference(HV, V.matmul(H)).toExponential(1)}`);
  // jacfwd is vmap of jvp over the basis vectors, jacrev vmap of the pullback
  check('jacfwd(g) = jacrev(g)', maxDifference(jacfwd(g)(X.index(0)), jacrev(g)(X.index(0))) < 1e-15, `a [${jacfwd(g)(X.index(0)).shape}] Jacobian`);
}

// ---------------------------------------------------------------------------
// Step 5. Why batch: many HVPs share one forward and backward pass.
//
// An HVP is a forward pass and a backward pass at x (the primal work) plus
// their tangents along v. For d directions a loop repeats the primal work d
// times; vmap does it once and carries d tangents side by side. The zone
// study's restricted Hessian PᵀHP needs exactly such a block of HVPs.
// ---------------------------------------------------------------------------
console.log('Step 5: batched against looped Hessian-vector products');
{
  const n = 1000;
  const d = 5;
  const rng = new Random(4);
  const data = randn([n, 64], rng);
  const D = 64 * 32 + 32 * 10;
  const net = (theta: Tensor): Tensor => {
    const W1 = theta.slice([0], [64 * 32]).reshape([64, 32]);
    const W2 = theta.slice([64 * 32], [D]).reshape([32, 10]);
    return data.matmul(W1).tanh().matmul(W2).logSoftmax(1).mean().neg();
  };
  const theta = randn([D], rng, 0.1);
  const directions = randn([d, D], rng);
  const time = (fn: () => Tensor): [Tensor, number] => {
    fn(); // warm up
    const start = performance.now();
    const out = fn();
    out.toTypedArray();
    return [out, performance.now() - start];
  };
  const [looped, loopMs] = time(() => tensor(Array.from({ length: d }, (_, j) => Array.from(hvp(net, theta, directions.index(j)).toTypedArray()))));
  const [batched, batchedMs] = time(() => vmap((v: Tensor) => hvp(net, theta, v))(directions));
  check(`${d} HVPs batched = looped, bit for bit`, maxDifference(batched, looped) === 0, `loop ${loopMs.toFixed(1)} ms, vmap ${batchedMs.toFixed(1)} ms (timings vary; bench/vmap.ts measures the MNIST MLP)`);
}

console.log('Tutorial 05: all checks passed.');
