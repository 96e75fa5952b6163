import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { JsonObject, ReadModelStore, ReadModelTransaction } from '../../domain/ports/index.js';

/**
 * Read-model documents and projection checkpoints in the read-model database. A projection's
 * document writes and its checkpoint share one SQLite transaction. Documents are JSON with a few
 * indexed columns (`provider`, `status`, `updated_at`) for the list queries.
 */
export const createSqliteReadModelStore = (db: Database.Database): ReadModelStore => {
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

  return {
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
