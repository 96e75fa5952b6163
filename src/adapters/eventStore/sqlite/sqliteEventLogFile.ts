import Database from 'better-sqlite3';

/**
 * What an embedded event log file holds, read on a connection of its own: how many events and
 * the last global position (`0` when empty). For a backup's manifest and a restore's check.
 */
export const eventLogSummary = (
  path: string,
): Readonly<{ count: number; lastPosition: bigint }> => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare<[], { count: number; last: number | bigint | null }>(
        'SELECT count(*) AS count, max(global_position) AS last FROM events',
      )
      .safeIntegers(false)
      .get();
    return { count: row?.count ?? 0, lastPosition: BigInt(row?.last ?? 0) };
  } finally {
    db.close();
  }
};

/**
 * Hands every role of a restored event log over at once: a restored store's leases name holders
 * of another store, which must not be waited for. The fencing tokens keep growing from where they
 * were, so that nothing written under an old token can pass on the restored store either.
 */
export const expireRoleLeases = (path: string): void => {
  const db = new Database(path, { fileMustExist: true });
  try {
    const hasLeases = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'role_leases'")
      .get();
    if (hasLeases) {
      db.prepare("UPDATE role_leases SET expires_at = '1970-01-01T00:00:00.000Z'").run();
    }
  } finally {
    db.close();
  }
};
