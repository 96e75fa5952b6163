import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { ProjectionStatus } from '../../projections/index.js';
import type { ProjectionWorkerData, ProjectionWorkerMessage } from './projectionWorker.js';

const fromSources = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./projectionWorker${fromSources ? '.ts' : '.js'}`, import.meta.url);

export type ProjectionThreadOptions = ProjectionWorkerData &
  Readonly<{
    /** Called when the thread fails; it is started again from the checkpoints. */
    onError?: (error: unknown) => void;
    restartDelayMs?: number;
  }>;

/**
 * Runs the projections of the embedded store on a worker thread (see `projectionWorker.ts`).
 * `status()` is what the thread last reported; a thread that dies is restarted, and shows as not
 * running until it reports again. Run from the TypeScript sources, the worker is started through
 * tsx's loader, as the SQLite writer thread is.
 */
export const startProjectionThread = ({
  onError,
  restartDelayMs = 1000,
  ...data
}: ProjectionThreadOptions) => {
  let statuses: ProjectionStatus[] = [];
  let worker: Worker;
  let stopping = false;

  const start = () => {
    worker = fromSources
      ? new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`,
          { eval: true, workerData: data },
        )
      : new Worker(workerUrl, { workerData: data });
    worker.on('message', (message: ProjectionWorkerMessage) => {
      if (message.type === 'status') {
        statuses = message.statuses.map((status) => ({
          ...status,
          position: BigInt(status.position),
        }));
      }
    });
    worker.on('error', (error) => {
      onError?.(error);
    });
    worker.on('exit', () => {
      statuses = statuses.map((status) => ({ ...status, running: false }));
      if (!stopping) setTimeout(start, restartDelayMs).unref();
    });
  };
  start();

  return {
    status: (): ProjectionStatus[] => statuses,
    stop: async () => {
      stopping = true;
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      await exited;
    },
  };
};

export type ProjectionThread = ReturnType<typeof startProjectionThread>;
