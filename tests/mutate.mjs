#!/usr/bin/env node
/**
 * Mutation testing of one module at a time: `npm run mutate -- <module> [--tests <regex>] [--lines A-B]`.
 *
 * StrykerJS plants small changes (mutants) in the module — a flipped
 * comparison, a changed constant, a removed statement — and runs that
 * module's tests against each; a mutant the tests do not notice ("survived")
 * marks a place where the code could be wrong without a test failing.
 *
 * It uses Stryker's command runner (uvu under tsx, as `npm test` does), one
 * mutant at a time (concurrency 1), on only the test files listed for the
 * module below (or those given with --tests, a regex over tests/ file names).
 * Results: a summary on stdout and reports/mutation/<module>.json (and .html).
 * It is slow — every mutant is a fresh test process — and is not part of
 * `npm test` or CI. See tests/README.md for the runs so far.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The test files (regexes over tests/ names) that exercise each module; fast ones first. */
const MODULE_TESTS = {
  'src/landscape/curvature.ts': '^(landscape-zone|science-constants|science-boundaries)\\.test\\.ts$',
  // science-constants checks only zoneCriterion and reads all of MNIST (seconds a mutant): runs on the lines
  // without zoneCriterion leave it out (--tests '^(landscape-zone|science-boundaries|science-zone-measure)\\.test\\.ts$')
  'src/landscape/zone.ts': '^(landscape-zone|science-constants|science-boundaries|science-zone-measure)\\.test\\.ts$',
  'src/nn/init.ts': '(nn-init|science-constants|science-init)\\.test\\.ts$',
  'src/landscape/linalg/hutchinson.ts': '(landscape-spectrum|science-error-bars|science-hutchinson)\\.test\\.ts$',
  // anchored: an unanchored 'critical' would also run the slow cli-spectrum-critical
  'src/landscape/critical/gradient-norm-minimization.ts': '^(critical|science-finders|science-finders-counts)\\.test\\.ts$',
  'src/landscape/critical/newton-mr.ts': '^(critical|science-finders|science-finders-counts)\\.test\\.ts$',
  'src/landscape/linalg/lanczos.ts': '^(linalg|landscape-spectrum|science-error-bars|science-lanczos)\\.test\\.ts$',
  'src/landscape/linalg/slq.ts': '^(linalg|landscape-spectrum|science-error-bars|science-slq)\\.test\\.ts$',
  'src/landscape/linalg/symmetric-eigen.ts': '^(linalg|science-eigen)\\.test\\.ts$',
  'src/landscape/linalg/vector.ts': '^(linalg|science-vector)\\.test\\.ts$',
  // cli-subspace and subspace-training (which train networks) are too slow to run once a mutant
  'src/landscape/linalg/subspace.ts': '^(linalg|science-subspace)\\.test\\.ts$',
  // landscape-api and the CLI tests also build Hessian operators, but take longer
  'src/landscape/restricted-hessian.ts': '^(landscape-zone|landscape-spectrum|science-restricted-hessian)\\.test\\.ts$',
  'src/landscape/hessian-operator.ts': '^(landscape-zone|landscape-spectrum|science-restricted-hessian)\\.test\\.ts$',
  'src/nn/losses.ts': '(nn-losses)\\.test\\.ts$',
  'src/nn/optim.ts': '(nn-optim)\\.test\\.ts$',
  // data.test.ts reads MNIST and takes over a minute a mutant; the fast files check the normalisation (data-normalize)
  // and the rest (science-data), and the IDX and CIFAR-10 readers on small files they write (science-idx-cifar)
  'src/nn/data/dataset.ts': '^(data-normalize|science-data)\\.test\\.ts$',
  'src/nn/data/idx.ts': '^(science-idx-cifar)\\.test\\.ts$',
  'src/nn/data/cifar10.ts': '^(science-idx-cifar)\\.test\\.ts$',
  // the engine: every autodiff test file takes about two seconds together
  'src/autodiff/jvp.ts': '(autodiff-(derivatives|closed-forms|edges|errors|jaxpr|tensor|vmap|buffer-reuse))\\.test\\.ts$',
  'src/autodiff/vjp.ts': '(autodiff-(derivatives|closed-forms|edges|errors|jaxpr|tensor|vmap|buffer-reuse))\\.test\\.ts$',
  'src/autodiff/transforms.ts': '(autodiff-(derivatives|closed-forms|edges|errors|jaxpr|tensor|vmap|buffer-reuse))\\.test\\.ts$',
  'src/autodiff/vmap.ts': '(autodiff-(derivatives|closed-forms|edges|errors|jaxpr|tensor|vmap|buffer-reuse))\\.test\\.ts$',
  // the kernels' glue and the memory they keep intermediates in
  'src/autodiff/backends/wasm.ts': '^(backends|autodiff-wasm-resident|autodiff-buffer-reuse)\\.test\\.ts$',
  'src/autodiff/backends/wasm-arena.ts': '^(autodiff-wasm-resident)\\.test\\.ts$',
  // the pure d_int90 functions (science-intrinsic-dim) and the runs on a 2-2 network (science-intrinsic-runs);
  // subspace-training.test.ts trains larger networks and is slow
  'src/landscape/intrinsic-dimension.ts': '^(science-intrinsic-dim|science-intrinsic-runs|science-boundaries)\\.test\\.ts$',
  // the CLI and landscape-api tests are slow; science-gauss-newton covers hessianSpectrum and gaussNewtonOperator (lines 202-244)
  'src/landscape/spectrum.ts': '^(landscape-spectrum|science-error-bars|science-spectrum-report|science-gauss-newton)\\.test\\.ts$',
  // the CLI tests that reach it (cli-spectrum-critical, cli-harness) are slow
  'src/landscape/gradient-overlap.ts': '^(landscape-spectrum|science-gradient-overlap)\\.test\\.ts$',
  // MINRES-QLP: linalg checks it against dense solves, science-finders through Newton-MR, science-minres on
  // small systems with closed-form answers; critical (about 9 s) and the CLI tests are left out as too slow
  'src/landscape/linalg/minres-qlp.ts': '^(linalg|science-finders|science-minres)\\.test\\.ts$',
  'src/landscape/power.ts': '^(science-power)\\.test\\.ts$',
  // subspace-training.test.ts and cli-subspace train networks and are slow; the fast file checks the surfaces on a hand-made P
  'src/landscape/subspace-training.ts': '^(science-surfaces)\\.test\\.ts$',
  // the experiment on a 2-3-2 network with one short epoch; subspace-training.test.ts and the CLI tests are slow
  'src/landscape/init-selection.ts': '^(science-init-selection)\\.test\\.ts$',
  'src/landscape/rank-correlation.ts': '^(science-rank-correlation)\\.test\\.ts$',
};

