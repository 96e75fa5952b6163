import type Database from 'better-sqlite3';
import type { SharedSlots } from '../providers/common/statusHttp.js';

/**
 * The status APIs' call slots in the service database, shared by every payrec process on one
 * data directory (the services and the commands run beside them), so that a provider's rate limit
 * is the limit for all of them together. One row per provider holds when its next slot is free;
 * a reservation moves it on by one interval in one statement, which SQLite runs atomically across
 * processes. A process reserves one slot at a time (see `createStatusHttp`), so a process that dies
 * holds back the others by one interval at most.
 */
export const createSqliteRateSlots = (db: Database.Database): SharedSlots => {
  db.exec(`CREATE TABLE IF NOT EXISTS status_call_slots (
    key     TEXT PRIMARY KEY,
    next_at INTEGER NOT NULL
  ) WITHOUT ROWID`);
  const reserve = db.prepare<[{ key: string; now: number; interval: number }], { slot: number }>(
    `INSERT INTO status_call_slots (key, next_at) VALUES (@key, @now + @interval)
     ON CONFLICT (key) DO UPDATE SET next_at = max(next_at, @now) + @interval
     RETURNING next_at - @interval AS slot`,
  );
  return {
    reserve: (key, intervalMs, now = Date.now()) => {
      // `all`, not `get`: `get` stops at the first row and resets the statement, and better-sqlite3
      // does not report the commit that fails then (a full disk). The caller got a slot the table
      // never kept, and every caller the same one: the simulation saw 25 calls in a second at a
      // limit of 10. Run to its end, the statement throws SQLITE_FULL instead.
      const [row] = reserve.all({ key, now: Math.floor(now), interval: Math.ceil(intervalMs) });
      if (row === undefined) throw new Error(`no slot was returned for ${key}`);
      return row.slot;
    },
  };
};
