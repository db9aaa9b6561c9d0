/**
 * Elementwise and reduction kernels of the 'wasm' backend, in AssemblyScript
 * (compiled into matmul.wasm with the matrix kernel; matmul.ts re-exports them).
 *
 * They work on arrays that already lie in the module's memory (the backend
 * keeps intermediate results there, backends/wasm.ts), so nothing is copied
 * in or out: the caller passes byte offsets.
 *
 * binaryRows: out[i, j] = a(i, j) ∘ b(i, j) for ∘ in {+, −, ×}, over `rows`
 * rows of `cols` numbers, where each operand is read in one of three ways:
 * FULL (its own [rows, cols] array), ROW (one row of `cols` numbers, the
 * same for every row: a bias broadcast over a batch) or EACH (one number per
 * row, repeated along it; one number for everything is a single row of
 * EACH). Two float64 lanes per f64x2 instruction, four float32 lanes per
 * f32x4 one.
 *
 * Rounding: WebAssembly's add, sub and mul are IEEE 754's, correctly rounded
 * in each lane, so float64 results equal the TypeScript loop's bit for bit.
 * In float32 the TypeScript loop computes a + b in float64 and rounds the
 * result to float32 when it stores it; for +, − and × of two float32 numbers
 * that double rounding gives the correctly rounded float32 result (float64
 * has more than 2·24 + 2 bits), which is what f32x4 computes, so float32
 * results are the same too.
 *
 * sumColumns: out[j] = Σ_i a[i, j], i = 0, 1, …, rows − 1 from 0, one lane
 * per column: vectorised across columns, so every sum still runs over its
 * column in the reference order (the TypeScript reduction's), and equals it
 * bit for bit. float32 input is summed in float64 (as the TypeScript loop
 * does), in a float64 workspace of `cols` numbers, and rounded once.
 */

export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;

/** How an operand is read: its own element per position, one row for all rows, one number per row. */
export const FULL: i32 = 0;
export const ROW: i32 = 1;
export const EACH: i32 = 2;

@inline function opF64x2(op: i32, x: v128, y: v128): v128 {
  return op == OP_ADD ? f64x2.add(x, y) : op == OP_SUB ? f64x2.sub(x, y) : f64x2.mul(x, y);
}

@inline function opF32x4(op: i32, x: v128, y: v128): v128 {
  return op == OP_ADD ? f32x4.add(x, y) : op == OP_SUB ? f32x4.sub(x, y) : f32x4.mul(x, y);
}

@inline function opF64(op: i32, x: f64, y: f64): f64 {
  return op == OP_ADD ? x + y : op == OP_SUB ? x - y : x * y;
}

@inline function opF32(op: i32, x: f32, y: f32): f32 {
  return op == OP_ADD ? x + y : op == OP_SUB ? x - y : x * y;
}

/**
 * One run of `len` float64 outputs: a and b advance (step 1) or repeat their
 * first number (step 0). `op`, `aStep`, `bStep` are constants at every call
 * site, so each call inlines into one plain loop.
 */
@inline function runF64(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, len: i32): void {
  const av = f64x2.splat(load<f64>(a));
  const bv = f64x2.splat(load<f64>(b));
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 3;
    const x0 = aStep ? v128.load(a + o) : av, x1 = aStep ? v128.load(a + o, 16) : av;
    const x2 = aStep ? v128.load(a + o, 32) : av, x3 = aStep ? v128.load(a + o, 48) : av;
    const y0 = bStep ? v128.load(b + o) : bv, y1 = bStep ? v128.load(b + o, 16) : bv;
    const y2 = bStep ? v128.load(b + o, 32) : bv, y3 = bStep ? v128.load(b + o, 48) : bv;
    v128.store(out + o, opF64x2(op, x0, y0));
    v128.store(out + o, opF64x2(op, x1, y1), 16);
    v128.store(out + o, opF64x2(op, x2, y2), 32);
    v128.store(out + o, opF64x2(op, x3, y3), 48);
  }
  for (; i < len; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, opF64(op, load<f64>(aStep ? a + o : a), load<f64>(bStep ? b + o : b)));
  }
}

/** runF64 for float32: four lanes per vector. */
@inline function runF32(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, len: i32): void {
  const av = f32x4.splat(load<f32>(a));
  const bv = f32x4.splat(load<f32>(b));
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 2;
    const x0 = aStep ? v128.load(a + o) : av, x1 = aStep ? v128.load(a + o, 16) : av;
    const y0 = bStep ? v128.load(b + o) : bv, y1 = bStep ? v128.load(b + o, 16) : bv;
    v128.store(out + o, opF32x4(op, x0, y0));
    v128.store(out + o, opF32x4(op, x1, y1), 16);
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, opF32(op, load<f32>(aStep ? a + o : a), load<f32>(bStep ? b + o : b)));
  }
}

