/**
 * The one cursor format of every paged answer: a keyset position as a JSON array, base64url, so
 * clients treat it as opaque. Each list names the shape of its positions; `decodeCursor` returns
 * `null` for anything that is not a cursor of that shape (the caller answers 400).
 */
type Part = 'string' | 'integer';
type PartValue<P extends Part> = P extends 'string' ? string : number;
type Position<Shape extends readonly Part[]> = { [K in keyof Shape]: PartValue<Shape[K]> };

export const encodeCursor = (position: readonly (string | number)[]): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

const fits = (value: unknown, part: Part): boolean =>
  part === 'string' ? typeof value === 'string' : Number.isSafeInteger(value);

export const decodeCursor = <const Shape extends readonly Part[]>(
  cursor: string,
  shape: Shape,
): Position<Shape> | null => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) return null;
  const values: unknown[] = parsed;
  return shape.every((part, index) => fits(values[index], part))
    ? (values as Position<Shape>)
    : null;
};
