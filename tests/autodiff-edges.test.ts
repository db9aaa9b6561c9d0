/**
 * The edges of the engine's derivative rules and transformations, where a
 * wrong branch would not show on ordinary inputs: reductions over empty
 * groups, a function whose result belongs to an outer transformation (or to
 * none), empty Jacobians, negative and out-of-range axes, the
 * transformations' argument checks and the names they report. Two choices
 * that change the work but never the numbers are checked on the work itself:
 * the pullback skips constants (counted evaluations), and vmap picks a
 * strategy for matrix products (the shape of the one product in the program).
 * Expected values are worked out by hand (the derivative of a constant is
 * 0; the product over an empty group is 1 and has no entries to
 * differentiate) or are the loop that vmap replaces.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Primitive, Tensor } from '../src/autodiff/index.js';
import { evalRules } from '../src/autodiff/eval.js';
import { throwsWith } from './support/assertions.js';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray());

/** How many times each primitive is evaluated while `body` runs (every evaluation goes through evalRules). */
function evaluationsDuring(body: () => void): Map<Primitive, number> {
  const counts = new Map<Primitive, number>();
  const rules = evalRules as unknown as Record<Primitive, (...args: unknown[]) => unknown>;
  const originals = { ...rules };
  try {
    for (const p of Object.keys(originals) as Primitive[]) {
      rules[p] = (...args) => {
        counts.set(p, (counts.get(p) ?? 0) + 1);
        return originals[p](...args);
      };
    }
    body();
  } finally {
    Object.assign(rules, originals);
  }
  return counts;
}

/** The evaluations done by the pullback of f at x (the forward pass not counted). */
function pullbackWork(f: (x: Tensor) => Tensor, x: Tensor): Map<Primitive, number> {
  const [y, pullback] = ad.vjp(f, x);
  return evaluationsDuring(() => void pullback(ad.onesLike(y)));
}

// ------------------------------------------------------- empty groups

test('prod over an empty axis: value 1, and a gradient and tangent with no entries, in both modes', () => {
  const x = ad.zeros([2, 0]);
  const f = (t: Tensor): Tensor => t.prod(1);
  assert.equal(values(f(x)), [1, 1]);
  const g = ad.grad((t: Tensor) => f(t).sum())(x);
  assert.equal(g.shape, [2, 0]);
  const [y, dy] = ad.jvp(f, [x], [ad.zeros([2, 0])]);
  assert.equal(values(y), [1, 1]);
  // the output does not change when nothing can move: its tangent is 0
  assert.equal(values(dy), [0, 0]);
  assert.equal(ad.jacrev(f)(x).shape, [2, 2, 0]);
  // an empty group next to a non-empty one: d/dy of Σ (prod over the empty axis) + Σ y² = 2y
  const both = (t: Tensor, u: Tensor): Tensor => t.prod(0).sum().add(u.square().sum());
  const [gx, gy] = ad.grad(both, [0, 1])(ad.zeros([0, 3]), ad.tensor([1.5, -2]));
  assert.equal(gx!.shape, [0, 3]);
  assert.equal(values(gy!), [3, -4]);
});

// ------------------------------------------- results from other levels

test('jvp of a function that returns an outer jvp\'s tracer: its own tangent is 0, the outer one sees the dependence', () => {
  // outer: x ↦ jvp(y ↦ 3x, [y0], [v]); the inner function ignores y, so its tangent is exactly 0
  const inner = (x: Tensor): [Tensor, Tensor] => ad.jvp((_y: Tensor) => x.mul(3), [ad.tensor([5, 6])], [ad.tensor([1, 1])]);
  const [primal, dPrimal] = ad.jvp((x: Tensor) => inner(x)[0], [ad.tensor([1, 2])], [ad.tensor([1, -1])]);
  assert.equal(values(primal), [3, 6]);
  assert.equal(values(dPrimal), [3, -3]);
  const [tangent, dTangent] = ad.jvp((x: Tensor) => inner(x)[1], [ad.tensor([1, 2])], [ad.tensor([1, -1])]);
  assert.equal(values(tangent), [0, 0]);
  assert.equal(values(dTangent), [0, 0]);
});

