import type { Database } from 'better-sqlite3';
import { decideClaim } from '../../../domain/index.js';
import type { Lease, Leases } from '../../../domain/ports/index.js';

type LeaseRow = {
  role: string;
  holder: string;
  token: number;
  taken_at: string;
  expires_at: string;
};

const toLease = (row: LeaseRow | undefined): Lease | null =>
  row === undefined
    ? null
    : {
        role: row.role,
        holder: row.holder,
        token: BigInt(row.token),
        since: row.taken_at,
        expiresAt: row.expires_at,
      };

/**
 * The embedded store's leases: the `role_leases` table of the event log's database, read and
 * written in one `BEGIN IMMEDIATE` transaction per claim, so that processes on one data
 * directory never both take a role (SQLite's write lock is the compare-and-set).
 */
export const createSqliteLeases = (db: Database): Leases => {
  const read = db.prepare<[string], LeaseRow>('SELECT * FROM role_leases WHERE role = ?');
  const write = db.prepare<[string, string, number, string, string]>(
    `INSERT INTO role_leases (role, holder, token, taken_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (role) DO UPDATE SET holder = excluded.holder, token = excluded.token,
       taken_at = excluded.taken_at, expires_at = excluded.expires_at`,
  );
  // Released: expired at once. The row stays, so that the next holder's token counts on from it.
  const expire = db.prepare<[string, string, string, number]>(
    'UPDATE role_leases SET expires_at = ? WHERE role = ? AND holder = ? AND token = ?',
  );
  const claim = db.transaction((role: string, holder: string, ttlMs: number, now: Date) => {
    const decided = decideClaim(toLease(read.get(role)), {
      role,
      holder,
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    });
    if (decided.ok) {
      const { lease } = decided;
      write.run(lease.role, lease.holder, Number(lease.token), lease.since, lease.expiresAt);
    }
    return decided;
  });
  return {
    claim: (role, holder, ttlMs, now) =>
      Promise.resolve().then(() => claim.immediate(role, holder, ttlMs, now)),
    release: (role, holder, token) =>
      Promise.resolve().then(() => {
        expire.run(new Date(0).toISOString(), role, holder, Number(token));
      }),
    holderOf: (role, now) =>
      Promise.resolve().then(() => {
        const current = toLease(read.get(role));
        return current !== null && current.expiresAt > now.toISOString() ? current : null;
      }),
  };
};
