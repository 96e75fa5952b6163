import { parseArgs } from 'node:util';
import {
  createDeliveryRecorder,
  createPaymentCommandHandler,
  findStoredDelivery,
  reportCommandsOf,
  foldRecorded,
  type VerifiedDelivery,
} from '../application/index.js';
import { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import { loadConfig } from '../config.js';
import {
  decide,
  paymentFromKey,
  paymentKey,
  paymentStreamName,
  type PaymentEvent,
} from '../domain/index.js';
import { WebhookRejected } from '../errors/index.js';
import type { EventStore } from '../domain/ports/index.js';
import { openStorage } from '../service/index.js';

export const deliveriesUsage = `Usage: payrec deliveries replay <deliveryId> [--dry-run]
  Re-verify a stored delivery against its stored receive time, show what the decider makes of it
  now, and (without --dry-run) apply that. A delivery id is what GET /deliveries lists.`;

const out = (line = '') => process.stdout.write(`${line}\n`);

/** What the decider makes of each report of the delivery, given the payments' streams now. */
const decisionsNow = async (eventStore: EventStore, delivery: VerifiedDelivery) =>
  Promise.all(
    reportCommandsOf(delivery).map(async (command) => {
      const state = foldRecorded(
        await eventStore.readStream(paymentStreamName(command.data.payment)),
      );
      return { command, events: decide(command, state) };
    }),
  );

const describe = (event: PaymentEvent): string =>
  event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected'
    ? `${event.type} ${event.data.from} → ${event.data.to}`
    : event.type;

/**
 * `payrec deliveries replay <id> [--dry-run]`: finds the delivery in the event log, verifies it
 * again with today's configuration but at the instant it was received (so an expired token or a
 * timestamp window judges it as it was then), and shows or applies what the decider makes of it
 * against the payment's current state. A delivery already recorded decides nothing: replay is
 * safe to run any number of times.
 */
export const deliveriesCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false } },
  });
  const [action, deliveryId] = positionals;
  if (action !== 'replay' || deliveryId === undefined || !/^[0-9a-f]{32}$/.test(deliveryId)) {
    process.stderr.write(`${deliveriesUsage}\n`);
    return 2;
  }
  const dryRun = values['dry-run'];
  const config = loadConfig();
  const storage = openStorage(config);
  const { eventStore } = storage;
  try {
    const candidates = new DeliveryLog(storage.serviceDb).paymentsOf(deliveryId).flatMap((key) => {
      const payment = paymentFromKey(key);
      return payment ? [payment] : [];
    });
    const stored = await findStoredDelivery(eventStore, deliveryId, candidates);
    if (stored === null) {
      process.stderr.write(`payrec: no stored delivery ${deliveryId} in the event log.\n`);
      return 1;
    }
    out(`delivery ${deliveryId}: ${stored.provider}, received ${stored.receivedAt}`);
    out(
      `  verified then: ${stored.verification.method}, ${stored.verification.trust}${stored.verification.detail ? ` (${stored.verification.detail})` : ''}`,
    );
    if (stored.verification.method === 'shared-secret') {
      out(
        '  cannot be re-verified: KKiaPay authenticates with the shared secret itself, which payrec never stores.',
      );
      return 1;
    }
    const verify =
      config.providers.find((provider) => provider.name === stored.provider)?.verifier({}) ?? null;
    if (verify === null) {
      process.stderr.write(
        `payrec: ${stored.provider} is not configured here (its webhook secret is not set), so its deliveries cannot be re-verified.\n`,
      );
      return 1;
    }
    let delivery: VerifiedDelivery;
    try {
      delivery = await verify({
        rawBody: Buffer.from(stored.received.body, 'utf8'),
        headers: stored.received.headers,
        receivedAt: new Date(stored.receivedAt),
      });
    } catch (error) {
      if (!(error instanceof WebhookRejected)) throw error;
      out(`  re-verification FAILED now: ${error.code}: ${error.message}`);
      return 1;
    }
    out(
      `  re-verified now, at its receive time: ${delivery.verification.method}, ${delivery.verification.trust}${delivery.verification.detail ? ` (${delivery.verification.detail})` : ''}`,
    );
    const decisions = await decisionsNow(eventStore, delivery);
    out('what the decider makes of it now:');
    for (const { command, events } of decisions) {
      const { payment, report } = command.data;
      out(
        `  ${paymentKey(payment)} "${report.providerStatus}" → ${report.status ?? 'no status'}: ${events.length === 0 ? 'nothing new (already recorded)' : events.map(describe).join(', ')}`,
      );
    }
    if (dryRun) {
      out('dry run: nothing appended.');
      return 0;
    }
    const recorded = await createDeliveryRecorder({
      handlePaymentCommand: createPaymentCommandHandler({ eventStore }),
    })(delivery);
    out(`applied: ${recorded.appended} event(s) appended.`);
    return 0;
  } finally {
    await storage.close();
  }
};
