/**
 * KryptoGO's canonical form, as payrec fixes it (docs/webhooks.md; KryptoGO's documents define none,
 * docs/providers.md §3.1): the JSON body without its `signature` member, object keys sorted by
 * code point at every depth, no whitespace, values written as `JSON.stringify` writes them.
 *
 * This is the one place the form is defined; if KryptoGO publishes its own, replace this function.
 * (RFC 8785 libraries sort keys by UTF-16 code unit, which differs from code-point order for keys
 * outside the Basic Multilingual Plane, so none is used here.)
 */
export const kryptogoCanonicalJson = (body: Readonly<Record<string, unknown>>): string => {
  const { signature: _signature, ...unsigned } = body;
  return canonical(unsigned);
};

/** Code points, deliberately (not grapheme clusters): the order is defined on code points. */
const codePoints = (text: string): string[] => Array.from(text);

const byCodePoint = (a: string, b: string): number => {
  const left = codePoints(a);
  const right = codePoints(b);
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = (left[index]?.codePointAt(0) ?? 0) - (right[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
};

const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort(byCodePoint)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
};
