/**
 * Blocks of the 'wasm' backend's memory: a bump allocator with free lists
 * by exact size, over the shared WebAssembly memory that the kernels run on.
 *
 * The backend keeps two kinds of things there: its scratch space for matrix
 * products (packed panels, and copies of operands that live elsewhere), and
 * typed-array views that evaluators use as intermediate results
 * (`residentArray` in wasm.ts), so that the next kernel reads them where
 * they are instead of copying them in. Intermediate results come in a few
 * sizes that repeat (one program runs many times), so a freed block is kept
 * on the list of its exact size and handed out again; nothing is merged or
 * split. The memory only grows; growing a shared memory leaves every
 * existing view valid (the bytes stay where they are).
 */

/** A shared WebAssembly memory, as far as the backend uses it. */
export interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

export const PAGE_BYTES = 65536;
/** Blocks start on multiples of this (a cache line; v128 loads need no alignment, but aligned ones are faster). */
const ALIGN = 64;

export class WasmArena {
  /** Byte offset of the first never-used byte. */
  private top: number;
  private readonly free = new Map<number, number[]>();
  /** Every SharedArrayBuffer that memory.buffer has been: a view on one of them is in this memory. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(private readonly memory: SharedMemory, start: number, private readonly maxBytes: number) {
    this.top = roundUp(start, ALIGN);
    this.buffers.add(memory.buffer);
  }

  /** The memory's current buffer (one that covers every block handed out so far). */
  buffer(): SharedArrayBuffer {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return buffer;
  }

  /** True when `array` is a view into this memory. */
  holds(array: ArrayBufferView): boolean {
    return this.buffers.has(array.buffer);
  }

  /** Byte offset of a block of at least `bytes` bytes, or undefined if the memory cannot grow that far. */
  allocate(bytes: number): number | undefined {
    const size = blockSize(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) return reused;
    const at = this.top;
    const end = at + size;
    if (end > this.maxBytes) return undefined;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
      } catch {
        return undefined;
      }
    }
    this.top = end;
    return at;
  }

  /** Gives back a block that `allocate(bytes)` returned. */
  release(at: number, bytes: number): void {
    const size = blockSize(bytes);
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(at);
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

function blockSize(bytes: number): number {
  return roundUp(Math.max(bytes, 1), ALIGN);
}