test('jvp of a constant function: the value and an exact zero tangent of its shape', () => {
  const c = ad.tensor([[1, 2], [3, 4]]);
  const [y, dy] = ad.jvp((_x: Tensor) => c, [ad.tensor([7])], [ad.tensor([1])]);
  assert.equal(y.toArray(), [[1, 2], [3, 4]]);
  assert.equal(dy.toArray(), [[0, 0], [0, 0]]);
});

test('vjp of a function that returns an outer grad\'s tracer: its own pullback is 0, the outer gradient sees the dependence', () => {
  const inner = (x: Tensor): [Tensor, (u: Tensor) => Tensor[]] => ad.vjp((_y: Tensor) => x.mul(3), ad.tensor([5, 6]));
  assert.equal(values(ad.grad((x: Tensor) => inner(x)[0].sum())(ad.tensor([1, 2]))), [3, 3]);
  const [, pullback] = inner(ad.tensor([1, 2]));
  assert.equal(values(pullback(ad.tensor([1, 1]))[0]!), [0, 0]);
  // and a function that returns a constant: the value, and a zero cotangent
  const [y, constantPullback] = ad.vjp((_x: Tensor) => ad.tensor([4, 5, 6]), ad.tensor([1, 2]));
  assert.equal(values(y), [4, 5, 6]);
  assert.equal(values(constantPullback(ad.ones([3]))[0]!), [0, 0]);
});

// -------------------------------------------- work the pullback skips

test('the pullback computes no cotangent for what is constant: masks, stopGradient and functions of constants', () => {
  const c = ad.tensor([0.5, -1, 2]);
  const x = ad.tensor([1, -2, 3]);
  // the baseline: x times a concrete tensor; its pullback of Σ is a broadcast and one product, g·c
  const baseline = pullbackWork((t) => t.mul(c).sum(), x);
  assert.equal(baseline.get('mul'), 1);
  // a comparison's mask, a stopped gradient and a function of constants cost the pullback no more than the concrete tensor
  const masked = pullbackWork((t) => t.mul(t.greater(0)).sum(), x);
  const stopped = pullbackWork((t) => t.mul(ad.stopGradient(t)).sum(), x);
  // a tracer with no tape node (here stopGradient's output) going through exp: still a constant
  const ofConstants = pullbackWork((t) => t.mul(ad.stopGradient(t).exp()).sum(), x);
  assert.equal(masked, baseline, 'comparison');
  assert.equal(stopped, baseline, 'stopGradient');
  assert.equal(ofConstants, baseline, 'a function of constants');
  // while the gradients are what the masks say: ∂/∂x Σ x·[x > 0] = [x > 0] and ∂/∂x Σ x·sg(x) = x
  assert.equal(values(ad.grad((t: Tensor) => t.mul(t.greater(0)).sum())(x)), [1, 0, 1]);
  assert.equal(values(ad.grad((t: Tensor) => t.mul(ad.stopGradient(t)).sum())(x)), [1, -2, 3]);
});

// ------------------------------------------------------ argument checks

test('jvp refuses mismatched primals and tangents, naming what it got', () => {
  const f = (x: Tensor): Tensor => x;
  throwsWith(() => ad.jvp(f, [ad.zeros([2])], []), 'jvp: 1 primals but 0 tangents');
  throwsWith(() => ad.jvp(f, [ad.zeros([2]), ad.zeros([2])], [ad.zeros([2])]), 'jvp: 2 primals but 1 tangents');
  // only the tangent is not a Tensor, then only the primal
  throwsWith(() => ad.jvp(f, [ad.zeros([2])], [[0, 0] as unknown as Tensor]), 'jvp: primal and tangent 0 must be Tensors');
  throwsWith(() => ad.jvp(f, [ad.zeros([1]), 3 as unknown as Tensor], [ad.zeros([1]), ad.zeros([1])]), 'jvp: primal and tangent 1 must be Tensors');
  // the same shape in another dtype
  throwsWith(() => ad.jvp(f, [ad.zeros([2])], [ad.zeros([2], 'float32')]), 'jvp: tangent 0 is [2] float32 but its primal is [2] float64');
  throwsWith(() => ad.jvp((() => 1) as unknown as (x: Tensor) => Tensor, [ad.zeros([2])], [ad.zeros([2])]), 'jvp: the function must return a Tensor');
});

