import {
  paymentFromKey,
  paymentStreamName,
  type OperatorResolution,
  type PaymentCommand,
} from '../domain/index.js';
import type { EventStore } from '../domain/ports/index.js';
import {
  discrepancyFromStream,
  discrepancyOfPublicId,
  type DiscrepancyView,
} from '../projections/index.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';

/** What a person does to a discrepancy, and who they are. */
export type DiscrepancyAction =
  | Readonly<{ type: 'acknowledge'; actor: string; note: string }>
  | Readonly<{ type: 'resolve'; actor: string; note: string; resolution: OperatorResolution }>;

/** How it went: done (with the discrepancy as it now stands), unknown, or already resolved. */
export type DiscrepancyWorked =
  | Readonly<{ outcome: 'done' | 'already-resolved'; view: DiscrepancyView }>
  | Readonly<{ outcome: 'unknown' }>;

/**
 * A person's acknowledgement or resolution of the discrepancy a public id names, decided on its
 * payment's stream; the answer is folded from that stream, as the read model may lag behind.
 * `POST /discrepancies/{id}/…` and `payrec discrepancies acknowledge|resolve` both do this.
 */
export const workDiscrepancy = async (
  {
    handlePaymentCommand,
    eventStore,
  }: Readonly<{ handlePaymentCommand: PaymentCommandHandler; eventStore: EventStore }>,
  id: string,
  action: DiscrepancyAction,
  at: Date,
): Promise<DiscrepancyWorked> => {
  const named = discrepancyOfPublicId(id);
  const payment = named === null ? null : paymentFromKey(named.paymentKey);
  if (named === null || payment === null) return { outcome: 'unknown' };
  const { discrepancyId } = named;
  const { actor, note } = action;
  const command: PaymentCommand =
    action.type === 'acknowledge'
      ? {
          type: 'AcknowledgeDiscrepancy',
          data: { payment, discrepancyId, actor, note, at: at.toISOString() },
        }
      : {
          type: 'ResolveDiscrepancy',
          data: {
            payment,
            discrepancyId,
            resolution: action.resolution,
            actor,
            note,
            at: at.toISOString(),
          },
        };
  const { appended } = await handlePaymentCommand(command);
  const view = discrepancyFromStream(await eventStore.readStream(paymentStreamName(payment)), id);
  if (view === null) return { outcome: 'unknown' };
  return { outcome: appended.length === 0 ? 'already-resolved' : 'done', view };
};
