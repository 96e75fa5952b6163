/** A keyset position in an `updated_at, id` ordered list, opaque to clients (base64url JSON). */
export type KeysetPosition = Readonly<{ updatedAt: string; id: string }>;

export const encodeKeysetCursor = ({ updatedAt, id }: KeysetPosition): string =>
  Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');

/** The position a cursor this API issued stands for; `null` for anything else. */
export const decodeKeysetCursor = (cursor: string): KeysetPosition | null => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { updatedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // not a cursor this API issued
  }
  return null;
};
