/**
 * Tutorial 02 — the engine from the inside: primitives, bind, tracers, the
 * interpreter stack and the VJP tape.
 *
 * Run it: npx tsx tutorials/02-the-engine-from-the-inside.ts
 *
 * Chapter 01 ended with goldilocks' grad and hessian. This chapter opens the
 * engine (src/autodiff) and walks through how one call such as `x.mul(y)`
 * becomes a derivative. Step 1 reads the real design: primitives with
 * parameter records, and `bind`. Step 2 rebuilds it in miniature on plain
 * numbers (a hundred lines: an evaluator, a forward-mode trace, a
 * reverse-mode trace with a tape) and logs which interpreter handles each
 * primitive. Step 3 checks the same facts on the real engine through its
 * public API (a tensor's `level`). Step 4 is perturbation confusion: a
 * nested derivative that a level-free engine gets wrong, and why levels
 * fix it. Step 5 shows where broadcasting is undone in reverse mode.
 *
 * Exercises: 3 (bind, src/autodiff/trace.ts) and 4 (unbroadcast,
 * src/autodiff/vjp.ts); see tutorials/README.md.
 */
import { add, grad, jvp, mul, sum, tanh, tensor, type Primitive, type PrimitiveParams, type Tensor } from '../src/autodiff/index.js';

function check(label: string, got: number, expected: number, tolerance = 1e-12): void {
  const error = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  if (!(error <= tolerance)) throw new Error(`${label}: got ${got}, expected ${expected}`);
  console.log(`  ✓ ${label}: ${got}`);
}

function checkEqual<T>(label: string, got: T, expected: T): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${label}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  console.log(`  ✓ ${label}: ${JSON.stringify(got)}`);
}

// ---------------------------------------------------------------------------
// Step 1. Primitives, parameter records, and bind.
//
// src/autodiff/primitives.ts lists the primitives: a couple of dozen operations
// (neg, exp, log, tanh, add, mul, sum, max, reshape, transpose, matmul, …)
// that the engine knows how to evaluate and differentiate. Everything else
// (relu, softmax, cross-entropy, dense layers, convolutions) is composed
// from them in ops.ts and needs no derivative rule of its own.
//
// Each primitive has a parameter record: static data that is not
// differentiated, such as the axes of a sum. `PrimitiveParams` maps each
// primitive to its record's type, and the four rule tables (eval.ts,
// jvp.ts, vjp.ts, vmap.ts) are typed `{ [P in Primitive]: Rule<P> }`, so a
// primitive without a rule in every table does not compile.
//
// Every operation ends in one call, bind(prim, inputs, params) in
// src/autodiff/trace.ts. bind looks at the inputs: when none is a tracer it
// evaluates on numbers (with the level-0 evaluator that eval.ts installs,
// which looks the primitive up in evalRules); otherwise the tracer with the highest
// level wins, the other inputs are lifted into its trace as constants, and
// that trace processes the primitive.
// ---------------------------------------------------------------------------
console.log('Step 1: primitives and their parameter records');
{
  const sumParams: PrimitiveParams['sum'] = { axes: [1], keepdims: false };
  const transposeParams: PrimitiveParams['transpose'] = { perm: [1, 0] };
  const someNames: Primitive[] = ['tanh', 'mul', 'sum', 'matmul'];
  console.log(`  sum takes ${JSON.stringify(sumParams)}, transpose takes ${JSON.stringify(transposeParams)}; e.g. ${someNames.join(', ')}`);
  // A composite such as tanh(x)·x is two primitives; its value is the composition.
  check('tanh(0.5)·0.5 evaluated through bind', mul(tanh(tensor(0.5)), tensor(0.5)).item(), Math.tanh(0.5) * 0.5);
}

// ---------------------------------------------------------------------------
// Step 2. The same machine in miniature, on plain numbers.
//
// A value is a number (level 0) or a tracer. A tracer belongs to a trace, an
// interpreter with a level; every transformation (jvp, vjp) opens a new
// trace one level above all those running. Four primitives are enough to
// see everything: add, mul, neg, tanh. The `log` records, for each bind,
// which interpreter processed the primitive.
// ---------------------------------------------------------------------------
type MiniPrimitive = 'add' | 'mul' | 'neg' | 'tanh';
type Value = number | MiniTracer;

