/**
 * vmap: every batching rule checked against the loop it replaces, on the
 * derivative table of support/cases.ts (which uses every primitive), with the
 * batch axis first, last, in the middle and absent; then composition with
 * grad, jvp, hvp and vmap itself; then the errors.
 *
 * The batched result must equal the loop exactly, not nearly: a batching
 * rule only re-arranges which numbers sit side by side, and every rule keeps
 * each output entry's arithmetic in the same order as one slice's (see the
 * matmul rule in vmap.ts), so any difference at all is a bug.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Primitive, Tensor } from '../src/autodiff/index.js';
import { batchRules } from '../src/autodiff/vmap.js';
import { evalRules } from '../src/autodiff/eval.js';
import { derivativeCases } from './support/cases.js';
import { seededVector } from './support/numeric.js';
import { throwsWith } from './support/assertions.js';

const B = 3;
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Records which primitives' batching rules ran, while `body` runs. */
const batched = new Set<Primitive>();
for (const p of Object.keys(batchRules) as Primitive[]) {
  const rule = batchRules[p] as (...a: unknown[]) => unknown;
  (batchRules as Record<Primitive, unknown>)[p] = (...a: unknown[]) => {
    batched.add(p);
    return rule(...a);
  };
}

/** A random [B, ...shape] stack, moved so that the batch sits at `axis`. */
function stackAt(shape: number[], axis: number, seed: number, positive?: boolean): Tensor {
  let v = seededVector(B * size(shape), seed);
  if (positive) v = v.map((x) => 1 + 0.5 * x);
  const front = ad.tensor(v, [B, ...shape]);
  const perm = [...shape.keys()].map((i) => i + 1);
  perm.splice(axis, 0, 0);
  return front.transpose(perm);
}

/** Slice i of x along `axis`. */
const sliceOf = (x: Tensor, axis: number, i: number): Tensor => x.gather([i], axis).reshape(x.shape.filter((_, j) => j !== axis));

/** The loop that vmap replaces: f on every slice, stacked on axis 0. */
function loop(f: (...xs: Tensor[]) => Tensor, args: Tensor[], axes: (number | null)[]): Tensor {
  const outs = Array.from({ length: B }, (_, i) => f(...args.map((x, j) => (axes[j] === null ? x : sliceOf(x, axes[j]!, i)))));
  return ad.stack(outs, 0);
}

function assertSame(got: Tensor, want: Tensor, what: string): void {
  assert.equal(got.shape, want.shape, `${what}: shape`);
  const a = got.toTypedArray();
  const b = want.toTypedArray();
  const bad = a.findIndex((x, i) => !Object.is(x, b[i]));
  assert.ok(bad < 0, `${what}: entry ${bad} is ${a[bad]} batched but ${b[bad]} in the loop`);
}

for (const c of derivativeCases) {
  test(`${c.name}: vmap equals the loop, with the batch axis first, last, inside and absent`, () => {
    const placements: { label: string; axes: (number | null)[] }[] = [
      { label: 'first', axes: c.shapes.map(() => 0) },
      { label: 'last', axes: c.shapes.map((s) => s.length) },
      { label: 'inside, later arguments unmapped', axes: c.shapes.map((s, i) => (i === 0 ? Math.min(1, s.length) : null)) },
    ];
    if (c.shapes.length > 1) placements.push({ label: 'only the last argument mapped', axes: c.shapes.map((_, i) => (i === c.shapes.length - 1 ? 0 : null)) });
    for (const { label, axes } of placements) {
      const args = c.shapes.map((s, i) => (axes[i] === null ? stackAt(s, 0, 40 + i, c.positive).index(0) : stackAt(s, axes[i]!, 40 + i, c.positive)));
      assertSame(ad.vmap(c.f, axes)(...args), loop(c.f, args, axes), `${c.name}, batch ${label}`);
    }
  });
}

