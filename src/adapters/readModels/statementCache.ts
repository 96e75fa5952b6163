import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { ColumnValue } from '../../domain/ports/index.js';

/** The statements cached per SQL text at most (list and aggregate queries vary by filter). */
const maxCachedQueries = 256;

/**
 * Prepared statements by their SQL text, for queries whose text varies with their filters: at
 * most a few hundred, the lot dropped when full (the texts a service runs are few; a flood of
 * distinct ones must not hold memory). Rows come as arrays (`raw`) or as objects (`rows`).
 */
export const statementCache = (db: Database.Database) => {
  const raw = new Map<string, Statement<unknown[], ColumnValue[]>>();
  const objects = new Map<string, Statement<unknown[], Record<string, ColumnValue>>>();
  const cached = <S>(cache: Map<string, S>, sql: string, prepare: () => S): S => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= maxCachedQueries) cache.clear();
      statement = prepare();
      cache.set(sql, statement);
    }
    return statement;
  };
  return {
    raw: (sql: string) =>
      cached(raw, sql, () => db.prepare<unknown[], ColumnValue[]>(sql).raw(true)),
    rows: (sql: string) =>
      cached(objects, sql, () => db.prepare<unknown[], Record<string, ColumnValue>>(sql)),
  };
};
