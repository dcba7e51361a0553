// ESLint (flat config): typescript-eslint with type information for every workspace's TypeScript,
// lit and web-component rules for the two front ends. Formatting is Biome's (`npm run format`), not ESLint's.
// `npm run lint` (part of `npm test`); `npx eslint --fix <file>` fixes what is mechanical.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { configs as lit } from 'eslint-plugin-lit';
import { configs as wc } from 'eslint-plugin-wc';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/coverage/', '**/.tap/', '**/.data/', 'bench/results/', 'widget/test/artifacts/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      // Each file is checked with the tsconfig.json of its workspace (the project service finds it).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Promises: a floating one loses its rejection; a promise where a boolean or void callback is
      // expected is a bug (an async handler on an EventEmitter is allowed: its errors are handled inside).
      // tap's `t.test(...)` is the exception: tap queues and awaits its subtests itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // An async function without await is how a Fastify plugin or hook declares itself async.
      '@typescript-eslint/require-await': 'off',
      // `import('pkg').T` in a type position stays allowed (types of optional packages, loaded lazily).
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Rethrowing what a settled promise or an AbortSignal gave is how errors travel here.
      // warn: `if (refusal) throw refusal` narrows `unknown` to `{}`, which the rule no longer counts as unknown.
      '@typescript-eslint/only-throw-error': ['warn', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Warnings for now (issue #13): each needs edits in code being rewritten; `npx eslint --fix` fixes
      // the assertions; the `any` ones come from JSON.parse and untyped library results.
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      'no-useless-assignment': 'warn',
    },
  },
  // Tests, the bench and the test kit read JSON bodies as `any` and hand page functions to the browser.
  {
    files: ['**/test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts', 'scripts/testkit/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-implied-eval': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
    },
  },
  // Plain JavaScript (scripts/*.mjs, docs examples): no tsconfig covers them, so no type-aware rules.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // The k6 load script runs in k6, not Node.
  {
    files: ['scripts/load/*.k6.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } },
  },
  // The browser code: Lit templates and custom elements.
  {
    files: ['widget/src/**/*.ts', 'console/src/**/*.ts'],
    ...lit['flat/recommended'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['widget/src/**/*.ts', 'console/src/**/*.ts'],
    ...wc['flat/recommended'],
    settings: { wc: { elementBaseClasses: ['LitElement'] } },
  },
  {
    files: ['widget/src/**/*.ts', 'console/src/**/*.ts'],
    rules: {
      // Lit calls `@event=${this.handler}` with `this` bound to the element.
      '@typescript-eslint/unbound-method': 'off',
      // Setting a declared Lit property in the constructor goes through Lit's accessor (no attribute is
      // written until the first update), even for names like `title` or `lang`.
      'wc/no-constructor-attributes': 'off',
    },
  },
);
