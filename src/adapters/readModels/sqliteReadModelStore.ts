import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { scanValuesInThread } from './scanInThread.js';
import type {
  AggregateQuery,
  ColumnFilter,
  ColumnValue,
  DocumentListQuery,
  GroupTotal,
  KeysetPosition,
  ReadModelTable,
  DueDocument,
  DueQuery,
  ListedDocument,
  ReadModelDocument,
  ReadModelQueries,
  ReadModelStore,
  ReadModelTransaction,
} from '../../domain/ports/index.js';

/** 2^32: sums are taken in two halves of this size (see `aggregateSql`). */
const sumHalf = 4_294_967_296;

/** The read models on SQLite: the projections' store and the queries' port, over one file. */
export type SqliteReadModelStore = ReadModelStore &
  ReadModelQueries &
  Readonly<{
    /** Refreshes the planner's statistics where they are stale (run now and then). */
    optimize: () => void;
    /** SQLite's plan for an aggregate, a line per step: whether it reads indexes only. */
    explainAggregate: (projection: string, request: AggregateQuery) => string[];
  }>;

const stagingSuffix = '__staging';
const projectionName = /^[a-z][a-z0-9_]*$/;

/** The table of a projection's documents; names are checked, as SQL cannot bind them. */
const tableOf = (projection: string): string => {
  if (!projectionName.test(projection)) {
    throw new Error(`invalid projection name ${JSON.stringify(projection)}`);
  }
  return `rm_${projection}`;
};

type Statements = Readonly<{
  get: Statement<[string], { document: string }>;
  put: Statement<ColumnValue[]>;
}>;

/** The columns every table has (docs: `BaseColumns`), as the store names them. */
const baseColumns: Readonly<Record<string, 'text' | 'integer'>> = {
  provider: 'text',
  status: 'text',
  updatedAt: 'text',
  dueAt: 'text',
};

const identifier = /^[a-z][A-Za-z0-9]*$/;

/** `updatedAt` → `updated_at`: column names as SQL spells them. */
const sqlName = (column: string): string => {
  if (!identifier.test(column)) throw new Error(`invalid column name ${JSON.stringify(column)}`);
  return column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
};

const noExtraColumns: ReadModelTable = { columns: {}, indexes: [] };

/** Rows per page of a scan. */
const scanPageSize = 1_000;