/** Where row i of an operand read as `mode` starts, and whether it advances along the row. */
@inline function rowStart(base: usize, mode: i32, i: i32, cols: i32, shift: i32): usize {
  return mode == FULL ? base + (<usize>i * <usize>cols << shift) : mode == ROW ? base : base + (<usize>i << shift);
}

/** All rows with one op and fixed steps (aStep = a advances along a row, likewise b). */
@inline function rowsWith(op: i32, f32: bool, a: usize, aMode: i32, b: usize, bMode: i32, out: usize, rows: i32, cols: i32): void {
  const shift = f32 ? 2 : 3;
  for (let i = 0; i < rows; i++) {
    const ar = rowStart(a, aMode, i, cols, shift);
    const br = rowStart(b, bMode, i, cols, shift);
    const orow = out + (<usize>i * <usize>cols << shift);
    if (f32) {
      if (aMode == EACH) runF32(op, ar, 0, br, 1, orow, cols);
      else if (bMode == EACH) runF32(op, ar, 1, br, 0, orow, cols);
      else runF32(op, ar, 1, br, 1, orow, cols);
    } else {
      if (aMode == EACH) runF64(op, ar, 0, br, 1, orow, cols);
      else if (bMode == EACH) runF64(op, ar, 1, br, 0, orow, cols);
      else runF64(op, ar, 1, br, 1, orow, cols);
    }
  }
}

/**
 * out[i, j] = a(i, j) ∘ b(i, j), i < rows, j < cols (∘ = OP_ADD, OP_SUB or
 * OP_MUL; modes FULL, ROW or EACH; at most one operand EACH). `out` must not
 * overlap an operand unless it is that operand exactly, read as FULL.
 */
export function binaryRows(op: i32, f32: bool, a: usize, aMode: i32, b: usize, bMode: i32, out: usize, rows: i32, cols: i32): void {
  if (op == OP_ADD) {
    if (f32) rowsWith(OP_ADD, true, a, aMode, b, bMode, out, rows, cols);
    else rowsWith(OP_ADD, false, a, aMode, b, bMode, out, rows, cols);
  } else if (op == OP_SUB) {
    if (f32) rowsWith(OP_SUB, true, a, aMode, b, bMode, out, rows, cols);
    else rowsWith(OP_SUB, false, a, aMode, b, bMode, out, rows, cols);
  } else {
    if (f32) rowsWith(OP_MUL, true, a, aMode, b, bMode, out, rows, cols);
    else rowsWith(OP_MUL, false, a, aMode, b, bMode, out, rows, cols);
  }
}

/**
 * Column sums of a row-major [rows, cols] array: out[j] = Σ_i a[i, j] in
 * order of i from 0. float64: summed in `out` itself. float32: summed in
 * float64 in `work` (cols float64 numbers), then rounded into `out`.
 */
export function sumColumns(f32: bool, a: usize, rows: i32, cols: i32, out: usize, work: usize): void {
  const acc = f32 ? work : out;
  const zero = f64x2.splat(0);
  let j = 0;
  for (; j + 2 <= cols; j += 2) v128.store(acc + (<usize>j << 3), zero);
  if (j < cols) store<f64>(acc + (<usize>j << 3), 0);
  for (let i = 0; i < rows; i++) {
    if (f32) {
      const row = a + (<usize>i * <usize>cols << 2);
      j = 0;
      for (; j + 4 <= cols; j += 4) {
        const s = acc + (<usize>j << 3);
        const lo = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 2)));
        const hi = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 2), 8));
        v128.store(s, f64x2.add(v128.load(s), lo));
        v128.store(s, f64x2.add(v128.load(s, 16), hi), 16);
      }
      for (; j < cols; j++) {
        const s = acc + (<usize>j << 3);
        store<f64>(s, load<f64>(s) + <f64>load<f32>(row + (<usize>j << 2)));
      }
    } else {
      const row = a + (<usize>i * <usize>cols << 3);
      j = 0;
      for (; j + 8 <= cols; j += 8) {
        const o = <usize>j << 3;
        v128.store(acc + o, f64x2.add(v128.load(acc + o), v128.load(row + o)));
        v128.store(acc + o, f64x2.add(v128.load(acc + o, 16), v128.load(row + o, 16)), 16);
        v128.store(acc + o, f64x2.add(v128.load(acc + o, 32), v128.load(row + o, 32)), 32);
        v128.store(acc + o, f64x2.add(v128.load(acc + o, 48), v128.load(row + o, 48)), 48);
      }
      for (; j < cols; j++) {
        const o = <usize>j << 3;
        store<f64>(acc + o, load<f64>(acc + o) + load<f64>(row + o));
      }
    }
  }
  if (f32) for (j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(work + (<usize>j << 3)));
}
