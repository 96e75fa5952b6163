import type { EventFilter } from '../../../domain/ports/index.js';

/** A SQL condition and its parameters for a filter over the `events` table. */
export type SqlFilter = Readonly<{ sql: string; params: readonly string[]; shape: string }>;

const noFilter: SqlFilter = { sql: '1 = 1', params: [], shape: 'all' };

/**
 * Stream prefixes compare with `substr`, not `LIKE`, so that `%` and `_` in a prefix mean
 * themselves.
 */
export const toSqlFilter = (filter: EventFilter | undefined): SqlFilter => {
  if (filter === undefined) return noFilter;
  if ('streamPrefixes' in filter) {
    if (filter.streamPrefixes.length === 0) return noFilter;
    return {
      sql: `(${filter.streamPrefixes.map(() => 'substr(stream_name, 1, length(?)) = ?').join(' OR ')})`,
      params: filter.streamPrefixes.flatMap((prefix) => [prefix, prefix]),
      shape: `prefix:${filter.streamPrefixes.length}`,
    };
  }
  if (filter.eventTypes.length === 0) return noFilter;
  return {
    sql: `event_type IN (${filter.eventTypes.map(() => '?').join(', ')})`,
    params: filter.eventTypes,
    shape: `type:${filter.eventTypes.length}`,
  };
};