/** The statements cached per SQL text at most (list and aggregate queries vary by filter). */
const maxCachedQueries = 256;

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
  db.exec(`
    DROP TABLE IF EXISTS read_model_documents; -- the one-table layout before rm_<name> tables
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      projection TEXT PRIMARY KEY,
      position   TEXT NOT NULL,
      version    INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
  const baseName = (projection: string) =>
    projection.endsWith(stagingSuffix) ? projection.slice(0, -stagingSuffix.length) : projection;
  const specOf = (projection: string): ReadModelTable =>
    tables[baseName(projection)] ?? noExtraColumns;
  const columnLists = new Map<string, readonly string[]>();
  const columnsOf = (projection: string): readonly string[] => {
    let names = columnLists.get(projection);
    if (names === undefined) {
      names = [...Object.keys(baseColumns), ...Object.keys(specOf(projection).columns)];
      columnLists.set(projection, names);
    }
    return names;
  };
  const knownSets = new Map<string, ReadonlySet<string>>();
  const knownColumns = (projection: string): ReadonlySet<string> => {
    let known = knownSets.get(projection);
    if (known === undefined) {
      known = new Set([...columnsOf(projection), 'id']);
      knownSets.set(projection, known);
    }
    return known;
  };
  const column = (projection: string, name: string): string => {
    if (!knownColumns(projection).has(name)) {
      throw new Error(`read model ${projection} has no column ${JSON.stringify(name)}`);
    }
    return sqlName(name);
  };
  const createTable = (projection: string) => {
    const spec = { ...baseColumns, ...specOf(projection).columns };
    const definitions = Object.entries(spec).map(
      ([name, type]) => `${sqlName(name)} ${type === 'integer' ? 'INTEGER' : 'TEXT'}`,
    );
    // A rowid table, not WITHOUT ROWID: documents are a kilobyte or more, and SQLite keeps large
    // rows best in a rowid table, where new rows append and only the small `id` index entry goes
    // where the key sorts (measured: rebuilds and ingest-time projection both faster).
    // The document goes last: a row's indexed columns are read without stepping over it (a
    // document of a kilobyte or more spills onto overflow pages; measured: an export reading
    // columns only ran 3× faster with them first).
    db.exec(`CREATE TABLE IF NOT EXISTS ${tableOf(projection)} (
      id       TEXT NOT NULL UNIQUE,
      ${definitions.join(',\n      ')},
      document TEXT NOT NULL
    )`);
  };
  const createIndexes = (projection: string) => {
    const table = tableOf(projection);
    db.exec(`
      CREATE INDEX IF NOT EXISTS ${table}_by_status ON ${table} (status, updated_at, id);
      CREATE INDEX IF NOT EXISTS ${table}_by_updated ON ${table} (updated_at, id);
      CREATE INDEX IF NOT EXISTS ${table}_by_due ON ${table} (due_at, id) WHERE due_at IS NOT NULL;
    `);
    const declared = new Set([`${table}_by_status`, `${table}_by_updated`, `${table}_by_due`]);
    for (const index of specOf(projection).indexes) {
      const names = index.columns.map((name) => column(projection, name));
      const partial =
        index.whereNotNull === undefined
          ? ''
          : ` WHERE ${column(projection, index.whereNotNull)} IS NOT NULL`;
      const indexName = `${table}_by_${names.join('_')}${index.whereNotNull === undefined ? '' : `_having_${sqlName(index.whereNotNull)}`}`;
      declared.add(indexName);
      db.exec(
        `CREATE INDEX IF NOT EXISTS ${indexName} ON ${table} (${(names.includes('id') ? names : [...names, 'id']).join(', ')})${partial}`,
      );
    }
    // An index an older payrec declared and this one does not only slows every write: it goes.
    const stale = db
      .prepare<[string], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
      )
      .all(table)
      .map((row) => row.name)
      .filter((name) => !declared.has(name));
    for (const name of stale) db.exec(`DROP INDEX IF EXISTS ${name}`);
  };
  // A table an older payrec wrote with other columns (or in another order) goes, with its checkpoint: its projection
  // rebuilds it from the log (bumping the projection's version does the same for the documents).
  for (const projection of Object.keys(tables)) {
    const expected = ['id', ...columnsOf(projection).map(sqlName), 'document'].join();
    const found = db
      .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid')
      .all(tableOf(projection))
      .map((row) => row.name);
    if (found.length > 0 && found.join() !== expected) {
      db.transaction(() => {
        db.exec(`DROP TABLE ${tableOf(projection)}`);
        db.prepare('DELETE FROM projection_checkpoints WHERE projection = ?').run(projection);
      }).immediate();
    }
  }
  const tableExists: Statement<[string], { found: number }> = db.prepare(
    "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
  );
  const existingTables = new Set<string>();
  /**
   * Whether a projection's table exists, for the read paths: they never create it, so a read
   * never needs to write (on a full disk, even `CREATE TABLE IF NOT EXISTS` fails).
   */
  const readable = (projection: string): boolean => {
    if (existingTables.has(projection)) return true;
    const exists = tableExists.get(tableOf(projection)) !== undefined;
    if (exists) existingTables.add(projection);
    return exists;
  };
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

  const cachedRawQueries = new Map<string, Statement<unknown[], ColumnValue[]>>();
  const rawQuery = (sql: string) => {
    let statement = cachedRawQueries.get(sql);
    if (statement === undefined) {
      if (cachedRawQueries.size >= maxCachedQueries) cachedRawQueries.clear();
      statement = db.prepare<unknown[], ColumnValue[]>(sql).raw(true);
      cachedRawQueries.set(sql, statement);
    }
    return statement;
  };
  const cachedQueries = new Map<string, Statement<unknown[], Record<string, ColumnValue>>>();
  const query = (sql: string) => {
    let statement = cachedQueries.get(sql);
    if (statement === undefined) {
      if (cachedQueries.size >= maxCachedQueries) cachedQueries.clear();
      statement = db.prepare<unknown[], Record<string, ColumnValue>>(sql);
      cachedQueries.set(sql, statement);
    }
    return statement;
  };

  /** The SQL condition and parameters of `filters`, columns checked against the table's. */
  const conditionsOf = (projection: string, filters: readonly ColumnFilter[]) => {
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    for (const filter of filters) {
      const name = column(projection, filter.column);
      switch (filter.op) {
        case 'null':
          conditions.push(`${name} IS NULL`);
          break;
        case 'not-null':
          conditions.push(`${name} IS NOT NULL`);
          break;
        case 'in':
          conditions.push(`${name} IN (${filter.values.map(() => '?').join(', ')})`);
          params.push(...filter.values);
          break;
        default:
          conditions.push(
            filter.orNull === true
              ? `(${name} ${filter.op} ? OR ${name} IS NULL)`
              : `${name} ${filter.op} ?`,
          );
          params.push(filter.value);
      }
    }
    return { conditions, params };
  };

  /** The SQL and parameters of a page query, selecting `selected` after `id` and the sort value. */
  const pageQuery = (
    projection: string,
    request: Omit<DocumentListQuery, 'withDocuments'>,
    selected: readonly string[],
  ) => {
    const sort = column(projection, request.orderBy ?? 'updatedAt');
    const { conditions, params } = conditionsOf(projection, request.where ?? []);
    conditions.push(`${sort} IS NOT NULL`);
    const direction = request.descending === true ? 'DESC' : 'ASC';
    if (request.after !== undefined) {
      const beyond = request.descending === true ? '<' : '>';
      // A row value, which SQLite seeks to in the index: the equivalent `a > ? OR (a = ? AND
      // id > ?)` made it scan from the start (measured: 1.4 ms against 378 ms a page, 1M rows).
      conditions.push(`(${sort}, id) ${beyond} (?, ?)`);
      params.push(request.after.value, request.after.id);
    }
    const sql = `SELECT id, ${sort}, ${selected.join(', ')}
       FROM ${tableOf(projection)} WHERE ${conditions.join(' AND ')}
       ORDER BY ${sort} ${direction}, id ${direction} LIMIT ?`;
    return { sql, params: [...params, request.limit] };
  };

  const list = (projection: string, request: DocumentListQuery): ListedDocument[] => {
    if (!readable(projection)) return [];
    const withDocuments = request.withDocuments ?? true;
    const names = columnsOf(projection);
    const { sql, params } = pageQuery(projection, request, [
      ...names.map(sqlName),
      ...(withDocuments ? ['document'] : []),
    ]);
    // Rows as arrays, turned into objects by one loop.
    const rows = rawQuery(sql).all(...params);
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
      projection,
      request,
      select.map((name) => column(projection, name)),
    );
    return rawQuery(sql).all(...params);
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

  const aggregateSql = (projection: string, request: AggregateQuery) => {
    const keys = request.groupBy.map((name) => column(projection, name));
    const { conditions, params } = conditionsOf(projection, request.where ?? []);
    // Summed as two halves (whole multiples of 2^32, and the rest), each far from SQLite's
    // 64-bit limit for any number of rows payrec can hold, then put together exactly as a bigint:
    // SQLite's own sum() fails with "integer overflow" past 2^63, and total() rounds.
    const summed = request.sum === undefined ? '0' : column(projection, request.sum);
    const total = `sum(${summed} / ${sumHalf}) AS row_sum_high, sum(${summed} % ${sumHalf}) AS row_sum_low`;
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const groupBy = keys.length === 0 ? '' : `GROUP BY ${keys.join(', ')}`;
    return {
      sql: `SELECT ${[...keys, 'count(*) AS row_count', total].join(', ')}
       FROM ${tableOf(projection)} ${where} ${groupBy}`,
      params,
    };
  };

  /** How SQLite runs an aggregate: its query plan, a line per step (for tests and benches). */
  const explainAggregate = (projection: string, request: AggregateQuery): string[] => {
    const { sql, params } = aggregateSql(projection, request);
    return db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => row.detail);
  };

  const aggregate = (projection: string, request: AggregateQuery): GroupTotal[] => {
    if (!readable(projection)) return [];
    const { sql, params } = aggregateSql(projection, request);
    const statement = query(sql);
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
    existingTables.delete(projection);
    db.exec(`DROP TABLE IF EXISTS ${tableOf(projection)}`);
  };

  return {
    optimize: () => {
      // The planner needs statistics, with samples (sqlite_stat4), to choose between indexes by
      // the values bound: a narrow amount range takes the amount index, a wide one walks the
      // sort index. Gathered in full where there are none, refreshed where they went stale.
      const analysed = tableExists.get('sqlite_stat1') !== undefined;
      db.exec(analysed ? 'PRAGMA optimize = 0x10002' : 'ANALYZE');
    },
    list,
    listValues,
    scanValues,
    aggregate,
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
        existingTables.clear();
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
