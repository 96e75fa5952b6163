import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPaymentCommandHandler } from '../../src/application/index.js';
import { paymentStreamName, StreamConflict } from '../../src/domain/index.js';
import type { EventStore } from '../../src/domain/ports/index.js';
import { aPaymentId, aRegistration, aReportCommand, usd } from '../support/paymentBuilders.js';
import { temporarySqliteStore } from '../support/temporaryStore.js';

describe('the payment command handler on the embedded store', () => {
  let context: ReturnType<typeof temporarySqliteStore>;
  beforeEach(() => {
    context = temporarySqliteStore();
  });
  afterEach(async () => {
    await context.cleanup();
  });
  const stream = paymentStreamName(aPaymentId());

  it('appends what the decider decides and returns the new state', async () => {
    const handle = createPaymentCommandHandler({ eventStore: context.store });
    await handle(aRegistration({ amount: usd(10_000) }));
    const result = await handle(aReportCommand('success', { key: 'k1', amount: usd(10_000) }));
    expect(result.appended.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'PaymentStatusChanged',
      'FulfilmentRequested',
    ]);
    expect(result.after.status).toBe('success');
    const stored = await context.store.readStream(stream);
    expect(stored.map((event) => event.type)).toEqual([
      'PaymentRegistered',
      'ProviderReportRecorded',
      'PaymentStatusChanged',
      'FulfilmentRequested',
    ]);
  });

  it('appends nothing for a repeated delivery', async () => {
    const handle = createPaymentCommandHandler({ eventStore: context.store });
    await handle(aReportCommand('success', { key: 'k1' }));
    const repeat = await handle(aReportCommand('success', { key: 'k1' }));
    expect(repeat.appended).toEqual([]);
    expect(await context.store.readStream(stream)).toHaveLength(3);
  });

  it('applies every one of many deliveries for one payment that arrive at the same moment', async () => {
    const handle = createPaymentCommandHandler({ eventStore: context.store });
    const deliveries = Array.from({ length: 20 }, (_, index) =>
      aReportCommand(index === 7 ? 'success' : 'pending', { key: `concurrent-${index}` }),
    );
    const results = await Promise.all(deliveries.map((command) => handle(command)));
    expect(results.some((result) => result.retries > 0)).toBe(true);
    const stored = await context.store.readStream(stream);
    const recordedKeys = stored
      .filter((event) => event.type === 'ProviderReportRecorded')
      .map((event) => (event.data['evidence'] as { deliveryKey: string }).deliveryKey);
    expect(new Set(recordedKeys)).toEqual(
      new Set(deliveries.map((command) => command.data.evidence.deliveryKey)),
    );
    expect(stored.filter((event) => event.type === 'PaymentStatusChanged')).toHaveLength(1);
  });

  it('gives up with StreamConflict when the stream never stops changing', async () => {
    const store = context.store;
    const alwaysConflicting: EventStore = {
      readStream: (name) => store.readStream(name),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options) => store.subscribeToAll(options),
      eventsAfter: (position) => store.eventsAfter(position),
      leases: store.leases,
      ping: () => store.ping(),
      close: () => store.close(),
      appendToStream: () =>
        Promise.resolve({ ok: false, code: 'WRONG_EXPECTED_REVISION', actualRevision: 99n }),
    };
    const handle = createPaymentCommandHandler({ eventStore: alwaysConflicting, maxAttempts: 3 });
    await expect(handle(aReportCommand('success'))).rejects.toBeInstanceOf(StreamConflict);
  });
});
