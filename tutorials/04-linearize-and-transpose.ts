/**
 * Tutorial 04 — reverse mode as linearize + transpose.
 *
 * Run it: npx tsx tutorials/04-linearize-and-transpose.ts
 *
 * Chapter 01 built reverse mode directly: every primitive has a rule that
 * pulls a cotangent back. There is a second way to see it, the one JAX is
 * built on. Forward mode at a point x turns f into a *linear* function
 * v ↦ J·v; write that linear function down as a small program (linearize);
 * then run the program backwards with every linear operation replaced by
 * its transpose (transpose). The result is u ↦ Jᵀ·u: reverse mode.
 *
 * The payoff: a nonlinear primitive (tanh, exp, a product of two variables)
 * needs only a forward rule, which emits linear operations; only the few
 * linear primitives of the small program need transpose rules. Here the
 * linear language has three operations (add, neg, scale by a constant), and
 * that is all the transposing there is.
 *
 * Step 1 builds the linear IR and linearize. Step 2 writes the three
 * transpose rules and checks the result against goldilocks' vjp. Step 3
 * checks the defining identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩. Step 4 does the same
 * for matrix multiplication, whose reverse rule in src/autodiff/vjp.ts is
 * exactly the transpose of dA ↦ dA·B and dB ↦ A·dB (exercise 9).
 *
 * Exercises: 9 (the vjp rule of matmul, src/autodiff/vjp.ts) and 12 (the
 * transpose rule of add, `transposeRules.add` in this file).
 */
import { pathToFileURL } from 'node:url';
import { add, exp, matmul, mul, Random, randn, stack, sum, tanh, tensor, transpose, vjp, type Tensor } from '../src/autodiff/index.js';

function check(label: string, got: number, expected: number, tolerance = 1e-12): void {
  const error = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  if (!(error <= tolerance)) throw new Error(`${label}: got ${got}, expected ${expected} (relative error ${error})`);
  console.log(`  ✓ ${label}: ${got.toPrecision(12)}`);
}

// ---------------------------------------------------------------------------
// Step 1. A linear IR, and linearize.
//
// A linear program is a list of equations over numbered tangent variables
// t0, t1, …, each one of three linear operations:
//
//   t2 = t0 + t1        add
//   t3 = −t2            neg
//   t4 = 0.42 · t3      scale by a constant (the constant is a number, not a variable)
//
// linearize(f, x) runs f on Lin values: each holds its primal number and the
// tangent variable that stands for its derivative. Nonlinear operations
// compute their primal and emit equations: for y = tanh(a),
// t_y = (1 − y²) · t_a, a scale by a number known at this x. A product of
// two variables emits two scales and an add (the product rule).
// ---------------------------------------------------------------------------
export type Equation =
  | { op: 'add'; out: number; a: number; b: number }
  | { op: 'neg'; out: number; a: number }
  | { op: 'scale'; out: number; a: number; factor: number };

export class LinearProgram {
  readonly equations: Equation[] = [];
  variables = 0;
  fresh(): number {
    return this.variables++;
  }
  emit(equation: Equation): number {
    this.equations.push(equation);
    return equation.out;
  }
  /** Runs the program forward: the tangents of the outputs for the given input tangents (this is jvp). */
  apply(inputs: number[], outputs: number[], tangents: number[]): number[] {
    const t = new Float64Array(this.variables);
    inputs.forEach((v, i) => (t[v] = tangents[i]!));
    for (const e of this.equations) {
      if (e.op === 'add') t[e.out] = t[e.a]! + t[e.b]!;
      else if (e.op === 'neg') t[e.out] = -t[e.a]!;
      else t[e.out] = e.factor * t[e.a]!;
    }
    return outputs.map((v) => t[v]!);
  }
}

/** A primal number with the tangent variable of its derivative, during linearize. */
export class Lin {
  constructor(
    readonly program: LinearProgram,
    readonly primal: number,
    readonly tangent: number,
  ) {}
  add(o: Lin): Lin {
    const p = this.program;
    return new Lin(p, this.primal + o.primal, p.emit({ op: 'add', out: p.fresh(), a: this.tangent, b: o.tangent }));
  }
  neg(): Lin {
    const p = this.program;
    return new Lin(p, -this.primal, p.emit({ op: 'neg', out: p.fresh(), a: this.tangent }));
  }
  /** d(a·b) = b·da + a·db: two scales by known numbers, and an add. */
  mul(o: Lin): Lin {
    const p = this.program;
    const left = p.emit({ op: 'scale', out: p.fresh(), a: this.tangent, factor: o.primal });
    const right = p.emit({ op: 'scale', out: p.fresh(), a: o.tangent, factor: this.primal });
    return new Lin(p, this.primal * o.primal, p.emit({ op: 'add', out: p.fresh(), a: left, b: right }));
  }
  tanh(): Lin {
    const y = Math.tanh(this.primal);
    return new Lin(this.program, y, this.program.emit({ op: 'scale', out: this.program.fresh(), a: this.tangent, factor: 1 - y * y }));
  }
  exp(): Lin {
    const y = Math.exp(this.primal);
    return new Lin(this.program, y, this.program.emit({ op: 'scale', out: this.program.fresh(), a: this.tangent, factor: y }));
  }
}

