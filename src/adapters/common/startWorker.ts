import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside the caller: its `.js` file in the built service,
 * its `.ts` file through tsx's loader when payrec runs from its TypeScript sources (tests,
 * benchmarks). `moduleUrl` is `new URL('./name', import.meta.url)` without an extension.
 */
export const startWorker = (
  moduleUrl: URL,
  workerData: unknown,
  options: Readonly<{ resourceLimits?: ResourceLimits }> = {},
): Worker => {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(`${moduleUrl.href}${fromSources ? '.ts' : '.js'}`);
  return fromSources
    ? new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`,
        { eval: true, workerData, ...options },
      )
    : new Worker(url, { workerData, ...options });
};
