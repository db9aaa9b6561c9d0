/**
 * Transformations built from jvp and vjp, with JAX's names and meanings.
 *
 * - grad(f)(x): the gradient of a scalar function, the pullback of 1.
 *   grad(f, argnums) or grad(f, { argnums, hasAux }): argnums picks the
 *   arguments (negative counts from the end: −1 is the last); with hasAux, f
 *   returns [value, aux] and grad returns [gradient, aux] (valueAndGrad:
 *   [[value, aux], gradient], JAX's convention).
 * - hvp(f, x, v): the Hessian-vector product H(x)·v, computed exactly as the
 *   forward-mode derivative of the gradient along v (forward-over-reverse):
 *   about the cost of two or three gradients, without ever forming H.
 * - jacfwd / jacrev: whole Jacobians, by columns (a jvp per input element)
 *   or by rows (a pullback per output element), each batched with vmap.
 * - hessian(f) = jacfwd(jacrev(f)), for small problems: shape
 *   [...out, ...in, ...in], so [...in, ...in] for a scalar f.
 *
 * All of them return functions of Tensors that can be transformed again.
 */
import { Tensor } from './tensor.js';
import { jvp } from './jvp.js';
import { vjp, VjpTracer, type VjpTrace } from './vjp.js';
import { vmap } from './vmap.js';
import { eye, full } from './creation.js';
import * as ops from './ops.js';
import { formatShape, sizeOf } from './shape.js';

type Fn = (...xs: Tensor[]) => Tensor;
/** A function with an auxiliary output: [the value to differentiate, anything else]. */
type FnWithAux<Aux> = (...xs: Tensor[]) => readonly [Tensor, Aux];

/** Options of grad and valueAndGrad. */
export interface GradOptions<A extends number | readonly number[] = number | readonly number[]> {
  /** Which arguments to differentiate: an index or a list (negative counts from the end). Default 0. */
  argnums?: A;
  /** f returns [value, aux]: aux is passed through, not differentiated. */
  hasAux?: boolean;
}

/** The argnums as indices in [0, count), with negative ones counted from the end. */
function selectArgs(op: string, argnums: number | readonly number[], count: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  return list.map((a) => {
    if (!Number.isInteger(a) || a < -count || a >= count) {
      const allowed = count === 0 ? 'the function was called with no arguments' : `allowed: ${-count} to ${count - 1}`;
      throw new Error(`${op}: argnums ${a} is out of range for ${count} argument(s); ${allowed}`);
    }
    return a < 0 ? a + count : a;
  });
}

/**
 * The aux output with this transformation's own tracers replaced by their
 * primal values. At the top level that is the concrete value; inside another
 * transformation it is that transformation's tracer, so an enclosing grad or
 * jvp still sees how aux depends on its inputs (JAX does the same). Looks
 * inside arrays and plain objects; other values are returned as they are.
 */
function releaseAux<A>(aux: A, trace: VjpTrace | null): A {
  const release = (v: unknown): unknown => {
    if (v instanceof VjpTracer && v.trace === trace) return release(v.primal);
    if (Array.isArray(v)) return v.map(release);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([key, value]) => [key, release(value)]));
    }
    return v;
  };
  return (trace === null ? aux : release(aux)) as A;
}

/** [f(args), aux, gradients with respect to args[argnums]] for a scalar f (aux undefined without hasAux). */
function valueAndGradients(op: string, f: Fn | FnWithAux<unknown>, hasAux: boolean, argnums: number | readonly number[], args: Tensor[]): [Tensor, unknown, Tensor[]] {
  const chosen = selectArgs(op, argnums, args.length);
  let aux: unknown;
  let trace: VjpTrace | null = null;
  const partial = (...xs: Tensor[]): Tensor => {
    const first = xs[0];
    if (first instanceof VjpTracer) trace = first.trace;
    const all = [...args];
    chosen.forEach((a, i) => (all[a] = xs[i]!));
    const result = f(...all);
    if (!hasAux) return result as Tensor;
    if (!Array.isArray(result) || result.length !== 2 || !(result[0] instanceof Tensor)) {
      throw new Error(`${op}: with hasAux the function must return [value, aux], a pair whose first entry is a Tensor`);
    }
    aux = result[1];
    return result[0];
  };
  const [value, pullback] = vjp(partial, ...chosen.map((a) => args[a]!));
  if (value.rank !== 0) throw new Error(`${op}: the function must return a scalar (shape []), got shape ${formatShape(value.shape)}; use vjp or jacrev for other outputs`);
  return [value, releaseAux(aux, trace), pullback(full([], 1, value.dtype))];
}

/** The argnums and hasAux of grad's second argument, either form. */
function readOptions(options: number | readonly number[] | GradOptions | undefined): { argnums: number | readonly number[]; hasAux: boolean } {
  if (options === undefined || typeof options === 'number' || Array.isArray(options)) return { argnums: (options as number | readonly number[] | undefined) ?? 0, hasAux: false };
  const { argnums = 0, hasAux = false } = options as GradOptions;
  return { argnums, hasAux };
}

