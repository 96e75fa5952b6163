/**
 * The largest structure a webhook body may have. Providers' bodies nest a few levels and hold a
 * few dozen values; these bounds leave room for merchant data they echo back, and keep every
 * step after them (parsing, schema checks, KryptoGO's canonical form, which recurses) cheap and
 * within the stack.
 */
export const jsonBodyLimits = { maxDepth: 32, maxValues: 2_048 } as const;

export type JsonStructure =
  Readonly<{ within: true }> | Readonly<{ within: false; exceeded: 'depth' | 'values' }>;

const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;
const comma = 0x2c;
const quote = 0x22;
const backslash = 0x5c;

/**
 * Measures a JSON text's nesting depth and number of values in one pass over its bytes, with no
 * recursion and no parse, stopping at the first bound it crosses. It does not validate the JSON
 * (the parser does, next); it counts brackets and separators outside strings, so it can run on
 * anything a client sends.
 */
export const measureJsonStructure = (
  raw: Uint8Array,
  { maxDepth, maxValues }: Readonly<{ maxDepth: number; maxValues: number }> = jsonBodyLimits,
): JsonStructure => {
  let depth = 0;
  let values = 1;
  let inString = false;
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    if (inString) {
      if (byte === backslash) index += 1;
      else if (byte === quote) inString = false;
      continue;
    }
    switch (byte) {
      case quote:
        inString = true;
        break;
      case openBrace:
      case openBracket:
        depth += 1;
        if (depth > maxDepth) return { within: false, exceeded: 'depth' };
        break;
      case closeBrace:
      case closeBracket:
        depth -= 1;
        break;
      case comma:
        values += 1;
        if (values > maxValues) return { within: false, exceeded: 'values' };
        break;
      default:
        break;
    }
  }
  return { within: true };
};
