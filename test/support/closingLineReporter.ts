import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends a run with the plain closing line CI reads, `vitest: N passed, N failed, N skipped`,
 * after Vitest's own summary.
 */
export const closingLineReporter = (): Reporter => ({
  onTestRunEnd: (testModules: ReadonlyArray<TestModule>) => {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    process.stdout.write(
      `vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  },
});
