import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from '../../src/adapters/readModels/sqliteReadModelStore.js';
import { financeThreadTurns } from '../../src/adapters/readModels/financeThreadTurns.js';
import type { TabularFormat, TextPage } from '../../src/domain/ports/index.js';
import { paymentsTable } from '../../src/projections/index.js';

/** A finance turn held until `release`: what a long read on another thread looks like. */
const holdATurn = () => {
  let release: () => void = () => undefined;
  const held = financeThreadTurns(() => new Promise<void>((resolve) => (release = resolve)));
  return {
    release: () => {
      release();
    },
    held,
  };
};

/** Whether `promise` settles within `ms`. */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => {
      setTimeout(() => {
        resolve(false);
      }, ms);
    }),
  ]);

const oneDay = {
  groupBy: ['provider'],
  where: [{ column: 'createdAt', op: '>=', value: '2026-11-01T00:00:00.000Z' } as const],
};

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

  const amountRows = (format: TabularFormat = 'ndjson') => ({
    rowModule: new URL('../support/scanRows/amountOfRow', import.meta.url),
    columns: ['id', 'amountMinor'],
    format,
  });
  const pagesOf = (
    where: Parameters<SqliteReadModelStore['scanText']>[1]['where'] = [],
    format: TabularFormat = 'ndjson',
  ) =>
    store.scanText(
      'payments',
      { where, orderBy: 'createdAt' },
      ['amountMinor'],
      amountRows(format),
    );
  const amountsIn = (page: TextPage) =>
    page.text
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { amountMinor: number }).amountMinor);
  /** How many rows a page of the iterator held; null at its end. */
  const rowsOf = (result: IteratorResult<TextPage>) =>
    result.done === true ? null : result.value.rows;
  const scan = async (where: Parameters<typeof pagesOf>[0] = []) => {
    const seen: number[] = [];
    for await (const page of pagesOf(where)) {
      const amounts = amountsIn(page);
      expect(amounts).toHaveLength(page.rows);
      seen.push(...amounts);
    }
    return seen;
  };

  it('reads every matching row once, in order, page after page, written by its row module', async () => {
    expect(await scan()).toEqual(Array.from({ length: rows }, (_, index) => index));
    const odd = await scan([{ column: 'provider', op: '=', value: 'b' }]);
    expect(odd).toHaveLength(Math.floor(rows / 2));
    expect(odd.slice(0, 3)).toEqual([1, 3, 5]);
  });

  it('writes CSV with its header on the first page, and the header alone when nothing matches', async () => {
    const pages: TextPage[] = [];
    for await (const page of pagesOf([], 'csv')) pages.push(page);
    expect(pages.map((page) => page.rows)).toEqual([1_000, 1_000, rows - 2_000]);
    expect(pages[0]?.text.split('\r\n').slice(0, 3)).toEqual([
      'id,amountMinor',
      'p/00000,0',
      'p/00001,1',
    ]);
    expect(pages[1]?.text.startsWith('p/01000,1000\r\n')).toBe(true);
    const none: TextPage[] = [];
    for await (const page of pagesOf([{ column: 'provider', op: '=', value: 'z' }], 'csv'))
      none.push(page);
    expect(none).toEqual([{ text: 'id,amountMinor\r\n', rows: 0 }]);
  });

  it('hands over a page at a time, ends when the reader stops, and refuses a column the table has not', async () => {
    let pages = 0;
    for await (const page of pagesOf()) {
      expect(page.rows).toBe(1_000);
      pages += 1;
      break;
    }
    expect(pages).toBe(1);
    expect(() =>
      store.scanText('payments', { orderBy: 'createdAt' }, ['secret'], amountRows()),
    ).toThrow(/no column/);
  });

  it('fails, saying why, when its row module has no exportRow function', async () => {
    const pages = store.scanText('payments', { orderBy: 'createdAt' }, ['amountMinor'], {
      ...amountRows(),
      rowModule: new URL('../support/scanRows/noRowFunction', import.meta.url),
    });
    await expect(pages[Symbol.asyncIterator]().next()).rejects.toThrow(
      /noRowFunction\.ts exports no exportRow function/,
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

  describe('finance threads take turns (one reads at a time, a page or a report per turn)', () => {
    it('a scan reads its first page only when it has a turn', async () => {
      const turn = holdATurn();
      const pages = pagesOf();
      const first = pages[Symbol.asyncIterator]().next();
      expect(await settlesWithin(first, 300)).toBe(false);
      turn.release();
      expect(rowsOf(await first)).toBe(1_000);
      await pages[Symbol.asyncIterator]().return?.(undefined);
    });

    it("a report's aggregates wait for the turn in use", async () => {
      const turn = holdATurn();
      const report = store.aggregateAll('payments', [oneDay]);
      expect(await settlesWithin(report, 300)).toBe(false);
      turn.release();
      expect((await report)[0]?.length).toBe(2);
    });

    it('a report asked while an export is paused (a slow reader) waits for a page, not for the export', async () => {
      const pages = pagesOf()[Symbol.asyncIterator]();
      expect(rowsOf(await pages.next())).toBe(1_000);
      // The reader holds its page and asks for nothing more: the scan has read one page ahead.
      expect(await settlesWithin(store.aggregateAll('payments', [oneDay]), 5_000)).toBe(true);
      let rest = 0;
      for (let page = await pages.next(); page.done !== true; page = await pages.next())
        rest += page.value.rows;
      expect(rest).toBe(rows - 1_000);
    });

    it('a long report gives its turn back every few milliseconds: an export reads its pages meanwhile', async () => {
      // 20,000 index ranges: a report that reads for far longer than a turn's slice.
      const manyRanges = Array.from({ length: 20_000 }, (_, index) => ({
        groupBy: ['provider'],
        where: [{ column: 'amountMinor', op: '=', value: index } as const],
      }));
      let reportDone = false;
      const report = store.aggregateAll('payments', manyRanges).then((totals) => {
        reportDone = true;
        return totals;
      });
      let read = 0;
      for await (const page of pagesOf()) read += page.rows;
      expect(read).toBe(rows);
      expect(reportDone).toBe(false);
      expect((await report).filter((groups) => groups.length === 1)).toHaveLength(rows);
    });

    it('a scan ends even when its thread ended (after a short last page) while another held the turn', async () => {
      const pages = pagesOf()[Symbol.asyncIterator]();
      expect(rowsOf(await pages.next())).toBe(1_000);
      expect(rowsOf(await pages.next())).toBe(1_000);
      // Meanwhile the thread reads the last, short page, says it is done and stops, unasked.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const turn = holdATurn();
      expect(rowsOf(await pages.next())).toBe(rows - 2_000);
      const end = pages.next();
      expect(await settlesWithin(end, 300)).toBe(false);
      turn.release();
      expect(await settlesWithin(end, 5_000)).toBe(true);
      expect((await end).done).toBe(true);
    });

    it('a scan the reader abandons gives its turn back', async () => {
      for await (const page of pagesOf()) {
        expect(page.rows).toBe(1_000);
        break;
      }
      expect(await settlesWithin(store.aggregateAll('payments', [oneDay]), 5_000)).toBe(true);
      expect(financeThreadTurns.activeCount + financeThreadTurns.pendingCount).toBe(0);
    });
  });
});
