import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKryptogoVerifier } from '../../src/adapters/providers/kryptogo/kryptogoVerifier.js';
import {
  createDeliveryRecorder,
  createPaymentCommandHandler,
  replayDelivery,
} from '../../src/application/index.js';
import type { PaymentId } from '../../src/domain/index.js';
import { Secret } from '../../src/secret.js';
import { aKryptogoCallback } from '../support/webhookBuilders.js';
import { temporarySqliteStore } from '../support/temporaryStore.js';

const receivedAt = new Date('2026-11-24T10:00:00.000Z');
const verify = createKryptogoVerifier({
  callbackSecret: new Secret('kryptogo-test-secret-0123456789'),
});

/**
 * An unsigned KryptoGO callback (a hint) for `pi_HINT`, found in the log in another payment's
 * stream, as a delivery whose recording was cut short would leave it: its replay appends.
 */
describe('replaying a hint with apply', () => {
  let temporary: ReturnType<typeof temporarySqliteStore>;
  let scratch: ReturnType<typeof temporarySqliteStore>;
  let deliveryId: string;

  beforeEach(async () => {
    temporary = temporarySqliteStore();
    scratch = temporarySqliteStore();
    const delivery = verify({
      rawBody: Buffer.from(JSON.stringify(aKryptogoCallback({ payment_intent_id: 'pi_HINT' }))),
      headers: {},
      receivedAt,
    });
    expect(delivery.verification.trust).toBe('hint');
    const recorded = await createDeliveryRecorder({
      handlePaymentCommand: createPaymentCommandHandler({ eventStore: scratch.store }),
    })(delivery);
    deliveryId = recorded.deliveryId;
    const [stored] = await scratch.store.readStream('payment-kryptogo/pi_HINT');
    if (stored === undefined) throw new Error('the hint was not recorded');
    await temporary.store.appendToStream(
      'payment-kryptogo/pi_ELSEWHERE',
      [{ id: randomUUID(), type: stored.type, data: stored.data }],
      { expectedRevision: 'no_stream' },
    );
  });
  afterEach(async () => {
    await temporary.cleanup();
    await scratch.cleanup();
  });

  const replay = (apply: boolean, confirmed: PaymentId[]) =>
    replayDelivery(
      {
        eventStore: temporary.store,
        reverify: (_provider, request) => verify(request),
        handlePaymentCommand: createPaymentCommandHandler({ eventStore: temporary.store }),
        confirmHint: (payment) => {
          confirmed.push(payment);
          return Promise.resolve();
        },
      },
      deliveryId,
      [],
      { apply },
    );

  it('records the hint, then asks the status endpoint at once, as a received hint is', async () => {
    const confirmed: PaymentId[] = [];
    const replayed = await replay(true, confirmed);
    expect(replayed).toMatchObject({ outcome: 'replayed', appended: 1 });
    const stream = await temporary.store.readStream('payment-kryptogo/pi_HINT');
    expect(stream.map((event) => event.type)).toEqual(['ProviderReportRecorded']);
    // The hint moved nothing by itself (no status change): it waits for the provider's answer.
    expect(stream[0]?.data).toMatchObject({ evidence: { verification: { trust: 'hint' } } });
    expect(confirmed).toEqual([{ provider: 'kryptogo', ref: 'pi_HINT' }]);
  });

  it('asks nothing on a dry run, nor when the replay appends nothing', async () => {
    const confirmed: PaymentId[] = [];
    expect(await replay(false, confirmed)).toMatchObject({ appended: null });
    expect(confirmed).toEqual([]);
    await replay(true, confirmed);
    await replay(true, confirmed);
    expect(confirmed).toHaveLength(1);
  });
});
