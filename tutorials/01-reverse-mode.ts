/**
 * Tutorial 01 — reverse mode, from a tiny scalar engine to goldilocks.
 *
 * Run it: npx tsx tutorials/01-reverse-mode.ts
 *
 * Step 1 builds reverse-mode differentiation on plain numbers in thirty lines
 * (the micrograd idea). Step 2 shows why that engine cannot take a second
 * derivative, and fixes it by writing the derivative rules with the engine's
 * own operations. Step 3 does the same things with goldilocks on tensors.
 * Every step checks its numbers and throws if one is wrong.
 *
 * Exercises: 1 (the vjp rule of tanh) and 2 (the vjp rule of sum), both in
 * src/autodiff/vjp.ts; see tutorials/README.md.
 */
import { grad, hessian, tensor, Random, randn, softmaxCrossEntropy, type Tensor } from '../src/autodiff/index.js';

function check(label: string, got: number, expected: number, tolerance: number): void {
  const error = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  if (!(error <= tolerance)) throw new Error(`${label}: got ${got}, expected ${expected} (relative error ${error})`);
  console.log(`  ✓ ${label}: ${got.toPrecision(12)} (relative error ${error.toExponential(1)})`);
}

// ---------------------------------------------------------------------------
// Step 1. A scalar that remembers how it was made.
//
// Each Value keeps its inputs and, for each input, the local derivative
// ∂(this)/∂(input). backward() visits the values in reverse order of
// creation and applies the chain rule: input.grad += local · this.grad.
// ---------------------------------------------------------------------------
class Value {
  grad = 0;
  constructor(
    readonly data: number,
    readonly inputs: [Value, number][] = [],
  ) {}
  add(o: Value): Value { return new Value(this.data + o.data, [[this, 1], [o, 1]]); }
  mul(o: Value): Value { return new Value(this.data * o.data, [[this, o.data], [o, this.data]]); }
  tanh(): Value {
    const t = Math.tanh(this.data);
    return new Value(t, [[this, 1 - t * t]]);
  }
  backward(): void {
    const order: Value[] = [];
    const seen = new Set<Value>();
    const visit = (v: Value): void => {
      if (seen.has(v)) return;
      seen.add(v);
      v.inputs.forEach(([input]) => visit(input));
      order.push(v); // after its inputs: a topological order
    };
    visit(this);
    this.grad = 1;
    for (const v of order.reverse()) for (const [input, local] of v.inputs) input.grad += local * v.grad;
  }
}

console.log('Step 1: reverse mode on scalars');
{
  // f(x, y) = tanh(x·y + x)
  const x = new Value(0.5);
  const y = new Value(-1.5);
  const f = x.mul(y).add(x).tanh();
  f.backward();
  const t = Math.tanh(0.5 * -1.5 + 0.5);
  check('∂f/∂x = (1 − tanh²)(y + 1)', x.grad, (1 - t * t) * (-1.5 + 1), 1e-15);
  check('∂f/∂y = (1 − tanh²)·x', y.grad, (1 - t * t) * 0.5, 1e-15);
  const h = 1e-6;
  const numeric = (Math.tanh((0.5 + h) * -1.5 + 0.5 + h) - Math.tanh((0.5 - h) * -1.5 + 0.5 - h)) / (2 * h);
  check('∂f/∂x against a central finite difference', x.grad, numeric, 1e-8);
}

// ---------------------------------------------------------------------------
// Step 2. Why the numbers must be Values.
//
// In step 1 the local derivatives (o.data, 1 − t²) are plain numbers, so the
// gradient is a number with no history: there is nothing left to
// differentiate. If instead every rule builds its result with Value
// operations, the backward pass is itself a computation the engine can
// differentiate. That one change is what makes second derivatives — and the
// exact Hessian-vector products the rest of goldilocks relies on — possible.
// ---------------------------------------------------------------------------
class Node {
  constructor(
    readonly data: number,
    readonly inputs: [Node, () => Node][] = [], // local derivatives, as Nodes, built on demand
  ) {}
  static of(x: number): Node { return new Node(x); }
  add(o: Node): Node { return new Node(this.data + o.data, [[this, () => Node.of(1)], [o, () => Node.of(1)]]); }
  mul(o: Node): Node { return new Node(this.data * o.data, [[this, () => o], [o, () => this]]); }
}

/** The gradient of `out` with respect to `wrt`, itself a Node that remembers its history. */
function gradient(out: Node, wrt: Node): Node {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const visit = (v: Node): void => {
    if (seen.has(v)) return;
    seen.add(v);
    v.inputs.forEach(([input]) => visit(input));
    order.push(v);
  };
  visit(out);
  const grads = new Map<Node, Node>([[out, Node.of(1)]]);
  for (const v of order.reverse()) {
    const g = grads.get(v);
    if (!g) continue;
    for (const [input, local] of v.inputs) {
      const contribution = local().mul(g); // a Node operation, so it is recorded too
      const previous = grads.get(input);
      grads.set(input, previous ? previous.add(contribution) : contribution);
    }
  }
  return grads.get(wrt) ?? Node.of(0);
}

console.log('Step 2: rules written with the engine\'s own operations give second derivatives');
{
  const x = Node.of(2);
  const cube = x.mul(x).mul(x); // x³
  const first = gradient(cube, x); // 3x², as a Node
  const second = gradient(first, x); // 6x
  check('d/dx x³ = 3x² at x = 2', first.data, 12, 0);
  check('d²/dx² x³ = 6x at x = 2', second.data, 12, 0);
}

// ---------------------------------------------------------------------------
// Step 3. The same in goldilocks, on tensors.
//
// goldilocks records each operation on a tape while your function runs
// (src/autodiff/vjp.ts), and its rules are written with its own tensor
// operations, exactly as in step 2. grad(f) is a new function; apply grad to
// it again for second derivatives, or ask for the whole Hessian.
// ---------------------------------------------------------------------------
console.log('Step 3: goldilocks');
{
  const f = (x: Tensor): Tensor => x.pow(3).sum();
  const x = tensor([1, 2, 3]);
  const g = grad(f)(x).toTypedArray();
  [3, 12, 27].forEach((expected, i) => check(`∂/∂x${i} Σx³ = 3x²`, g[i]!, expected, 0));
  const H = hessian(f)(x).toArray() as number[][];
  [6, 12, 18].forEach((expected, i) => check(`H[${i}][${i}] of Σx³ = 6x`, H[i]![i]!, expected, 0));

  // A one-layer softmax classifier: the gradient against finite differences.
  const rng = new Random(0);
  const X = randn([8, 4], rng);
  const labels = [0, 1, 2, 0, 1, 2, 0, 1];
  const loss = (W: Tensor): Tensor => softmaxCrossEntropy(X.matmul(W), labels);
  const W = randn([4, 3], rng, 0.5);
  const gW = grad(loss)(W).toTypedArray();
  const h = 1e-6;
  const bump = (delta: number): number => {
    const w = W.toTypedArray();
    w[5] = w[5]! + delta;
    return loss(tensor(w, [4, 3])).item();
  };
  check('∂loss/∂W[1][2] against a central finite difference', gW[5]!, (bump(h) - bump(-h)) / (2 * h), 1e-8);
}
console.log('Tutorial 01: all checks passed.');
