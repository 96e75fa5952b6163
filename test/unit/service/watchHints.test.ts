import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  paymentStreamName,
  toNewEvent,
  type PaymentId,
  type Trust,
} from '../../../src/domain/index.js';
import type { EventStore, SubscribeOptions } from '../../../src/domain/ports/index.js';
import type { Reconciler } from '../../../src/processors/index.js';
import { watchHints } from '../../../src/service/watchHints.js';
import { aReportCommand, historyOf } from '../../support/paymentBuilders.js';
import { temporarySqliteStore } from '../../support/temporaryStore.js';
import { waitFor } from '../../support/waitFor.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const fence = { role: 'reconciler', token: 1n };

/** A payment's first report, stored as payrec stores it. */
const recordReport = async (store: EventStore, payment: PaymentId, trust: Trust) => {
  const events = historyOf(aReportCommand('success', { payment, trust, key: randomUUID() }));
  await store.appendToStream(
    paymentStreamName(payment),
    events.map((event) => toNewEvent(event, randomUUID())),
    { expectedRevision: 'no_stream' },
  );
};

/** The watch over a real embedded store, with what it asked about and how it subscribed. */
const watching = (providers: readonly string[]) => {
  const { store, cleanup } = temporarySqliteStore();
  cleanups.push(cleanup);
  const subscriptions: SubscribeOptions[] = [];
  const subscribeToAll: EventStore['subscribeToAll'] = (options) => {
    subscriptions.push(options);
    return store.subscribeToAll(options);
  };
  // The store itself, but for the subscriptions it notes.
  const eventStore = new Proxy(store, {
    get: (target, key) => {
      if (key === 'subscribeToAll') return subscribeToAll;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  }) as EventStore;
  const asked: PaymentId[] = [];
  const reconciler = {
    checkNow: (payment: PaymentId) => {
      asked.push(payment);
    },
  } as unknown as Reconciler;
  const work = watchHints({ eventStore, reconciler, logger: pino({ level: 'silent' }), providers });
  cleanups.unshift(() => work.stop());
  return { store: eventStore, work, asked, subscriptions };
};

describe('watching for hints (the reconciler role)', () => {
  it('asks at once about each new hint of a provider that sends hints, and about nothing verified', async () => {
    const { store, work, asked } = watching(['kkiapay', 'kryptogo']);
    work.start(fence);
    const hint = { provider: 'kkiapay', ref: 'tx-hint' };
    const unsignedCallback = { provider: 'kryptogo', ref: 'pi-unsigned' };
    await recordReport(store, { provider: 'kryptogo', ref: 'pi-signed' }, 'verified');
    await recordReport(store, hint, 'hint');
    await recordReport(store, unsignedCallback, 'hint');

    await waitFor(() => (asked.length >= 2 ? true : undefined));
    expect(asked).toEqual([hint, unsignedCallback]);
  });

  it("reads only the streams of the providers that send hints, never a signed provider's", async () => {
    const { store, work, asked, subscriptions } = watching(['kkiapay', 'kryptogo']);
    work.start(fence);
    // A report that claims to be a hint on a Kraken Embed stream cannot be one (every Kraken Embed
    // delivery is signed): if the watch read that stream, it would ask about it.
    await recordReport(store, { provider: 'kraken-embed', ref: 'quote-1' }, 'hint');
    const after = { provider: 'kkiapay', ref: 'tx-after' };
    await recordReport(store, after, 'hint');

    await waitFor(() => (asked.length >= 1 ? true : undefined));
    expect(asked).toEqual([after]);
    expect(subscriptions.map((options) => options.filter)).toEqual([
      { streamPrefixes: ['payment-kkiapay/', 'payment-kryptogo/'] },
    ]);
  });

  it('subscribes to nothing when no configured provider sends hints', () => {
    const { work, subscriptions } = watching([]);
    work.start(fence);
    expect(subscriptions).toEqual([]);
  });
});