interface MiniTrace {
  readonly kind: 'jvp' | 'vjp';
  readonly level: number;
  /** A value from a lower level, as a constant of this trace. */
  lift(x: Value): MiniTracer;
  process(prim: MiniPrimitive, inputs: MiniTracer[]): Value;
}

abstract class MiniTracer {
  abstract readonly trace: MiniTrace;
  get level(): number {
    return this.trace.level;
  }
}

const log: string[] = [];
let depth = 0;

function evaluate(prim: MiniPrimitive, [a, b]: number[]): number {
  switch (prim) {
    case 'add': return a! + b!;
    case 'mul': return a! * b!;
    case 'neg': return -a!;
    case 'tanh': return Math.tanh(a!);
  }
}

/**
 * The heart of the engine: hand the primitive to the highest-level
 * interpreter among its inputs. This is src/autodiff/trace.ts's bind on
 * numbers instead of tensors (the real one also refuses a tracer of a
 * transformation that has already returned).
 */
function miniBind(prim: MiniPrimitive, inputs: Value[]): Value {
  let top: MiniTracer | null = null;
  for (const x of inputs) if (x instanceof MiniTracer && (top === null || x.level > top.level)) top = x;
  if (top === null) return evaluate(prim, inputs as number[]);
  const trace = top.trace;
  log.push(`${prim} → ${trace.kind}@${trace.level}`);
  return trace.process(prim, inputs.map((x) => (x instanceof MiniTracer && x.trace === trace ? x : trace.lift(x))));
}

const madd = (a: Value, b: Value): Value => miniBind('add', [a, b]);
const mmul = (a: Value, b: Value): Value => miniBind('mul', [a, b]);
const mneg = (a: Value): Value => miniBind('neg', [a]);
const mtanh = (a: Value): Value => miniBind('tanh', [a]);
const toNumber = (x: Value): number => (typeof x === 'number' ? x : Number.NaN);

function withNewLevel<T>(body: (level: number) => T): T {
  depth += 1;
  try {
    return body(depth);
  } finally {
    depth -= 1;
  }
}

// Forward mode: a tracer carries a primal and a tangent. The rules use the
// mini ops (madd, mmul), so the tangent work is itself traced by any
// transformation running below — that is what makes nesting work.
class DualTracer extends MiniTracer {
  constructor(readonly trace: DualTrace, readonly primal: Value, readonly tangent: Value) {
    super();
  }
}
class DualTrace implements MiniTrace {
  readonly kind = 'jvp';
  constructor(readonly level: number) {}
  lift(x: Value): DualTracer {
    return new DualTracer(this, x, 0);
  }
  process(prim: MiniPrimitive, inputs: MiniTracer[]): Value {
    const [a, b] = inputs as DualTracer[];
    const out = miniBind(prim, inputs.map((t) => (t as DualTracer).primal));
    const tangent =
      prim === 'add' ? madd(a!.tangent, b!.tangent)
      : prim === 'mul' ? madd(mmul(a!.tangent, b!.primal), mmul(a!.primal, b!.tangent))
      : prim === 'neg' ? mneg(a!.tangent)
      : mmul(a!.tangent, madd(1, mneg(mmul(out, out)))); // tanh: dx·(1 − y²)
    return new DualTracer(this, out, tangent);
  }
}
function miniJvp(f: (x: Value) => Value, x: Value, v: Value): [Value, Value] {
  return withNewLevel((level) => {
    const trace = new DualTrace(level);
    const y = f(new DualTracer(trace, x, v));
    return y instanceof DualTracer && y.trace === trace ? [y.primal, y.tangent] : [y, 0];
  });
}

