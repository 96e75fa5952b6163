// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Only the provider verifiers may brand a delivery as verified (STYLE.md §5). */
const onlyVerifiersMarkVerified = {
  group: ['**/application/index.js', '**/application/verifiedDelivery.js'],
  importNames: ['markVerified'],
  message: 'Only the provider verifiers may mark a delivery as verified.',
};

/**
 * Imports a layer may not make (STYLE.md §1): dependencies point inward only. The domain sees
 * itself; the application, the projections and the processors see the domain and its ports,
 * never an adapter, the configuration, the service's wiring or the composition root.
 */
const wiring = ['**/config.js', '**/main.js', '**/service/**', '**/commands/**', '**/cli.js'];
const outerLayers = {
  domain: [
    '**/adapters/**',
    '**/projections/**',
    '**/application/**',
    '**/processors/**',
    '**/errors/**',
    ...wiring,
  ],
  application: ['**/adapters/**', '**/processors/**', ...wiring],
  // Read models fold events with the domain's own fold; use cases come after them, never before.
  projections: ['**/adapters/**', '**/application/**', '**/processors/**', ...wiring],
  processors: ['**/adapters/**', ...wiring],
  // An adapter gets its settings from its own fragment (a provider module) or as options from the
  // service; none reads the configuration module, nor reaches back into the wiring.
  adapters: [...wiring, '**/processors/**'],
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
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'sim/**/*.ts'],
    ignores: [
      'src/adapters/providers/**',
      'src/application/**',
      'src/domain/**',
      'src/projections/**',
      'src/processors/**',
      'src/adapters/**',
      // (Those folders' own blocks below repeat this pattern: a later block's options replace an
      // earlier one's for the same rule.)
      // A provider module that exists only in the tests (one folder, as a contributor adds one).
      'test/support/acmePay/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [onlyVerifiersMarkVerified],
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
        { name: 'setTimeout', message: 'The domain is pure.' },
      ],
      // Instants are computed from (domain/instant.ts), never read from a clock.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a string-literal union or an as-const object.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time arrives as a command field, not from a clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time arrives as a command field, not from a clock.',
        },
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
    // Processors (the reconciler, the fulfilment dispatcher) are policy with all I/O injected.
    files: ['src/processors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outerLayers.processors,
              message: 'Processors see ports, never adapters or the wiring.',
            },
            onlyVerifiersMarkVerified,
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/adapters/providers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outerLayers.adapters,
              message:
                'Adapters take their settings as options; they never read the configuration module or the wiring.',
            },
            onlyVerifiersMarkVerified,
          ],
        },
      ],
    },
  },
  {
    // Provider modules also bind markVerified; they take their settings from their own fragment.
    files: ['src/adapters/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outerLayers.adapters,
              message:
                'A provider module reads its own fragment of the environment (envSchemas), never the configuration module or the wiring.',
            },
          ],
        },
      ],
    },
  },
  {
    // Commands reach use cases, as the API's routes and the console's pages do; none reaches
    // another adapter's HTTP routes, filters or schemas.
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/http/**'],
              message: 'Commands call use cases (application/), never the HTTP adapter.',
            },
            onlyVerifiersMarkVerified,
          ],
        },
      ],
    },
  },
  {
    // Rooms a reader can hold: no file over 400 lines, no function over 80 (code lines, without
    // comments and blank ones) unless a comment at it says why it is better whole.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'sim/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