test('vjp refuses arguments that are not Tensors, a function that returns none, and a cotangent of another dtype', () => {
  const f = (x: Tensor): Tensor => x.sum();
  throwsWith(() => ad.vjp(f, ad.zeros([2]), [1, 2] as unknown as Tensor), 'vjp: argument 1 must be a Tensor');
  throwsWith(() => ad.vjp((() => 'x') as unknown as (x: Tensor) => Tensor, ad.zeros([2])), 'vjp: the function must return a Tensor');
  const [, pullback] = ad.vjp((x: Tensor) => x.mul(2), ad.zeros([2]));
  throwsWith(() => pullback(ad.ones([2], 'float32')), 'vjp: the cotangent must match the output, [2] float64; got [2] float32');
  throwsWith(() => pullback(ad.ones([3])), 'vjp: the cotangent must match the output, [2] float64; got [3] float64');
});

// --------------------------------------------------- the transformations

test('grad with argnums [] differentiates nothing: no gradients, and the value from valueAndGrad', () => {
  const f = (x: Tensor): Tensor => x.square().sum();
  const x = ad.tensor([1, 2]);
  assert.equal(ad.grad(f, [])(x), []);
  const [value, grads] = ad.valueAndGrad(f, [])(x);
  assert.is(value.item(), 5);
  assert.equal(grads, []);
});

test('grad of a function called with no arguments says so', () => {
  throwsWith(() => ad.grad(() => ad.tensor(1))(), 'grad: argnums 0 is out of range for 0 argument(s); the function was called with no arguments');
});

test('hasAux: tensors inside arrays and objects of aux come back concrete; null, numbers and strings as they are', () => {
  const f = (x: Tensor) => [x.square().sum(), { list: [x.mul(2), 'two'], nothing: null, nested: { sum: x.sum(), n: 3 } }] as const;
  const [g, aux] = ad.grad(f, { hasAux: true })(ad.tensor([1, -2]));
  assert.equal(values(g), [2, -4]);
  const twice = aux.list[0] as Tensor;
  assert.is(twice.level, 0);
  assert.equal(values(twice), [2, -4]);
  assert.is(aux.list[1], 'two');
  assert.is(aux.nothing, null);
  assert.is(aux.nested.sum.level, 0);
  assert.is(aux.nested.sum.item(), -1);
  assert.is(aux.nested.n, 3);
});

test('jacfwd and jacrev with an empty input or an empty output: zeros of shape [...out, ...in]', () => {
  // out [2] from in [0]: f(x) = (Σx + 1, Σx + 2)
  const fromEmpty = (x: Tensor): Tensor => ad.stack([x.sum().add(1), x.sum().add(2)]);
  // out [0] from in [3]: f(x) = x[0:0]·Σx
  const toEmpty = (x: Tensor): Tensor => x.slice([0], [0]).mul(x.sum());
  for (const jac of [ad.jacfwd, ad.jacrev]) {
    const a = jac(fromEmpty)(ad.zeros([0]));
    assert.equal(a.shape, [2, 0]);
    const b = jac(toEmpty)(ad.tensor([1, 2, 3]));
    assert.equal(b.shape, [0, 3]);
    const c = jac((x: Tensor) => x.mul(2))(ad.zeros([0, 2]));
    assert.equal(c.shape, [0, 2, 0, 2]);
  }
  // and the Hessian of a scalar function of no entries: [0, 0]
  assert.equal(ad.hessian((x: Tensor) => x.square().sum())(ad.zeros([0])).shape, [0, 0]);
  // the dtype does not depend on whether x is empty: jacfwd's is f's output's (its tangents'), jacrev's x's (its cotangents')
  const widened = (x: Tensor): Tensor => ad.stack([ad.astype(x.sum(), 'float64'), ad.astype(x.sum(), 'float64').add(1)]);
  for (const n of [2, 0]) {
    const x = ad.zeros([n], 'float32');
    assert.is(ad.jacfwd(widened)(x).dtype, 'float64', `jacfwd, ${n} entries`);
    assert.is(ad.jacrev(widened)(x).dtype, 'float32', `jacrev, ${n} entries`);
  }
});

