import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Whether payrec runs from its TypeScript sources (tests, benchmarks) rather than its build. */
const fromSources = import.meta.url.endsWith('.ts');

/**
 * The file of a module named without its extension (`new URL('./name', import.meta.url)`): its
 * `.js` file in the built service, its `.ts` file when payrec runs from its sources.
 */
export const moduleFileOf = (moduleUrl: URL): URL =>
  new URL(`${moduleUrl.href}${fromSources ? '.ts' : '.js'}`);

/**
 * Starts a worker thread from a module beside the caller (`moduleFileOf`): from its TypeScript
 * sources through tsx's loader, which the thread registers first.
 */
export const startWorker = (
  moduleUrl: URL,
  workerData: unknown,
  options: Readonly<{ resourceLimits?: ResourceLimits }> = {},
): Worker => {
  const url = moduleFileOf(moduleUrl);
  return fromSources
    ? new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`,
        { eval: true, workerData, ...options },
      )
    : new Worker(url, { workerData, ...options });
};
