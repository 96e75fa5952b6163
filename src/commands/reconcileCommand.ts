import { parseArgs } from 'node:util';
import { createLogger } from '../adapters/logging/createLogger.js';
import { createPaymentCommandHandler } from '../application/index.js';
import { loadConfig } from '../config.js';
import { catchUpProjection, createPaymentsProjection } from '../projections/index.js';
import {
  createServiceReconciler,
  createStatusEndpoints,
  openStorage,
  systemClock,
} from '../service/index.js';

export const reconcileUsage = `Usage: payrec reconcile --once [--provider P]
  One reconciliation cycle now over every payment that is due (a newly registered payment is due
  at once), then exit with a summary. Works whether or not payrec serve runs on the same store.`;

/**
 * `payrec reconcile --once [--provider P]`: brings the payments read model up to date from the
 * log (so it works without `payrec serve`), runs one cycle under the same cross-process lock as
 * the service's poller, and prints what it did.
 */
export const reconcileCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: { once: { type: 'boolean', default: false }, provider: { type: 'string' } },
  });
  if (!values.once) {
    process.stderr.write(
      `payrec: reconcile runs one cycle and exits, so it needs --once; payrec serve reconciles on its own schedule (PAYREC_RECONCILE_CRON).\n${reconcileUsage}\n`,
    );
    return 2;
  }
  const config = loadConfig();
  const providers = config.providers.map((configured) => configured.name);
  if (values.provider !== undefined && !providers.includes(values.provider)) {
    process.stderr.write(
      `payrec: --provider must be one of ${providers.join(', ')}.\n${reconcileUsage}\n`,
    );
    return 2;
  }
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const storage = openStorage(config);
  try {
    const statusEndpoints = createStatusEndpoints(config, { sharedSlots: storage.statusSlots });
    await catchUpProjection({
      eventStore: storage.eventStore,
      readModels: storage.readModels,
      projection: createPaymentsProjection(statusEndpoints.hasStatusEndpoint),
    });
    const reconciler = createServiceReconciler(config, {
      storage,
      statusEndpoints,
      handlePaymentCommand: createPaymentCommandHandler({ eventStore: storage.eventStore }),
      clock: systemClock,
      logger,
    });
    const summary = await reconciler.runCycle(values.provider);
    if (!summary.ran) {
      process.stderr.write(
        'payrec: another reconciliation cycle is running on this store; try again when it ends.\n',
      );
      return 1;
    }
    const counts = Object.entries(summary.results)
      .map(([result, count]) => `${result} ${count}`)
      .join(', ');
    const providers = Object.entries(summary.byProvider)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    process.stdout.write(
      `reconciled ${summary.due} due payment(s)${providers ? ` (${providers})` : ''} in ${(summary.durationMs / 1000).toFixed(2)} s (due set selected in ${summary.selectMs.toFixed(1)} ms)${counts ? `: ${counts}` : ''}\n`,
    );
    return 0;
  } finally {
    await storage.close();
  }
};
