/**
 * Test support: finite differences and error measures, on plain
 * Float64Arrays so that they share nothing with the engine they check.
 */

/** Central differences ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h. */
export function finiteDifferenceGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  const y = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const step = h * Math.max(1, Math.abs(xi));
    y[i] = xi + step;
    const up = f(y);
    y[i] = xi - step;
    const down = f(y);
    y[i] = xi;
    g[i] = (up - down) / (2 * step);
  }
  return g;
}

/** Central differences of a vector function along a direction: (F(x + hv) − F(x − hv)) / 2h. */
export function finiteDifferenceDirectional(F: (x: Float64Array) => Float64Array, x: Float64Array, v: Float64Array, h = 1e-5): Float64Array {
  const plus = F(x.map((xi, i) => xi + h * v[i]!));
  const minus = F(x.map((xi, i) => xi - h * v[i]!));
  return plus.map((p, i) => (p - minus[i]!) / (2 * h));
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** ‖a − b‖ / max(‖a‖, ‖b‖, floor): a relative error that tolerates exact zeros. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths ${a.length} and ${b.length} differ`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(d) / Math.max(norm(a), norm(b), floor);
}

export function seededVector(n: number, seed: number, scale = 1): Float64Array {
  // A tiny LCG, independent of the engine's generator.
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * ((s / 4294967296) * 2 - 1);
  }
  return out;
}
