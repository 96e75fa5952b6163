import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteReadModelStore } from '../../src/adapters/readModels/sqliteReadModelStore.js';
import type { ReadModelTable } from '../../src/domain/ports/index.js';

const tables: Readonly<Record<string, ReadModelTable>> = {
  things: { columns: { openedAt: 'instant', kind: 'text' }, indexes: [{ columns: ['openedAt'] }] },
};

const instants = [
  '2026-11-24T10:00:00.000Z',
  '2026-11-24T10:00:00.001Z',
  '2026-11-24T09:59:59.999Z',
  '2026-12-31T23:00:00.000Z',
];

const storeWithThings = (db: Database.Database) => {
  const store = createSqliteReadModelStore(db, tables);
  store.transaction((transaction) => {
    instants.forEach((at, index) => {
      transaction.put('things', {
        id: `t${index}`,
        document: { at },
        columns: { openedAt: at, updatedAt: at, dueAt: index === 0 ? at : null, kind: 'k' },
      });
    });
  });
  return store;
};

describe('instant columns of the read models', () => {
  it('keep integers and give back the instants written, filtered and sorted as instants', () => {
    const db = new Database(':memory:');
    const store = storeWithThings(db);
    expect(
      db
        .prepare(
          'SELECT DISTINCT typeof(opened_at) AS type, typeof(updated_at) AS u FROM rm_things',
        )
        .all(),
    ).toEqual([{ type: 'integer', u: 'integer' }]);
    const page = store.list('things', {
      orderBy: 'openedAt',
      where: [{ column: 'openedAt', op: '>=', value: '2026-11-24T10:00:00.000Z' }],
      limit: 10,
    });
    expect(page.map((row) => row.sortValue)).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:00:00.001Z',
      '2026-12-31T23:00:00.000Z',
    ]);
    expect(page[0]?.columns).toMatchObject({
      openedAt: '2026-11-24T10:00:00.000Z',
      updatedAt: '2026-11-24T10:00:00.000Z',
      dueAt: '2026-11-24T10:00:00.000Z',
    });
    // The next page from the last row's position, as a cursor carries it.
    const last = page[1];
    if (last === undefined) throw new Error('no second row');
    expect(
      store
        .list('things', {
          orderBy: 'openedAt',
          after: { value: last.sortValue, id: last.id },
          limit: 10,
        })
        .map((row) => row.id),
    ).toEqual(['t3']);
    // A time zone offset names the same instant.
    expect(
      store.listValues(
        'things',
        {
          orderBy: 'openedAt',
          where: [{ column: 'openedAt', op: '<', value: '2026-11-24T11:00:00+01:00' }],
          limit: 10,
        },
        ['openedAt', 'kind'],
      ),
    ).toEqual([['t2', '2026-11-24T09:59:59.999Z', '2026-11-24T09:59:59.999Z', 'k']]);
    expect(store.due('things', { dueBy: '2026-11-24T10:00:00.000Z', limit: 5 })).toEqual([
      { id: 't0', provider: null, dueAt: '2026-11-24T10:00:00.000Z' },
    ]);
    expect(store.countDue('things', '2026-11-24T09:59:59.999Z')).toBe(0);
  });

  it('refuse to write a value that is no instant, naming the column', () => {
    const store = createSqliteReadModelStore(new Database(':memory:'), tables);
    expect(() => {
      store.transaction((transaction) => {
        transaction.put('things', { id: 'x', document: {}, columns: { openedAt: 'yesterday' } });
      });
    }).toThrow('column openedAt takes an ISO-8601 instant, not "yesterday"');
  });

  it('drop a table an older payrec wrote with its instants as text, with its checkpoint', () => {
    const db = new Database(':memory:');
    createSqliteReadModelStore(db, tables).transaction((transaction) => {
      transaction.setCheckpoint('things', 41n, 1);
    });
    db.exec(`CREATE TABLE rm_things (
      id TEXT NOT NULL UNIQUE, provider TEXT, status TEXT, updated_at TEXT, due_at TEXT,
      opened_at TEXT, kind TEXT, document TEXT NOT NULL
    )`);
    db.exec(`INSERT INTO rm_things (id, updated_at, opened_at, document)
      VALUES ('old', '2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.000Z', '{}')`);
    expect(createSqliteReadModelStore(db, tables).checkpointOf('things')).toBeNull();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'rm_things'").all()).toEqual([]);
  });
});
