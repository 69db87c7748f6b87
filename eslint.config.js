import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layerRules } from './eslint.layers.js';

const TESTS = ['**/*.test.ts', 'test/**', 'bench/**', 'examples/**'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'apps/ui/dist/**', 'packages/store/src/generated/**', 'bench/results/**', '.gantry/**'] },
  js.configs.recommended,
  // Type-aware: no-floating-promises and no-misused-promises see every promise the engine makes.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // `async` without `await` is how a Promise contract (fastify plugin, CloudProvider, Task.run) is met:
      // a throw inside becomes a rejection the caller handles; removing `async` would make it a sync throw.
      '@typescript-eslint/require-await': 'off',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Tests, fakes and benchmarks read untyped wire JSON (`await response.json()`, request bodies) on purpose.
    files: TESTS,
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  // Plain JavaScript files are outside tsconfig.json: no type information for them.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  ...layerRules(import.meta.dirname),
);
