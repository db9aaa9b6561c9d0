/**
 * The package build: src/ (TypeScript) → dist/ (JavaScript and .d.ts), the
 * files that `npm install goldilocks` runs from plain Node.
 *
 * - JavaScript: esbuild transpiles every file of src/ one to one (no
 *   bundling), so dist/ has the same layout as src/: relative imports, the
 *   CLI's discovery of dist/cli/commands/*.js and the URLs built from
 *   import.meta.url keep working unchanged.
 * - The WebAssembly kernel (backends/wasm-kernel/matmul.wasm) is copied next
 *   to the backend that loads it.
 * - Types: tsc emits declarations for the three public entry points
 *   (goldilocks, goldilocks/nn, goldilocks/landscape) and what they import.
 *
 * It builds into a temporary folder and renames it over dist/ at the end, so
 * an interrupted build never leaves half a dist/. `npm run build` runs it,
 * and so does `npm install` in a clone (the `prepare` script).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const KERNEL = 'autodiff/backends/wasm-kernel/matmul.wasm';
/** Written last; bin/goldilocks.js compares its time with the sources' to tell a stale build. */
export const BUILD_STAMP = '.build-stamp';

/** Every .ts file under dir, except the AssemblyScript kernel sources. */
function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'wasm-kernel' ? [] : typescriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const out = `${DIST}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  try {
    await build({
      entryPoints: typescriptFiles(SRC),
      outdir: out,
      outbase: SRC,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      bundle: false,
      logLevel: 'warning',
    });
    mkdirSync(dirname(join(out, KERNEL)), { recursive: true });
    copyFileSync(join(SRC, KERNEL), join(out, KERNEL));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
    writeFileSync(join(out, BUILD_STAMP), `${new Date().toISOString()}\n`);
    rmSync(DIST, { recursive: true, force: true });
    renameSync(out, DIST);
  } finally {
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  }
  const files = typescriptFiles(SRC).length;
  const stamp = statSync(join(DIST, BUILD_STAMP)).mtime.toISOString();
  process.stdout.write(`built ${relative(ROOT, DIST)}/ from ${files} files of src/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${stamp})\n`);
}

await main();
