import { defineConfig } from 'vitest/config';
import { closingLineReporter } from './test/support/closingLineReporter.js';

export default defineConfig({
  test: {
    reporters: ['default', closingLineReporter()],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Runs on its own after the others (`npm test`), so that its real processes and
          // timings do not compete with theirs for two cores.
          name: 'simulation',
          include: ['test/simulation/**/*.test.ts'],
          testTimeout: 600_000,
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Every answer from a service is checked against the OpenAPI document.
          setupFiles: ['test/support/checkedAnswers.setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
