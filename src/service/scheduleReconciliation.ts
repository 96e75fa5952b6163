import { createTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Fence } from '../domain/ports/index.js';
import type { Reconciler } from '../processors/index.js';
import type { RoleWork } from './roleKeeper.js';

/**
 * The node-cron poller: one reconciliation cycle per tick of `PAYREC_RECONCILE_CRON`, never two
 * at once. A cycle that checked something is logged with its summary; one that failed is logged
 * and never ends the process. A role: it runs in the process that holds it.
 */
export const scheduleReconciliation = (
  config: Config,
  { reconciler, logger }: Readonly<{ reconciler: Reconciler; logger: Logger }>,
): RoleWork => {
  // The fence of the lease this process took: every write of a cycle carries it.
  let fence: Fence | undefined;
  const task = createTask(
    config.reconcileCron,
    async () => {
      try {
        const summary = await reconciler.runCycle(undefined, fence);
        if (summary.ran && summary.due > 0)
          logger.info({ ...summary }, 'reconciliation cycle done');
      } catch (err) {
        // A cycle that could not even start (its lease is in a database that cannot be
        // written: a full disk) loses nothing: what is due stays due for the next tick.
        logger.error({ err }, 'reconciliation cycle failed; it runs again at the next tick');
      }
    },
    { name: 'reconcile', noOverlap: true },
  );
  return {
    start: (taken) => {
      fence = taken;
      void task.start();
    },
    stop: async () => {
      await task.stop();
    },
  };
};
