import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Reconciler } from '../processors/index.js';

/**
 * The node-cron poller: one reconciliation cycle per tick of `PAYREC_RECONCILE_CRON`, never two
 * at once. A cycle that checked something is logged with its summary.
 */
export const scheduleReconciliation = (
  config: Config,
  { reconciler, logger }: Readonly<{ reconciler: Reconciler; logger: Logger }>,
): ScheduledTask =>
  schedule(
    config.reconcileCron,
    async () => {
      const summary = await reconciler.runCycle();
      if (summary.ran && summary.due > 0) logger.info({ ...summary }, 'reconciliation cycle done');
    },
    { name: 'reconcile', noOverlap: true },
  );
