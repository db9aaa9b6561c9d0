/**
 * makeJaxpr and evalJaxpr: programs you can print.
 *
 * The printed programs are pinned exactly, so a change to a derivative rule
 * shows up here as a readable diff. Each one was read against the math it
 * should compute (see the comment above it); evalJaxpr is checked to give
 * the same numbers as the traced function, bit for bit, and the same
 * derivatives.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { variableName } from '../src/autodiff/jaxpr.js';
import { bind } from '../src/autodiff/trace.js';
import { throwsWith } from './support/assertions.js';

/** Same shape, dtype and bits (Object.is per element: −0 ≠ 0, NaN = NaN). */
function assertSameBits(actual: Tensor, expected: Tensor, what: string): void {
  assert.equal(actual.shape, expected.shape, `${what}: shape`);
  assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = actual.toTypedArray();
  const b = expected.toTypedArray();
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
}

const program = (lines: string[]): string => lines.join('\n');

const cube = (x: Tensor): Tensor => x.pow(3).sum(); // f(x) = Σ x³
const x3 = ad.tensor([1, 2, 3]);
const v3 = ad.tensor([0.5, -1, 2]);

test('a polynomial: Σ x³ is a pow and a sum', () => {
  assert.is(
    ad.makeJaxpr(cube)(x3).toString(),
    program([
      '{ lambda ; a:f64[3]. let',
      '    b:f64[3] = pow[exponent=3] a',
      '    c:f64[] = sum[axes=[0] keepdims=false] b',
      '  in ( c ) }',
    ]),
  );
});

test('grad of Σ x³: 1 · (3 · x²), the forward pass dropped as dead code', () => {
  // pow's rule gives x² · 3; sum's rule broadcasts the seed cotangent 1.0.
  // The forward value Σ x³ is not needed by the gradient, so it is gone.
  assert.is(
    ad.makeJaxpr(ad.grad(cube))(x3).toString(),
    program([
      '{ lambda ; a:f64[3]. let',
      '    b:f64[3] = pow[exponent=2] a',
      '    c:f64[3] = mul b 3.0',
      '    d:f64[3] = mul 1.0 c',
      '  in ( d ) }',
    ]),
  );
});

test('jvp of Σ x³ along v: Σ v · (3 · x²)', () => {
  assert.is(
    ad.makeJaxpr((x, v) => ad.jvp(cube, [x], [v])[1])(x3, v3).toString(),
    program([
      '{ lambda ; a:f64[3] b:f64[3]. let',
      '    c:f64[3] = pow[exponent=2] a',
      '    d:f64[3] = mul c 3.0',
      '    e:f64[3] = mul b d',
      '    f:f64[] = sum[axes=[0] keepdims=false] e',
      '  in ( f ) }',
    ]),
  );
});

test('hvp of Σ x³: H·v = 6 x ⊙ v, as 1 · ((v · (2x)) · 3)', () => {
  // forward over reverse: the tangent of the gradient 1 · (3 · x²). pow's jvp
  // rule gives v · (x¹ · 2) (x¹ is x itself), then the two muls of the
  // gradient are applied to that tangent.
  assert.is(
    ad.makeJaxpr((x, v) => ad.hvp(cube, x, v))(x3, v3).toString(),
    program([
      '{ lambda ; a:f64[3] b:f64[3]. let',
      '    c:f64[3] = mul a 2.0',
      '    d:f64[3] = mul b c',
      '    e:f64[3] = mul d 3.0',
      '    f:f64[3] = mul 1.0 e',
      '  in ( f ) }',
    ]),
  );
});

const broadcastAdd = (a: Tensor, b: Tensor): Tensor => a.add(b);
const A23 = ad.tensor([[1, 2, 3], [4, 5, 6]]);
const b3 = ad.tensor([0.25, -0.5, 1]);

