import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteReadModelStore } from '../../src/adapters/readModels/sqliteReadModelStore.js';

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
});
