import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from '../../src/adapters/readModels/sqliteReadModelStore.js';
import type { AggregateQuery } from '../../src/domain/ports/index.js';
import { paymentsTable } from '../../src/projections/index.js';

const fill = (store: SqliteReadModelStore, rows: number) => {
  store.transaction((tx) => {
    for (let index = 0; index < rows; index += 1) {
      const created = new Date(Date.UTC(2026, 10, 1) + index * 480_000).toISOString();
      tx.put('payments', {
        id: `p/${index.toString().padStart(5, '0')}`,
        document: {},
        columns: {
          provider: index % 3 === 0 ? 'a' : 'b',
          status: index % 2 === 0 ? 'success' : 'failed',
          createdAt: created,
          updatedAt: created,
          amountMinor: index,
        },
      });
    }
  });
};

/** One query a day of November 2026, by provider and status, with sums. */
const dailyQueries: AggregateQuery[] = Array.from({ length: 30 }, (_, day) => ({
  groupBy: ['provider', 'status'],
  sum: 'amountMinor',
  where: [
    { column: 'createdAt', op: '>=', value: new Date(Date.UTC(2026, 10, 1 + day)).toISOString() },
    { column: 'createdAt', op: '<', value: new Date(Date.UTC(2026, 10, 2 + day)).toISOString() },
  ],
}));

/** What a year-long report reads: many aggregates, off the caller's event loop. */
describe('many aggregates of a read model at once', () => {
  let dir: string;
  let store: SqliteReadModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payrec-aggregates-'));
    store = createSqliteReadModelStore(openReadModelDatabase(join(dir, 'readmodels.db')), {
      payments: paymentsTable,
    });
    fill(store, 5_000);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each query as aggregate does, in the order asked', async () => {
    const expected = dailyQueries.map((query) => store.aggregate('payments', query));
    expect(expected.flat().length).toBeGreaterThan(30);
    expect(await store.aggregateAll('payments', dailyQueries)).toEqual(expected);
  });

  it('runs on a thread of its own: the event loop turns while they are read', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    await store.aggregateAll('payments', dailyQueries);
    expect(turned).toBe(true);
  });

  it("rejects with the store's reason when a query cannot run", async () => {
    await expect(
      store.aggregateAll('payments', [{ groupBy: ['nonsense'], where: [] }]),
    ).rejects.toThrow(/nonsense/);
  });

  it('reads an in-memory store on its own thread-less connection, with the same answers', async () => {
    const memory = createSqliteReadModelStore(new Database(':memory:'), {
      payments: paymentsTable,
    });
    fill(memory, 5_000);
    expect(await memory.aggregateAll('payments', dailyQueries)).toEqual(
      await store.aggregateAll('payments', dailyQueries),
    );
  });
});