test('a broadcasting add: the broadcast is a primitive of its own', () => {
  assert.is(
    ad.makeJaxpr(broadcastAdd)(A23, b3).toString(),
    program([
      '{ lambda ; a:f64[2,3] b:f64[3]. let',
      '    c:f64[2,3] = broadcastTo[shape=[2 3]] b',
      '    d:f64[2,3] = add a c',
      '  in ( d ) }',
    ]),
  );
});

const layer = (x: Tensor, W: Tensor, b: Tensor): Tensor => x.matmul(W).add(b).tanh(); // tanh(xW + b)
const rng = new ad.Random(7);
const X = ad.randn([2, 3], rng);
const W = ad.randn([3, 4], rng);
const bias = ad.randn([4], rng);

test('a tanh MLP layer: tanh(x W + b)', () => {
  assert.is(
    ad.makeJaxpr(layer)(X, W, bias).toString(),
    program([
      '{ lambda ; a:f64[2,3] b:f64[3,4] c:f64[4]. let',
      '    d:f64[2,4] = matmul a b',
      '    e:f64[2,4] = broadcastTo[shape=[2 4]] c',
      '    f:f64[2,4] = add d e',
      '    g:f64[2,4] = tanh f',
      '  in ( g ) }',
    ]),
  );
});

test('grad of a tanh layer with respect to W: xᵀ (ḡ ⊙ (1 − tanh²))', () => {
  // L = Σ tanh(xW + b). Backward: the seed 1.0 broadcast, times 1 − g²
  // (tanh's rule uses its output g), then W̄ = xᵀ · that, with x transposed
  // (swapLast in matmul's rule). The cotangent of b is not asked for.
  const loss = (x: Tensor, w: Tensor, b: Tensor): Tensor => layer(x, w, b).sum();
  assert.is(
    ad.makeJaxpr(ad.grad(loss, 1))(X, W, bias).toString(),
    program([
      '{ lambda ; a:f64[2,3] b:f64[3,4] c:f64[4]. let',
      '    d:f64[2,4] = matmul a b',
      '    e:f64[2,4] = broadcastTo[shape=[2 4]] c',
      '    f:f64[2,4] = add d e',
      '    g:f64[2,4] = tanh f',
      '    h:f64[2,4] = pow[exponent=2] g',
      '    i:f64[2,4] = sub 1.0 h',
      '    j:f64[2,4] = mul 1.0 i',
      '    k:f64[3,2] = transpose[perm=[1 0]] a',
      '    l:f64[3,4] = matmul k j',
      '  in ( l ) }',
    ]),
  );
});

test('vmap of Σ x³ is the same program on a batch: only the sum\'s axis moves', () => {
  // One slice is [3]; the batch [2, 3] keeps every elementwise equation and
  // sums over axis 1 of the batch, the slice's axis 0.
  assert.is(
    ad.makeJaxpr(ad.vmap(cube))(ad.tensor([[1, 2, 3], [4, 5, 6]])).toString(),
    program([
      '{ lambda ; a:f64[2,3]. let',
      '    b:f64[2,3] = pow[exponent=3] a',
      '    c:f64[2] = sum[axes=[1] keepdims=false] b',
      '  in ( c ) }',
    ]),
  );
});

test('vmap of a matrix-vector product: the vectors become the columns of one product', () => {
  // W·x for each row x of X: X is moved into columns [3, 2] (reshape, transpose,
  // reshape), multiplied by W once, and the batch axis is moved back to the front.
  const W = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  const jaxpr = ad.makeJaxpr(ad.vmap((x: Tensor) => W.matmul(x)))(ad.tensor([[1, 0, 0], [0, 1, 0]]));
  assert.is(
    jaxpr.toString(),
    program([
      '{ lambda a:f64[2,3] ; b:f64[2,3]. let',
      '    c:f64[2,3,1] = reshape[shape=[2 3 1]] b',
      '    d:f64[3,2,1] = transpose[perm=[1 0 2]] c',
      '    e:f64[3,2] = reshape[shape=[3 2]] d',
      '    f:f64[2,2] = matmul a e',
      '    g:f64[2,2,1] = reshape[shape=[2 2 1]] f',
      '    h:f64[2,2,1] = transpose[perm=[1 0 2]] g',
      '    i:f64[2,2] = reshape[shape=[2 2]] h',
      '  in ( i ) }',
    ]),
  );
  // W·e₀ and W·e₁ are W's first two columns
  assert.equal(ad.evalJaxpr(jaxpr, ad.tensor([[1, 0, 0], [0, 1, 0]])).toArray(), [[1, 4], [2, 5]]);
});

