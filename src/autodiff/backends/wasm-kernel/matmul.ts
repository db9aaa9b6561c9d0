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
 * Rounding: each element of C is Σ_p a_ip·b_pj summed left to right from 0,
 * one lane of a vector per element. WebAssembly never fuses a multiply and an
 * add, so every product and every sum rounds exactly as the reference loop's
 * do, and float64 results equal referenceMatmul bit for bit. float32 inputs
 * are widened to float64 exactly while packing; the caller rounds C once.
 *
 * Memory: the module imports one shared memory, which several threads (each
 * with its own instance of this module) use at once. The caller places A and
 * B (float64, or float32 when `f32` is set) in it, packs B once with
 * packColumns, and then any number of threads call multiplyRows on disjoint
 * row ranges of C (m·n float64), each with a workspace of its own. Byte
 * offsets are passed in; the kernel allocates nothing.
 */

/** Rows of C in the register tile. */
const MR: i32 = 4;
/** Columns of C in the register tile (two f64x2 vectors). */
const NR: i32 = 4;
/** About 256 KiB of packed A per block of rows (half of a Zen L2 cache). */
const BLOCK_DOUBLES: i32 = 32768;

/** Rows of A packed per block: a multiple of MR, about BLOCK_DOUBLES numbers. */
export function blockRowsFor(k: i32): i32 {
  const rows = (BLOCK_DOUBLES / max(k, 1) / MR) * MR;
  return max(MR, rows);
}

/** Bytes of packed B: ceil(n / NR) column panels of k·NR numbers. */
export function packedColumnsBytes(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * k * 8;
}

/** Bytes of one thread's workspace for multiplyRows: a packed block of A and a spill tile. */
export function rowWorkspaceBytes(k: i32): i32 {
  return (blockRowsFor(k) * k + MR * NR) * 8;
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
  packColumnPanels(b, transB, f32, k, n, packed);
}

/**
 * Rows [rowStart, rowEnd) of C = op(A)·op(B), with C ([m, n], float64) at byte
 * offset c and op(B) already packed by packColumns. A is [m, k] (or [k, m]
 * with transA), float64 or float32 like B. `work` is this caller's own
 * rowWorkspaceBytes(k) bytes, so threads that share the memory can each
 * compute their own rows at once. m, k and n must be at least 1.
 */
export function multiplyRows(a: usize, transA: bool, f32: bool, m: i32, k: i32, n: i32, packedB: usize, c: usize, rowStart: i32, rowEnd: i32, work: usize): void {
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
