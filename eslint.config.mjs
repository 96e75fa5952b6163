// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Imports a layer may not make (STYLE.md §1): dependencies point inward only. */
const outerLayers = {
  domain: [
    '**/adapters/**',
    '**/projections/**',
    '**/application/**',
    '**/config.js',
    '**/main.js',
  ],
  application: ['**/adapters/**', '**/config.js', '**/main.js'],
  projections: ['**/adapters/**', '**/config.js', '**/main.js'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.bench/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a string-literal union or an as-const object.',
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config.ts reads process.env.' },
      ],
    },
  },
  {
    // Only verifiers may brand a delivery as verified (STYLE.md §5): nothing else can hand the
    // ingest handler input that did not pass a signature, token or secret check.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: [
      'src/adapters/providers/**',
      'src/application/**',
      'src/domain/**',
      'src/projections/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/application/index.js', '**/application/verifiedDelivery.js'],
              importNames: ['markVerified'],
              message: 'Only the provider verifiers may mark a delivery as verified.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The domain is pure: no Node built-ins.' },
            { group: outerLayers.domain, message: 'The domain imports only itself and zod.' },
          ],
          paths: [
            'fs',
            'path',
            'crypto',
            'pino',
            'better-sqlite3',
            '@eventstore/db-client',
            'fastify',
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The domain is pure.' },
        { name: 'Date', message: 'Time arrives as a command field, not from a clock.' },
        { name: 'setTimeout', message: 'The domain is pure.' },
      ],
    },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outerLayers.application,
              message: 'Application code uses ports, not adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/projections/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: outerLayers.projections, message: 'Projections use ports, not adapters.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
