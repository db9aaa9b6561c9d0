// Lint: the recommended rules of ESLint and typescript-eslint, plus a ban on
// Math.random in numeric code (every random choice flows from a seed).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // wasm-kernel/ is AssemblyScript (its own types: i32, usize, v128), checked by its compiler.
  { ignores: ['node_modules/**', 'coverage/**', 'runs/**', 'out/**', '.stryker-tmp/**', 'reports/**', 'src/autodiff/backends/wasm-kernel/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use a seeded generator (src/autodiff/random.ts).' }],
    },
  },
);