// Reverse mode: each operation on a tracer appends a node to the tape: its
// parents, and how to pull a cotangent back to each of them. The backward
// pass walks the tape from the end. Inputs are nodes too (leaves); an
// operation whose inputs are all constants records nothing.
interface TapeNode {
  readonly parents: (TapeNode | null)[];
  readonly pullback: ((g: Value) => Value[]) | null;
}
class TapeTracer extends MiniTracer {
  constructor(readonly trace: TapeTrace, readonly primal: Value, readonly node: TapeNode | null) {
    super();
  }
}
class TapeTrace implements MiniTrace {
  readonly kind = 'vjp';
  readonly tape: TapeNode[] = [];
  constructor(readonly level: number) {}
  lift(x: Value): TapeTracer {
    return new TapeTracer(this, x, null);
  }
  input(x: Value): TapeTracer {
    return new TapeTracer(this, x, this.record([], null));
  }
  record(parents: (TapeNode | null)[], pullback: TapeNode['pullback']): TapeNode {
    const node = { parents, pullback };
    this.tape.push(node);
    return node;
  }
  process(prim: MiniPrimitive, inputs: MiniTracer[]): Value {
    const [a, b] = (inputs as TapeTracer[]).map((t) => t.primal);
    const out = miniBind(prim, (inputs as TapeTracer[]).map((t) => t.primal));
    const parents = (inputs as TapeTracer[]).map((t) => t.node);
    if (parents.every((p) => p === null)) return new TapeTracer(this, out, null);
    const pullback = (g: Value): Value[] =>
      prim === 'add' ? [g, g]
      : prim === 'mul' ? [mmul(g, b!), mmul(a!, g)]
      : prim === 'neg' ? [mneg(g)]
      : [mmul(g, madd(1, mneg(mmul(out, out))))];
    return new TapeTracer(this, out, this.record(parents, pullback));
  }
}
/** The tape length of the last miniGrad call (for the check below). */
let lastTapeLength = 0;
function miniGrad(f: (x: Value) => Value): (x: Value) => Value {
  return (x) =>
    withNewLevel((level) => {
      const trace = new TapeTrace(level);
      const input = trace.input(x);
      const y = f(input);
      if (!(y instanceof TapeTracer) || y.trace !== trace || y.node === null) return 0;
      lastTapeLength = trace.tape.length;
      const cotangents = new Map<TapeNode, Value>([[y.node, 1]]);
      for (let i = trace.tape.length - 1; i >= 0; i--) {
        const node = trace.tape[i]!;
        const g = cotangents.get(node);
        if (g === undefined || node.pullback === null) continue;
        node.pullback(g).forEach((c, k) => {
          const parent = node.parents[k];
          if (parent) cotangents.set(parent, cotangents.has(parent) ? madd(cotangents.get(parent)!, c) : c);
        });
      }
      return cotangents.get(input.node!) ?? 0;
    });
}
console.log('Step 2: a miniature engine, with a log of who processes each primitive');
{
  // f(x) = x·x + 3: one leaf, then mul and add on the tape (3 is a constant, lifted).
  log.length = 0;
  const slope = miniGrad((x) => madd(mmul(x, x), 3))(2);
  check("d/dx (x² + 3) at x = 2 (mini engine)", toNumber(slope), 4);
  check('tape length for x·x + 3: the leaf x, mul, add', lastTapeLength, 3);
  checkEqual('which trace processed each primitive', log, ['mul → vjp@1', 'add → vjp@1']);

  // Forward over reverse: jvp(grad(f)) is f″. The gradient's own operations
  // (the pullback's mmul) run on tracers of the jvp trace below, so they are
  // differentiated again: the call descends the stack level by level.
  log.length = 0;
  const cube = (x: Value): Value => mmul(mmul(x, x), x);
  const [, second] = miniJvp(miniGrad(cube), 2, 1);
  check("f″(2) for f = x³ by jvp of grad (mini engine)", toNumber(second), 12);
  const levels = new Set(log);
  checkEqual('the vjp trace is level 2, above the jvp trace at level 1', [levels.has('mul → vjp@2'), levels.has('mul → jvp@1')], [true, true]);

  // The mini engine agrees with goldilocks on a composite.
  const f = (x: Value): Value => mtanh(mmul(x, madd(x, 1)));
  const real = grad((x: Tensor) => tanh(mul(x, add(x, 1))))(tensor(0.7)).item();
  check('mini grad of tanh(x(x + 1)) at 0.7 = goldilocks grad', toNumber(miniGrad(f)(0.7)), real);
}

