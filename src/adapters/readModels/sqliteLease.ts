import type Database from 'better-sqlite3';

/**
 * A named lease in the service database, so that one thing runs at a time across every payrec
 * process on one data directory (the reconciliation cycle). A holder that dies loses the lease
 * when it expires; a live one renews it.
 */
export const createSqliteLease = (
  db: Database.Database,
  { name, holder, ttlMs }: Readonly<{ name: string; holder: string; ttlMs: number }>,
) => {
  db.exec(`CREATE TABLE IF NOT EXISTS leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID`);
  const take = db.prepare<[string, string, number, number]>(
    `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.expires_at < ? OR leases.holder = excluded.holder`,
  );
  const drop = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?');
  return {
    /** Takes (or renews) the lease; `false` when another live holder has it. */
    tryAcquire: (now = Date.now()): boolean =>
      db.transaction(() => take.run(name, holder, now + ttlMs, now).changes === 1).immediate(),
    release: (): void => {
      drop.run(name, holder);
    },
  };
};

export type SqliteLease = ReturnType<typeof createSqliteLease>;
