import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteReadModelStore } from '../../src/adapters/readModels/sqliteReadModelStore.js';
import { readModelTables, settlementProjectionName } from '../../src/projections/index.js';

const indexesOf = (db: Database.Database) =>
  db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_things' AND sql IS NOT NULL ORDER BY name",
    )
    .all()
    .map((row) => row.name);

describe("a read model's indexes", () => {
  it('are what its projection declares now: one an older payrec declared is dropped', () => {
    const db = new Database(':memory:');
    const declaring = (indexes: ReadonlyArray<{ columns: string[] }>) => {
      const store = createSqliteReadModelStore(db, {
        things: { columns: { kind: 'text', openedAt: 'text' }, indexes },
      });
      // Writing creates the table and its indexes.
      store.transaction((transaction) => {
        transaction.put('things', { id: 'a', document: {}, columns: { kind: 'k' } });
      });
    };
    declaring([{ columns: ['status', 'openedAt'] }, { columns: ['kind'] }]);
    expect(indexesOf(db)).toContain('rm_things_by_status_opened_at');
    declaring([{ columns: ['status', 'openedAt', 'kind'] }]);
    expect(indexesOf(db)).toEqual([
      'rm_things_by_due',
      'rm_things_by_status',
      'rm_things_by_status_opened_at_kind',
      'rm_things_by_updated',
    ]);
    db.close();
  });

  it('are made again when an older payrec defined one of the same name otherwise', () => {
    const db = new Database(':memory:');
    const declaring = (endsWithId: boolean) => {
      const store = createSqliteReadModelStore(db, {
        things: { columns: { kind: 'text' }, indexes: [{ columns: ['kind'], endsWithId }] },
      });
      store.transaction((transaction) => {
        transaction.put('things', { id: 'a', document: {}, columns: { kind: 'k' } });
      });
    };
    const definition = () =>
      db
        .prepare<[], { sql: string }>(
          "SELECT sql FROM sqlite_master WHERE name = 'rm_things_by_kind'",
        )
        .get()?.sql;
    declaring(true);
    expect(definition()).toBe('CREATE INDEX rm_things_by_kind ON rm_things (kind, id)');
    declaring(false);
    expect(definition()).toBe('CREATE INDEX rm_things_by_kind ON rm_things (kind)');
    declaring(true);
    expect(definition()).toBe('CREATE INDEX rm_things_by_kind ON rm_things (kind, id)');
    db.close();
  });

  it('keep only the base indexes a table asks for, and drop the others from an older store', () => {
    const db = new Database(':memory:');
    const opening = (baseIndexes?: Array<'status' | 'updated' | 'due'>) => {
      const store = createSqliteReadModelStore(db, {
        things: {
          columns: { kind: 'text' },
          indexes: [{ columns: ['kind'] }],
          ...(baseIndexes === undefined ? {} : { baseIndexes }),
        },
      });
      store.transaction((transaction) => {
        transaction.put('things', { id: 'a', document: {}, columns: { kind: 'k' } });
      });
    };
    opening();
    expect(indexesOf(db)).toEqual([
      'rm_things_by_due',
      'rm_things_by_kind',
      'rm_things_by_status',
      'rm_things_by_updated',
    ]);
    opening(['due']);
    expect(indexesOf(db)).toEqual(['rm_things_by_due', 'rm_things_by_kind']);
    opening([]);
    expect(indexesOf(db)).toEqual(['rm_things_by_kind']);
    db.close();
  });

  it('of the settlement snapshots are the two its report and its changes read, no more', () => {
    const db = new Database(':memory:');
    const store = createSqliteReadModelStore(db, readModelTables);
    store.transaction((transaction) => {
      transaction.put(settlementProjectionName, {
        id: 'x',
        document: {},
        columns: { statusAt: '2026-12-01T00:00:00.000Z' },
      });
    });
    const settlementIndexes = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_settlement' AND sql IS NOT NULL ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    expect(settlementIndexes).toEqual([
      'rm_settlement_by_status_at_valid_to_valid_from_provider_currency_status_amount_minor',
      'rm_settlement_by_valid_from_having_from_status',
    ]);
    db.close();
  });
});
