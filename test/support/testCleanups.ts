import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * What a test made, undone after each test in the reverse order (a process before the directory
 * it writes to): `add` any undo, `directory` a fresh temporary directory removed afterwards.
 */
export const cleanedUpAfterEach = () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    add: (cleanup: () => unknown): void => {
      cleanups.push(cleanup);
    },
    directory: (name: string): string => {
      const path = mkdtempSync(join(tmpdir(), `payrec-${name}-`));
      cleanups.push(() => {
        rmSync(path, { recursive: true, force: true });
      });
      return path;
    },
  };
};