// ---------------------------------------------------------------------------
// Step 3. The real engine: a tensor's level.
//
// goldilocks' Tensor has a `level`: 0 for numbers, the level of its trace for
// a tracer. Inside grad the argument is a level-1 tracer; inside
// jvp(grad(f)) the function sees a level-2 tracer (grad's, opened inside
// jvp's); a constant made inside stays at level 0, and mixing it with a
// tracer gives a tracer of the tracer's level (bind lifted the constant).
// ---------------------------------------------------------------------------
console.log('Step 3: levels in the real engine');
{
  const seen: number[] = [];
  const f = (x: Tensor): Tensor => {
    const c = tensor(3);
    const y = mul(x, c);
    seen.push(x.level, c.level, y.level);
    return sum(mul(y, x));
  };
  grad(f)(tensor(2));
  checkEqual('levels of x, a constant c, and x·c inside grad', seen, [1, 0, 1]);
  seen.length = 0;
  const [, hv] = jvp(grad(f), [tensor(2)], [tensor(1)]);
  checkEqual('the same inside jvp(grad(f)): grad\'s trace is one level higher', seen, [2, 0, 2]);
  check('f = 3x², so jvp(grad f) along 1 is f″ = 6', hv.item(), 6);
}

// ---------------------------------------------------------------------------
// Step 4. Perturbation confusion, and why levels fix it.
//
// Take d/dx [x · d/dy (x + y)] at x = 3. The inner derivative is 1 for every
// x, so the whole thing is d/dx x = 1. A forward-mode engine without levels
// (one kind of tangent for everything) computes the inner derivative of
// x + y with x's tangent still attached, gets 2, and answers 2.
// ---------------------------------------------------------------------------
console.log('Step 4: perturbation confusion');
{
  class Dual {
    constructor(readonly value: number, readonly tangent: number) {}
  }
  const lift = (x: Dual | number): Dual => (x instanceof Dual ? x : new Dual(x, 0));
  const dadd = (a: Dual | number, b: Dual | number): Dual => new Dual(lift(a).value + lift(b).value, lift(a).tangent + lift(b).tangent);
  const dmul = (a: Dual | number, b: Dual | number): Dual =>
    new Dual(lift(a).value * lift(b).value, lift(a).tangent * lift(b).value + lift(a).value * lift(b).tangent);
  const derivative = (f: (x: Dual) => Dual, x: number): number => f(new Dual(x, 1)).tangent;

  const confused = derivative((x) => dmul(x, derivative((y) => dadd(x, y), 4)), 3);
  check('a level-free dual-number engine answers', confused, 2);

  // With levels, x belongs to the outer trace (level 1) and y to the inner
  // (level 2): inside the inner jvp, x is lifted as a constant, so its
  // tangent cannot leak into d/dy.
  const innerDerivative = (x: Value): Value => miniJvp((y) => madd(x, y), 4, 1)[1];
  const [, mini] = miniJvp((x) => mmul(x, innerDerivative(x)), 3, 1);
  check('the mini engine with levels answers', toNumber(mini), 1);

  const [, real] = jvp((x: Tensor) => mul(x, jvp((y: Tensor) => add(x, y), [tensor(4)], [tensor(1)])[1]), [tensor(3)], [tensor(1)]);
  check('goldilocks answers', real.item(), 1);
}

// ---------------------------------------------------------------------------
// Step 5. Broadcasting, undone in one place.
//
// ops.add broadcasts its inputs to a common shape with the broadcastTo
// primitive before the elementwise add. In reverse mode the cotangent of
// broadcastTo is summed back to the original shape by `unbroadcast`
// (src/autodiff/vjp.ts): over the axes broadcasting added, and over the axes
// that had size 1. So the gradient of a bias added to every row of a batch
// is the sum over the batch (exercise 4).
// ---------------------------------------------------------------------------
console.log('Step 5: the gradient through broadcasting');
{
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  const g = grad((b: Tensor) => sum(mul(add(x, b), x)))(tensor([0, 0]));
  checkEqual('gradient of Σ (x + b)·x for b of shape [2]: the column sums of x', Array.from(g.toTypedArray()), [9, 12]);
}

console.log('Tutorial 02: all checks passed.');
