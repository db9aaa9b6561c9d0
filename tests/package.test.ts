/**
 * The package as npm users get it: `npm pack`, the tarball installed into an
 * empty project, then plain Node (no tsx, no TypeScript) importing the three
 * entry points, TypeScript checking a program against the shipped .d.ts
 * files, and `npx goldilocks` running a small zone study whose numbers equal
 * the sources' own, bit for bit.
 *
 * The install is offline: the empty project gets a lockfile made of this
 * repository's package-lock.json entries for the run-time dependencies (the
 * ones not marked dev), so `npm ci --offline` takes every tarball from npm's
 * cache, where installing this repository put them. One install serves every
 * check, which keeps the file to a few seconds plus the install.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/autodiff/index.js';
import { createModel, data } from '../src/nn/index.js';
import { logSpace, modelClassifier, scaleSweep } from '../src/landscape/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dir = '';
let project = '';

/** Runs a command; the environment drops NODE_OPTIONS so that no loader (tsx) reaches the child. */
function sh(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 180_000, env, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function newestChange(path: string): number {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

interface LockEntry { dev?: boolean; devOptional?: boolean; link?: boolean; [key: string]: unknown }

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'goldilocks-package-'));
  // pack what the sources say: rebuild when src/ changed after the last build
  const stamp = join(ROOT, 'dist', '.build-stamp');
  if (!existsSync(stamp) || newestChange(join(ROOT, 'src')) > statSync(stamp).mtimeMs) {
    const built = sh(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: ROOT });
    assert.is(built.status, 0, built.stderr);
  }
  const packed = sh(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  assert.is(packed.status, 0, packed.stderr);
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];

  project = join(dir, 'project');
  mkdirSync(project);
  copyFileSync(join(dir, filename), join(project, filename));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { name: string; version: string };
  const rootLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${filename}`;
  const packages: Record<string, unknown> = {
    '': { name: 'user-project', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version, resolved: spec, license: pkg.license, bin: pkg.bin, engines: pkg.engines,
      dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies, peerDependenciesMeta: pkg.peerDependenciesMeta,
    },
  };
  for (const [path, entry] of Object.entries(rootLock.packages)) {
    if (path === '' || entry.dev || entry.link) continue;
    const { devOptional, ...rest } = entry;
    packages[path] = devOptional ? { ...rest, optional: true } : rest;
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module', dependencies: { [pkg.name]: spec } }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'user-project', lockfileVersion: 3, requires: true, packages }));
  const installed = sh(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: project });
  assert.is(installed.status, 0, installed.stderr);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the tarball holds the build, the wasm kernel, the CLI and the licence, and no sources or tests', () => {
  const shipped = join(project, 'node_modules', 'goldilocks');
  for (const file of ['LICENSE', 'README.md', 'bin/goldilocks.js', 'dist/autodiff/index.js', 'dist/autodiff/index.d.ts', 'dist/nn/index.d.ts',
    'dist/landscape/index.d.ts', 'dist/autodiff/backends/wasm-kernel/matmul.wasm', 'dist/cli/commands/zone.js']) {
    assert.ok(existsSync(join(shipped, file)), `${file} is missing from the package`);
  }
  for (const absent of ['src', 'tests', 'bench', 'tutorials', 'scripts', 'web']) assert.not.ok(existsSync(join(shipped, absent)), `${absent}/ is in the package`);
  // run-time dependencies only: no TypeScript tooling, no gpu.js (an optional peer)
  for (const devOnly of ['tsx', 'esbuild', 'typescript', 'gpu.js']) assert.not.ok(existsSync(join(project, 'node_modules', devOnly)), `${devOnly} was installed`);
});

test('plain Node imports goldilocks, goldilocks/nn and goldilocks/landscape', () => {
  const script = [
    "import { grad, hvp, tensor, getBackend } from 'goldilocks';",
    "import { createModel } from 'goldilocks/nn';",
    "import { logSpace } from 'goldilocks/landscape';",
    'const f = (x) => x.pow(3).sum();',
    'const x = tensor([1, 2, 3]);',
    'console.log(JSON.stringify({ grad: grad(f)(x).toArray(), hvp: hvp(f, x, tensor([0, 1, 0])).toArray(), backend: getBackend().name,',
    "  size: createModel('784-8-10', { activation: 'relu', bias: true, numClasses: 10 }).spec.size, grid: logSpace(1, 100, 3).map(Math.round) }));",
  ].join('\n');
  const r = sh(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
  assert.is(r.status, 0, r.stderr);
  // ∂Σx³/∂x = 3x², H = diag(6x); the wasm kernel loads from dist/
  assert.equal(JSON.parse(r.stdout), { grad: [3, 12, 27], hvp: [0, 12, 0], backend: 'wasm', size: 784 * 8 + 8 + 8 * 10 + 10, grid: [1, 10, 100] });
});

test('TypeScript checks a program against the shipped declarations, and rejects a wrong one', () => {
  const good = "import { grad, tensor, type Tensor } from 'goldilocks';\nimport { type Model } from 'goldilocks/nn';\nconst g: Tensor = grad((x: Tensor) => x.sum())(tensor([1, 2]));\nexport const m: Model | undefined = undefined;\nexport { g };\n";
  const bad = "import { grad } from 'goldilocks';\nexport const n: number = grad((x) => x.sum());\n";
  writeFileSync(join(project, 'good.ts'), good);
  writeFileSync(join(project, 'bad.ts'), bad);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  // only the project's own node_modules: the declarations must bring what they need (@types/ndarray)
  const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['good.ts', 'bad.ts'] }));
  const checked = sh(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
  // one run, one error: the function grad returns is not a number; good.ts and the declarations are clean
  assert.is(checked.status, 2, checked.stdout + checked.stderr);
  assert.equal(checked.stdout.trim().split('\n').filter((line) => /error TS/.test(line)).map((line) => line.replace(/\).*/, ')')), ['bad.ts(2,14)']);
});

test('npx goldilocks runs from the package: --version, a zone study equal to the sources\' bit for bit; course and --backend gpu refused in one line', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // the installed command as npx finds it (node_modules/.bin), without npx's own start-up for the quick checks
  const bin = (...args: string[]) => sh(join(project, 'node_modules', '.bin', 'goldilocks'), args, { cwd: project });
  const version = bin('--version');
  assert.is(version.status, 0, version.stderr);
  assert.is(version.stdout.trim(), pkg.version);

  const flags = { samples: 100, model: '784-8-10', dim: 4, scales: [0.1, 10, 3] as const, seed: 5 };
  const r = sh('npx', ['--no-install', 'goldilocks', 'zone', '--samples', String(flags.samples), '--model', flags.model, '--subspace-dim', String(flags.dim),
    '--scales', flags.scales.join(':'), '--seed', String(flags.seed), '--out', 'zone', '--quiet'], { cwd: project });
  assert.is(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(project, 'zone', 'zone.json'), 'utf8')) as { points: { traceOverNorm: number; positiveFraction: number; loss: number }[] };
  for (const plot of ['trace-over-norm.png', 'positive-fraction.svg']) assert.ok(existsSync(join(project, 'zone', plot)), plot);

  // the same study from the TypeScript sources, in this process
  const train = data.loadDataset('mnist', { split: 'train', samples: flags.samples, seed: flags.seed });
  const model = createModel(flags.model, { activation: 'relu', bias: true, numClasses: 10 });
  const theta = model.init(new Random(flags.seed), 'xavier-normal').toTypedArray() as Float64Array;
  const points = scaleSweep(modelClassifier(model, train.x, train.labels, 'float64'), theta, logSpace(...flags.scales),
    { subspaceDim: flags.dim, projection: 'dense', repeats: 1, seed: flags.seed, gaussNewton: false });
  assert.equal(report.points.map((p) => [p.loss, p.traceOverNorm, p.positiveFraction]), points.map((p) => [p.loss, p.traceOverNorm, p.positiveFraction]));

  const course = bin('course', 'list');
  assert.is(course.status, 2);
  assert.match(course.stderr, /clone of the goldilocks repository/);
  // gpu.js is an optional peer, not installed here: --backend gpu says so in one line
  const gpu = bin('zone', '--backend', 'gpu', '--dtype', 'float32', '--samples', '10', '--out', 'gpu');
  assert.is(gpu.status, 2);
  assert.is(gpu.stderr.trim(), 'goldilocks: --backend gpu needs gpu.js, an optional dependency that is not installed: npm install gpu.js@2.24.1');
});

test.run();
