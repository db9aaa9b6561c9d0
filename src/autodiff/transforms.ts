/**
 * Transformations built from jvp and vjp, with JAX's names and meanings.
 *
 * - grad(f)(x): the gradient of a scalar function, the pullback of 1.
 * - hvp(f, x, v): the Hessian-vector product H(x)·v, computed exactly as the
 *   forward-mode derivative of the gradient along v (forward-over-reverse):
 *   about the cost of two or three gradients, without ever forming H.
 * - jacfwd / jacrev: whole Jacobians, column by column (one jvp per input
 *   element) or row by row (one pullback per output element).
 * - hessian(f) = jacfwd(grad(f)), for small problems.
 *
 * All of them return functions of Tensors that can be transformed again.
 */
import { Tensor } from './tensor.js';
import { jvp } from './jvp.js';
import { vjp } from './vjp.js';
import { full } from './creation.js';
import * as ops from './ops.js';
import { formatShape } from './shape.js';

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

/** A one-hot tensor of the given shape and dtype, 1 at flat position i. */
function basis(like: Tensor, i: number): Tensor {
  const e = full(like.shape, 0, like.dtype);
  e.concrete().data.data[i] = 1;
  return e;
}

/** The Jacobian of f at x, shape [...out, ...in], one jvp per input element. */
export function jacfwd(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const columns: Tensor[] = [];
    let outShape: readonly number[] = [];
    for (let j = 0; j < x.size; j++) {
      const [y, dy] = jvp(f, [x], [basis(x, j)]);
      outShape = y.shape;
      columns.push(ops.reshape(dy, [y.size]));
    }
    if (columns.length === 0) return full([...f(x).shape, ...x.shape], 0, x.dtype);
    return ops.reshape(ops.stack(columns, 1), [...outShape, ...x.shape]);
  };
}

/** The Jacobian of f at x, shape [...out, ...in], one pullback per output element. */
export function jacrev(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    const [y, pullback] = vjp(f, x);
    const rows: Tensor[] = [];
    for (let i = 0; i < y.size; i++) rows.push(ops.reshape(pullback(basis(y, i))[0]!, [x.size]));
    if (rows.length === 0) return full([...y.shape, ...x.shape], 0, x.dtype);
    return ops.reshape(ops.stack(rows, 0), [...y.shape, ...x.shape]);
  };
}

/** The dense Hessian of a scalar f, shape [...x, ...x]; for small problems. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacfwd(grad(f));
}
