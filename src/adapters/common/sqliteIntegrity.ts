import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/** What SQLite's own integrity check says of one database file. */
export type IntegrityReport =
  | Readonly<{ state: 'ok' }>
  | Readonly<{ state: 'absent' }>
  | Readonly<{ state: 'failed'; problems: readonly string[] }>;

/**
 * Runs `PRAGMA integrity_check` on a database file, opened read-only so that a check never
 * changes what it checks (it may run beside `payrec serve`). A file that is not a database at
 * all fails too; an absent one is reported as such. Never throws.
 */
export const checkSqliteFile = (path: string, maxProblems = 20): IntegrityReport => {
  if (!existsSync(path)) return { state: 'absent' };
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // A pragma takes no bound parameters; the limit is an integer written into it.
    const rows = db
      .prepare<[], { integrity_check: string }>(
        `PRAGMA integrity_check(${Math.max(1, Math.floor(maxProblems))})`,
      )
      .all()
      .map((row) => row.integrity_check);
    return rows.length === 1 && rows[0] === 'ok'
      ? { state: 'ok' }
      : { state: 'failed', problems: rows };
  } catch (error) {
    return { state: 'failed', problems: [error instanceof Error ? error.message : String(error)] };
  } finally {
    db?.close();
  }
};
