/**
 * Transformations built from jvp and vjp, with JAX's names and meanings.
 *
 * - grad(f)(x): the gradient of a scalar function, the pullback of 1.
 * - hvp(f, x, v): the Hessian-vector product H(x)·v, computed exactly as the
 *   forward-mode derivative of the gradient along v (forward-over-reverse):
 *   about the cost of two or three gradients, without ever forming H.
 * - jacfwd / jacrev: whole Jacobians, by columns (a jvp per input element)
 *   or by rows (a pullback per output element), each batched with vmap.
 * - hessian(f) = jacfwd(grad(f)), for small problems.
 *
 * All of them return functions of Tensors that can be transformed again.
 */
import { Tensor } from './tensor.js';
import { jvp } from './jvp.js';
import { vjp } from './vjp.js';
import { vmap } from './vmap.js';
import { eye, full } from './creation.js';
import * as ops from './ops.js';
import { formatShape, sizeOf } from './shape.js';

type Fn = (...xs: Tensor[]) => Tensor;

function selectArgs(op: string, argnums: number | readonly number[], count: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= count) throw new Error(`${op}: argnums ${a} is out of range for ${count} argument(s)`);
  }
  return list;
}

/** [f(args), gradients with respect to args[argnums]] for a scalar f. */
function valueAndGradients(op: string, f: Fn, argnums: number | readonly number[], args: Tensor[]): [Tensor, Tensor[]] {
  const chosen = selectArgs(op, argnums, args.length);
  const partial = (...xs: Tensor[]): Tensor => {
    const all = [...args];
    chosen.forEach((a, i) => (all[a] = xs[i]!));
    return f(...all);
  };
  const [value, pullback] = vjp(partial, ...chosen.map((a) => args[a]!));
  if (value.rank !== 0) throw new Error(`${op}: the function must return a scalar (shape []), got shape ${formatShape(value.shape)}; use vjp or jacrev for other outputs`);
  return [value, pullback(full([], 1, value.dtype))];
}

/** The gradient of a scalar function with respect to argument `argnums` (default 0). */
export function grad(f: Fn, argnums?: number): (...args: Tensor[]) => Tensor;
export function grad(f: Fn, argnums: readonly number[]): (...args: Tensor[]) => Tensor[];
export function grad(f: Fn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => Tensor | Tensor[] {
  return (...args) => {
    const [, grads] = valueAndGradients('grad', f, argnums, args);
    return typeof argnums === 'number' ? grads[0]! : grads;
  };
}

/** [f(args), gradient]: the value comes free with the gradient. */
export function valueAndGrad(f: Fn, argnums?: number): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: Fn, argnums: readonly number[]): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(f: Fn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  return (...args) => {
    const [value, grads] = valueAndGradients('valueAndGrad', f, argnums, args);
    return [value, typeof argnums === 'number' ? grads[0]! : grads];
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
    if (x.size === 0) return full([...f(x).shape, ...x.shape], 0, x.dtype);
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

/** The dense Hessian of a scalar f, shape [...x, ...x]; for small problems. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacfwd(grad(f));
}