test('every primitive has a batching rule that the table above exercises', () => {
  // runs after the table's tests (uvu runs tests in order)
  const missing = (Object.keys(evalRules) as Primitive[]).filter((p) => !batched.has(p) && p !== 'astype' && p !== 'stopGradient');
  assert.equal(missing, [], `add a row using ${missing.join(', ')} to tests/support/cases.ts`);
});

test('astype and stopGradient batch elementwise', () => {
  const x = stackAt([2], 1, 3);
  const f = (t: Tensor): Tensor => t.astype('float32').stopGradient().mul(2);
  assertSame(ad.vmap(f, 1)(x), loop(f, [x], [1]), 'astype, stopGradient');
  assert.ok(batched.has('astype') && batched.has('stopGradient'));
});

test('matmul: every placement of the batch axis on either operand, and stacks of products', () => {
  const f = (a: Tensor, b: Tensor): Tensor => a.matmul(b);
  // 2 columns: a batched right operand is folded into the columns; 40: a stack of products
  for (const columns of [2, 40]) {
    for (const da of [0, 1, 2, null]) {
      for (const db of [0, 1, 2, null]) {
        if (da === null && db === null) continue;
        const a = da === null ? stackAt([4, 5], 0, 1).index(0) : stackAt([4, 5], da, 1);
        const b = db === null ? stackAt([5, columns], 0, 2).index(0) : stackAt([5, columns], db, 2);
        assertSame(ad.vmap(f, [da, db])(a, b), loop(f, [a, b], [da, db]), `matmul, ${columns} columns, batch axes ${da} and ${db}`);
      }
    }
  }
  const a3 = stackAt([2, 3, 4], 1, 5);
  const b3 = stackAt([2, 4, 3], 0, 6).index(1);
  assertSame(ad.vmap(f, [1, null])(a3, b3), loop(f, [a3, b3], [1, null]), 'stacked products');
});

test('outAxes: the batch axis of the result goes where asked; null for a result that does not depend on the batch', () => {
  const x = stackAt([2, 3], 0, 8);
  const f = (t: Tensor): Tensor => t.exp();
  const front = ad.vmap(f)(x);
  assertSame(ad.vmap(f, 0, 2)(x), front.transpose([1, 2, 0]), 'outAxes 2');
  assertSame(ad.vmap(f, 0, -1)(x), front.transpose([1, 2, 0]), 'outAxes −1');
  const w = ad.tensor([1, 2]);
  const [same, varying] = ad.vmap((t: Tensor) => [w.mul(2), t.sum()], 0, [null, 0])(x);
  assert.equal(Array.from(same!.toTypedArray()), [2, 4]);
  assert.equal(varying!.shape, [B]);
  // an unbatched result with outAxes 0 is repeated B times
  assert.equal(ad.vmap(() => w, [0])(x).toArray(), [[1, 2], [1, 2], [1, 2]]);
});

// ------------------------------------------------------------ composition

const W = ad.tensor(seededVector(12, 21), [3, 4]);
const mlp = (x: Tensor): Tensor => x.matmul(W).tanh().square().sum();

test('vmap(grad(f)) is the per-example gradient; grad of a function using vmap is the sum of them', () => {
  const X = stackAt([3], 0, 22);
  assertSame(ad.vmap(ad.grad(mlp))(X), loop(ad.grad(mlp), [X], [0]), 'per-example gradients');
  const total = ad.grad((x: Tensor) => ad.vmap(mlp)(x).sum())(X);
  assertSame(total, loop(ad.grad(mlp), [X], [0]), 'grad of a vmapped sum');
  // gradient with respect to an unmapped argument: Σ_i ∂f(x_i, w)/∂w
  const g = (x: Tensor, w: Tensor): Tensor => x.matmul(w).tanh().sum();
  const viaVmap = ad.grad((w: Tensor) => ad.vmap((x: Tensor) => g(x, w))(X).sum())(W);
  const viaLoop = [0, 1, 2].map((i) => ad.grad((w: Tensor) => g(X.index(i), w))(W)).reduce((a, b) => a.add(b));
  const diff = viaVmap.sub(viaLoop).abs().max().item();
  assert.ok(diff <= 1e-15, `Σ of per-example ∂/∂w differs by ${diff}`);
});