test('a leaked jvp tracer used later names the jvp transformation', () => {
  let leaked: Tensor | null = null;
  ad.jvp(
    (x: Tensor) => {
      leaked = x;
      return x.sum();
    },
    [ad.zeros([2])],
    [ad.ones([2])],
  );
  throwsWith(() => ad.jvp((y: Tensor) => y.mul(leaked!), [ad.zeros([2])], [ad.ones([2])]), 'a tracer from a jvp transformation');
});

test('a leaked vjp tracer used later names the vjp transformation', () => {
  let leaked: Tensor | null = null;
  ad.vjp((x: Tensor) => {
    leaked = x.mul(2);
    return x.sum();
  }, ad.zeros([2]));
  throwsWith(() => ad.vjp((y: Tensor) => y.mul(leaked!).sum(), ad.zeros([2])), 'a tracer from a vjp transformation');
});

// ----------------------------------------------------------------- vmap

/** The shape of the one matmul's result in the program of f at args, as printed (e.g. "2,62"). */
function matmulShape(f: (...xs: Tensor[]) => Tensor, ...args: Tensor[]): string {
  const lines = ad.makeJaxpr(f)(...args).toString().split('\n').filter((l) => l.includes('= matmul'));
  assert.is(lines.length, 1, `one matmul expected in:\n${lines.join('\n')}`);
  return /:f64\[([\d,]*)\] = matmul/.exec(lines[0]!)![1]!;
}

/** vmap's matrix products must equal the loop of the slices' products, bit for bit. */
function assertLoop(got: Tensor, slices: Tensor[]): void {
  const want = ad.stack(slices, 0);
  assert.equal(got.shape, want.shape);
  assert.ok(values(got).every((v, i) => Object.is(v, values(want)[i])), 'batched product differs from the loop');
}

test('vmap of a matrix product: the batch folded into the rows, into few columns, or stacked, as the rule says', () => {
  const seq = (n: number, scale = 0.1): number[] => Array.from({ length: n }, (_, i) => ((i * 7) % 11) * scale - 0.5);
  // left operand batched: one product with B·m rows, [5·2, 3]·[3, 4]
  const X = ad.tensor(seq(30), [5, 2, 3]);
  const W = ad.tensor(seq(12), [3, 4]);
  const left = (x: Tensor): Tensor => x.matmul(W);
  assert.is(matmulShape(ad.vmap(left), X), '10,4');
  assertLoop(ad.vmap(left)(X), [0, 1, 2, 3, 4].map((i) => left(X.index(i))));
  // right operand batched with 31 columns: folded into the columns, [2, 3]·[3, 5·31]
  const A = ad.tensor(seq(6), [2, 3]);
  const right = (y: Tensor): Tensor => A.matmul(y);
  const Y31 = ad.tensor(seq(5 * 3 * 31), [5, 3, 31]);
  assert.is(matmulShape(ad.vmap(right), Y31), '2,155');
  assertLoop(ad.vmap(right)(Y31), [0, 1, 2, 3, 4].map((i) => right(Y31.index(i))));
  // with 32 columns: a stack of 5 products
  const Y32 = ad.tensor(seq(5 * 3 * 32), [5, 3, 32]);
  assert.is(matmulShape(ad.vmap(right), Y32), '5,2,32');
  assertLoop(ad.vmap(right)(Y32), [0, 1, 2, 3, 4].map((i) => right(Y32.index(i))));
  // the columns counted are the slice's n, not its k (40 here) ...
  const A40 = ad.tensor(seq(80), [2, 40]);
  const Yk = ad.tensor(seq(5 * 40 * 2), [5, 40, 2]);
  assert.is(matmulShape(ad.vmap((y: Tensor) => A40.matmul(y)), Yk), '2,10');
  // ... nor the batch size (40 here), with the batch axis last
  const Ylast = ad.tensor(seq(3 * 2 * 40), [3, 2, 40]);
  assert.is(matmulShape(ad.vmap(right, 2), Ylast), '2,80');
  assertLoop(ad.vmap(right, 2)(Ylast), Array.from({ length: 40 }, (_, i) => right(Ylast.gather([i], 2).reshape([3, 2]))));
});