test('constants: tensors are listed before the ";", broadcast scalars print as numbers', () => {
  // W is captured, not an argument: a constant variable. x.mul(2) broadcasts
  // the 2 before binding mul, outside the trace, so it is a literal.
  assert.is(
    ad.makeJaxpr((x) => x.matmul(W).mul(2).add(1))(X).toString(),
    program([
      '{ lambda a:f64[3,4] ; b:f64[2,3]. let',
      '    c:f64[2,4] = matmul b a',
      '    d:f64[2,4] = mul c 2.0',
      '    e:f64[2,4] = add d 1.0',
      '  in ( e ) }',
    ]),
  );
  // float32 literals print as the shortest decimal that rounds to them; ±∞ as inf
  const x32 = ad.tensor([1, 2], undefined, 'float32');
  assert.is(
    ad.makeJaxpr((x) => ad.where(x.less(Infinity), x.mul(0.1), x.mul(-Infinity)))(x32).toString(),
    program([
      '{ lambda ; a:f32[2]. let',
      '    b:f32[2] = compare[op=less] a inf',
      '    c:f32[2] = mul a 0.1',
      '    d:f32[2] = mul a -inf',
      '    e:f32[2] = where b c d',
      '  in ( e ) }',
    ]),
  );
});

test('long index arrays are abbreviated; params are sorted by name', () => {
  const indices = Array.from({ length: 100 }, (_, i) => (i * 7) % 10);
  const text = ad.makeJaxpr((x) => x.gather(indices).sum())(ad.arange(10)).toString();
  assert.ok(text.includes('gather[axis=0 indexShape=[100] indices=[0 7 4 1 …](100)] a'), text);
  const scatter = ad.makeJaxpr((x) => bind('scatterAdd', [x], { indices: Int32Array.from([4, 0, 4]), indexShape: [3], axis: 0, axisSize: 5 }))(ad.arange(3));
  assert.ok(scatter.toString().includes('b:f64[5] = scatterAdd[axis=0 axisSize=5 indexShape=[3] indices=[4 0 4]] a'), scatter.toString());
});

test('variable names run a … z, ba, bb, …', () => {
  assert.equal([0, 1, 25, 26, 27, 51, 52, 675, 676].map(variableName), ['a', 'b', 'z', 'ba', 'bb', 'bz', 'ca', 'zz', 'baa']);
  const chain = (x: Tensor): Tensor => {
    let y = x;
    for (let i = 0; i < 27; i++) y = y.exp();
    return y;
  };
  const lines = ad.makeJaxpr(chain)(ad.tensor([0.1])).toString().split('\n');
  assert.is(lines[26], '    ba:f64[1] = exp z');
  assert.is(lines.at(-1), '  in ( bb ) }');
});

test('dead code is dropped: an unused value, and the constants only it used', () => {
  const C = ad.tensor([[1, 2], [3, 4]]);
  const f = (x: Tensor): Tensor => {
    x.matmul(C).exp(); // computed and thrown away
    x.tanh().sum(); // likewise
    return x.mul(x);
  };
  assert.is(
    ad.makeJaxpr(f)(ad.tensor([[1, 0], [0, 1]])).toString(),
    program([
      '{ lambda ; a:f64[2,2]. let',
      '    b:f64[2,2] = mul a a',
      '  in ( b ) }',
    ]),
  );
});