test('jvp of vmap equals vmap of jvp; vmap(vmap(f)) equals the double loop', () => {
  const X = stackAt([3], 0, 23);
  const V = stackAt([3], 0, 24);
  const [, outer] = ad.jvp(ad.vmap(mlp), [X], [V]);
  const inner = ad.vmap((x: Tensor, v: Tensor) => ad.jvp(mlp, [x], [v])[1])(X, V);
  assertSame(outer, inner, 'jvp∘vmap vs vmap∘jvp');
  const XX = ad.tensor(seededVector(2 * B * 3, 25), [2, B, 3]);
  const twice = ad.vmap(ad.vmap(mlp), 1)(XX); // [B, 2]: outer over axis 1, inner over axis 0
  assert.equal(twice.shape, [B, 2]);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < 2; j++) assert.is(twice.index(i).index(j).item(), mlp(XX.index(j).index(i)).item());
  }
});

test('vmap of hvp: many Hessian-vector products in one pass, equal to the loop and to H·V', () => {
  const x = ad.tensor(seededVector(3, 26));
  const f = (t: Tensor): Tensor => mlp(t).add(t.pow(3).sum());
  const V = stackAt([3], 0, 27);
  const batchedHv = ad.vmap((v: Tensor) => ad.hvp(f, x, v))(V);
  assertSame(batchedHv, loop((v: Tensor) => ad.hvp(f, x, v), [V], [0]), 'vmap of hvp');
  const H = ad.hessian(f)(x);
  const diff = batchedHv.sub(V.matmul(H)).abs().max().item();
  assert.ok(diff < 1e-13, `H·V differs by ${diff}`);
});

test('jacfwd and jacrev (both vmaps) agree with each other and with a hand-computed Jacobian', () => {
  const x = ad.tensor([0.3, -1.2]);
  const f = (t: Tensor): Tensor => ad.stack([t.index(0).mul(t.index(1)), t.index(0).exp(), t.index(1).tanh()], 0);
  const expected = [[-1.2, 0.3], [Math.exp(0.3), 0], [0, 1 - Math.tanh(-1.2) ** 2]];
  assert.equal(ad.jacfwd(f)(x).toArray(), expected);
  assert.equal(ad.jacrev(f)(x).toArray(), expected);
});

// ----------------------------------------------------------------- errors

test('errors name vmap, the argument and what is allowed', () => {
  const x = ad.tensor([1, 2, 3]);
  throwsWith(() => ad.vmap((a: Tensor, b: Tensor) => a.add(b))(x, ad.tensor([1, 2])), 'vmap: mapped axes differ in size', 'argument 1 has 2');
  throwsWith(() => ad.vmap((a: Tensor) => a, 1)(x), 'vmap: inAxes 1 is out of range for argument 0 of shape [3]', 'allowed -1 to 0, or null');
  throwsWith(() => ad.vmap((a: Tensor) => a, [0, 0])(x), 'vmap: inAxes has 2 entries but the function got 1 argument(s)');
  throwsWith(() => ad.vmap((a: Tensor) => a, null)(x), 'vmap: no argument is mapped');
  throwsWith(() => ad.vmap((a: Tensor) => a, 0, null)(x), 'vmap: outAxes is null for the output, but it differs between slices');
  throwsWith(() => ad.vmap((a: Tensor) => a, 0, 2)(x), 'vmap: outAxes 2 is out of range for the output of rank 0');
  throwsWith(() => ad.vmap((a: Tensor) => ad.scalar(a.item()))(x), 'vmap: a batched tensor of per-example shape [] has no single value inside vmap');
  throwsWith(() => ad.vmap(() => 3 as unknown as Tensor)(x), 'vmap: the function must return a Tensor or an array of Tensors');
});

test.run();
