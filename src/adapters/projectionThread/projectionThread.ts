import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { ProjectionStatus } from '../../projections/index.js';
import { startWorker } from '../common/startWorker.js';
import type {
  ProjectionWorkerData,
  ProjectionWorkerMessage,
  StorageError,
} from './projectionWorker.js';

const workerModule = new URL('./projectionWorker', import.meta.url);

export type ProjectionThreadOptions = ProjectionWorkerData &
  Readonly<{
    /** Called when the thread fails; it is started again from the checkpoints. */
    onError?: (error: unknown) => void;
    /** Told when a projection fails on the thread; the thread restarts it from its checkpoint. */
    onProjectionError?: (projections: string, error: string) => void;
    restartDelayMs?: number;
  }>;

/**
 * Runs the projections of the embedded store on a worker thread (see `projectionWorker.ts`).
 * `status()` is what the thread last reported; a thread that dies is restarted, and shows as not
 * running until it reports again.
 */
export const startProjectionThread = ({
  onError,
  onProjectionError,
  restartDelayMs = 1000,
  ...data
}: ProjectionThreadOptions) => {
  let statuses: ProjectionStatus[] = [];
  let storageErrors: readonly StorageError[] = [];
  let worker: Worker;
  let stopping = false;

  const start = () => {
    worker = startWorker(workerModule, data);
    worker.on('message', (message: ProjectionWorkerMessage) => {
      if (message.type === 'projectionFailed') {
        onProjectionError?.(message.projections, message.error);
      }
      if (message.type === 'status') {
        storageErrors = message.storageErrors;
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
      // No backfill runs until a thread starts again: the log's writer must not wait for one.
      if (data.eventLogBacklog !== undefined) Atomics.store(data.eventLogBacklog, 0, 0);
      if (!stopping) setTimeout(start, restartDelayMs).unref();
    });
  };
  start();

  return {
    status: (): ProjectionStatus[] => statuses,
    /**
     * Tells the thread that the event loop has just appended, so that its projections read now
     * rather than at their next poll (a write route waits for them).
     */
    nudge: (): void => {
      if (!stopping) worker.postMessage('appended');
    },
    /** The files whose background checkpoints fail, as the thread last reported them. */
    storageErrors: (): readonly StorageError[] => storageErrors,
    stop: async () => {
      stopping = true;
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      await exited;
    },
  };
};

export type ProjectionThread = ReturnType<typeof startProjectionThread>;
