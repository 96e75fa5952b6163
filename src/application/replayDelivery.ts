import {
  decide,
  paymentKey,
  paymentStreamName,
  type PaymentEvent,
  foldRecorded,
} from '../domain/index.js';
import type { EventStore } from '../domain/ports/index.js';
import { WebhookRejected } from '../errors/index.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import { confirmHintsAtOnce } from './confirmHints.js';
import { createDeliveryRecorder, reportCommandsOf } from './recordDelivery.js';
import { findStoredDelivery, type StoredDelivery } from './storedDelivery.js';
import type { ReceivedDelivery, VerifiedDelivery } from './verifiedDelivery.js';
import type { PaymentId, ProviderName } from '../domain/index.js';

/** Verifies a stored delivery's bytes again, as its provider's module does; throws `WebhookRejected`. */
export type DeliveryReverifier = (
  provider: ProviderName,
  request: Readonly<{ rawBody: Buffer; headers: ReceivedDelivery['headers']; receivedAt: Date }>,
) => Promise<VerifiedDelivery> | VerifiedDelivery | null;

/** What the decider makes of one report of the delivery now. */
export type ReplayDecision = Readonly<{
  payment: string;
  providerStatus: string;
  status: string | null;
  /** The events it would append (or appended); none when it is already recorded. */
  events: readonly string[];
}>;

export type ReplayOutcome =
  | Readonly<{ outcome: 'unknown' }>
  | Readonly<{ outcome: 'not-reverifiable'; stored: StoredDelivery; reason: string }>
  | Readonly<{
      outcome: 'verification-failed';
      stored: StoredDelivery;
      code: string;
      reason: string;
    }>
  | Readonly<{
      outcome: 'replayed';
      stored: StoredDelivery;
      verifiedNow: VerifiedDelivery['verification'];
      decisions: readonly ReplayDecision[];
      /** `null` on a dry run; else how many events were appended. */
      appended: number | null;
    }>;

const describe = (event: PaymentEvent): string =>
  event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected'
    ? `${event.type} ${event.data.from} → ${event.data.to}`
    : event.type;

/**
 * Replays a stored delivery (`payrec deliveries replay`, `POST /deliveries/{id}/replay`, the
 * console): finds it in the event log, verifies it again with today's configuration but at the
 * instant it was received (so an expired token or a timestamp window judges it as it was then),
 * and shows, or with `apply` records, what the decider makes of it against the payments' state
 * now. A delivery already recorded decides nothing: replay is safe to run any number of times.
 * KKiaPay's deliveries cannot be verified again: their proof is the shared secret itself, which
 * payrec never stores.
 */
export const replayDelivery = async (
  {
    eventStore,
    reverify,
    handlePaymentCommand,
    confirmHint,
  }: Readonly<{
    eventStore: EventStore;
    reverify: DeliveryReverifier;
    /** Records what `apply` applies: the caller's own handler (the service's, the command's). */
    handlePaymentCommand: PaymentCommandHandler;
    /**
     * Asks the provider's status endpoint about a payment whose hint `apply` just recorded (the
     * hint rule, as at receipt: `confirmHintsAtOnce`); awaited, so a command sees it done.
     */
    confirmHint: (payment: PaymentId) => Promise<unknown>;
  }>,
  deliveryId: string,
  candidates: readonly PaymentId[],
  { apply }: Readonly<{ apply: boolean }>,
): Promise<ReplayOutcome> => {
  const stored = await findStoredDelivery(eventStore, deliveryId, candidates);
  if (stored === null) return { outcome: 'unknown' };
  if (stored.verification.method === 'shared-secret') {
    return {
      outcome: 'not-reverifiable',
      stored,
      reason:
        'KKiaPay authenticates with the shared secret itself, which payrec never stores: its deliveries cannot be verified again.',
    };
  }
  let delivery: VerifiedDelivery | null;
  try {
    delivery = await reverify(stored.provider, {
      rawBody: Buffer.from(stored.received.body, 'utf8'),
      headers: stored.received.headers,
      receivedAt: new Date(stored.receivedAt),
    });
  } catch (error) {
    if (!(error instanceof WebhookRejected)) throw error;
    return { outcome: 'verification-failed', stored, code: error.code, reason: error.message };
  }
  if (delivery === null) {
    return {
      outcome: 'not-reverifiable',
      stored,
      reason: `${stored.provider} is not configured here (its webhook secret is not set), so its deliveries cannot be verified again.`,
    };
  }
  const decisions = await Promise.all(
    reportCommandsOf(delivery).map(async (command) => {
      const state = foldRecorded(
        await eventStore.readStream(paymentStreamName(command.data.payment)),
      );
      const { payment, report } = command.data;
      return {
        payment: paymentKey(payment),
        providerStatus: report.providerStatus,
        status: report.status,
        events: decide(command, state).map(describe),
      };
    }),
  );
  // The hint rule holds for a replayed delivery as for a received one: a hint that is recorded
  // moves nothing until the provider's status endpoint confirms it, and it is asked at once.
  const pending: Array<Promise<unknown>> = [];
  const record = confirmHintsAtOnce(createDeliveryRecorder({ handlePaymentCommand }), (payment) => {
    pending.push(confirmHint(payment));
  });
  const appended = apply ? (await record(delivery)).appended : null;
  await Promise.all(pending);
  return { outcome: 'replayed', stored, verifiedNow: delivery.verification, decisions, appended };
};

/** How a delivery was verified, in words: `hmac-sha256, verified (v1)`. */
export const describeVerification = ({
  method,
  trust,
  detail,
}: VerifiedDelivery['verification']): string =>
  `${method}, ${trust}${detail ? ` (${detail})` : ''}`;
