import type {
  Evidence,
  ExpectedPayment,
  Money,
  PaymentId,
  PaymentStatus,
  ProviderReport,
  RecordProviderReport,
  RegisterPayment,
  PaymentCommand,
  Trust,
} from '../../src/domain/index.js';
import { decide, evolve, initialState, type PaymentEvent } from '../../src/domain/index.js';

export const aPaymentId = (overrides: Partial<PaymentId> = {}): PaymentId => ({
  provider: 'kryptogo',
  ref: 'pi_0h39QkYfZps7AUD1',
  ...overrides,
});

export const usd = (minor: number): Money => ({ minor, currency: 'USD' });

const methodFor = (trust: Trust): Evidence['verification']['method'] => {
  switch (trust) {
    case 'authoritative':
      return 'status-api';
    case 'verified':
      return 'hmac-sha256';
    case 'hint':
      return 'unsigned';
  }
};

export const anEvidence = (overrides: Partial<Evidence> & { trust?: Trust } = {}): Evidence => {
  const { trust = 'verified', ...rest } = overrides;
  return {
    deliveryKey: 'delivery-1',
    channel: trust === 'authoritative' ? 'poll' : 'webhook',
    receivedAt: '2026-11-24T10:00:00.000Z',
    verification: { method: methodFor(trust), trust },
    ...rest,
  };
};

export const aReport = (
  status: PaymentStatus | null,
  overrides: Partial<ProviderReport> = {},
): ProviderReport => ({
  vocabulary: 'status',
  providerStatus: status ?? 'something_new',
  status,
  ...overrides,
});

/** A `RecordProviderReport` command; `key` is the delivery key, `trust` how it was verified. */
export const aReportCommand = (
  status: PaymentStatus | null,
  options: {
    key?: string;
    trust?: Trust;
    at?: string;
    amount?: Money;
    payment?: PaymentId;
    report?: Partial<ProviderReport>;
  } = {},
): RecordProviderReport => ({
  type: 'RecordProviderReport',
  data: {
    payment: options.payment ?? aPaymentId(),
    report: aReport(status, {
      ...(options.amount ? { amount: options.amount } : {}),
      ...options.report,
    }),
    evidence: anEvidence({
      deliveryKey: options.key ?? `delivery-${status ?? 'unknown'}`,
      ...(options.trust ? { trust: options.trust } : {}),
      ...(options.at ? { receivedAt: options.at } : {}),
    }),
  },
});

export const aRegistration = (
  expected: ExpectedPayment = { amount: usd(10_000), orderId: 'order-42' },
  overrides: Partial<RegisterPayment['data']> = {},
): RegisterPayment => ({
  type: 'RegisterPayment',
  data: {
    payment: aPaymentId(),
    expected,
    registeredAt: '2026-11-24T09:00:00.000Z',
    source: 'api',
    ...overrides,
  },
});

/** The events a sequence of commands produces, each decided on the state the previous left. */
export const historyOf = (...commands: PaymentCommand[]): PaymentEvent[] => {
  const events: PaymentEvent[] = [];
  let state = initialState();
  for (const command of commands) {
    for (const event of decide(command, state)) {
      events.push(event);
      state = evolve(state, event);
    }
  }
  return events;
};
