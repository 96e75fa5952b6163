import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { leaseHolder } from '../adapters/readModels/sqliteLease.js';
import { createLogger } from '../adapters/logging/createLogger.js';
import { createPaymentCommandHandler } from '../application/index.js';
import type { ProviderName } from '../domain/index.js';
import type { CycleSummary } from '../processors/index.js';
import { loadConfig } from '../config.js';
import {
  catchUpProjection,
  createPaymentsProjection,
  paymentsProjectionName,
} from '../projections/index.js';
import {
  createServiceReconciler,
  createStatusEndpoints,
  cycleHolderName,
  reconcileCycleLease,
  openStorage,
  systemClock,
} from '../service/index.js';

export const reconcileUsage = `Usage: payrec reconcile --once [--provider P] [--wait]
  One reconciliation cycle now over every payment that is due (a newly registered payment is due
  at once), then exit with a summary; a progress bar on a terminal. Works whether or not payrec
  serve runs on the same store. When another cycle is running (the service's), it says whose,
  since when and how many payments are still due, and exits 1; with --wait it waits for that
  cycle to end, then runs its own over what is still due.`;

const reconcileOptions = {
  once: { type: 'boolean', default: false },
  provider: { type: 'string' },
  wait: { type: 'boolean', default: false },
} as const;

type Storage = ReturnType<typeof openStorage>;

const stillDue = (storage: Storage): number =>
  storage.readModels.countDue(paymentsProjectionName, new Date().toISOString());

/** Whose cycle runs, since when, and what is left, in words. */
const otherCycle = (storage: Storage): string => {
  const lease = leaseHolder(storage.serviceDb, reconcileCycleLease);
  const who = lease === null ? 'another process' : cycleHolderName(lease.holder);
  const since =
    lease?.takenAt == null
      ? ''
      : ` since ${new Date(lease.takenAt).toISOString()} (${Math.round((Date.now() - lease.takenAt) / 1000)} s ago)`;
  return `another reconciliation cycle is running on this store (${who}${since}); ${stillDue(storage).toLocaleString('en-US')} payment(s) still due`;
};

/** The line a cycle ends with: how many were due, by provider, how long, and what came of them. */
const cycleSummary = (summary: CycleSummary): string => {
  const counts = Object.entries(summary.results)
    .map(([result, count]) => `${result} ${count}`)
    .join(', ');
  const providers = Object.entries(summary.byProvider)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return `reconciled ${summary.due} due payment(s)${providers ? ` (${providers})` : ''} in ${(summary.durationMs / 1000).toFixed(2)} s (due set selected in ${summary.selectMs.toFixed(1)} ms)${counts ? `: ${counts}` : ''}`;
};

/** A progress bar on a terminal's stderr; none in a pipe. */
const progressBar = (): SingleBar | null =>
  process.stderr.isTTY
    ? new SingleBar(
        {
          format: '  reconciling [{bar}] {value}/{total} payments | {eta_formatted} left',
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : null;

/**
 * `payrec reconcile --once [--provider P]`: brings the payments read model up to date from the
 * log (so it works without `payrec serve`), runs one cycle under the same cross-process lock as
 * the service's poller, and prints what it did.
 */
export const reconcileCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parseArgs({ args: [...args], options: reconcileOptions });
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
  const provider: ProviderName | undefined = values.provider;
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const storage = openStorage(config);
  try {
    const statusEndpoints = createStatusEndpoints(config, { sharedSlots: storage.statusSlots });
    await catchUpProjection({
      eventStore: storage.eventStore,
      readModels: storage.readModels,
      projection: createPaymentsProjection(statusEndpoints.hasStatusEndpoint),
    });
    const terminal = process.stderr.isTTY;
    const bar = progressBar();
    let checked = 0;
    let total = 0;
    const reconciler = createServiceReconciler(config, {
      storage,
      statusEndpoints,
      handlePaymentCommand: createPaymentCommandHandler({ eventStore: storage.eventStore }),
      clock: systemClock,
      logger,
      // The bar appears with the first check: a cycle that does not run draws nothing.
      onCheck: () => {
        checked += 1;
        if (checked === 1) bar?.start(Math.max(1, total), 0);
        bar?.update(checked);
      },
    });
    const run = async () => {
      checked = 0;
      total = stillDue(storage);
      try {
        return await reconciler.runCycle(provider);
      } finally {
        if (checked > 0) bar?.stop();
      }
    };
    let summary = await run();
    let waitedSince: number | null = null;
    while (!summary.ran) {
      if (!values.wait) {
        process.stderr.write(
          `payrec: ${otherCycle(storage)}. Try again when it ends, or wait for it with --wait.\n`,
        );
        return 1;
      }
      const now = Date.now();
      // A line when the wait starts, then one every 10 s (a terminal's line is rewritten).
      if (waitedSince === null || terminal || (now - waitedSince) % 10_000 < 1_000) {
        process.stderr.write(
          `${terminal ? '\r\u001b[K' : ''}payrec: waiting: ${otherCycle(storage)}.${terminal ? '' : '\n'}`,
        );
      }
      waitedSince ??= now;
      await sleep(1_000);
      summary = await run();
    }
    if (waitedSince !== null && terminal) process.stderr.write('\n');
    process.stdout.write(`${cycleSummary(summary)}\n`);
    return 0;
  } finally {
    await storage.close();
  }
};
