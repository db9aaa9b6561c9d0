/**
 * Programs you can print: makeJaxpr(f)(...args) records the primitives f
 * binds as a small typed program (a "jaxpr", after JAX), and evalJaxpr runs
 * such a program again.
 *
 *     { lambda ; a:f64[3]. let
 *         b:f64[3] = pow[exponent=3] a
 *         c:f64[] = sum[axes=[0] keepdims=false] b
 *       in ( c ) }
 *
 * How: makeJaxpr runs f once, on the example arguments, with tracers of a
 * JaxprTrace at a new level of the interpreter stack (trace.ts). A
 * JaxprTracer carries the concrete value (so every shape and dtype comes for
 * free, and f may even read numbers) and the variable it stands for. When a
 * primitive reaches this trace, `process` binds it on the lower-level values
 * and appends one equation `out = primitive[params] inputs`.
 *
 * Because the trace sits *below* every transformation f runs inside itself,
 * makeJaxpr(grad(f)), makeJaxpr of a jvp or of an hvp print exactly the
 * primitives those transformations compute: their rules end in `bind` on
 * values of lower levels, and this is the level below. Any future
 * transformation that ends in bind is seen the same way.
 *
 * What the program holds:
 * - its inputs: one variable (shape, dtype) per argument;
 * - constants: values from outside the trace that an equation uses. A
 *   tensor of numbers that is one number throughout (a scalar, or a scalar
 *   broadcast to a shape, such as the 3 of `x.mul(3)`) prints as a literal,
 *   `3.0`, which has the shape of the equation's other operands; any other
 *   tensor, and any tracer of an outer transformation, becomes a constant
 *   variable listed before the `;`. Constants are kept with the program
 *   (evalJaxpr uses them as they are, so derivatives of an outer
 *   transformation still flow through them);
 * - its equations, in the order f bound them;
 * - its outputs: one Tensor, or an array of Tensors.
 *
 * Two simplifications, both visible in the printed program:
 * - Dead code is dropped: equations whose results no output depends on (a
 *   forward value a gradient does not need, an unused intermediate) are
 *   removed, and so are the constants only they used.
 * - Work that does not depend on the inputs is not recorded: an operation
 *   on constants alone is evaluated at a lower level while f runs and
 *   appears as a constant. Likewise, control flow that reads numbers
 *   (`if (x.item() > 0)`) is fixed to the branch the example arguments took.
 *
 * evalJaxpr(jaxpr, ...args) binds the equations one by one, so it computes
 * the same numbers as f, bit for bit, and is itself differentiable by every
 * transformation.
 */
import { ConcreteTensor, PrimalTracer, Tensor, Tracer, type Trace } from './tensor.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import type { DType } from './dtype.js';
import { bind, withNewLevel } from './trace.js';
import { formatShape, shapesEqual, type Shape } from './shape.js';
import type { FloatArray } from './dtype.js';
import { BufferPool, bufferReuseEnabled, withActivePool } from './buffer-pool.js';
import { getBackend, type Backend } from './backend.js';
import ndarray from 'ndarray';

/** A variable of the program: an input, a constant or an equation's result. */
export class Var {
  readonly shape: Shape;
  constructor(shape: Shape, readonly dtype: DType) {
    this.shape = [...shape];
  }
}

/**
 * A constant written into the program as a number: a scalar, or one number
 * broadcast to a shape (what `x.mul(3)` makes of the 3). It keeps the tensor
 * itself, which evalJaxpr uses.
 */
export class Literal {
  constructor(readonly value: ConcreteTensor, readonly number: number) {}
}

/** The one number of a concrete tensor all of whose entries are one entry, else null. */
function uniformValue(x: ConcreteTensor): number | null {
  const { shape, stride, offset, data } = x.data;
  if (x.size === 0 || !shape.every((d, i) => d === 1 || stride[i] === 0)) return null;
  return data[offset]!;
}

/** What an equation takes as an input. */
export type Atom = Var | Literal;

/** One step of the program: `out = primitive[params] inputs`. */
export interface Equation<P extends Primitive = Primitive> {
  readonly primitive: P;
  readonly params: PrimitiveParams[P];
  readonly inputs: readonly Atom[];
  readonly out: Var;
}

/** What a traced function returns: one Tensor or an array of Tensors. */
export type JaxprResult = Tensor | Tensor[];

/**
 * A traced program. `R` is what f returned (a Tensor or Tensor[]), which is
 * what evalJaxpr returns.
 */
