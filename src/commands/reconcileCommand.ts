import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../adapters/logging/createLogger.js';
import { openReadModelDatabase } from '../adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../adapters/readModels/sqliteReadModelStore.js';
import { createPaymentCommandHandler } from '../application/index.js';
import { loadConfig } from '../config.js';
import { providerNameSchema } from '../domain/index.js';
import { createServiceReconciler, openEventStore } from '../main.js';
import { catchUpProjection, paymentsProjection } from '../projections/index.js';

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
  const provider =
    values.provider === undefined ? undefined : providerNameSchema.safeParse(values.provider);
  if (!values.once || provider?.success === false) {
    process.stderr.write(`${reconcileUsage}\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const eventStore = openEventStore(config);
  const readModelDb = openReadModelDatabase(join(config.dataDir, 'readmodels.db'));
  const serviceDb = openReadModelDatabase(join(config.dataDir, 'payrec.db'));
  try {
    const readModelStore = createSqliteReadModelStore(readModelDb);
    await catchUpProjection({
      eventStore,
      readModels: readModelStore,
      projection: paymentsProjection,
    });
    const reconciler = createServiceReconciler(config, {
      readModelStore,
      serviceDb,
      handlePaymentCommand: createPaymentCommandHandler({ eventStore }),
      clock: { now: () => new Date() },
      logger,
    });
    const summary = await reconciler.runCycle(provider?.data);
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
    readModelDb.close();
    serviceDb.close();
    await eventStore.close();
  }
};
