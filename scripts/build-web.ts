/**
 * `npm run build:web`: the static site in site/ (plain files any static host
 * serves), from the sources in web/.
 *
 * - Three bundles (esbuild, ES modules for current browsers): the engine
 *   playground, the Goldilocks explorer, and the explorer's Web Worker. They
 *   are built from the same TypeScript as the package; the few Node modules
 *   the engine and nn import are replaced by the small browser versions in
 *   web/shims/ (an in-memory file table for node:fs, Web Workers for the
 *   kernels' threads, …), the WebAssembly kernel's bytes are bundled in, and
 *   gpu.js comes in as its browser build.
 * - The pages and the style sheet, copied.
 * - An MNIST subset: the first 1000 training digits and the first 10 test
 *   digits, as IDX files in data/mnist/ (the layout `goldilocks zone
 *   --data-dir` reads, so the CLI can run the page's study on the same data).
 * - _headers: the two headers that make the pages cross-origin isolated
 *   (shared memory, which the WebAssembly kernel needs), in the format of
 *   Netlify and Cloudflare Pages.
 *
 * It builds into a temporary folder and renames it over site/ at the end.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { data } from '../src/nn/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const SITE = join(ROOT, 'site');
export const SITE_TRAIN_DIGITS = 1000;
export const SITE_TEST_DIGITS = 10;

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The first `count` items of an IDX array (images [N, 28, 28] or labels [N]). */
function firstItems(array: data.IdxArray, count: number): data.IdxArray {
  const perItem = array.shape.slice(1).reduce((a, b) => a * b, 1);
  return { dtype: array.dtype, shape: [count, ...array.shape.slice(1)], data: array.data.slice(0, count * perItem) };
}

function writeMnistSubset(out: string): void {
  const source = data.mnistPackageDataDir();
  const dir = join(out, 'data', 'mnist');
  mkdirSync(dir, { recursive: true });
  for (const [split, count] of [['train', SITE_TRAIN_DIGITS], ['test', SITE_TEST_DIGITS]] as const) {
    for (const kind of ['images', 'labels'] as const) {
      const name = data.MNIST_FILES[split][kind];
      const path = data.findIdxFile(source, name);
      if (!path) throw new Error(`build:web: ${name} not found in ${source}`);
      writeFileSync(join(dir, name), data.encodeIdx(firstItems(data.readIdxFile(path), count)));
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const out = `${SITE}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  try {
    const shim = (name: string): string => join(WEB, 'shims', `${name}.ts`);
    const gpuJsVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'gpu.js', 'package.json'), 'utf8')) as { version: string }).version;
    await build({
      entryPoints: ['playground', 'explorer', 'explorer-worker'].map((name) => join(WEB, `${name}.ts`)),
      outdir: out,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: true,
      logLevel: 'warning',
      alias: {
        'node:fs': shim('node-fs'),
        'node:module': shim('node-module'),
        'node:os': shim('node-os'),
        'node:path': shim('node-path'),
        'node:worker_threads': shim('node-worker-threads'),
        'node:zlib': shim('node-unavailable'),
        'node:crypto': shim('node-unavailable'),
      },
      inject: [shim('process'), shim('shared-array-buffer')],
      loader: { '.wasm': 'binary' },
      define: { GPU_JS_VERSION: JSON.stringify(gpuJsVersion) },
    });
    for (const file of ['index.html', 'playground.html', 'explorer.html', 'style.css']) copyFileSync(join(WEB, file), join(out, file));
    writeMnistSubset(out);
    writeFileSync(join(out, '_headers'), `/*\n${Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`);
    rmSync(SITE, { recursive: true, force: true });
    renameSync(out, SITE);
  } finally {
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  }
  process.stdout.write(`built site/ in ${((Date.now() - started) / 1000).toFixed(1)} s; open it with: npm run serve:web\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