test('vmap: an unmapped argument is the plain value inside f, readable as a number', () => {
  const X = ad.tensor([[1, 2], [3, 4]]);
  const scaled = ad.vmap((x: Tensor, s: Tensor) => x.mul(s.item()), [0, null])(X, ad.scalar(3));
  assert.equal(scaled.toArray(), [[3, 6], [9, 12]]);
});

test('vmap of a function that returns an outer vmap\'s tracer: repeated along the inner batch', () => {
  // outer over the rows x of X, inner over 4 entries it ignores: result[i][j] = 2·X[i]
  const X = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  const out = ad.vmap((x: Tensor) => ad.vmap((_y: Tensor) => x.mul(2))(ad.zeros([4])))(X);
  assert.equal(out.shape, [2, 4, 3]);
  assert.equal(out.toArray(), [[2, 4, 6], [8, 10, 12]].map((row) => [row, row, row, row]));
});

test('vmap: negative inAxes and outAxes count from the end, out to their limits', () => {
  const X = ad.tensor([[1, 2, 3], [4, 5, 6]]); // mapped over axis 1 (= −1) the slices are the columns
  const columnSums = (c: Tensor): Tensor => c.sum();
  assert.equal(ad.vmap(columnSums, -1)(X).toArray(), [5, 7, 9]);
  assert.equal(ad.vmap(columnSums, -2)(X).toArray(), [6, 15]);
  // outAxes −2 on slices of rank 1 puts the batch first, −1 last
  assert.equal(ad.vmap((r: Tensor) => r.mul(10), 0, -2)(X).toArray(), [[10, 20, 30], [40, 50, 60]]);
  assert.equal(ad.vmap((r: Tensor) => r.mul(10), 0, -1)(X).toArray(), [[10, 40], [20, 50], [30, 60]]);
});

test('vmap refuses bad axes, non-Tensor arguments and mismatched outAxes, naming the allowed range', () => {
  const X = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  const id = (t: Tensor): Tensor => t;
  throwsWith(() => ad.vmap(id, -3)(X), 'vmap: inAxes -3 is out of range for argument 0 of shape [2, 3] (allowed -2 to 1, or null)');
  throwsWith(() => ad.vmap(id, 0.5)(X), 'vmap: inAxes 0.5 is out of range');
  throwsWith(() => ad.vmap(id, 0, -3)(X), 'vmap: outAxes -3 is out of range for the output of rank 1 (allowed -2 to 1)');
  throwsWith(() => ad.vmap(id, 0, 0.5)(X), 'vmap: outAxes 0.5 is out of range for the output of rank 1');
  throwsWith(() => ad.vmap((a: Tensor, b: Tensor) => a.add(b))(X, [1, 2] as unknown as Tensor), 'vmap: argument 1 must be a Tensor, got object');
  throwsWith(() => ad.vmap((t: Tensor) => [t, t.sum()], 0, [0])(X), 'vmap: outAxes has 1 entries but the function returned 2 outputs');
  throwsWith(() => ad.vmap(id, 0, [0])(X), 'vmap: outAxes is an array but the function returned a single Tensor');
});

test('a leaked vmap tracer used later names the vmap transformation', () => {
  let leaked: Tensor | null = null;
  ad.vmap((x: Tensor) => {
    leaked = x.mul(2);
    return x;
  })(ad.zeros([3, 2]));
  throwsWith(() => ad.vmap((y: Tensor) => y.mul(leaked!))(ad.zeros([3, 2])), 'a tracer from a vmap transformation');
});

test.run();
