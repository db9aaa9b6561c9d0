/**
 * Reusing the arrays of intermediate results.
 *
 * Every kernel writes its result into a new typed array. On many machines
 * (virtual ones above all) the first write to freshly allocated memory costs
 * a page fault per 4 KB, so filling a new multi-megabyte array costs several
 * times what filling a reused one does, and elementwise work on large
 * tensors is dominated by it. A `BufferPool` keeps arrays that are no longer
 * needed, by dtype and length, and hands them out again.
 *
 * Who gives arrays back: only an evaluator that knows when an intermediate
 * is dead — evalJaxpr, which computes once per program the last equation
 * that reads each variable, and returns a result's array after that
 * equation if no live variable still views it (jaxpr.ts). Everything else
 * allocates as before. While such an evaluation runs, its pool is the
 * *active* one, and the kernels' `allocateOutput` / `allocateZeros` take
 * from it first.
 *
 * Where new arrays come from while a pool is active: when the backend has
 * memory of its own that its kernels work in (the 'wasm' backend's
 * WebAssembly memory, `Backend.residentMemory`), a request the pool cannot
 * serve gets an array there, so the intermediates of a program, once
 * allocated, stay where the kernels read them (the evaluator copies the
 * program's outputs out of it). Elsewhere, a plain new array.
 *
 * Numbers do not depend on where an array came from: `allocateZeros` clears
 * a reused array, and `allocateOutput` is only used by kernels that write
 * every element of their result before reading any.
 */
import { allocate, type DType, type FloatArray } from './dtype.js';
import { getBackend } from './backend.js';

/** Smaller arrays are left to the garbage collector, which recycles them cheaply. */
const MIN_POOLED = 512;

/** Arrays kept for reuse, by dtype and length. */
export class BufferPool {
  private readonly free = new Map<string, FloatArray[]>();
  /** How many requests were served by a reused array (for tests and benchmarks). */
  reused = 0;
  /** How many arrays were given back. */
  given = 0;

  private static key(dtype: DType, size: number): string {
    return `${dtype}:${size}`;
  }

  /** A kept array of this dtype and length (removed from the pool), or undefined. */
  take(dtype: DType, size: number): FloatArray | undefined {
    if (size < MIN_POOLED) return undefined;
    const list = this.free.get(BufferPool.key(dtype, size));
    const found = list?.pop();
    if (found !== undefined) this.reused++;
    return found;
  }

  /** Keeps an array that nothing reads any more, for a later `take`. */
  give(data: FloatArray): void {
    if (data.length < MIN_POOLED) return;
    const key = BufferPool.key(data instanceof Float64Array ? 'float64' : 'float32', data.length);
    let list = this.free.get(key);
    if (list === undefined) this.free.set(key, (list = []));
    list.push(data);
    this.given++;
  }

  /** Elements held, over all kept arrays. */
  heldElements(): number {
    let n = 0;
    for (const list of this.free.values()) for (const a of list) n += a.length;
    return n;
  }
}

let active: BufferPool | null = null;
let enabled = true;

/**
 * Turns reuse on or off for later evaluations (on by default). Results are
 * the same either way; benchmarks switch it off to measure what it saves.
 */
export function setBufferReuse(on: boolean): void {
  enabled = on;
}

export function bufferReuseEnabled(): boolean {
  return enabled;
}

/** Runs `body` with `pool` as the pool that kernels take arrays from. */
export function withActivePool<T>(pool: BufferPool, body: () => T): T {
  const outer = active;
  active = pool;
  try {
    return body();
  } finally {
    active = outer;
  }
}

/** A new array for the active pool's evaluator: in the backend's own memory when it has one, else a plain one. */
function allocateNew(dtype: DType, size: number): FloatArray | undefined {
  if (active === null || size < MIN_POOLED) return undefined;
  return getBackend().residentMemory?.allocate(dtype, size);
}

/** An array for a result whose every element the caller writes (contents unspecified). */
export function allocateOutput(dtype: DType, size: number): FloatArray {
  return active?.take(dtype, size) ?? allocateNew(dtype, size) ?? allocate(dtype, size);
}

/** A zero-filled array, reused from the active pool when one fits. */
export function allocateZeros(dtype: DType, size: number): FloatArray {
  const reused = active?.take(dtype, size) ?? allocateNew(dtype, size);
  if (reused === undefined) return allocate(dtype, size);
  reused.fill(0);
  return reused;
}

/** Returns an array from allocateOutput that the caller did not use after all (kept by the active pool, if any). */
export function giveBackUnused(data: FloatArray): void {
  active?.give(data);
}
