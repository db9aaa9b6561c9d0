/**
 * The 'wasm' backend's kernel, in AssemblyScript (TypeScript syntax with
 * WebAssembly's types: i32, f64, usize pointers and the 128-bit SIMD type v128).
 * `npm run build:wasm` compiles it to matmul.wasm next to this file; a test
 * recompiles it and checks that the committed binary is exactly that output.
 *
 * C = op(A)·op(B) follows the same plan as the 'js' kernel (backends/js.ts):
 * pack B into column panels NR wide and A, a block of rows at a time, into
 * row panels MR tall, each stored p-major so the inner loop reads both with
 * unit stride; then a micro-kernel keeps an MR×NR tile of C in registers while
 * p runs over the whole inner dimension. What SIMD adds: one v128 holds two
 * float64 numbers, so a row of the 4×4 tile is two registers and every
 * instruction does two multiplies or two adds. Per step p the micro-kernel
 * loads two vectors of B (4 numbers), broadcasts each of the 4 numbers of A
 * (`v128.load64_splat`), and does 8 vector multiplies and 8 vector adds:
 * 32 flops in 8 accumulators + 3 working registers, which fits x64's 16.
 *
 * float32 has its own panels and micro-kernel (the `F32` functions below):
 * one v128 holds four float32 numbers, so the register tile is 4×8 (a row is
 * two f32x4 vectors) and every instruction does four multiplies or four
 * adds, twice the float64 kernel's work per instruction.
 *
 * Rounding: each element of C is Σ_p a_ip·b_pj summed left to right from 0,
 * one lane of a vector per element. WebAssembly never fuses a multiply and an
 * add, so every product and every sum rounds exactly as the reference loop's
 * do, and float64 results equal referenceMatmul bit for bit. In float32 the
 * same order holds with every product and every partial sum rounded to
 * float32: c = fround(c + fround(a·b)), p = 0, 1, …, k − 1, from c = 0.
 *
 * Memory: the module imports one shared memory, which several threads (each
 * with its own instance of this module) use at once. The caller places A and
 * B (float64, or float32 when `f32` is set) in it, packs B once with
 * packColumns, and then any number of threads call multiplyRows on disjoint
 * row ranges of C (m·n numbers of the same type), each with a workspace of
 * its own. Byte offsets are passed in; the kernel allocates nothing.
 */

/** Rows of C in the register tile. */
const MR: i32 = 4;
/** Columns of C in the register tile (two f64x2 vectors). */
const NR: i32 = 4;
/** About 256 KiB of packed A per block of rows (half of a Zen L2 cache). */
const BLOCK_DOUBLES: i32 = 32768;

/** Columns of C in the float32 register tile (two f32x4 vectors); it has MR rows too. */
const NR32: i32 = 8;

/**
 * Rows of A packed per block: a multiple of MR, about BLOCK_DOUBLES numbers
 * (256 KiB in float64; the float32 kernel packs as many rows, in half the bytes).
 */
export function blockRowsFor(k: i32): i32 {
  const rows = (BLOCK_DOUBLES / max(k, 1) / MR) * MR;
  return max(MR, rows);
}

/** Bytes of packed B: ceil(n / NR) column panels of k·NR numbers (NR32 float32 numbers when f32). */
export function packedColumnsBytes(k: i32, n: i32, f32: bool): i32 {
  return f32 ? ((n + NR32 - 1) / NR32) * NR32 * k * 4 : ((n + NR - 1) / NR) * NR * k * 8;
}

/** Bytes of one thread's workspace for multiplyRows: a packed block of A and a spill tile (enough for either type). */
export function rowWorkspaceBytes(k: i32): i32 {
  return (blockRowsFor(k) * k + MR * NR32) * 8;
}

/** Element (row, col) of a row-major matrix with `cols` columns, widened to f64. */
@inline function element(base: usize, row: i32, col: i32, cols: i32, f32: bool): f64 {
  const index = <usize>(row * cols + col);
  return f32 ? <f64>load<f32>(base + (index << 2)) : load<f64>(base + (index << 3));
}

/**
 * Packs op(B) ([k, n]) into column panels: panel q holds columns q·NR ... q·NR+NR-1
 * as packed[q·k·NR + p·NR + c]. Columns past n are zero.
 */
function packColumnPanels(b: usize, transB: bool, f32: bool, k: i32, n: i32, packed: usize): void {
  let w = packed;
  for (let j0 = 0; j0 < n; j0 += NR) {
    for (let p = 0; p < k; p++) {
      for (let c = 0; c < NR; c++) {
        const j = j0 + c;
        let v: f64 = 0;
        if (j < n) v = transB ? element(b, j, p, k, f32) : element(b, p, j, n, f32);
        store<f64>(w, v);
        w += 8;
      }
    }
  }
}

/**
 * Packs rows [rowStart, rowStart + rows) of op(A) ([m, k]) into row panels:
 * panel q holds rows rowStart + q·MR ... as packed[q·k·MR + p·MR + r].
 * Rows past the block are zero.
 */
