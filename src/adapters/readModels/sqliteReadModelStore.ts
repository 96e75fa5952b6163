import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { JsonObject, ReadModelStore, ReadModelTransaction } from '../../domain/ports/index.js';

/**
 * Read-model documents and projection checkpoints in the read-model database. A projection's
 * document writes and its checkpoint share one SQLite transaction. Documents are JSON with a few
 * indexed columns (`provider`, `status`, `updated_at`) for the list queries.
 */
/** A page query over one projection's documents, in `updated_at, id` order. */
export type DocumentListQuery = Readonly<{
  status?: string;
  provider?: string;
  updatedSince?: string;
  /** Keyset: documents after this one. */
  after?: Readonly<{ updatedAt: string; id: string }>;
  limit: number;
}>;

export type ListedDocument = Readonly<{ id: string; updatedAt: string; document: JsonObject }>;

export type SqliteReadModelStore = ReadModelStore &
  Readonly<{ list: (projection: string, query: DocumentListQuery) => ListedDocument[] }>;

export const createSqliteReadModelStore = (db: Database.Database): SqliteReadModelStore => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS read_model_documents (
      projection TEXT NOT NULL,
      id         TEXT NOT NULL,
      document   TEXT NOT NULL,
      provider   TEXT,
      status     TEXT,
      updated_at TEXT,
      PRIMARY KEY (projection, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS read_model_by_status ON read_model_documents (projection, status, updated_at);
    CREATE INDEX IF NOT EXISTS read_model_by_updated ON read_model_documents (projection, updated_at);
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      projection TEXT PRIMARY KEY,
      position   TEXT NOT NULL,
      version    INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
  const get: Statement<[string, string], { document: string }> = db.prepare(
    'SELECT document FROM read_model_documents WHERE projection = ? AND id = ?',
  );
  const put: Statement<[string, string, string, string | null, string | null, string | null]> =
    db.prepare(
      `INSERT INTO read_model_documents (projection, id, document, provider, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (projection, id) DO UPDATE SET document = excluded.document, provider = excluded.provider,
       status = excluded.status, updated_at = excluded.updated_at`,
    );
  const checkpoint: Statement<[string], { position: string; version: number }> = db.prepare(
    'SELECT position, version FROM projection_checkpoints WHERE projection = ?',
  );
  const setCheckpoint: Statement<[string, string, number]> = db.prepare(
    `INSERT INTO projection_checkpoints (projection, position, version) VALUES (?, ?, ?)
     ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version`,
  );
  const column = (value: string | number | null | undefined) =>
    value === undefined || value === null ? null : String(value);

  const transaction: ReadModelTransaction = {
    get: (projection, id) => {
      const row = get.get(projection, id);
      return row ? (JSON.parse(row.document) as JsonObject) : null;
    },
    put: (projection, { id, document, columns }) => {
      put.run(
        projection,
        id,
        JSON.stringify(document),
        column(columns['provider']),
        column(columns['status']),
        column(columns['updatedAt']),
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

  const list = (projection: string, query: DocumentListQuery): ListedDocument[] => {
    const conditions = ['projection = ?'];
    const params: Array<string | number> = [projection];
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
    return db
      .prepare<unknown[], { id: string; updated_at: string; document: string }>(
        `SELECT id, updated_at, document FROM read_model_documents WHERE ${conditions.join(' AND ')}
         ORDER BY updated_at, id LIMIT ?`,
      )
      .all(...params, query.limit)
      .map((row) => ({
        id: row.id,
        updatedAt: row.updated_at,
        document: JSON.parse(row.document) as JsonObject,
      }));
  };

  return {
    list,
    get: (projection, id) => transaction.get(projection, id),
    transaction: <T>(work: (tx: ReadModelTransaction) => T): T =>
      db.transaction(() => work(transaction)).immediate(),
    reset: (projection) => {
      db.transaction(() => {
        db.prepare('DELETE FROM read_model_documents WHERE projection = ?').run(projection);
        db.prepare('DELETE FROM projection_checkpoints WHERE projection = ?').run(projection);
      })();
    },
  };
};