test('outputs: several, an input itself, and a constant', () => {
  const j = ad.makeJaxpr((x, y) => [x.mul(y), x, ad.tensor([5, 6])])(x3, v3);
  assert.is(
    j.toString(),
    program([
      '{ lambda a:f64[2] ; b:f64[3] c:f64[3]. let',
      '    d:f64[3] = mul b c',
      '  in ( d, b, a ) }',
    ]),
  );
  const [p, x, c] = ad.evalJaxpr(j, v3, x3);
  assertSameBits(p!, v3.mul(x3), 'product');
  assertSameBits(x!, v3, 'input');
  assertSameBits(c!, ad.tensor([5, 6]), 'constant');
});

// --------------------------------------------------------------- evaluation

/** A two-layer tanh MLP with softmax cross-entropy on a fixed batch (the data are constants). */
const data = ad.randn([6, 3], new ad.Random(11));
const labels = [0, 2, 1, 1, 0, 2];
const mlpLoss = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor =>
  ad.softmaxCrossEntropy(data.matmul(W1).add(b1).tanh().matmul(W2).add(b2), labels);
const mlpParams = (seed: number): Tensor[] => {
  const r = new ad.Random(seed);
  return [ad.randn([3, 5], r), ad.randn([5], r), ad.randn([5, 3], r), ad.randn([3], r)];
};

const cases: { name: string; f: (...xs: Tensor[]) => Tensor; args: Tensor[]; other: Tensor[] }[] = [
  { name: 'Σ x³', f: cube, args: [x3], other: [ad.tensor([-0.5, 0.25, 4])] },
  { name: 'broadcasting add', f: (a, b) => broadcastAdd(a!, b!).square().sum(), args: [A23, b3], other: [A23.mul(-1.5), b3.exp()] },
  { name: 'tanh layer', f: (x, w, b) => layer(x!, w!, b!).sum(), args: [X, W, bias], other: [X.mul(0.3), W.tanh(), bias.neg()] },
  { name: 'MLP loss with softmaxCrossEntropy', f: (a, b, c, d) => mlpLoss(a!, b!, c!, d!), args: mlpParams(1), other: mlpParams(2) },
  { name: 'relu and max (data-dependent masks are equations)', f: (x) => x.relu().mul(x.max()).sum(), args: [v3], other: [ad.tensor([-2, 3, 1])] },
];

for (const { name, f, args, other } of cases) {
  test(`evalJaxpr: ${name} — same numbers as f, bit for bit, also at new arguments; same gradient`, () => {
    const j = ad.makeJaxpr(f)(...args);
    assertSameBits(ad.evalJaxpr(j, ...args), f(...args), 'value');
    assertSameBits(j.call(...other), f(...other), 'value at other arguments');
    const argnums = args.map((_, i) => i);
    const viaProgram = ad.grad((...xs: Tensor[]) => ad.evalJaxpr(j, ...xs), argnums)(...other);
    const direct = ad.grad(f, argnums)(...other);
    viaProgram.forEach((g, i) => assertSameBits(g, direct[i]!, `gradient ${i}`));
    // and the gradient's own program, run at the other arguments
    const gradProgram = ad.makeJaxpr(ad.grad(f, 0))(...args);
    assertSameBits(ad.evalJaxpr(gradProgram, ...other), direct[0]!, 'program of the gradient');
  });
}

test('evalJaxpr is differentiable to second order: its HVP is the HVP of f', () => {
  const [W1, b1, W2, b2] = mlpParams(3);
  const f = (w: Tensor): Tensor => mlpLoss(w, b1!, W2!, b2!);
  const j = ad.makeJaxpr(f)(W1!);
  const v = ad.randn([3, 5], new ad.Random(4));
  assertSameBits(ad.hvp((w) => ad.evalJaxpr(j, w), W1!, v), ad.hvp(f, W1!, v), 'HVP');
});