function packRowPanels(a: usize, transA: bool, f32: bool, m: i32, k: i32, rowStart: i32, rows: i32, packed: usize): void {
  let w = packed;
  for (let r0 = 0; r0 < rows; r0 += MR) {
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < MR; r++) {
        const i = rowStart + r0 + r;
        let v: f64 = 0;
        if (r0 + r < rows) v = transA ? element(a, p, i, m, f32) : element(a, i, p, k, f32);
        store<f64>(w, v);
        w += 8;
      }
    }
  }
}

/**
 * C[i0.., j0..] = the MR×NR tile of (row panel at ap)·(column panel at bp).
 * Full tiles are stored straight into C; edge tiles go through `spill` and
 * only the part inside C is copied.
 */
@inline function multiplyTile(ap: usize, bp: usize, k: i32, c: usize, n: i32, i0: i32, j0: i32, rowsLeft: i32, spill: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    ap += MR * 8;
    bp += NR * 8;
  }
  if (rowsLeft >= MR && j0 + NR <= n) {
    const stride = <usize>n << 3;
    let out = c + (<usize>(i0 * n + j0) << 3);
    v128.store(out, c00); v128.store(out, c01, 16); out += stride;
    v128.store(out, c10); v128.store(out, c11, 16); out += stride;
    v128.store(out, c20); v128.store(out, c21, 16); out += stride;
    v128.store(out, c30); v128.store(out, c31, 16);
    return;
  }
  v128.store(spill, c00); v128.store(spill, c01, 16);
  v128.store(spill, c10, 32); v128.store(spill, c11, 48);
  v128.store(spill, c20, 64); v128.store(spill, c21, 80);
  v128.store(spill, c30, 96); v128.store(spill, c31, 112);
  const rows = min(MR, rowsLeft);
  const cols = min(NR, n - j0);
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) {
      store<f64>(c + (<usize>((i0 + r) * n + j0 + col) << 3), load<f64>(spill + (<usize>(r * NR + col) << 3)));
    }
  }
}

/**
 * Packs op(B) for multiplyRows into packedColumnsBytes(k, n) bytes at `packed`.
 * B is [k, n] (or [n, k] with transB), float64, or float32 when f32 is set.
 */
export function packColumns(b: usize, transB: bool, f32: bool, k: i32, n: i32, packed: usize): void {
  if (f32) packColumnPanelsF32(b, transB, k, n, packed);
  else packColumnPanels(b, transB, false, k, n, packed);
}

/**
 * Rows [rowStart, rowEnd) of C = op(A)·op(B), with C ([m, n], float64, or
 * float32 when f32 is set) at byte offset c and op(B) already packed by
 * packColumns. A is [m, k] (or [k, m] with transA), of the same type. `work` is this caller's own
 * rowWorkspaceBytes(k) bytes, so threads that share the memory can each
 * compute their own rows at once. m, k and n must be at least 1.
 */
export function multiplyRows(a: usize, transA: bool, f32: bool, m: i32, k: i32, n: i32, packedB: usize, c: usize, rowStart: i32, rowEnd: i32, work: usize): void {
  if (f32) {
    multiplyRowsF32(a, transA, m, k, n, packedB, c, rowStart, rowEnd, work);
    return;
  }
  const panels = (n + NR - 1) / NR;
  const blockRows = blockRowsFor(k);
  const packedA = work;
  const spill = packedA + (<usize>(blockRows * k) << 3);
  for (let blockStart = rowStart; blockStart < rowEnd; blockStart += blockRows) {
    const rows = min(blockRows, rowEnd - blockStart);
    packRowPanels(a, transA, f32, m, k, blockStart, rows, packedA);
    // Each column panel of B (k·NR numbers, L1-sized) sweeps the whole block of A.
    for (let q = 0; q < panels; q++) {
      const bp = packedB + (<usize>(q * NR * k) << 3);
      for (let r0 = 0; r0 < rows; r0 += MR) {
        const ap = packedA + (<usize>(r0 * k) << 3);
        multiplyTile(ap, bp, k, c, n, blockStart + r0, q * NR, rows - r0, spill);
      }
    }
  }
}

// --------------------------------------------------------------- float32

/** Like packColumnPanels, for float32 B, in panels NR32 wide, kept in float32. */
function packColumnPanelsF32(b: usize, transB: bool, k: i32, n: i32, packed: usize): void {
  let w = packed;
  for (let j0 = 0; j0 < n; j0 += NR32) {
    for (let p = 0; p < k; p++) {
      for (let c = 0; c < NR32; c++) {
        const j = j0 + c;
        let v: f32 = 0;
        if (j < n) v = load<f32>(b + (<usize>(transB ? j * k + p : p * n + j) << 2));
        store<f32>(w, v);
        w += 4;
      }
    }
  }
}