export interface Linearized {
  program: LinearProgram;
  inputs: number[];
  outputs: number[];
  primals: number[];
}

export function linearize(f: (xs: Lin[]) => Lin[], x: number[]): Linearized {
  const program = new LinearProgram();
  const args = x.map((xi) => new Lin(program, xi, program.fresh()));
  const ys = f(args);
  return { program, inputs: args.map((a) => a.tangent), outputs: ys.map((y) => y.tangent), primals: ys.map((y) => y.primal) };
}

// The example: f(x, y) = [tanh(x·y) + x, exp(x)·y − y].
const fLin = ([x, y]: Lin[]): Lin[] => [x!.mul(y!).tanh().add(x!), x!.exp().mul(y!).add(y!.neg())];
const fTensor = (xy: Tensor): Tensor => {
  const [x, y] = [xy.slice([0], [1]).reshape([]), xy.slice([1], [2]).reshape([])];
  return stack([add(tanh(mul(x, y)), x), add(mul(exp(x), y), y.neg())], 0);
};
const point = [0.6, -1.3];

function step1(): Linearized {
  console.log('Step 1: linearize f(x, y) = [tanh(x·y) + x, exp(x)·y − y]');
  const lin = linearize(fLin, point);
  for (const e of lin.program.equations) {
    const rhs = e.op === 'add' ? `t${e.a} + t${e.b}` : e.op === 'neg' ? `−t${e.a}` : `${e.factor.toFixed(4)} · t${e.a}`;
    console.log(`    t${e.out} = ${rhs}`);
  }
  {
    check('f₁ at (0.6, −1.3)', lin.primals[0]!, Math.tanh(0.6 * -1.3) + 0.6);
    // The program is J·v: compare with finite differences of f along v.
    const v = [0.3, 0.8];
    const jv = lin.program.apply(lin.inputs, lin.outputs, v);
    const h = 1e-6;
    const at = (s: number): number[] => linearize(fLin, [point[0]! + s * v[0]!, point[1]! + s * v[1]!]).primals;
    check('(J·v)₁ against a central difference', jv[0]!, (at(h)[0]! - at(-h)[0]!) / (2 * h), 1e-8);
    check('(J·v)₂ against a central difference', jv[1]!, (at(h)[1]! - at(-h)[1]!) / (2 * h), 1e-8);
    check('equations in the linear program (mul: 3, tanh: 1, add: 1, exp: 1, mul: 3, neg: 1, add: 1)', lin.program.equations.length, 11);
  }
  return lin;
}

// ---------------------------------------------------------------------------
// Step 2. Transpose.
//
// Walk the equations backwards with a cotangent for every variable (zero to
// start, the given u on the outputs). Each equation is a linear map from
// its inputs to its output; its transpose sends the output's cotangent back
// and adds it into the inputs' cotangents:
//
//   t = a + b   →  ā += t̄,  b̄ += t̄        (the transpose of add is fan-out)
//   t = −a      →  ā += −t̄
//   t = c · a   →  ā += c · t̄             (a scale is its own transpose)
//
// A variable used twice simply receives two contributions: that is where
// reverse mode's "sum over the uses" comes from. These three rules are the
// whole of reverse mode for this language: tanh, exp and mul never needed a
// reverse rule of their own, because linearize already reduced them to
// scales and adds.
// ---------------------------------------------------------------------------
/** How each linear operation sends its output's cotangent g back to its inputs' cotangents ct. */
export const transposeRules: { [Op in Equation['op']]: (equation: Extract<Equation, { op: Op }>, g: number, ct: Float64Array) => void } = {
  add: (e, g, ct) => {
    ct[e.a] = ct[e.a]! + g;
    ct[e.b] = ct[e.b]! + g;
  },
  neg: (e, g, ct) => {
    ct[e.a] = ct[e.a]! - g;
  },
  scale: (e, g, ct) => {
    ct[e.a] = ct[e.a]! + e.factor * g;
  },
};

