import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { aggregateSql, countUpToSql, pageQuery, sumHalf } from './readModelSql.js';
import { readModelSchema, sqlName, stagingSuffix, tableOf } from './readModelSchema.js';
import { scanValuesInThread } from './scanInThread.js';
import { statementCache } from './statementCache.js';
import type {
  AggregateQuery,
  ColumnValue,
  DocumentListQuery,
  GroupTotal,
  KeysetPosition,
  ReadModelTable,
  ColumnFilter,
  DueDocument,
  DueQuery,
  ListedDocument,
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

/** Rows per page of a scan. */
const scanPageSize = 1_000;

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
export const createSqliteReadModelStore = (
  db: Database.Database,
  tables: Readonly<Record<string, ReadModelTable>>,
): SqliteReadModelStore => {
  const schema = readModelSchema(db, tables);
  const { columnsOf, column, createTable, createIndexes, readable } = schema;
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
      statementsOf(projection).put.run(
        id,
        JSON.stringify(document),
        ...columnsOf(projection).map((name) => columns[name] ?? null),
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

  const cache = statementCache(db);

  const list = (projection: string, request: DocumentListQuery): ListedDocument[] => {
    if (!readable(projection)) return [];
    const withDocuments = request.withDocuments ?? true;
    const names = columnsOf(projection);
    const { sql, params } = pageQuery(schema, projection, request, [
      ...names.map(sqlName),
      ...(withDocuments ? ['document'] : []),
    ]);
    // Rows as arrays, turned into objects by one loop.
    const rows = cache.raw(sql).all(...params);
    const listed: ListedDocument[] = new Array<ListedDocument>(rows.length);
    for (let index = 0; index < rows.length; index += 1) {
      const row = rows[index] as ColumnValue[];
      const columns: Record<string, ColumnValue> = {};
      for (let at = 0; at < names.length; at += 1)
        columns[names[at] as string] = row[at + 2] ?? null;
      listed[index] = {
        id: row[0] as string,
        sortValue: row[1] as string | number,
        columns,
        document: withDocuments
          ? (JSON.parse(row[names.length + 2] as string) as unknown)
          : undefined,
      };
    }
    return listed;
  };

  const listValues = (
    projection: string,
    request: Omit<DocumentListQuery, 'withDocuments'>,
    select: readonly string[],
  ): Array<readonly ColumnValue[]> => {
    if (!readable(projection)) return [];
    const { sql, params } = pageQuery(
      schema,
      projection,
      request,
      select.map((name) => column(projection, name)),
    );
    return cache.raw(sql).all(...params);
  };

  /** Pages in this thread, for a database with no file another connection could open. */
  async function* scanHere(
    projection: string,
    query: Omit<DocumentListQuery, 'withDocuments' | 'after' | 'limit'>,
    select: readonly string[],
  ): AsyncGenerator<Array<readonly ColumnValue[]>> {
    let after: KeysetPosition | undefined;
    for (;;) {
      const rows = listValues(
        projection,
        { ...query, limit: scanPageSize, ...(after === undefined ? {} : { after }) },
        select,
      );
      if (rows.length > 0) yield rows;
      const last = rows.at(-1);
      if (rows.length < scanPageSize || last === undefined) return;
      after = { value: last[1] as string | number, id: last[0] as string };
      await Promise.resolve();
    }
  }

  const scanValues = (
    projection: string,
    query: Omit<DocumentListQuery, 'withDocuments' | 'after' | 'limit'>,
    select: readonly string[],
  ): AsyncIterable<Array<readonly ColumnValue[]>> => {
    // Checked here, where a bad column is a programming error the caller sees at once.
    for (const name of select) column(projection, name);
    return db.memory || db.name === ''
      ? scanHere(projection, query, select)
      : scanValuesInThread({
          path: db.name,
          tables,
          projection,
          query,
          select,
          pageSize: scanPageSize,
        });
  };

  /** How SQLite runs an aggregate: its query plan, a line per step (for tests and benches). */
  const explainAggregate = (projection: string, request: AggregateQuery): string[] => {
    const { sql, params } = aggregateSql(schema, projection, request);
    return db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => row.detail);
  };

  const aggregate = (projection: string, request: AggregateQuery): GroupTotal[] => {
    if (!readable(projection)) return [];
    const { sql, params } = aggregateSql(schema, projection, request);
    const statement = cache.rows(sql);
    // Exact sums: SQLite adds integers exactly; the driver hands them over as bigints.
    return statement
      .safeIntegers(true)
      .all(...params)
      .map((row) => ({
        key: Object.fromEntries(
          request.groupBy.map((name) => {
            const value = row[sqlName(name)] ?? null;
            return [name, typeof value === 'bigint' ? Number(value) : value];
          }),
        ),
        count: Number(row['row_count'] as unknown as bigint),
        sum:
          ((row['row_sum_high'] as unknown as bigint | null) ?? 0n) * BigInt(sumHalf) +
          ((row['row_sum_low'] as unknown as bigint | null) ?? 0n),
      }));
  };

  const countUpTo = (projection: string, where: readonly ColumnFilter[], cap: number): number => {
    if (!readable(projection)) return 0;
    const { sql, params } = countUpToSql(schema, projection, where, cap);
    const row = cache.rows(sql).get(...params) as { row_count: number } | undefined;
    return row?.row_count ?? 0;
  };

  const due = (projection: string, query: DueQuery): DueDocument[] => {
    if (!readable(projection)) return [];
    const byProvider = query.provider === undefined ? '' : 'AND provider = ?';
    return db
      .prepare<unknown[], { id: string; provider: string | null; due_at: string }>(
        `SELECT id, provider, due_at FROM ${tableOf(projection)}
         WHERE due_at IS NOT NULL AND due_at <= ? ${byProvider} ORDER BY due_at, id LIMIT ?`,
      )
      .all(query.dueBy, ...(query.provider === undefined ? [] : [query.provider]), query.limit)
      .map((row) => ({ id: row.id, provider: row.provider, dueAt: row.due_at }));
  };

  const countDue = (projection: string, dueBy: string): number => {
    if (!readable(projection)) return 0;
    const row = db
      .prepare<[string], { count: number }>(
        `SELECT count(*) AS count FROM ${tableOf(projection)} WHERE due_at IS NOT NULL AND due_at <= ?`,
      )
      .get(dueBy);
    return row?.count ?? 0;
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
    list,
    listValues,
    scanValues,
    aggregate,
    countUpTo,
    checkpointOf: (projection) => transaction.checkpoint(projection)?.position ?? null,
    explainAggregate,
    due,
    countDue,
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