export class Jaxpr<R extends JaxprResult = JaxprResult> {
  constructor(
    /** Constant variables, and the tensors they hold (same order). */
    readonly constvars: readonly Var[],
    readonly consts: readonly Tensor[],
    readonly invars: readonly Var[],
    readonly equations: readonly Equation[],
    readonly outputs: readonly Atom[],
    /** Whether f returned an array (else a single Tensor). */
    readonly returnsArray: boolean,
  ) {}

  /** The program as text, JAX style; see printJaxpr. */
  toString(): string {
    return printJaxpr(this);
  }

  /** Runs the program on new arguments: evalJaxpr(this, ...args). */
  call(...args: Tensor[]): R {
    return evalJaxpr(this, ...args);
  }
}

// ------------------------------------------------------------------ tracing

class JaxprTracer extends PrimalTracer {
  constructor(readonly trace: JaxprTrace, readonly primal: Tensor, readonly atom: Atom) {
    super();
  }
}

class JaxprTrace implements Trace {
  readonly kind = 'jaxpr';
  readonly equations: Equation[] = [];
  /** Constants seen so far, one atom per distinct tensor. */
  readonly constants = new Map<Tensor, Atom>();
  constructor(readonly level: number) {}

  /** A tracer for an argument of the function. */
  input(x: Tensor): JaxprTracer {
    return new JaxprTracer(this, x, new Var(x.shape, x.dtype));
  }

  lift(x: Tensor): JaxprTracer {
    let atom = this.constants.get(x);
    if (atom === undefined) {
      const number = x instanceof ConcreteTensor ? uniformValue(x) : null;
      atom = x instanceof ConcreteTensor && number !== null ? new Literal(x, number) : new Var(x.shape, x.dtype);
      this.constants.set(x, atom);
    }
    return new JaxprTracer(this, x, atom);
  }

  process<P extends Primitive>(prim: P, inputs: Tracer[], params: PrimitiveParams[P]): Tensor {
    const tracers = inputs as JaxprTracer[];
    const value = bind(prim, tracers.map((t) => t.primal), params);
    const out = new Var(value.shape, value.dtype);
    const equation: Equation<P> = { primitive: prim, params, inputs: tracers.map((t) => t.atom), out };
    this.equations.push(equation);
    return new JaxprTracer(this, value, out);
  }
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return `a Tensor ${formatShape(x.shape)} ${x.dtype}`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}

/**
 * Traces f on example arguments into a program; see the header of this file.
 * `makeJaxpr(f)(...args).toString()` prints it.
 */
export function makeJaxpr(f: (...xs: Tensor[]) => Tensor): (...args: Tensor[]) => Jaxpr<Tensor>;
export function makeJaxpr(f: (...xs: Tensor[]) => Tensor[]): (...args: Tensor[]) => Jaxpr<Tensor[]>;
export function makeJaxpr(f: (...xs: Tensor[]) => JaxprResult): (...args: Tensor[]) => Jaxpr;
export function makeJaxpr(f: (...xs: Tensor[]) => JaxprResult): (...args: Tensor[]) => Jaxpr {
  if (typeof f !== 'function') throw new Error(`makeJaxpr: expected a function, got ${describe(f)}`);
  return (...args) => traceProgram('makeJaxpr', f, args).jaxpr;
}

/**
 * Like makeJaxpr, but also returns what f computed while it was traced
 * (the same numbers as f(...args), bit for bit), so that a caller that
 * wants both the value at the example arguments and the program for later
 * arguments runs f only once.
 */
export function makeJaxprWithValue(f: (...xs: Tensor[]) => Tensor): (...args: Tensor[]) => { jaxpr: Jaxpr<Tensor>; value: Tensor };
export function makeJaxprWithValue(f: (...xs: Tensor[]) => Tensor[]): (...args: Tensor[]) => { jaxpr: Jaxpr<Tensor[]>; value: Tensor[] };
export function makeJaxprWithValue(f: (...xs: Tensor[]) => JaxprResult): (...args: Tensor[]) => { jaxpr: Jaxpr; value: JaxprResult } {
  if (typeof f !== 'function') throw new Error(`makeJaxprWithValue: expected a function, got ${describe(f)}`);
  return (...args) => traceProgram('makeJaxprWithValue', f, args);
}

