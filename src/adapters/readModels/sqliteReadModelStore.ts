import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type {
  DocumentListQuery,
  DueDocument,
  DueQuery,
  ListedDocument,
  ReadModelDocument,
  ReadModelQueries,
  ReadModelStore,
  ReadModelTransaction,
} from '../../domain/ports/index.js';

/** The read models on SQLite: the projections' store and the queries' port, over one file. */
export type SqliteReadModelStore = ReadModelStore & ReadModelQueries;

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
  put: Statement<[string, string, string | null, string | null, string | null, string | null]>;
}>;

/**
 * Read-model documents and projection checkpoints in the read-model database. Each projection
 * has its own table (`rm_<name>`): JSON documents with a few indexed columns (`provider`,
 * `status`, `updated_at`, `due_at`). A projection's document writes and its checkpoint share one
 * SQLite transaction. A rebuild fills a staging table without indexes (faster to load), then
 * `swapIn` drops the live table, renames the staging one and indexes it, in one transaction.
 * Every write transaction takes the write lock when it begins (`BEGIN IMMEDIATE`), so a writer
 * beside another (a rebuild beside `serve`'s projection thread) waits for the lock instead of
 * failing with `database is locked` when it upgrades from reading.
 */
export const createSqliteReadModelStore = (db: Database.Database): SqliteReadModelStore => {
  db.exec(`
    DROP TABLE IF EXISTS read_model_documents; -- the one-table layout before rm_<name> tables
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      projection TEXT PRIMARY KEY,
      position   TEXT NOT NULL,
      version    INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
  const createTable = (table: string) => {
    // A rowid table, not WITHOUT ROWID: documents are a kilobyte or more, and SQLite keeps large
    // rows best in a rowid table, where new rows append and only the small `id` index entry goes
    // where the key sorts (measured: rebuilds and ingest-time projection both faster).
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      id         TEXT NOT NULL UNIQUE,
      document   TEXT NOT NULL,
      provider   TEXT,
      status     TEXT,
      updated_at TEXT,
      due_at     TEXT
    )`);
  };
  const createIndexes = (table: string) => {
    db.exec(`
      CREATE INDEX IF NOT EXISTS ${table}_by_status ON ${table} (status, updated_at, id);
      CREATE INDEX IF NOT EXISTS ${table}_by_updated ON ${table} (updated_at, id);
      CREATE INDEX IF NOT EXISTS ${table}_by_due ON ${table} (due_at, id) WHERE due_at IS NOT NULL;
    `);
  };
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
    createTable(table);
    if (!projection.endsWith(stagingSuffix)) createIndexes(table);
    const prepared: Statements = {
      get: db.prepare(`SELECT document FROM ${table} WHERE id = ?`),
      put: db.prepare(
        `INSERT INTO ${table} (id, document, provider, status, updated_at, due_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document, provider = excluded.provider,
           status = excluded.status, updated_at = excluded.updated_at, due_at = excluded.due_at`,
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
        columns.provider ?? null,
        columns.status ?? null,
        columns.updatedAt ?? null,
        columns.dueAt ?? null,
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

  const rows = (sql: string, params: ReadonlyArray<string | number>): ListedDocument[] =>
    db
      .prepare<unknown[], { id: string; updated_at: string; document: string }>(sql)
      .all(...params)
      .map((row) => ({
        id: row.id,
        updatedAt: row.updated_at,
        document: JSON.parse(row.document) as unknown,
      }));

  const list = (projection: string, query: DocumentListQuery): ListedDocument[] => {
    if (!readable(projection)) return [];
    const conditions = ['1 = 1'];
    const params: Array<string | number> = [];
    if (query.status !== undefined) {
      conditions.push('status = ?');
      params.push(query.status);
    }
    if (query.provider !== undefined) {
      conditions.push('provider = ?');
      params.push(query.provider);
    }
    if (query.updatedSince !== undefined) {
      conditions.push('updated_at >= ?');
      params.push(query.updatedSince);
    }
    if (query.after !== undefined) {
      conditions.push('(updated_at > ? OR (updated_at = ? AND id > ?))');
      params.push(query.after.updatedAt, query.after.updatedAt, query.after.id);
    }
    return rows(
      `SELECT id, updated_at, document FROM ${tableOf(projection)} WHERE ${conditions.join(' AND ')}
       ORDER BY updated_at, id LIMIT ?`,
      [...params, query.limit],
    );
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

  const countByProvider = (projection: string, status: string): Record<string, number> => {
    if (!readable(projection)) return {};
    const counted = db
      .prepare<[string], { provider: string | null; count: number }>(
        `SELECT provider, count(*) AS count FROM ${tableOf(projection)} WHERE status = ? GROUP BY provider`,
      )
      .all(status);
    return Object.fromEntries(counted.map((row) => [row.provider ?? '', row.count]));
  };

  const dropTable = (projection: string) => {
    statements.delete(projection);
    existingTables.delete(projection);
    db.exec(`DROP TABLE IF EXISTS ${tableOf(projection)}`);
  };

  return {
    list,
    due,
    countDue,
    countByProvider,
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
        createIndexes(live);
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
