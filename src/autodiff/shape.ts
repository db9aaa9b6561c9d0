/**
 * Shapes and NumPy's broadcasting rules.
 *
 * Two shapes broadcast when, aligned at their trailing ends, each pair of sizes
 * is equal or one of them is 1; the result takes the larger size. A missing
 * leading axis counts as size 1. The reverse direction — summing a gradient
 * back to the shape it was broadcast from — is the transpose rule of the
 * `broadcastTo` primitive (see vjp.ts), the one place that does it.
 */

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A shape as it is printed in every error message: [2, 3] (symbolic sizes allowed: [batch, 784]). */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

export function checkShape(shape: Shape, op: string): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${formatShape(shape)} (sizes must be non-negative integers)`);
  }
  return [...shape];
}

/** The broadcast of several shapes, or an error naming the op and the shapes. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const axis = rank - s.length + i;
      const d = s[i]!;
      const current = out[axis]!;
      if (d === current || d === 1) continue;
      if (current === 1) out[axis] = d;
      else throw new Error(`${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together`);
    }
  }
  return out;
}

/** Axes as non-negative integers, sorted and unique; undefined means all axes. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw new Error(`${op}: axis ${a} is out of range for a tensor of rank ${rank}`);
    return a < 0 ? a + rank : a;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}

/** The shape left after reducing `axes`; with keepdims the reduced axes stay as size 1. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** Row-major (C-order) strides of a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}