/**
 * The gradient of a scalar function with respect to argument `argnums`
 * (default 0; −1 is the last). With `{ hasAux: true }`, f returns
 * [value, aux] and the result is [gradient, aux].
 */
export function grad(f: Fn, argnums?: number | GradOptions<number> & { hasAux?: false }): (...args: Tensor[]) => Tensor;
export function grad(f: Fn, argnums: readonly number[] | GradOptions<readonly number[]> & { argnums: readonly number[]; hasAux?: false }): (...args: Tensor[]) => Tensor[];
export function grad<Aux>(f: FnWithAux<Aux>, options: GradOptions<number> & { hasAux: true }): (...args: Tensor[]) => [Tensor, Aux];
export function grad<Aux>(f: FnWithAux<Aux>, options: GradOptions<readonly number[]> & { argnums: readonly number[]; hasAux: true }): (...args: Tensor[]) => [Tensor[], Aux];
export function grad(f: Fn | FnWithAux<unknown>, options?: number | readonly number[] | GradOptions): (...args: Tensor[]) => unknown {
  const { argnums, hasAux } = readOptions(options);
  return (...args) => {
    const [, aux, grads] = valueAndGradients('grad', f, hasAux, argnums, args);
    const gradient = typeof argnums === 'number' ? grads[0]! : grads;
    return hasAux ? [gradient, aux] : gradient;
  };
}

/**
 * [f(args), gradient]: the value comes free with the gradient. With
 * `{ hasAux: true }`: [[value, aux], gradient].
 */
export function valueAndGrad(f: Fn, argnums?: number | GradOptions<number> & { hasAux?: false }): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: Fn, argnums: readonly number[] | GradOptions<readonly number[]> & { argnums: readonly number[]; hasAux?: false }): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad<Aux>(f: FnWithAux<Aux>, options: GradOptions<number> & { hasAux: true }): (...args: Tensor[]) => [[Tensor, Aux], Tensor];
export function valueAndGrad<Aux>(f: FnWithAux<Aux>, options: GradOptions<readonly number[]> & { argnums: readonly number[]; hasAux: true }): (...args: Tensor[]) => [[Tensor, Aux], Tensor[]];
export function valueAndGrad(f: Fn | FnWithAux<unknown>, options?: number | readonly number[] | GradOptions): (...args: Tensor[]) => unknown {
  const { argnums, hasAux } = readOptions(options);
  return (...args) => {
    const [value, aux, grads] = valueAndGradients('valueAndGrad', f, hasAux, argnums, args);
    const gradient = typeof argnums === 'number' ? grads[0]! : grads;
    return [hasAux ? [value, aux] : value, gradient];
  };
}

/** H(x)·v for a scalar f, by forward-over-reverse: jvp of grad. Exact. */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  return jvp(grad(f), [x], [v])[1];
}

/**
 * H(x)·v by reverse-over-reverse: the gradient of x ↦ ⟨∇f(x), v⟩. The same
 * number as hvp up to rounding, by an independent route (used to check it).
 */
export function hvpReverseOverReverse(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  return grad((y: Tensor) => ops.sum(ops.mul(grad(f)(y), v)))(x);
}

/** The identity matrix reshaped so that slice i is the one-hot tensor e_i of `shape`. */
function basisVectors(shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  const n = sizeOf(shape);
  return ops.reshape(eye(n, dtype), [n, ...shape]);
}

/**
 * The Jacobian of f at x, shape [...out, ...in]: column j is J·e_j, the jvp
 * along the j-th basis vector, all columns in one vmap of jvp.
 */
export function jacfwd(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    if (x.size === 0) {
      // no columns to compute; the dtype is that of f's tangents, as for any other x
      const y = f(x);
      return full([...y.shape, ...x.shape], 0, y.dtype);
    }
    const columns = vmap((e: Tensor) => jvp(f, [x], [e])[1], 0, -1)(basisVectors(x.shape, x.dtype));
    return ops.reshape(columns, [...columns.shape.slice(0, -1), ...x.shape]);
  };
}

/**
 * The Jacobian of f at x, shape [...out, ...in]: row i is e_iᵀ·J, the
 * pullback of the i-th basis vector, all rows in one vmap of the pullback
 * (f itself runs once).
 */
export function jacrev(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const [y, pullback] = vjp(f, x);
    if (y.size === 0 || x.size === 0) return full([...y.shape, ...x.shape], 0, x.dtype);
    const rows = vmap((u: Tensor) => pullback(u)[0]!)(basisVectors(y.shape, y.dtype));
    return ops.reshape(rows, [...y.shape, ...x.shape]);
  };
}

/**
 * The dense Hessian of f, shape [...out, ...x, ...x] ([...x, ...x] for a
 * scalar f): the Jacobian of the Jacobian, jacfwd(jacrev(f)). For small
 * problems.
 */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacfwd(jacrev(f));
}
