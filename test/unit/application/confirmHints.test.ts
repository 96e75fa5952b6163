import { describe, expect, it } from 'vitest';
import {
  confirmHintsAtOnce,
  type DeliveryRecorder,
  type RecordedDelivery,
  type VerifiedDelivery,
} from '../../../src/application/index.js';
import type { PaymentId, Trust } from '../../../src/domain/index.js';

/** The rule reads only a delivery's trust and its payments; no verifier is under test here. */
const aDelivery = (trust: Trust, payments: readonly PaymentId[]): VerifiedDelivery =>
  ({
    provider: 'kryptogo',
    deliveryKey: 'k',
    receivedAt: '2026-12-01T00:00:00.000Z',
    verification: { method: trust === 'hint' ? 'unsigned' : 'hmac-sha256', trust, detail: '' },
    reports: payments.map((payment) => ({
      payment,
      report: { vocabulary: 'status', providerStatus: 'success', status: 'success' },
    })),
    received: { body: '{}', headers: {} },
  }) as unknown as VerifiedDelivery;

const recording =
  (appended: number): DeliveryRecorder =>
  () =>
    Promise.resolve<RecordedDelivery>({ deliveryId: 'd', appended, repeated: appended === 0 });

describe('the hint rule: a hint is confirmed against the status endpoint at once', () => {
  const first = { provider: 'kryptogo', ref: 'PI-1' };
  const second = { provider: 'kryptogo', ref: 'PI-2' };

  it('asks about every payment of a new hint', async () => {
    const asked: PaymentId[] = [];
    const record = confirmHintsAtOnce(recording(2), (payment) => asked.push(payment));
    const recorded = await record(aDelivery('hint', [first, second]));
    expect(recorded.appended).toBe(2);
    expect(asked).toEqual([first, second]);
  });

  it('asks nothing for a repeat of a hint: its first arrival already asked', async () => {
    const asked: PaymentId[] = [];
    await confirmHintsAtOnce(recording(0), (payment) => asked.push(payment))(
      aDelivery('hint', [first]),
    );
    expect(asked).toEqual([]);
  });

  it('asks nothing for a verified delivery: it moves the payment by itself', async () => {
    const asked: PaymentId[] = [];
    await confirmHintsAtOnce(recording(1), (payment) => asked.push(payment))(
      aDelivery('verified', [first]),
    );
    expect(asked).toEqual([]);
  });
});