function usage(message) {
  if (message) process.stderr.write(`mutate: ${message}\n`);
  process.stderr.write('usage: npm run mutate -- <module, e.g. src/landscape/zone.ts> [--tests <regex over tests/ file names>] [--lines A-B]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let module;
let tests;
let lines;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tests') tests = args[++i];
  else if (args[i] === '--lines') lines = args[++i];
  else if (args[i].startsWith('-')) usage(`unknown option ${args[i]}`);
  else if (module === undefined) module = relative(ROOT, resolve(args[i])).split('\\').join('/');
  else usage(`one module at a time (got ${module} and ${args[i]})`);
}
if (!module) usage('name a module');
if (!existsSync(join(ROOT, module))) usage(`${module} does not exist`);
if (lines !== undefined && !/^\d+-\d+$/.test(lines)) usage('--lines must be A-B');

if (tests === undefined) tests = MODULE_TESTS[module];
if (tests === undefined) {
  // Fallback: the test files that name the module's file (slower and coarser than a listed entry).
  const stem = basename(module, '.ts');
  const names = readdirSync(join(ROOT, 'tests')).filter((f) => f.endsWith('.test.ts') && readFileSync(join(ROOT, 'tests', f), 'utf8').includes(stem));
  if (names.length === 0) usage(`no test file mentions ${stem}; pass --tests <regex>`);
  tests = `(${names.map((n) => n.replace(/\./g, '\\.')).join('|')})$`;
  process.stderr.write(`mutate: no test list for ${module}; using ${names.join(', ')}\n`);
}

const name = module.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\//g, '-');
const reportDir = join('reports', 'mutation');
mkdirSync(join(ROOT, reportDir), { recursive: true });
const config = {
  testRunner: 'command',
  // the sandbox lies inside the project, so tsx and the tests' imports resolve from the project's node_modules
  commandRunner: { command: `node --import tsx ${JSON.stringify(join(ROOT, 'node_modules', 'uvu', 'bin.js'))} tests '${tests}'` },
  mutate: [lines ? `${module}:${lines}` : module],
  concurrency: 1,
  coverageAnalysis: 'off',
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: join(reportDir, `${name}.json`) },
  htmlReporter: { fileName: join(reportDir, `${name}.html`) },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  ignorePatterns: ['bench', 'docs', 'tutorials', 'reports', 'runs', 'coverage', 'out'],
};
const configPath = join(ROOT, '.stryker-tmp', `config-${name}.json`);
mkdirSync(join(ROOT, '.stryker-tmp'), { recursive: true });
writeFileSync(configPath, JSON.stringify(config, null, 2));
process.stdout.write(`mutate: ${config.mutate[0]} against tests/${tests}\n`);
const result = spawnSync('stryker', ['run', configPath], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) {
  process.stderr.write(`mutate: cannot run stryker (${result.error.message}); install the dev dependencies with npm install\n`);
  process.exit(2);
}
process.exit(result.status ?? 1);
