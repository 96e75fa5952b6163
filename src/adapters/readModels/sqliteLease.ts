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
  ensureLeaseTable(db);
  const take = db.prepare<[string, string, number, number, number]>(
    `INSERT INTO leases (name, holder, expires_at, taken_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
       taken_at = CASE WHEN leases.holder = excluded.holder THEN leases.taken_at
                       ELSE excluded.taken_at END
       WHERE leases.expires_at < ? OR leases.holder = excluded.holder`,
  );
  const drop = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?');
  return {
    /** Takes (or renews) the lease; `false` when another live holder has it. */
    tryAcquire: (now = Date.now()): boolean =>
      db.transaction(() => take.run(name, holder, now + ttlMs, now, now).changes === 1).immediate(),
    release: (): void => {
      drop.run(name, holder);
    },
  };
};

export type SqliteLease = ReturnType<typeof createSqliteLease>;

const ensureLeaseTable = (db: Database.Database) => {
  db.exec(`CREATE TABLE IF NOT EXISTS leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    taken_at   INTEGER
  ) WITHOUT ROWID`);
  // Stores made before payrec kept when a lease was taken gain the column.
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(leases)').all();
  if (!columns.some((column) => column.name === 'taken_at')) {
    db.exec('ALTER TABLE leases ADD COLUMN taken_at INTEGER');
  }
};

/** Who holds a lease now, and since when (ms since the epoch; `null` if unknown); `null` if free. */
export const leaseHolder = (
  db: Database.Database,
  name: string,
  now = Date.now(),
): Readonly<{ holder: string; takenAt: number | null }> | null => {
  ensureLeaseTable(db);
  const row = db
    .prepare<[string, number], { holder: string; taken_at: number | null }>(
      'SELECT holder, taken_at FROM leases WHERE name = ? AND expires_at >= ?',
    )
    .get(name, now);
  return row === undefined ? null : { holder: row.holder, takenAt: row.taken_at };
};
