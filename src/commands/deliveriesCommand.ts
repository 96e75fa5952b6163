import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createDeliveryUseCases, createPaymentCommandHandler } from '../application/index.js';
import { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import { createLogger } from '../adapters/logging/createLogger.js';
import { loadConfig } from '../config.js';
import {
  createServiceReconciler,
  createStatusEndpoints,
  openStorage,
  reverifierOf,
  systemClock,
} from '../service/index.js';

export const deliveriesUsage = `Usage: payrec deliveries replay <deliveryId> [--dry-run]
  Re-verify a stored delivery against its stored receive time, show what the decider makes of it
  now, and (without --dry-run) apply that. A delivery id is what GET /deliveries lists.`;

const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `payrec deliveries replay <id> [--dry-run]`: the replay use case on the command line:
 * re-verified at its receive time, what the decider makes of it now, applied unless a dry run.
 */
export const deliveriesCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false } },
  });
  const [action, deliveryId, ...extra] = positionals;
  if (action !== 'replay' || deliveryId === undefined || !/^[0-9a-f]{32}$/.test(deliveryId)) {
    process.stderr.write(
      `payrec: ${action !== 'replay' ? `unknown action ${action === undefined ? '(none)' : JSON.stringify(action)}: the one action is replay` : deliveryId === undefined ? 'name the delivery to replay' : `${JSON.stringify(deliveryId)} is not a delivery id (32 hex digits, as GET /deliveries lists)`}\n${deliveriesUsage}\n`,
    );
    return 2;
  }
  if (extra.length > 0) {
    process.stderr.write(
      `payrec: unexpected argument ${JSON.stringify(extra[0])}\n${deliveriesUsage}\n`,
    );
    return 2;
  }
  const dryRun = values['dry-run'];
  const config = loadConfig();
  const storage = openStorage(config);
  try {
    const handlePaymentCommand = createPaymentCommandHandler({ eventStore: storage.eventStore });
    // A replayed hint is confirmed by the provider's status endpoint before the command exits.
    const reconciler = createServiceReconciler(config, {
      storage,
      statusEndpoints: createStatusEndpoints(config, { sharedSlots: storage.statusSlots }),
      handlePaymentCommand,
      clock: systemClock,
      logger: createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }),
    });
    // The same use case as POST /deliveries/{id}/replay; whoever runs payrec here may operate.
    const deliveries = createDeliveryUseCases({
      deliveryLog: new DeliveryLog(storage.serviceDb),
      eventStore: storage.eventStore,
      reverify: reverifierOf(config),
      handlePaymentCommand,
      confirmHint: reconciler.checkOne,
    });
    // An unknown id is the use case's NOT_FOUND, which the CLI prints with exit 1.
    const replayed = await deliveries.replay(
      { name: `cli:${userInfo().username}`, role: 'operate' },
      deliveryId,
      !dryRun,
    );
    out(`delivery ${deliveryId}: ${replayed.provider}, received ${replayed.receivedAt}`);
    out(`  verified then: ${replayed.verifiedThen}`);
    if (replayed.outcome === 'not-reverifiable') {
      out(`  cannot be re-verified: ${replayed.reason ?? ''}`);
      return 1;
    }
    if (replayed.outcome === 'verification-failed') {
      out(`  re-verification FAILED now: ${replayed.reason ?? ''}`);
      return 1;
    }
    out(`  re-verified now, at its receive time: ${replayed.verifiedNow ?? ''}`);
    out('what the decider makes of it now:');
    for (const decision of replayed.decisions) {
      out(
        `  ${decision.payment} "${decision.providerStatus}" → ${decision.status ?? 'no status'}: ${decision.events.length === 0 ? 'nothing new (already recorded)' : decision.events.join(', ')}`,
      );
    }
    out(
      replayed.appended === null
        ? 'dry run: nothing appended.'
        : `applied: ${replayed.appended} event(s) appended.`,
    );
    return 0;
  } finally {
    await storage.close();
  }
};
