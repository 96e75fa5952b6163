import { RequestRejected } from '../../errors/index.js';
import type { ListedDocument, ReadModelQueries } from '../../domain/ports/index.js';
import { decodeCursor, encodeCursor } from '../common/cursorCodec.js';

export type DocumentPageQuery = Readonly<{
  limit: number;
  cursor?: string | undefined;
  status?: string | undefined;
  provider?: string | undefined;
  updatedSince?: string | undefined;
}>;

/**
 * One page of a read model for a list route, in `updated_at, id` order: `{items, nextCursor}`,
 * the cursor opaque and `null` on the last page. A cursor this API did not issue is a `400`.
 */
export const documentPage = <Item>(
  readModels: ReadModelQueries,
  projection: string,
  { limit, cursor, status, provider, updatedSince }: DocumentPageQuery,
  toItems: (row: ListedDocument) => Item[],
): Readonly<{ items: Item[]; nextCursor: string | null }> => {
  const position = cursor === undefined ? undefined : decodeCursor(cursor, ['string', 'string']);
  if (position === null) {
    throw new RequestRejected('INVALID_QUERY', 'The cursor is not one this API issued.');
  }
  const after = position === undefined ? undefined : { updatedAt: position[0], id: position[1] };
  const rows = readModels.list(projection, {
    limit: limit + 1,
    ...(status === undefined ? {} : { status }),
    ...(provider === undefined ? {} : { provider }),
    ...(updatedSince === undefined ? {} : { updatedSince }),
    ...(after === undefined ? {} : { after }),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.flatMap(toItems),
    nextCursor:
      rows.length > limit && last !== undefined ? encodeCursor([last.updatedAt, last.id]) : null,
  };
};
