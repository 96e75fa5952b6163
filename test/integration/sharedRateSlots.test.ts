import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatusHttp, type SharedSlots } from '../../src/adapters/providers/index.js';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import { createSqliteRateSlots } from '../../src/adapters/readModels/sqliteRateSlots.js';

const ratePerSecond = 10;
const callsEach = 10;

/** The most calls that fell within any one second. */
const busiestSecond = (times: readonly number[]): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0; first < sorted.length; first += 1) {
    const start = sorted[first] ?? 0;
    most = Math.max(most, sorted.filter((time) => time >= start && time < start + 1_000).length);
  }
  return most;
};

/**
 * Two processes' status clients for one provider, as `payrec serve` and a `payrec reconcile
 * --once` run beside it: each its own connection to the data directory's service database.
 */
describe('the status APIs’ rate limit, shared by the processes on one data directory', () => {
  const directories: string[] = [];
  const databases: Database.Database[] = [];
  afterEach(() => {
    for (const db of databases.splice(0)) db.close();
    for (const directory of directories.splice(0))
      rmSync(directory, { recursive: true, force: true });
  });

  const serviceDatabase = (): string => {
    const directory = mkdtempSync(join(tmpdir(), 'payrec-slots-'));
    directories.push(directory);
    return join(directory, 'payrec.db');
  };

  /** Both clients' calls at once; resolves with the time each reached the provider. */
  const callsOfTwo = async (slots: readonly [SharedSlots | undefined, SharedSlots | undefined]) => {
    const reached: number[] = [];
    const fetch = () => {
      reached.push(Date.now());
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const clients = slots.map((sharedSlots) =>
      createStatusHttp({
        provider: 'kryptogo',
        baseUrl: 'http://provider.test',
        ratePerSecond,
        concurrency: 4,
        timeoutMs: 1_000,
        fetch,
        ...(sharedSlots === undefined ? {} : { sharedSlots }),
      }),
    );
    await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: callsEach }, () =>
          client({ method: 'GET', path: '/status', headers: () => ({}) }),
        ),
      ),
    );
    return reached;
  };

  it('keeps the two together within the limit', async () => {
    const path = serviceDatabase();
    const connections = [openReadModelDatabase(path), openReadModelDatabase(path)] as const;
    databases.push(...connections);
    const reached = await callsOfTwo([
      createSqliteRateSlots(connections[0]),
      createSqliteRateSlots(connections[1]),
    ]);
    expect(reached).toHaveLength(2 * callsEach);
    expect(busiestSecond(reached)).toBeLessThanOrEqual(ratePerSecond);
  });

  it('is exceeded by two processes that keep a budget each (the control)', async () => {
    const reached = await callsOfTwo([undefined, undefined]);
    expect(busiestSecond(reached)).toBeGreaterThan(ratePerSecond);
  });

  it('falls back to a slot of its own when the shared schedule cannot be written', async () => {
    const failing: SharedSlots = {
      reserve: () => {
        throw new Error('database is locked');
      },
    };
    const started = Date.now();
    const reached = await callsOfTwo([failing, failing]);
    expect(reached).toHaveLength(2 * callsEach);
    // Each client still spaced its own calls: ten at ten a second take most of a second.
    expect(Date.now() - started).toBeGreaterThan(800);
  });

  // Found by the 5,000-payment simulation: 12 calls in one second at a KryptoGO endpoint limited
  // to 10. Calls that had their rate slot waited for the concurrency cap behind slow answers, and
  // went out together when those ended. The slot is now taken once a call may go on the wire.
  it.each([[undefined], ['shared']])(
    'keeps the pace when a slow endpoint recovers and a backlog was waiting (%s slots)',
    async (mode) => {
      const reached: number[] = [];
      let slow = 4;
      const fetch = async () => {
        reached.push(Date.now());
        // The first answers take a while (a slow endpoint), the rest come at once.
        const delay = slow > 0 ? 700 : 0;
        slow -= 1;
        await new Promise((resolve) => setTimeout(resolve, delay));
        return new Response('{}', { status: 200 });
      };
      const client = createStatusHttp({
        provider: 'kryptogo',
        baseUrl: 'http://provider.test',
        ratePerSecond,
        concurrency: 4,
        timeoutMs: 5_000,
        fetch,
        ...(mode === undefined
          ? {}
          : { sharedSlots: createSqliteRateSlots(openReadModelDatabase(serviceDatabase())) }),
      });
      await Promise.all(
        Array.from({ length: 24 }, () => client({ method: 'GET', path: '/', headers: () => ({}) })),
      );
      expect(reached).toHaveLength(24);
      expect(busiestSecond(reached)).toBeLessThanOrEqual(ratePerSecond);
    },
    20_000,
  );
});
