/**
 * node:fs for the browser build: a small in-memory file table.
 *
 * The engine and nn read two kinds of files: the WebAssembly kernel (the
 * 'wasm' backend reads matmul.wasm next to itself) and dataset files (MNIST's
 * IDX files in a data folder). In the page the kernel's bytes are bundled in,
 * and a page registers the dataset files it fetched under a path
 * (`registerFile`), so that `data.loadDataset('mnist', { dataDir })` runs the
 * very code the CLI runs. Writing is not possible here: those functions throw.
 */
import kernelBytes from '../../src/autodiff/backends/wasm-kernel/matmul.wasm';

const files = new Map<string, Uint8Array>();

/** Makes `bytes` readable at `path` (readFileSync, existsSync). */
export function registerFile(path: string, bytes: Uint8Array): void {
  files.set(path, bytes);
}

function key(path: unknown): string {
  return path instanceof URL ? path.href : String(path);
}

export function existsSync(path: unknown): boolean {
  const name = key(path);
  const folder = name.endsWith('/') ? name : `${name}/`;
  return files.has(name) || [...files.keys()].some((file) => file.startsWith(folder));
}

export function readFileSync(path: unknown, encoding?: unknown): Uint8Array | string {
  const name = key(path);
  const bytes = name.endsWith('/wasm-kernel/matmul.wasm') ? kernelBytes : files.get(name);
  if (!bytes) throw new Error(`ENOENT: no such file in the page: ${name}`);
  return encoding ? new TextDecoder().decode(bytes) : bytes;
}

function unavailable(name: string): () => never {
  return () => {
    throw new Error(`${name}: there is no file system in the browser`);
  };
}

export const writeFileSync = unavailable('writeFileSync');
export const closeSync = unavailable('closeSync');
export const fsyncSync = unavailable('fsyncSync');
export const mkdirSync = unavailable('mkdirSync');
export const openSync = unavailable('openSync');
export const renameSync = unavailable('renameSync');
export const statSync = unavailable('statSync');
export const unlinkSync = unavailable('unlinkSync');
export const writeSync = unavailable('writeSync');
