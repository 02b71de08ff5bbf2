// ESLint with type information over the workspace's TypeScript (as eemeli/yaml's set-up:
// typescript-eslint's type-checked rules; formatting is Prettier's). `pnpm lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'fixtures/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // unused names are errors, except `_`-prefixed ones (a destructured field left out on purpose)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // an async function that does not await implements an async interface (a source, a store)
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // tests, their helpers and benchmarks read parsed JSON and YAML (results, templates, manifests) as any
    files: ['**/test/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'packages/test-helpers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // terminal output is matched with its ANSI escapes (\x1b)
      'no-control-regex': 'off',
      // expect(object.method) hands a method over without calling it
      '@typescript-eslint/unbound-method': 'off',
      // the test servers' request handlers are async (node:http ignores what they return)
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
);
