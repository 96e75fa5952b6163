import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { createReadModelQueries } from './readModelQueries.js';
import { readModelSchema, sqlName, stagingSuffix, tableOf } from './readModelSchema.js';
import { writtenInstant } from './storedInstant.js';
import type {
  AggregateQuery,
  ColumnValue,
  ReadModelTable,
  ReadModelDocument,
  ReadModelQueries,
  ReadModelStore,
  ReadModelTransaction,
} from '../../domain/ports/index.js';

/** The read models on SQLite: the projections' store and the queries' port, over one file. */
export type SqliteReadModelStore = ReadModelStore &
  ReadModelQueries &
  Readonly<{
    /** Refreshes the planner's statistics where they are stale (run now and then). */
    optimize: () => void;
    /** SQLite's plan for an aggregate, a line per step: whether it reads indexes only. */
    explainAggregate: (projection: string, request: AggregateQuery) => string[];
  }>;

type Statements = Readonly<{
  get: Statement<[string], { document: string }>;
  put: Statement<ColumnValue[]>;
}>;

/**
 * Read-model documents and projection checkpoints in the read-model database. Each projection
 * has its own table (`rm_<name>`): JSON documents with indexed columns, the base ones
 * (`provider`, `status`, `updated_at`, `due_at`) and those its `ReadModelTable` in `tables`
 * declares, with its indexes. A projection's document writes and its checkpoint share one
 * SQLite transaction. A rebuild fills a staging table without indexes (faster to load), then
 * `swapIn` drops the live table, renames the staging one and indexes it, in one transaction.
 * A table whose columns are not those declared (written by an older payrec) is dropped with its
 * checkpoint when the store opens, so its projection rebuilds it.
 * Every write transaction takes the write lock when it begins (`BEGIN IMMEDIATE`), so a writer
 * beside another (a rebuild beside `serve`'s projection thread) waits for the lock instead of
 * failing with `database is locked` when it upgrades from reading.
 */
/* eslint-disable max-lines-per-function -- a factory: the write side (transactions, staging, the swap), short closures over one connection */
export const createSqliteReadModelStore = (
  db: Database.Database,
  tables: Readonly<Record<string, ReadModelTable>>,
): SqliteReadModelStore => {
  const schema = readModelSchema(db, tables);
  const { columnsOf, instantsOf, createTable, createIndexes, readable } = schema;
  const statements = new Map<string, Statements>();
  const statementsOf = (projection: string): Statements => {
    const existing = statements.get(projection);
    if (existing) return existing;
    const table = tableOf(projection);
    createTable(projection);
    if (!projection.endsWith(stagingSuffix)) createIndexes(projection);
    const names = columnsOf(projection).map(sqlName);
    const prepared: Statements = {
      get: db.prepare(`SELECT document FROM ${table} WHERE id = ?`),
      put: db.prepare(
        `INSERT INTO ${table} (id, document, ${names.join(', ')})
         VALUES (?, ?, ${names.map(() => '?').join(', ')})
         ON CONFLICT (id) DO UPDATE SET document = excluded.document,
           ${names.map((name) => `${name} = excluded.${name}`).join(', ')}`,
      ),
    };
    statements.set(projection, prepared);
    return prepared;
  };
  const checkpoint: Statement<[string], { position: string; version: number }> = db.prepare(
    'SELECT position, version FROM projection_checkpoints WHERE projection = ?',
  );
  const setCheckpoint: Statement<[string, string, number]> = db.prepare(
    `INSERT INTO projection_checkpoints (projection, position, version) VALUES (?, ?, ?)
     ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version`,
  );
  const deleteCheckpoint: Statement<[string]> = db.prepare(
    'DELETE FROM projection_checkpoints WHERE projection = ?',
  );

  const transaction: ReadModelTransaction = {
    get: (projection, id) => {
      if (!statements.has(projection) && !readable(projection)) return null;
      const row = statementsOf(projection).get.get(id);
      return row ? (JSON.parse(row.document) as unknown) : null;
    },
    put: (projection, { id, document, columns }: ReadModelDocument) => {
      const instants = instantsOf(projection);
      statementsOf(projection).put.run(
        id,
        JSON.stringify(document),
        ...columnsOf(projection).map((name) =>
          instants.has(name) ? writtenInstant(name, columns[name]) : (columns[name] ?? null),
        ),
      );
    },
    checkpoint: (projection) => {
      const row = checkpoint.get(projection);
      return row ? { position: BigInt(row.position), version: row.version } : null;
    },
    setCheckpoint: (projection, position, version) => {
      setCheckpoint.run(projection, position.toString(), version);
    },
  };

  const dropTable = (projection: string) => {
    statements.delete(projection);
    schema.forget(projection);
    db.exec(`DROP TABLE IF EXISTS ${tableOf(projection)}`);
  };

  return {
    optimize: () => {
      // The planner needs statistics, with samples (sqlite_stat4), to choose between indexes by
      // the values bound: a narrow amount range takes the amount index, a wide one walks the
      // sort index. Gathered in full where there are none, refreshed where they went stale.
      const analysed = schema.tableExists.get('sqlite_stat1') !== undefined;
      db.exec(analysed ? 'PRAGMA optimize = 0x10002' : 'ANALYZE');
    },
    ...createReadModelQueries(db, schema, tables),
    checkpointOf: (projection) => transaction.checkpoint(projection)?.position ?? null,
    get: (projection, id) => transaction.get(projection, id),
    transaction: <T>(work: (tx: ReadModelTransaction) => T): T => {
      try {
        return db.transaction(() => work(transaction)).immediate();
      } catch (error) {
        // A table created in the transaction is gone with it (a full disk rolls it back):
        // statements prepared for it must be prepared again.
        statements.clear();
        schema.forgetAll();
        throw error;
      }
    },
    reset: (projection) => {
      db.transaction(() => {
        dropTable(projection);
        deleteCheckpoint.run(projection);
      }).immediate();
    },
    stage: (projection) => {
      const staged = `${projection}${stagingSuffix}`;
      db.transaction(() => {
        dropTable(staged);
        deleteCheckpoint.run(staged);
        // Created now, so that a rebuild that finds no documents swaps in an empty table.
        statementsOf(staged);
      }).immediate();
      return staged;
    },
    swapIn: (staged, projection) => {
      const live = tableOf(projection);
      db.transaction(() => {
        const stagedCheckpoint = transaction.checkpoint(staged);
        dropTable(projection);
        statements.delete(staged);
        db.exec(`ALTER TABLE ${tableOf(staged)} RENAME TO ${live}`);
        createIndexes(projection);
        db.exec(`ANALYZE ${live}`);
        deleteCheckpoint.run(staged);
        if (stagedCheckpoint === null) deleteCheckpoint.run(projection);
        else
          setCheckpoint.run(
            projection,
            stagedCheckpoint.position.toString(),
            stagedCheckpoint.version,
          );
      }).immediate();
    },
  };
};
/* eslint-enable max-lines-per-function */
