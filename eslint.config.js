// Lint: the recommended rules of ESLint and typescript-eslint, a ban on
// Math.random in numeric code (every random choice flows from a seed), and
// the layering: autodiff ← nn ← landscape ← cli, each layer importing only
// the public index.ts of the layers below it, commands never importing each
// other, and the course's chapters using only the public APIs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import patterns that reach inside a layer instead of through its index.ts. */
const deepInto = (...layers) => layers.flatMap((layer) => [`**/${layer}/*`, `**/${layer}/**/*`, `!**/${layer}/index.js`]);
const rule = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
const publicOnly = (...layers) => [deepInto(...layers), `Import the layer's public API (${layers.map((l) => `${l}/index.ts`).join(', ')}), not its files.`];
const never = (...layers) => [layers.map((layer) => `**/${layer}/**`), `Layers go one way: autodiff ← nn ← landscape ← cli; this file may not import ${layers.join(' or ')}.`];

export default tseslint.config(
  // wasm-kernel/ is AssemblyScript (its own types: i32, usize, v128), checked by its compiler.
  { ignores: ['node_modules/**', 'dist/**', 'dist.tmp-*/**', 'site/**', 'site.tmp-*/**', 'coverage/**', 'runs/**', 'out/**', 'course-work/**', '.stryker-tmp/**', 'reports/**', 'src/autodiff/backends/wasm-kernel/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use a seeded generator (src/autodiff/random.ts).' }],
    },
  },
  { files: ['src/autodiff/**/*.ts'], rules: { 'no-restricted-imports': rule(never('nn', 'landscape', 'cli')) } },
  { files: ['src/nn/**/*.ts'], rules: { 'no-restricted-imports': rule(publicOnly('autodiff'), never('landscape', 'cli')) } },
  { files: ['src/landscape/**/*.ts'], rules: { 'no-restricted-imports': rule(publicOnly('autodiff', 'nn'), never('cli')) } },
  { files: ['src/cli/*.ts'], rules: { 'no-restricted-imports': rule(publicOnly('autodiff', 'nn', 'landscape')) } },
  {
    files: ['src/cli/commands/*.ts'],
    rules: { 'no-restricted-imports': rule(publicOnly('autodiff', 'nn', 'landscape'), [['./*'], 'Commands do not import each other: move what they share into src/cli/.']) },
  },
  { files: ['tutorials/*.ts'], rules: { 'no-restricted-imports': rule([deepInto('src/autodiff', 'src/nn', 'src/landscape'), 'Chapters use only the public APIs (src/autodiff/index.ts, src/nn/index.ts, src/landscape/index.ts).']) } },
);