/** Like packRowPanels, for float32 A, kept in float32. */
function packRowPanelsF32(a: usize, transA: bool, m: i32, k: i32, rowStart: i32, rows: i32, packed: usize): void {
  let w = packed;
  for (let r0 = 0; r0 < rows; r0 += MR) {
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < MR; r++) {
        const i = rowStart + r0 + r;
        let v: f32 = 0;
        if (r0 + r < rows) v = load<f32>(a + (<usize>(transA ? p * m + i : i * k + p) << 2));
        store<f32>(w, v);
        w += 4;
      }
    }
  }
}

/**
 * The float32 micro-kernel: C[i0.., j0..] = the MR×NR32 tile of (row panel at
 * ap)·(column panel at bp), in eight f32x4 accumulators. Per step p: two
 * vector loads of B (8 numbers), four splats of A, 8 multiplies and 8 adds
 * of four lanes each (64 flops).
 */
@inline function multiplyTileF32(ap: usize, bp: usize, k: i32, c: usize, n: i32, i0: i32, j0: i32, rowsLeft: i32, spill: usize, resume: bool): void {
  const full = rowsLeft >= MR && j0 + NR32 <= n;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (resume) {
    // continue the sums of an earlier slice of p from C (edge tiles through the spill tile)
    let at = c + (<usize>(i0 * n + j0) << 2);
    let stride = <usize>n << 2;
    if (!full) {
      const rows = min(MR, rowsLeft);
      const cols = min(NR32, n - j0);
      for (let r = 0; r < MR; r++) {
        for (let col = 0; col < NR32; col++) {
          const v: f32 = r < rows && col < cols ? load<f32>(c + (<usize>((i0 + r) * n + j0 + col) << 2)) : 0;
          store<f32>(spill + (<usize>(r * NR32 + col) << 2), v);
        }
      }
      at = spill;
      stride = NR32 * 4;
    }
    c00 = v128.load(at); c01 = v128.load(at, 16); at += stride;
    c10 = v128.load(at); c11 = v128.load(at, 16); at += stride;
    c20 = v128.load(at); c21 = v128.load(at, 16); at += stride;
    c30 = v128.load(at); c31 = v128.load(at, 16);
  }
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += MR * 4;
    bp += NR32 * 4;
  }
  if (full) {
    const stride = <usize>n << 2;
    let out = c + (<usize>(i0 * n + j0) << 2);
    v128.store(out, c00); v128.store(out, c01, 16); out += stride;
    v128.store(out, c10); v128.store(out, c11, 16); out += stride;
    v128.store(out, c20); v128.store(out, c21, 16); out += stride;
    v128.store(out, c30); v128.store(out, c31, 16);
    return;
  }
  v128.store(spill, c00); v128.store(spill, c01, 16);
  v128.store(spill, c10, 32); v128.store(spill, c11, 48);
  v128.store(spill, c20, 64); v128.store(spill, c21, 80);
  v128.store(spill, c30, 96); v128.store(spill, c31, 112);
  const rows = min(MR, rowsLeft);
  const cols = min(NR32, n - j0);
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) {
      store<f32>(c + (<usize>((i0 + r) * n + j0 + col) << 2), load<f32>(spill + (<usize>(r * NR32 + col) << 2)));
    }
  }
}

/** The float32 kernel's slice of the inner dimension: KC·NR32 numbers of B (8 KiB) stay in L1 while a block of A sweeps them. */
const KC32: i32 = 256;

/**
 * multiplyRows for float32: the same blocking, float32 panels, C in float32,
 * and the inner dimension cut into slices of KC32: a tile's sums stop at
 * the end of a slice, wait in C, and continue with the next slice, so each
 * element is still summed from p = 0 to k − 1 in order, with the same
 * roundings.
 */
function multiplyRowsF32(a: usize, transA: bool, m: i32, k: i32, n: i32, packedB: usize, c: usize, rowStart: i32, rowEnd: i32, work: usize): void {
  const panels = (n + NR32 - 1) / NR32;
  const blockRows = blockRowsFor(k);
  const packedA = work;
  const spill = packedA + (<usize>(blockRows * k) << 2);
  for (let blockStart = rowStart; blockStart < rowEnd; blockStart += blockRows) {
    const rows = min(blockRows, rowEnd - blockStart);
    packRowPanelsF32(a, transA, m, k, blockStart, rows, packedA);
    for (let p0 = 0; p0 < k; p0 += KC32) {
      const depth = min(KC32, k - p0);
      for (let q = 0; q < panels; q++) {
        const bp = packedB + (<usize>(q * NR32 * k + p0 * NR32) << 2);
        for (let r0 = 0; r0 < rows; r0 += MR) {
          const ap = packedA + (<usize>(r0 * k + p0 * MR) << 2);
          multiplyTileF32(ap, bp, depth, c, n, blockStart + r0, q * NR32, rows - r0, spill, p0 > 0);
        }
      }
    }
  }
}

// The elementwise and reduction kernels on operands that stay in this memory.
export { binaryRows, sumColumns } from './elementwise';
