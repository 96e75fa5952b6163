import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleLost } from '../../src/domain/index.js';
import type {
  EventStore,
  NewEvent,
  RecordedEvent,
  Subscription,
} from '../../src/domain/ports/index.js';

export type EventStoreUnderTest = Readonly<{ store: EventStore; cleanup: () => Promise<void> }>;

export type EventStoreContractOptions = Readonly<{
  /** How long to wait for a live event to reach a subscription. */
  liveEventTimeoutMs?: number;
  /**
   * Whether global positions are dense (one per event, the embedded store), so that
   * `eventsAfter` can count; otherwise it must answer `null` (EventStoreDB's are byte offsets).
   */
  densePositions: boolean;
}>;

const anEvent = (
  type: string,
  data: NewEvent['data'] = {},
  metadata?: NewEvent['metadata'],
): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  ...(metadata ? { metadata } : {}),
});

/** Takes `count` events from a subscription, failing after `timeoutMs`. */
const take = async (
  subscription: Subscription,
  count: number,
  timeoutMs: number,
): Promise<RecordedEvent[]> => {
  const taken: RecordedEvent[] = [];
  if (count === 0) return taken;
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => {
      reject(
        new Error(
          `subscription delivered ${taken.length} of ${count} events within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs),
  );
  const reading = (async () => {
    for await (const event of subscription) {
      taken.push(event);
      if (taken.length === count) break;
    }
    return taken;
  })();
  return Promise.race([reading, timeout]);
};

/**
 * The event store contract: one suite that both adapters must pass. Every stream and event type
 * it uses carries a fresh run id, so it also runs against a shared, long-lived EventStoreDB.
 */
export const eventStoreContract = (
  name: string,
  factory: () => Promise<EventStoreUnderTest>,
  options: EventStoreContractOptions,
): void => {
  const liveTimeout = options.liveEventTimeoutMs ?? 5_000;

  describe(`${name} event store contract`, () => {
    let underTest: EventStoreUnderTest;
    let store: EventStore;
    const run = randomUUID().slice(0, 8);
    const stream = (label: string) => `contract${run}-${label}`;
    const type = (label: string) => `Contract${run}${label}`;

    beforeAll(async () => {
      underTest = await factory();
      store = underTest.store;
    });
    afterAll(async () => {
      await underTest.cleanup();
    });

    describe('expected revision', () => {
      it('creates a stream when none is expected, and counts revisions from 0', async () => {
        const result = await store.appendToStream(
          stream('new'),
          [anEvent(type('A')), anEvent(type('B'))],
          {
            expectedRevision: 'no_stream',
          },
        );
        expect(result).toMatchObject({ ok: true, nextRevision: 1n });
        const events = await store.readStream(stream('new'));
        expect(events.map((event) => [event.type, event.revision])).toEqual([
          [type('A'), 0n],
          [type('B'), 1n],
        ]);
      });

      it('refuses to create a stream that exists, saying where it is', async () => {
        await store.appendToStream(stream('exists'), [anEvent(type('A'))], {
          expectedRevision: 'no_stream',
        });
        const result = await store.appendToStream(stream('exists'), [anEvent(type('A'))], {
          expectedRevision: 'no_stream',
        });
        expect(result).toEqual({ ok: false, code: 'WRONG_EXPECTED_REVISION', actualRevision: 0n });
        expect(await store.readStream(stream('exists'))).toHaveLength(1);
      });

      it('appends at the exact revision and refuses a stale one', async () => {
        await store.appendToStream(stream('exact'), [anEvent(type('A'))], {
          expectedRevision: 'no_stream',
        });
        expect(
          await store.appendToStream(stream('exact'), [anEvent(type('B'))], {
            expectedRevision: 0n,
          }),
        ).toMatchObject({ ok: true, nextRevision: 1n });
        expect(
          await store.appendToStream(stream('exact'), [anEvent(type('C'))], {
            expectedRevision: 0n,
          }),
        ).toEqual({ ok: false, code: 'WRONG_EXPECTED_REVISION', actualRevision: 1n });
        expect(
          await store.appendToStream(stream('absent'), [anEvent(type('C'))], {
            expectedRevision: 3n,
          }),
        ).toEqual({ ok: false, code: 'WRONG_EXPECTED_REVISION', actualRevision: 'no_stream' });
      });

      it('appends anywhere with "any"', async () => {
        for (let index = 0; index < 3; index += 1) {
          expect(
            await store.appendToStream(stream('any'), [anEvent(type('A'))], {
              expectedRevision: 'any',
            }),
          ).toMatchObject({ ok: true, nextRevision: BigInt(index) });
        }
      });

      it('lets exactly one of several concurrent writers at the same revision through', async () => {
        await store.appendToStream(stream('race'), [anEvent(type('A'))], {
          expectedRevision: 'no_stream',
        });
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            store.appendToStream(stream('race'), [anEvent(type('B'))], { expectedRevision: 0n }),
          ),
        );
        expect(results.filter((result) => result.ok)).toHaveLength(1);
        expect(await store.readStream(stream('race'))).toHaveLength(2);
      });
    });

    describe('idempotency', () => {
      it('treats a retried append of the same event ids as a no-op', async () => {
        const events = [anEvent(type('A')), anEvent(type('B'))];
        const first = await store.appendToStream(stream('retry'), events, {
          expectedRevision: 'no_stream',
        });
        const retried = await store.appendToStream(stream('retry'), events, {
          expectedRevision: 'no_stream',
        });
        expect(first).toMatchObject({ ok: true, nextRevision: 1n });
        expect(retried).toMatchObject({ ok: true, nextRevision: 1n });
        expect(await store.readStream(stream('retry'))).toHaveLength(2);
      });

      it('treats a retry with "any" as a no-op too', async () => {
        const events = [anEvent(type('A'))];
        await store.appendToStream(stream('retry-any'), events, { expectedRevision: 'any' });
        await store.appendToStream(stream('retry-any'), events, { expectedRevision: 'any' });
        expect(await store.readStream(stream('retry-any'))).toHaveLength(1);
      });
    });

    describe('reading', () => {
      it('reads a stream that does not exist as empty', async () => {
        expect(await store.readStream(stream('never-written'))).toEqual([]);
      });

      it('keeps data and metadata exactly, including nested values and non-ASCII text', async () => {
        const data = {
          amount: { minor: 30_000, currency: 'TWD' },
          note: 'ça coûte 300 NT$ — 支付',
          list: [1, null, true],
        };
        const metadata = { deliveryId: 'd-1', causationId: null };
        await store.appendToStream(stream('data'), [anEvent(type('A'), data, metadata)], {
          expectedRevision: 'no_stream',
        });
        const [event] = await store.readStream(stream('data'));
        expect(event?.data).toEqual(data);
        expect(event?.metadata).toEqual(metadata);
        expect(event?.streamName).toBe(stream('data'));
        expect(Number.isNaN(Date.parse(event?.recordedAt ?? ''))).toBe(false);
      });

      it("keeps a migrated event's original time, and its metadata as given", async () => {
        const recordedAt = '2025-03-04T05:06:07.089Z';
        const metadata = { schemaVersion: 1, instance: 'elsewhere' };
        await store.appendToStream(
          stream('migrated'),
          [{ ...anEvent(type('A'), { moved: true }, metadata), recordedAt }, anEvent(type('B'))],
          { expectedRevision: 'no_stream' },
        );
        const [moved, fresh] = await store.readStream(stream('migrated'));
        expect(moved?.recordedAt).toBe(recordedAt);
        expect(moved?.metadata).toEqual(metadata);
        // Without one, the store records the time of the append.
        expect(Date.parse(fresh?.recordedAt ?? '')).toBeGreaterThan(Date.parse(recordedAt));
      });

      it('keeps one global order across streams, and reads after a position exclusively', async () => {
        const prefix = stream('order-');
        for (const label of ['x', 'y', 'x', 'z', 'y']) {
          await store.appendToStream(`${prefix}${label}`, [anEvent(type(`Order${label}`))], {
            expectedRevision: 'any',
          });
        }
        const all = await store.readAll({ maxCount: 100, filter: { streamPrefixes: [prefix] } });
        expect(all.map((event) => event.streamName.slice(prefix.length))).toEqual([
          'x',
          'y',
          'x',
          'z',
          'y',
        ]);
        const positions = all.map((event) => event.globalPosition);
        expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);

        const afterSecond = await store.readAll({
          after: positions[1] ?? 0n,
          maxCount: 2,
          filter: { streamPrefixes: [prefix] },
        });
        expect(afterSecond.map((event) => event.globalPosition)).toEqual(positions.slice(2, 4));
      });

      it('filters the global log by event type', async () => {
        await store.appendToStream(
          stream('types-1'),
          [anEvent(type('Wanted')), anEvent(type('Other'))],
          {
            expectedRevision: 'no_stream',
          },
        );
        await store.appendToStream(stream('types-2'), [anEvent(type('Wanted'))], {
          expectedRevision: 'no_stream',
        });
        const wanted = await store.readAll({
          maxCount: 100,
          filter: { eventTypes: [type('Wanted')] },
        });
        expect(wanted.map((event) => event.streamName)).toEqual([
          stream('types-1'),
          stream('types-2'),
        ]);
      });
    });

    describe('catch-up subscriptions', () => {
      it('delivers the events after a checkpoint, then keeps delivering new ones', async () => {
        const prefix = stream('sub-');
        for (const label of ['a', 'b', 'c']) {
          await store.appendToStream(`${prefix}${label}`, [anEvent(type('Sub'), { label })], {
            expectedRevision: 'no_stream',
          });
        }
        const stored = await store.readAll({ maxCount: 10, filter: { streamPrefixes: [prefix] } });
        const subscription = store.subscribeToAll({
          after: stored[0]?.globalPosition ?? 0n,
          filter: { streamPrefixes: [prefix] },
        });
        try {
          const reading = take(subscription, 3, liveTimeout);
          setTimeout(() => {
            void store.appendToStream(`${prefix}d`, [anEvent(type('Sub'), { label: 'd' })], {
              expectedRevision: 'no_stream',
            });
          }, 50);
          const received = await reading;
          expect(received.map((event) => event.data['label'])).toEqual(['b', 'c', 'd']);
        } finally {
          await subscription.unsubscribe();
        }
      });

      it('delivers only the event types asked for', async () => {
        const wanted = type('SubWanted');
        const subscription = store.subscribeToAll({ filter: { eventTypes: [wanted] } });
        try {
          const reading = take(subscription, 2, liveTimeout);
          await store.appendToStream(
            stream('subtypes'),
            [anEvent(type('SubOther')), anEvent(wanted, { n: 1 })],
            {
              expectedRevision: 'no_stream',
            },
          );
          await store.appendToStream(
            stream('subtypes'),
            [anEvent(type('SubOther')), anEvent(wanted, { n: 2 })],
            {
              expectedRevision: 1n,
            },
          );
          const received = await reading;
          expect(received.map((event) => [event.type, event.data['n']])).toEqual([
            [wanted, 1],
            [wanted, 2],
          ]);
        } finally {
          await subscription.unsubscribe();
        }
      });
    });

    it('watches from the end of the log: only what is appended after, no history', async () => {
      const watched = type('Watched');
      await store.appendToStream(stream('watch'), [anEvent(watched, { n: 1 })], {
        expectedRevision: 'no_stream',
      });
      const subscription = store.subscribeToAll({
        fromEnd: true,
        filter: { eventTypes: [watched] },
      });
      try {
        const reading = take(subscription, 1, liveTimeout);
        await store.appendToStream(stream('watch'), [anEvent(watched, { n: 2 })], {
          expectedRevision: 0n,
        });
        expect((await reading).map((event) => event.data['n'])).toEqual([2]);
      } finally {
        await subscription.unsubscribe();
      }
    });

    describe('leases', () => {
      const role = (label: string) => `contract${run}-${label}`;
      const at = (seconds: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, seconds));
      const ttl = 15_000;

      it('gives a free role to the first claimant, with fencing token 1, and refuses the others', async () => {
        const first = await store.leases.claim(role('free'), 'a', ttl, at(0));
        expect(first).toEqual({
          ok: true,
          taken: true,
          lease: {
            role: role('free'),
            holder: 'a',
            token: 1n,
            since: at(0).toISOString(),
            expiresAt: at(15).toISOString(),
          },
        });
        expect(await store.leases.claim(role('free'), 'b', ttl, at(1))).toEqual({
          ok: false,
          held: {
            role: role('free'),
            holder: 'a',
            token: 1n,
            since: at(0).toISOString(),
            expiresAt: at(15).toISOString(),
          },
        });
        expect(await store.leases.holderOf(role('free'), at(2))).toMatchObject({ holder: 'a' });
      });

      it('renews for its holder, keeping the token, so no one takes it while the holder lives', async () => {
        await store.leases.claim(role('renew'), 'a', ttl, at(0));
        const renewed = await store.leases.claim(role('renew'), 'a', ttl, at(10));
        expect(renewed).toMatchObject({
          ok: true,
          taken: false,
          lease: { token: 1n, since: at(0).toISOString(), expiresAt: at(25).toISOString() },
        });
        expect(await store.leases.claim(role('renew'), 'b', ttl, at(20))).toMatchObject({
          ok: false,
          held: { holder: 'a' },
        });
      });

      it('passes an expired role to another with a higher token; the old holder is refused', async () => {
        await store.leases.claim(role('expiry'), 'a', ttl, at(0));
        expect(await store.leases.holderOf(role('expiry'), at(16))).toBeNull();
        const taken = await store.leases.claim(role('expiry'), 'b', ttl, at(16));
        expect(taken).toMatchObject({ ok: true, taken: true, lease: { holder: 'b', token: 2n } });
        // The old holder, back from a pause, cannot renew what it lost.
        expect(await store.leases.claim(role('expiry'), 'a', ttl, at(17))).toMatchObject({
          ok: false,
          held: { holder: 'b', token: 2n },
        });
      });

      it('frees a released role at once, and the next holder counts the token on', async () => {
        const first = await store.leases.claim(role('release'), 'a', ttl, at(0));
        if (!first.ok) throw new Error('a free role is taken');
        await store.leases.release(role('release'), 'b', first.lease.token); // not b's: nothing
        expect(await store.leases.holderOf(role('release'), at(1))).toMatchObject({ holder: 'a' });
        await store.leases.release(role('release'), 'a', first.lease.token);
        expect(await store.leases.holderOf(role('release'), at(1))).toBeNull();
        expect(await store.leases.claim(role('release'), 'b', ttl, at(2))).toMatchObject({
          ok: true,
          lease: { holder: 'b', token: 2n },
        });
      });

      it('gives a role claimed by many at once to exactly one', async () => {
        const claims = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            store.leases.claim(role('race'), `p${index}`, ttl, at(0)),
          ),
        );
        const winners = claims.filter((claim) => claim.ok);
        expect(winners).toHaveLength(1);
        const holder = winners[0]?.ok === true ? winners[0].lease.holder : '';
        for (const claim of claims) {
          if (!claim.ok) expect(claim.held.holder).toBe(holder);
        }
      });

      it('refuses an append fenced by a token another holder has since replaced, writing nothing', async () => {
        const fenced = role('fence');
        const first = await store.leases.claim(fenced, 'a', ttl, at(0));
        if (!first.ok) throw new Error('a free role is taken');
        const aFence = { role: fenced, token: first.lease.token };
        const written = await store.appendToStream(stream('fenced'), [anEvent(type('ByA'))], {
          expectedRevision: 'no_stream',
          fence: aFence,
        });
        expect(written.ok).toBe(true);
        // a paused past its lease: b takes the role.
        const second = await store.leases.claim(fenced, 'b', ttl, at(20));
        if (!second.ok) throw new Error('an expired role is taken');
        const stale = store.appendToStream(stream('fenced'), [anEvent(type('StaleByA'))], {
          expectedRevision: 0n,
          fence: aFence,
        });
        await expect(stale).rejects.toBeInstanceOf(RoleLost);
        await expect(stale).rejects.toMatchObject({ code: 'ROLE_LOST' });
        expect(
          await store.appendToStream(stream('fenced'), [anEvent(type('ByB'))], {
            expectedRevision: 0n,
            fence: { role: fenced, token: second.lease.token },
          }),
        ).toMatchObject({ ok: true, nextRevision: 1n });
        expect((await store.readStream(stream('fenced'))).map((event) => event.type)).toEqual([
          type('ByA'),
          type('ByB'),
        ]);
        // A role nobody ever held fences nothing in: there is no token to match.
        await expect(
          store.appendToStream(stream('unheld'), [anEvent(type('X'))], {
            expectedRevision: 'no_stream',
            fence: { role: role('never-held'), token: 1n },
          }),
        ).rejects.toBeInstanceOf(RoleLost);
      });

      it('keeps leases out of the payment log readers follow', async () => {
        await store.leases.claim(role('quiet'), 'a', ttl, at(0));
        const payments = await store.readAll({
          maxCount: 1_000,
          filter: { streamPrefixes: ['payment-'] },
        });
        expect(payments.some((event) => event.streamName.includes(role('quiet')))).toBe(false);
      });
    });

    it('answers a ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('tells how many events follow a position, where its positions allow it', async () => {
      const appended = await store.appendToStream(
        stream('behind'),
        [anEvent(type('A')), anEvent(type('B')), anEvent(type('C'))],
        { expectedRevision: 'no_stream' },
      );
      if (!appended.ok) throw new Error('the append went through');
      const [first] = await store.readStream(stream('behind'));
      if (first === undefined) throw new Error('the stream holds its events');
      if (options.densePositions) {
        expect(await store.eventsAfter(first.globalPosition)).toBe(2);
        expect(await store.eventsAfter(appended.lastPosition)).toBe(0);
        expect(await store.eventsAfter(appended.lastPosition + 100n)).toBe(0);
      } else {
        expect(await store.eventsAfter(first.globalPosition)).toBeNull();
      }
    });
  });
};