function traceProgram(caller: string, f: (...xs: Tensor[]) => JaxprResult, args: Tensor[]): { jaxpr: Jaxpr; value: JaxprResult } {
  args.forEach((a, i) => {
    if (!(a instanceof Tensor)) throw new Error(`${caller}: argument ${i} must be a Tensor, got ${describe(a)}`);
  });
  return withNewLevel((level) => {
    const trace = new JaxprTrace(level);
    const inputs = args.map((a) => trace.input(a));
    const result: unknown = f(...inputs);
    const returnsArray = Array.isArray(result);
    const results: unknown[] = returnsArray ? result : [result];
    const values: Tensor[] = [];
    const outputs = results.map((r, i) => {
      const where = returnsArray ? `output ${i}` : 'the output';
      if (!(r instanceof Tensor)) throw new Error(`${caller}: the function must return a Tensor or an array of Tensors; ${where} is ${describe(r)}`);
      if (r instanceof JaxprTracer && r.trace === trace) {
        values.push(r.primal);
        return r.atom;
      }
      if (r instanceof Tracer && r.level >= level) {
        throw new Error(`${caller}: ${where} is a tracer of a ${r.trace.kind} transformation that has already returned; values computed inside grad/jvp/vjp must not escape them`);
      }
      values.push(r);
      return trace.lift(r).atom; // does not depend on the arguments
    });
    const jaxpr = pruned(trace, inputs.map((t) => t.atom as Var), outputs, returnsArray);
    return { jaxpr, value: returnsArray ? values : values[0]! };
  });
}

/** The program without the equations and constants no output depends on. */
function pruned(trace: JaxprTrace, invars: Var[], outputs: Atom[], returnsArray: boolean): Jaxpr {
  const live = new Set<Atom>(outputs);
  const kept: Equation[] = [];
  for (let i = trace.equations.length - 1; i >= 0; i--) {
    const eq = trace.equations[i]!;
    if (!live.has(eq.out)) continue;
    kept.push(eq);
    for (const a of eq.inputs) live.add(a);
  }
  kept.reverse();
  const constvars: Var[] = [];
  const consts: Tensor[] = [];
  for (const [tensor, atom] of trace.constants) {
    if (atom instanceof Var && live.has(atom)) {
      constvars.push(atom);
      consts.push(tensor);
    }
  }
  return new Jaxpr(constvars, consts, invars, kept, outputs, returnsArray);
}

// --------------------------------------------------------------- evaluation

/**
 * Runs a program on new arguments (same shapes and dtypes as the example
 * ones) by binding its equations in order: the same numbers as the traced
 * function, and differentiable like any other code.
 *
 * When everything is numbers (no argument or constant is a tracer of a
 * running transformation), the intermediate results' arrays are reused:
 * after the last equation that reads a variable, its array goes back to the
 * program's buffer pool (buffer-pool.ts), unless a variable still alive
 * views the same array (a reshape, slice or transpose of it) or the array
 * belongs to an argument, a constant or an output. Later equations, and
 * later runs of the same program, write into those arrays instead of fresh
 * memory. Where the backend has memory of its own that its kernels work in
 * (the 'wasm' backend's WebAssembly memory), new intermediates are
 * allocated there, the program's large constants are copied there once, and
 * the outputs are copied out into plain arrays at the end, so that nothing
 * the caller receives lies in it. The numbers are the same either way.
 */
export function evalJaxpr<R extends JaxprResult>(jaxpr: Jaxpr<R>, ...args: Tensor[]): R {
  if (args.length !== jaxpr.invars.length) throw new Error(`evalJaxpr: the program takes ${jaxpr.invars.length} argument(s), got ${args.length}`);
  const env = new Map<Var, Tensor>();
  jaxpr.constvars.forEach((v, i) => env.set(v, jaxpr.consts[i]!));
  jaxpr.invars.forEach((v, i) => {
    const a = args[i];
    if (!(a instanceof Tensor)) throw new Error(`evalJaxpr: argument ${i} must be a Tensor, got ${describe(a)}`);
    if (!shapesEqual(a.shape, v.shape) || a.dtype !== v.dtype) {
      throw new Error(`evalJaxpr: argument ${i} is ${formatShape(a.shape)} ${a.dtype} but the program expects ${formatShape(v.shape)} ${v.dtype}`);
    }
    env.set(v, a);
  });
  const read = (a: Atom): Tensor => {
    if (a instanceof Literal) return a.value;
    const value = env.get(a);
    if (value === undefined) throw new Error('evalJaxpr: a variable is used before it is defined (a malformed program)');
    return value;
  };
  const onNumbers = args.every((a) => a instanceof ConcreteTensor) && jaxpr.consts.every((c) => c instanceof ConcreteTensor);
  if (onNumbers && bufferReuseEnabled()) runReusingBuffers(jaxpr, env, read);
  else for (const eq of jaxpr.equations) env.set(eq.out, bind(eq.primitive, eq.inputs.map(read), eq.params));
  const outs = jaxpr.outputs.map(read);
  return (jaxpr.returnsArray ? outs : outs[0]!) as R;
}

