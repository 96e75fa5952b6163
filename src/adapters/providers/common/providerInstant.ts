/**
 * A provider's time of an event as an ISO-8601 instant in milliseconds (what payrec writes, so
 * that instants compare as strings), or `undefined` when it is absent or cannot be read: an
 * RFC 3339 time with any number of fractional digits (Kraken Embed's `timestamp` carries
 * nanoseconds: shared/providers.md, Kraken Embed) or a zone offset, or unix seconds (a number or a
 * string of digits: KryptoGO's `payment_tx_timestamp`). A time payrec cannot read never fails a
 * delivery: the report counts on the day payrec received it instead.
 */
export const providerInstant = (value: unknown): string | undefined => {
  if (typeof value === 'number') return fromMilliseconds(value * 1000);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{9,11}$/.test(text)) return fromMilliseconds(Number(text) * 1000);
  const match = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/i.exec(
    text,
  );
  if (match === null) return undefined;
  const [, seconds = '', fraction = '', zone = 'Z'] = match;
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  return fromMilliseconds(Date.parse(`${seconds.replace(' ', 'T')}.${milliseconds}${zone}`));
};

/** Within years 2000 to 2999: anything else is a misread field, not a time. */
const fromMilliseconds = (milliseconds: number): string | undefined =>
  Number.isFinite(milliseconds) &&
  milliseconds >= Date.UTC(2000, 0, 1) &&
  milliseconds < Date.UTC(3000, 0, 1)
    ? new Date(milliseconds).toISOString()
    : undefined;

/** `{ occurredAt }` for a report, when the provider's time can be read; `{}` otherwise. */
export const optionalInstant = (value: unknown): { occurredAt?: string } => {
  const occurredAt = providerInstant(value);
  return occurredAt === undefined ? {} : { occurredAt };
};
