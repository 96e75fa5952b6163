import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { ProjectionStatus } from '../../projections/index.js';
import { startWorker } from '../shared/startWorker.js';
import type { ProjectionWorkerData, ProjectionWorkerMessage } from './projectionWorker.js';

const workerModule = new URL('./projectionWorker', import.meta.url);

export type ProjectionThreadOptions = ProjectionWorkerData &
  Readonly<{
    /** Called when the thread fails; it is started again from the checkpoints. */
    onError?: (error: unknown) => void;
    restartDelayMs?: number;
  }>;

/**
 * Runs the projections of the embedded store on a worker thread (see `projectionWorker.ts`).
 * `status()` is what the thread last reported; a thread that dies is restarted, and shows as not
 * running until it reports again.
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
    worker = startWorker(workerModule, data);
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