/** Runs the linear program backwards from the output cotangents u: Jᵀ·u, one number per input. */
export function transposeProgram({ program, inputs, outputs }: Linearized, u: number[]): number[] {
  const ct = new Float64Array(program.variables);
  outputs.forEach((v, i) => (ct[v] = ct[v]! + u[i]!));
  for (let i = program.equations.length - 1; i >= 0; i--) {
    const e = program.equations[i]!;
    const g = ct[e.out]!;
    if (e.op === 'add') transposeRules.add(e, g, ct);
    else if (e.op === 'neg') transposeRules.neg(e, g, ct);
    else transposeRules.scale(e, g, ct);
  }
  return inputs.map((v) => ct[v]!);
}

function step2(lin: Linearized): void {
  console.log('Step 2: transpose the linear program, and compare with goldilocks\' vjp');
  {
    const u = [1.5, -0.4];
    const ours = transposeProgram(lin, u);
    const [value, pullback] = vjp(fTensor, tensor(point));
    const theirs = pullback(tensor(u))[0]!.toTypedArray();
    check('f₂ from goldilocks equals the linearized primal', value.toTypedArray()[1]!, lin.primals[1]!);
    check('(Jᵀu)_x: transposed program = goldilocks vjp', ours[0]!, theirs[0]!);
    check('(Jᵀu)_y: transposed program = goldilocks vjp', ours[1]!, theirs[1]!);
  }
}

// ---------------------------------------------------------------------------
// Step 3. The identity that defines the transpose: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ for
// every u and v. Running the program forward gives J·v, backward gives Jᵀ·u.
// ---------------------------------------------------------------------------
function step3(lin: Linearized): void {
  console.log('Step 3: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ for random u and v');
  {
    const rng = new Random(4);
    for (let trial = 0; trial < 3; trial++) {
      const u = [rng.normal(), rng.normal()];
      const v = [rng.normal(), rng.normal()];
      const jv = lin.program.apply(lin.inputs, lin.outputs, v);
      const jtu = transposeProgram(lin, u);
      check(`trial ${trial + 1}: ⟨u, Jv⟩ − ⟨Jᵀu, v⟩ (zero up to rounding)`, u[0]! * jv[0]! + u[1]! * jv[1]! - (jtu[0]! * v[0]! + jtu[1]! * v[1]!), 0, 1e-14);
    }
  }
}

// ---------------------------------------------------------------------------
// Step 4. Matrix multiplication.
//
// C = A·B is linear in A for fixed B, and in B for fixed A. The tangent map
// is dC = dA·B + A·dB; its transpose, for a cotangent G of C, is
// Ā = G·Bᵀ and B̄ = Aᵀ·G: the vjp rule of matmul in src/autodiff/vjp.ts is
// nothing but this transpose. Check ⟨G, dA·B⟩ = ⟨G·Bᵀ, dA⟩ and
// ⟨G, A·dB⟩ = ⟨Aᵀ·G, dB⟩, then that goldilocks' pullback gives the same.
// ---------------------------------------------------------------------------
function step4(): void {
  console.log('Step 4: the transpose of dA ↦ dA·B is G ↦ G·Bᵀ');
  {
    const rng = new Random(9);
    const [A, B, G, dA, dB] = [randn([3, 4], rng), randn([4, 2], rng), randn([3, 2], rng), randn([3, 4], rng), randn([4, 2], rng)];
    const inner = (p: Tensor, q: Tensor): number => sum(mul(p, q)).item();
    check('⟨G, dA·B⟩ = ⟨G·Bᵀ, dA⟩', inner(G, matmul(dA, B)), inner(matmul(G, transpose(B)), dA));
    check('⟨G, A·dB⟩ = ⟨Aᵀ·G, dB⟩', inner(G, matmul(A, dB)), inner(matmul(transpose(A), G), dB));
    const [, pullback] = vjp((a: Tensor, b: Tensor) => matmul(a, b), A, B);
    const [gA, gB] = pullback(G);
    check('goldilocks Ā against G·Bᵀ: the largest difference', Math.max(...Array.from(gA!.sub(matmul(G, transpose(B))).abs().toTypedArray())), 0);
    check('goldilocks B̄ against Aᵀ·G: the largest difference', Math.max(...Array.from(gB!.sub(matmul(transpose(A), G)).abs().toTypedArray())), 0);
  }
}

// Run the steps when this file is executed; exercise 12's checks import its
// functions without running them.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const lin = step1();
  step2(lin);
  step3(lin);
  step4();
  console.log('Tutorial 04: all checks passed.');
}
