/**
 * The engine's modules import each other one way only, so the core reads
 * top-down and no module can run before one it depends on has finished
 * loading (an import cycle makes that depend on which file is imported
 * first: a module-level constant in ops.ts would then find `ConcreteTensor`
 * not yet initialised). Type-only imports do not run and are ignored;
 * ops.ts's import of itself (to hand its functions to Tensor's methods) is
 * not a cycle between modules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'autodiff');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'wasm-kernel' ? [] : sourceFiles(join(dir, e.name));
    return e.name.endsWith('.ts') ? [join(dir, e.name)] : [];
  });
}

/** The modules a file imports at run time (relative imports, not `import type`). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern = /^(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) {
    if (m[1]) continue;
    const target = normalize(join(dirname(file), m[2]!.replace(/\.js$/, '.ts')));
    if (target !== file) found.push(target);
  }
  return found;
}

/** Every cycle found by a depth-first walk, as "a → b → a". */
function findCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  return cycles;
}

test('the import graph of src/autodiff has no cycle', () => {
  const files = sourceFiles(root);
  const graph = new Map(files.map((f) => [relative(root, f), runtimeImports(f).map((g) => relative(root, g))]));
  assert.ok(graph.get('ops.ts')!.includes('tensor.ts') && graph.get('ops.ts')!.includes('trace.ts'), 'the parser finds value imports');
  assert.not.ok(graph.get('tensor.ts')!.includes('ops.ts'), 'the parser skips type-only imports');
  assert.equal(findCycles(graph), []);
});

test('the cycle finder finds cycles', () => {
  const graph = new Map([['tensor.ts', ['kernels.ts', 'ops.ts']], ['ops.ts', ['trace.ts']], ['trace.ts', ['tensor.ts']], ['kernels.ts', []]]);
  assert.equal(findCycles(graph), ['tensor.ts → ops.ts → trace.ts → tensor.ts']);
});

test.run();
