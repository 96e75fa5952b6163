import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from '../../src/adapters/readModels/sqliteReadModelStore.js';
import { paymentsTable } from '../../src/projections/index.js';

/** Scans read on a thread of their own: every row once, in order, and stopping ends them. */
describe('scanning a read model on a thread of its own', () => {
  let dir: string;
  let store: SqliteReadModelStore;
  const rows = 2_345;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payrec-scan-'));
    store = createSqliteReadModelStore(openReadModelDatabase(join(dir, 'readmodels.db')), {
      payments: paymentsTable,
    });
    store.transaction((tx) => {
      for (let index = 0; index < rows; index += 1) {
        const created = new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString();
        tx.put('payments', {
          id: `p/${index.toString().padStart(5, '0')}`,
          document: {},
          columns: {
            provider: index % 2 === 0 ? 'a' : 'b',
            createdAt: created,
            updatedAt: created,
            amountMinor: index,
          },
        });
      }
    });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const scan = async (where: Parameters<SqliteReadModelStore['scanValues']>[1]['where'] = []) => {
    const seen: unknown[] = [];
    for await (const page of store.scanValues('payments', { where, orderBy: 'createdAt' }, [
      'amountMinor',
    ])) {
      for (const row of page) seen.push(row[2]);
    }
    return seen;
  };

  it('reads every matching row once, in order, page after page', async () => {
    expect(await scan()).toEqual(Array.from({ length: rows }, (_, index) => index));
    const odd = await scan([{ column: 'provider', op: '=', value: 'b' }]);
    expect(odd).toHaveLength(Math.floor(rows / 2));
    expect(odd.slice(0, 3)).toEqual([1, 3, 5]);
  });

  it('hands over a page at a time, ends when the reader stops, and refuses a column the table has not', async () => {
    let pages = 0;
    for await (const page of store.scanValues('payments', { orderBy: 'createdAt' }, ['ref'])) {
      expect(page).toHaveLength(1_000);
      pages += 1;
      break;
    }
    expect(pages).toBe(1);
    expect(() => store.scanValues('payments', { orderBy: 'createdAt' }, ['secret'])).toThrow(
      /no column/,
    );
  });

  it('counts the rows that match up to a cap, and exactly below it', () => {
    expect(store.countUpTo('payments', [], 100)).toBe(100);
    expect(store.countUpTo('payments', [], 10_000)).toBe(rows);
    expect(store.countUpTo('payments', [{ column: 'provider', op: '=', value: 'a' }], 10_000)).toBe(
      Math.ceil(rows / 2),
    );
    expect(
      store.countUpTo('payments', [{ column: 'amountMinor', op: '<', value: 10 }], 10_000),
    ).toBe(10);
  });
});
