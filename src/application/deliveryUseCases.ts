import { z } from 'zod';
import { paymentFromKey, type PaymentId, type ProviderName } from '../domain/index.js';
import type { DeliveryLogReader, DeliveryOutcome, EventStore } from '../domain/ports/index.js';
import { RequestRejected } from '../errors/index.js';
import { requireOperate, type Actor } from './actor.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import {
  describeVerification,
  replayDelivery,
  type DeliveryReverifier,
  type ReplayDecision,
} from './replayDelivery.js';

/** What became of a delivery, as the log lists it. */
export const deliveryOutcomes = [
  'accepted',
  'repeated',
  'rejected',
] as const satisfies readonly DeliveryOutcome[];

/** A stored delivery's id: 32 hex digits, as the delivery log lists it. */
export const deliveryIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits, as the delivery log lists it');

/** What a replay found and did, as the API and the console show it. */
export type ReplayReport = Readonly<{
  outcome: 'replayed' | 'not-reverifiable' | 'verification-failed';
  deliveryId: string;
  provider: string;
  receivedAt: string;
  verifiedThen: string;
  verifiedNow: string | null;
  /** Why it could not be verified again. */
  reason: string | null;
  decisions: readonly ReplayDecision[];
  /** Events appended; `null` on a dry run. */
  appended: number | null;
}>;

export type DeliveryUseCases = ReturnType<typeof createDeliveryUseCases>;

/**
 * Deliveries: the log, newest first, and the replay of a stored delivery (a dry run unless
 * applied): verified again at its receive time, decided on the payment as it stands now.
 */
export const createDeliveryUseCases = ({
  deliveryLog,
  eventStore,
  reverify,
  handlePaymentCommand,
  confirmHint,
}: Readonly<{
  deliveryLog: DeliveryLogReader;
  eventStore: EventStore;
  reverify: DeliveryReverifier;
  handlePaymentCommand: PaymentCommandHandler;
  /** Asks the provider about a payment whose replayed hint was just recorded (the hint rule). */
  confirmHint: (payment: PaymentId) => Promise<unknown>;
}>) => ({
  list: (
    query: Readonly<{
      provider?: ProviderName | undefined;
      outcome?: DeliveryOutcome | undefined;
      limit: number;
      cursor?: string | undefined;
    }>,
  ) => {
    const page = deliveryLog.list({
      limit: query.limit,
      ...(query.provider ? { provider: query.provider } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    if (page === null) {
      throw new RequestRejected('INVALID_QUERY', 'The cursor is not one this API issued.');
    }
    return page;
  },

  /** Replays a stored delivery; `NOT_FOUND` when the event log holds none by that id. */
  replay: async (actor: Actor, id: string, apply: boolean): Promise<ReplayReport> => {
    requireOperate(actor, 'replaying a delivery');
    const candidates = deliveryLog.paymentsOf(id).flatMap((key) => {
      const payment = paymentFromKey(key);
      return payment === null ? [] : [payment];
    });
    const replayed = await replayDelivery(
      { eventStore, reverify, handlePaymentCommand, confirmHint },
      id,
      candidates,
      { apply },
    );
    if (replayed.outcome === 'unknown') {
      throw new RequestRejected('NOT_FOUND', `No stored delivery ${id} in the event log.`);
    }
    const { stored } = replayed;
    return {
      outcome: replayed.outcome,
      deliveryId: id,
      provider: stored.provider,
      receivedAt: stored.receivedAt,
      verifiedThen: describeVerification(stored.verification),
      verifiedNow:
        replayed.outcome === 'replayed' ? describeVerification(replayed.verifiedNow) : null,
      reason:
        replayed.outcome === 'replayed'
          ? null
          : replayed.outcome === 'verification-failed'
            ? `${replayed.code}: ${replayed.reason}`
            : replayed.reason,
      decisions: replayed.outcome === 'replayed' ? replayed.decisions : [],
      appended: replayed.outcome === 'replayed' ? replayed.appended : null,
    };
  },
});