/** What evalJaxpr works out once per program to reuse its arrays. */
interface ReusePlan {
  /** dying[i]: the intermediate variables that equation i reads last (or, if nothing reads them, defines). */
  readonly dying: readonly Var[][];
  readonly pool: BufferPool;
  /** The constants as copies in a backend's own memory, made on the first run with that backend. */
  residentConsts?: { backend: Backend; values: Tensor[] };
}

/** The tensor's view (shape, strides, offset) laid over `data`, a copy of its array. */
function sameViewOf(t: ConcreteTensor, data: FloatArray): ConcreteTensor {
  const { shape, stride, offset } = t.data;
  return new ConcreteTensor(ndarray(data, [...shape], [...stride], offset));
}

/** Constants shorter than this stay where they are (copying them in would save nothing). */
const MIN_RESIDENT_CONSTANT = 512;

/**
 * The program's constants with every large array copied into the backend's
 * own memory (one copy per array, so views that share an array still share
 * it); the constants themselves where the backend has none.
 */
function residentConstants(jaxpr: Jaxpr, plan: ReusePlan): readonly Tensor[] {
  const backend = getBackend();
  const memory = backend.residentMemory;
  if (memory === undefined) return jaxpr.consts;
  if (plan.residentConsts?.backend === backend) return plan.residentConsts.values;
  const copies = new Map<FloatArray, FloatArray>();
  const values = jaxpr.consts.map((c) => {
    const data = (c as ConcreteTensor).data.data;
    if (data.length < MIN_RESIDENT_CONSTANT || memory.holds(data)) return c;
    let copy = copies.get(data);
    if (copy === undefined) {
      copy = memory.allocate(data instanceof Float32Array ? 'float32' : 'float64', data.length);
      if (copy === undefined) return c;
      copy.set(data);
      copies.set(data, copy);
    }
    return sameViewOf(c as ConcreteTensor, copy);
  });
  plan.residentConsts = { backend, values };
  return values;
}

const reusePlans = new WeakMap<Jaxpr, ReusePlan>();

function reusePlan(jaxpr: Jaxpr): ReusePlan {
  let plan = reusePlans.get(jaxpr);
  if (plan !== undefined) return plan;
  const lastRead = new Map<Var, number>();
  jaxpr.equations.forEach((eq, i) => {
    for (const a of eq.inputs) if (a instanceof Var) lastRead.set(a, i);
  });
  const outputs = new Set<Atom>(jaxpr.outputs);
  const dying: Var[][] = jaxpr.equations.map(() => []);
  jaxpr.equations.forEach((eq, i) => {
    if (!outputs.has(eq.out)) dying[lastRead.get(eq.out) ?? i]!.push(eq.out);
  });
  plan = { dying, pool: new BufferPool() };
  reusePlans.set(jaxpr, plan);
  return plan;
}

/** The buffer pool evalJaxpr uses for this program (for tests and benchmarks). */
export function programBufferPool(jaxpr: Jaxpr): BufferPool {
  return reusePlan(jaxpr).pool;
}

/**
 * Binds the equations on numbers, giving each intermediate's array back to
 * the program's pool once no live variable views it. Arrays are counted by
 * identity: several variables can view one array (a reshape is a view), and
 * the array is free when the last of them dies.
 */
