/**
 * Dependencies loaded on first use, not when the module is imported.
 *
 * ml-matrix and the two @stdlib tests take a few hundred milliseconds each
 * to load, and most programs that import goldilocks/landscape (every command
 * of the CLI, `goldilocks --version` included) never call them. A static
 * `import` would make every one of them pay; `lazyDependency(id)` returns a
 * function that requires the package the first time it is called and hands
 * back the same module afterwards. The packages are CommonJS-compatible, so
 * the call stays synchronous.
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/** A loader for the package `id`: loads it on the first call, then returns the cached module. */
export function lazyDependency<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