test('makeJaxpr inside grad: the same program, and grad flows through evalJaxpr', () => {
  const outside = ad.makeJaxpr(cube)(x3).toString();
  let inside = '';
  const g = ad.grad((x: Tensor) => {
    const j = ad.makeJaxpr(cube)(x);
    inside = j.toString();
    return ad.evalJaxpr(j, x);
  })(x3);
  assert.is(inside, outside);
  assertSameBits(g, ad.grad(cube)(x3), 'gradient');
});

test('grad inside makeJaxpr inside grad: the second derivative of Σ x³ is 6x', () => {
  // the program of the gradient, evaluated under an outer grad
  const g2 = ad.grad((x: Tensor) => ad.evalJaxpr(ad.makeJaxpr(ad.grad(cube))(x), x).sum())(x3);
  assert.equal(Array.from(g2.toTypedArray()), [6, 12, 18]);
});

test('nested levels: a tracer of an outer jvp is a constant of the program, and its tangent survives', () => {
  // d/dy [Σ (x ⊙ y)] along t is Σ x ⊙ t; x is the program's input, y a constant
  const x = ad.tensor([1, 2, 3]);
  const y = ad.tensor([4, 5, 6]);
  const t = ad.tensor([1, 0, -1]);
  let text = '';
  const [value, tangent] = ad.jvp(
    (yy: Tensor) => {
      const j = ad.makeJaxpr((xx) => xx.mul(yy).sum())(x);
      text = j.toString();
      return ad.evalJaxpr(j, x);
    },
    [y],
    [t],
  );
  assert.is(
    text,
    program([
      '{ lambda a:f64[3] ; b:f64[3]. let',
      '    c:f64[3] = mul b a',
      '    d:f64[] = sum[axes=[0] keepdims=false] c',
      '  in ( d ) }',
    ]),
  );
  assert.is(value.item(), 32);
  assert.is(tangent.item(), 1 - 3);
  // a scalar of the outer trace is a constant variable too (broadcast to [3]
  // outside the program), never a literal: its tangent must reach evalJaxpr
  const [, dk] = ad.jvp(
    (k: Tensor) => {
      const j = ad.makeJaxpr((xx) => xx.mul(k).sum())(x);
      text = j.toString();
      return ad.evalJaxpr(j, x);
    },
    [ad.scalar(2)],
    [ad.scalar(1)],
  );
  assert.ok(text.startsWith('{ lambda a:f64[3] ; b:f64[3]. let'), text);
  assert.is(dk.item(), 6); // d/dk Σ k·x = Σ x
});

test('errors name makeJaxpr and evalJaxpr', () => {
  throwsWith(() => ad.makeJaxpr(cube)(3 as unknown as Tensor), 'makeJaxpr', 'argument 0 must be a Tensor', 'number');
  throwsWith(() => ad.makeJaxpr((() => 3) as unknown as (x: Tensor) => Tensor)(x3), 'makeJaxpr', 'must return a Tensor or an array of Tensors', 'number');
  throwsWith(() => ad.makeJaxpr((x) => [x, 'no'] as unknown as Tensor[])(x3), 'makeJaxpr', 'output 1 is string');
  throwsWith(() => ad.makeJaxpr(null as unknown as (x: Tensor) => Tensor), 'makeJaxpr', 'expected a function');
  const j = ad.makeJaxpr(cube)(x3);
  throwsWith(() => ad.evalJaxpr(j, ad.tensor([1, 2])), 'evalJaxpr', 'argument 0 is [2] float64', 'expects [3] float64');
  throwsWith(() => ad.evalJaxpr(j), 'evalJaxpr', 'takes 1 argument(s), got 0');
  // a tracer kept from an earlier trace and used again is caught
  let leaked: Tensor | null = null;
  ad.makeJaxpr((x) => (leaked = x.exp()))(x3);
  throwsWith(() => ad.makeJaxpr((x) => x.mul(leaked!))(x3), 'jaxpr transformation that has already returned');
  throwsWith(() => ad.makeJaxpr(() => leaked!)(x3), 'makeJaxpr', 'already returned');
});

test.run();