function runReusingBuffers(jaxpr: Jaxpr, env: Map<Var, Tensor>, read: (a: Atom) => Tensor): void {
  const plan = reusePlan(jaxpr);
  const { dying, pool } = plan;
  const arrayOf = (t: Tensor): FloatArray => (t as ConcreteTensor).data.data;
  const consts = residentConstants(jaxpr, plan);
  jaxpr.constvars.forEach((v, i) => env.set(v, consts[i]!));
  // Arrays that belong to the caller or to the program: never given back.
  const owned = new Set<FloatArray>();
  for (const t of env.values()) owned.add(arrayOf(t));
  for (const eq of jaxpr.equations) for (const a of eq.inputs) if (a instanceof Literal) owned.add(arrayOf(a.value));
  const views = new Map<FloatArray, number>();
  withActivePool(pool, () => {
    jaxpr.equations.forEach((eq, i) => {
      const value = bind(eq.primitive, eq.inputs.map(read), eq.params);
      env.set(eq.out, value);
      const array = arrayOf(value);
      if (!owned.has(array)) views.set(array, (views.get(array) ?? 0) + 1);
      for (const v of dying[i]!) {
        const dead = arrayOf(env.get(v)!);
        env.delete(v);
        const left = views.get(dead);
        if (left === undefined) continue; // an argument's or a constant's array
        if (left > 1) views.set(dead, left - 1);
        else {
          views.delete(dead);
          pool.give(dead);
        }
      }
    });
  });
  // Outputs whose arrays lie in a backend's memory (not in a plain
  // ArrayBuffer) are copied out; those arrays go back to the pool.
  const copied = new Map<FloatArray, FloatArray>();
  for (const v of jaxpr.outputs) {
    if (!(v instanceof Var)) continue;
    const value = env.get(v) as ConcreteTensor;
    const data = value.data.data;
    if (owned.has(data) || data.buffer instanceof ArrayBuffer) continue;
    let copy = copied.get(data);
    if (copy === undefined) copied.set(data, (copy = data.slice()));
    env.set(v, sameViewOf(value, copy));
  }
  for (const data of copied.keys()) pool.give(data);
}

// ----------------------------------------------------------------- printing

const DTYPE_NAMES: Record<DType, string> = { float64: 'f64', float32: 'f32' };

/** a, b, …, z, ba, bb, …: the n-th variable name (base 26 with digits a–z). */
export function variableName(n: number): string {
  const letter = String.fromCharCode(97 + (n % 26));
  return n < 26 ? letter : variableName(Math.floor(n / 26)) + letter;
}

/** A number as it reads in a program: 3.0, 0.5, -1e-8, inf. */
function formatNumber(v: number, dtype: DType): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  let text = String(v);
  if (dtype === 'float32') {
    // the shortest decimal that rounds to the same float32
    for (let p = 1; p <= 9; p++) {
      const candidate = Number(v.toPrecision(p));
      if (Math.fround(candidate) === v) {
        text = String(candidate);
        break;
      }
    }
  }
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** Arrays longer than this print their first few entries and their length. */
const LONG_ARRAY = 8;
const SHOWN = 4;

function formatParam(value: unknown): string {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>, formatParam);
    if (items.length <= LONG_ARRAY) return `[${items.join(' ')}]`;
    return `[${items.slice(0, SHOWN).join(' ')} …](${items.length})`;
  }
  return String(value);
}

/**
 * The program as text in the spirit of JAX:
 * `{ lambda consts ; inputs. let equations in ( outputs ) }`, one equation
 * per line as `out:dtype[shape] = primitive[params] inputs`, params sorted
 * by name, long index arrays abbreviated.
 */
export function printJaxpr(jaxpr: Jaxpr): string {
  const names = new Map<Var, string>();
  const name = (v: Var): string => {
    let n = names.get(v);
    if (n === undefined) {
      n = variableName(names.size);
      names.set(v, n);
    }
    return n;
  };
  const typed = (v: Var): string => `${name(v)}:${DTYPE_NAMES[v.dtype]}[${v.shape.join(',')}]`;
  const atom = (a: Atom): string => (a instanceof Literal ? formatNumber(a.number, a.value.dtype) : name(a));
  const lines: string[] = [];
  const consts = jaxpr.constvars.map(typed).join(' ');
  const inputs = jaxpr.invars.map(typed).join(' ');
  lines.push(`{ lambda ${consts}${consts ? ' ' : ''}; ${inputs}. let`);
  for (const eq of jaxpr.equations) {
    const params = Object.entries(eq.params as object)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${formatParam(v)}`)
      .join(' ');
    const head = params ? `${eq.primitive}[${params}]` : eq.primitive;
    lines.push(`    ${typed(eq.out)} = ${head} ${eq.inputs.map(atom).join(' ')}`);
  }
  lines.push(`  in ( ${jaxpr.outputs.map(atom).join(', ')} ) }`);
  return lines.join('\n');
}
