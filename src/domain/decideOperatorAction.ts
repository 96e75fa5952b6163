import { amountDisagreement, discrepancyId, type OpenDiscrepancy } from './discrepancy.js';
import { fulfilmentRequests } from './decideReport.js';
import { settled } from './discrepancyDetection.js';
import type { AcknowledgeDiscrepancy, ResolveDiscrepancy } from './paymentCommands.js';
import type { PaymentEvent } from './paymentEvents.js';
import type { KnownPayment, PaymentState } from './paymentState.js';
import { canTransition, isTerminal } from './paymentStatus.js';

/** An acknowledgement of a discrepancy that is open; nothing for one that is not. */
export const acknowledge = (
  state: PaymentState,
  command: AcknowledgeDiscrepancy,
): PaymentEvent[] => {
  const { payment, discrepancyId: id, actor, note, at } = command.data;
  if (state.status === 'unknown' || !state.openDiscrepancies.some((open) => open.id === id)) {
    return [];
  }
  return [
    {
      type: 'DiscrepancyAcknowledged',
      data: { payment, discrepancyId: id, actor, note, acknowledgedAt: at },
    },
  ];
};

/**
 * `accepted-provider` on an amount or currency mismatch: the provider's figure becomes the
 * payment's own, and the status the mismatch held back applies, with its fulfilment, counted on
 * the day the provider gave. Nothing when the provider's figure is no longer the one the person
 * saw (a later report changed it: that is a new discrepancy to decide).
 */
const acceptProviderFigures = (
  state: KnownPayment,
  open: OpenDiscrepancy,
  command: ResolveDiscrepancy,
): PaymentEvent[] => {
  const { payment, discrepancyId: id, actor, note, at } = command.data;
  const held = state.heldBack ?? null;
  const reported = held?.amount ?? state.reportedAmount?.amount;
  const disagreement = amountDisagreement(state.expected?.amount, reported);
  if (
    reported === undefined ||
    disagreement === null ||
    discrepancyId(disagreement.kind, disagreement.ours, disagreement.theirs) !== open.id
  ) {
    return [];
  }
  const accepted: PaymentEvent = {
    type: 'ProviderAmountAccepted',
    data: {
      payment,
      from: state.expected?.amount ?? null,
      to: reported,
      discrepancyId: id,
      actor,
      note,
      acceptedAt: at,
    },
  };
  if (held === null || !canTransition(state.status, held.status)) return [accepted];
  const changed: PaymentEvent = {
    type: 'PaymentStatusChanged',
    data: {
      payment,
      from: state.status,
      to: held.status,
      deliveryKey: held.deliveryKey,
      channel: held.channel,
      changedAt: at,
      providerAt: held.providerAt ?? held.at,
    },
  };
  return [
    accepted,
    changed,
    ...(isTerminal(held.status) ? settled(state, held.deliveryKey, at) : []),
    ...fulfilmentRequests([changed], { amount: reported, orderId: state.orderId, at }),
  ];
};

/** A person's resolution of a discrepancy that is open; nothing for one that is not. */
export const resolveByOperator = (
  state: PaymentState,
  command: ResolveDiscrepancy,
): PaymentEvent[] => {
  const { payment, discrepancyId: id, resolution, actor, note, at } = command.data;
  const open =
    state.status === 'unknown'
      ? undefined
      : state.openDiscrepancies.find((candidate) => candidate.id === id);
  if (state.status === 'unknown' || open === undefined) return [];
  const resolved: PaymentEvent = {
    type: 'DiscrepancyResolved',
    data: {
      payment,
      discrepancyId: id,
      resolution,
      deliveryKey: null,
      resolvedAt: at,
      actor,
      note,
    },
  };
  const acceptsFigures =
    resolution === 'accepted-provider' &&
    (open.kind === 'amount-mismatch' || open.kind === 'currency-mismatch');
  return [resolved, ...(acceptsFigures ? acceptProviderFigures(state, open, command) : [])];
};
