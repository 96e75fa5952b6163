import type { Money } from './money.js';
import type { PaymentEvent } from './paymentEvents.js';
import type { KnownPayment } from './paymentState.js';
import type { PaymentStatus } from './paymentStatus.js';

/**
 * What the settlement report needs of a payment at one instant: its status, when it reached it
 * (the provider's time where verified evidence gives one, else payrec's; its creation while it
 * is `pending`), and the amount it is for (the registered one, else the last reported).
 */
export type SettlementFacts = Readonly<{
  status: PaymentStatus;
  statusAt: string;
  amount: Money | null;
}>;

/** The settlement facts of a payment's state, as the domain's fold (`evolve`) leaves it. */
export const settlementFactsOf = (state: KnownPayment): SettlementFacts => ({
  status: state.status,
  statusAt: state.statusAt ?? state.createdAt,
  amount: state.expected?.amount ?? state.reportedAmount?.amount ?? null,
});

/** The part of a payment's state its settlement facts derive from. */
export type SettlementBasis = SettlementFacts &
  Readonly<{
    createdAt: string;
    expectedAmount: Money | null;
    reportedAmount: Money | null;
  }>;

/**
 * The settlement basis after one event: exactly the fields `evolve` sets for the five events
 * they depend on, so that a read model can keep them without the whole state (a property test
 * holds the two folds equal over decided histories). Any other event leaves the basis as it is
 * (the same object). A payment's stream starts with its registration or a provider's report:
 * the decider writes nothing else for an unknown payment.
 */
export const evolveSettlementBasis = (
  basis: SettlementBasis | null,
  event: PaymentEvent,
): SettlementBasis | null => {
  const started = (at: string): SettlementBasis =>
    basis ?? {
      status: 'pending',
      statusAt: at,
      amount: null,
      createdAt: at,
      expectedAmount: null,
      reportedAmount: null,
    };
  const withAmount = (next: SettlementBasis): SettlementBasis => ({
    ...next,
    amount: next.expectedAmount ?? next.reportedAmount,
  });
  switch (event.type) {
    case 'PaymentRegistered': {
      const current = started(event.data.registeredAt);
      return withAmount({ ...current, expectedAmount: event.data.expected.amount ?? null });
    }
    case 'ProviderReportRecorded': {
      const current = started(event.data.evidence.receivedAt);
      return withAmount({
        ...current,
        reportedAmount: event.data.report.amount ?? current.reportedAmount,
      });
    }
    case 'PaymentStatusChanged':
    case 'PaymentStatusCorrected': {
      const at =
        event.type === 'PaymentStatusChanged' ? event.data.changedAt : event.data.correctedAt;
      return { ...started(at), status: event.data.to, statusAt: event.data.providerAt ?? at };
    }
    case 'ProviderAmountAccepted':
      return withAmount({ ...started(event.data.acceptedAt), expectedAmount: event.data.to });
    default:
      return basis;
  }
};
