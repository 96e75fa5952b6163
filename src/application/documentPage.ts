import { RequestRejected } from '../errors/index.js';
import type { ColumnFilter, ListedDocument, ReadModelQueries } from '../domain/ports/index.js';
import { decodeCursor, encodeCursor } from './cursorCodec.js';

export type DocumentPageQuery = Readonly<{
  limit: number;
  cursor?: string | undefined;
  where?: readonly ColumnFilter[];
  /** The sort column (default `updatedAt`); the cursor names it, so it cannot be mixed up. */
  orderBy?: string;
  descending?: boolean;
}>;

/** A filter for each defined value: `column = value`. */
export const equalTo = (
  values: Readonly<Record<string, string | number | undefined>>,
): ColumnFilter[] =>
  Object.entries(values).flatMap(([column, value]) =>
    value === undefined ? [] : [{ column, op: '=' as const, value }],
  );

/** Lists count what matches up to this many rows; beyond, they say "more than". */
export const matchingCountCap = 10_000;

/** How many rows a list's filters match: exact up to the cap, `capped` beyond it. */
export type Matching = Readonly<{ count: number; capped: boolean }>;

/** The rows `where` matches, counted up to `matchingCountCap`. */
export const matchingOf = (
  readModels: ReadModelQueries,
  projection: string,
  where: readonly ColumnFilter[],
): Matching => {
  const counted = readModels.countUpTo(projection, where, matchingCountCap + 1);
  return counted > matchingCountCap
    ? { count: matchingCountCap, capped: true }
    : { count: counted, capped: false };
};

/** "6,399 payments" or "more than 10,000 payments", for a person. */
export const matchingInWords = (matching: Matching, singular: string, plural: string): string =>
  `${matching.capped ? 'more than ' : ''}${matching.count.toLocaleString('en-US')} ${matching.count === 1 && !matching.capped ? singular : plural}`;

/**
 * One page of a read model for a list route, in `orderBy, id` order: `{items, nextCursor,
 * matching}`, the cursor opaque and `null` on the last page, `matching` how many rows the filters
 * match in all (counted up to 10,000). A cursor this API did not issue, or issued for another
 * order, is a `400`.
 */
export const documentPage = <Item>(
  readModels: ReadModelQueries,
  projection: string,
  { limit, cursor, where = [], orderBy = 'updatedAt', descending = false }: DocumentPageQuery,
  toItems: (row: ListedDocument) => Item[],
): Readonly<{ items: Item[]; nextCursor: string | null; matching: Matching }> => {
  const order = `${orderBy}${descending ? ':desc' : ''}`;
  const position =
    cursor === undefined ? undefined : decodeCursor(cursor, ['string', 'string', 'string']);
  if (position === null || (position !== undefined && position[0] !== order)) {
    throw new RequestRejected(
      'INVALID_QUERY',
      'The cursor is not one this API issued for this order; start again without it.',
    );
  }
  const after = position === undefined ? undefined : { value: position[1], id: position[2] };
  const rows = readModels.list(projection, {
    limit: limit + 1,
    where,
    orderBy,
    descending,
    ...(after === undefined ? {} : { after }),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    matching: matchingOf(readModels, projection, where),
    items: page.flatMap(toItems),
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeCursor([order, String(last.sortValue), last.id])
        : null,
  };
};
