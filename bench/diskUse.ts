/**
 * Where a database's bytes go: each table and index, from SQLite's `dbstat` (the pages each one
 * holds, payload and free space within them), and per payment. What a team sizing a disk or a
 * backup reads, and what issue-sized changes to the read models are measured against.
 */
import Database from 'better-sqlite3';

export type DiskUse = Readonly<{ name: string; kind: 'table' | 'index'; bytes: number }>;

/** The bytes each table and index of the database at `path` takes, largest first. */
export const diskUse = (path: string): DiskUse[] => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const kinds = new Map(
      db
        .prepare<[], { name: string; type: string }>('SELECT name, type FROM sqlite_schema')
        .all()
        .map((row) => [row.name, row.type === 'index' ? ('index' as const) : ('table' as const)]),
    );
    return db
      .prepare<[], { name: string; bytes: number }>(
        'SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE aggregate = 0 OR aggregate IS NULL GROUP BY name ORDER BY bytes DESC',
      )
      .all()
      .map((row) => ({ name: row.name, kind: kinds.get(row.name) ?? 'table', bytes: row.bytes }));
  } finally {
    db.close();
  }
};

/** Prints `diskUse` of a database as a table: MB and bytes per payment for each part. */
export const printDiskUse = (path: string, label: string, payments: number): void => {
  const parts = diskUse(path);
  const total = parts.reduce((sum, part) => sum + part.bytes, 0);
  console.log(
    `  ${label}: ${(total / 1e6).toFixed(0)} MB, ${(total / payments).toFixed(0)} bytes a payment`,
  );
  for (const part of parts.filter((one) => one.bytes >= total / 200)) {
    console.log(
      `    ${part.kind.padEnd(5)} ${(part.name.length > 58 ? `${part.name.slice(0, 57)}…` : part.name).padEnd(58)} ${(part.bytes / 1e6).toFixed(1).padStart(8)} MB ${(part.bytes / payments).toFixed(0).padStart(6)} B/payment`,
    );
  }
};
