import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  openSqliteEventStore,
  type SqliteEventStore,
} from '../../../src/adapters/eventStore/index.js';
import { createLogger } from '../../../src/adapters/logging/createLogger.js';
import type { Fence } from '../../../src/domain/ports/index.js';
import { createRoleKeeper, type RoleWork } from '../../../src/service/index.js';

const ttlMs = 3_000;

/** Work that counts how often it was started and stopped, and keeps the fences it was given. */
const counted = () => {
  const counts = { started: 0, stopped: 0 };
  const fences: Fence[] = [];
  const work: RoleWork = {
    start: (fence) => {
      counts.started += 1;
      fences.push(fence);
    },
    stop: () => {
      counts.stopped += 1;
      return Promise.resolve();
    },
  };
  return { counts, work, fences };
};

describe('the role keeper', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-06T10:00:00.000Z') });
    store = openSqliteEventStore({ path: ':memory:' });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  const keeper = (instanceId: string, work: RoleWork, leases = store.leases) =>
    createRoleKeeper({
      leases,
      instanceId,
      ttlMs,
      clock: { now: () => new Date() },
      logger: createLogger({ level: 'silent' }),
      work: { fulfilment: work },
    });

  it('starts a role’s work in one process only, and hands it over when its holder goes silent', async () => {
    const a = counted();
    const b = counted();
    // A holder that goes silent: its leases fail from some moment on.
    let silent = false;
    const silencing = {
      ...store.leases,
      claim: (...args: Parameters<typeof store.leases.claim>) =>
        silent ? Promise.reject(new Error('paused')) : store.leases.claim(...args),
    };
    const first = keeper('a', a.work, silencing);
    const second = keeper('b', b.work);
    await first.start();
    await second.start();
    expect([first.held('fulfilment'), second.held('fulfilment')]).toEqual([true, false]);
    expect([a.counts.started, b.counts.started]).toEqual([1, 0]);

    // Renewals keep the role with process a while it lives.
    await vi.advanceTimersByTimeAsync(ttlMs * 3);
    expect(second.status()[0]).toMatchObject({ held: false, holder: 'a' });

    silent = true;
    await vi.advanceTimersByTimeAsync(ttlMs + ttlMs / 3 + 100);
    expect(second.held('fulfilment')).toBe(true);
    expect(b.counts.started).toBe(1);
    // Each start carries the lease's fence: the new holder's token is the next one.
    expect([...a.fences, ...b.fences]).toEqual([
      { role: 'fulfilment', token: 1n },
      { role: 'fulfilment', token: 2n },
    ]);
    // a stops its work once its lease has expired unrenewed.
    expect(first.held('fulfilment')).toBe(false);
    expect(a.counts.stopped).toBe(1);

    // Back from its pause, a finds b holding the role and does not start again.
    silent = false;
    await vi.advanceTimersByTimeAsync(ttlMs);
    expect([first.held('fulfilment'), second.held('fulfilment')]).toEqual([false, true]);
    expect(a.counts.started).toBe(1);
    await first.stop();
    await second.stop();
  });

  it('releases its roles on a clean stop, so another process takes them at once', async () => {
    const a = counted();
    const b = counted();
    const first = keeper('a', a.work);
    const second = keeper('b', b.work);
    await first.start();
    await second.start();
    await first.stop();
    expect(a.counts.stopped).toBe(1);
    await vi.advanceTimersByTimeAsync(ttlMs / 3 + 10);
    expect(second.held('fulfilment')).toBe(true);
    expect(second.status()[0]?.token).toBe(2n);
    await second.stop();
  });

  it('takes a role at once from a holder known to be dead, instead of waiting out the TTL', async () => {
    const a = counted();
    const b = counted();
    const first = keeper('host:111', a.work);
    await first.start();
    // host:111 dies without a word (kill -9): its lease stays until the TTL runs out.
    const second = createRoleKeeper({
      leases: store.leases,
      instanceId: 'host:222',
      ttlMs,
      clock: { now: () => new Date() },
      logger: createLogger({ level: 'silent' }),
      work: { fulfilment: b.work },
      isDead: (holder) => holder === 'host:111',
    });
    await second.start();
    expect(second.status()[0]).toMatchObject({ held: true, token: 2n });
    expect(b.counts.started).toBe(1);
    await second.stop();
  });
});
