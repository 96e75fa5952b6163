/** An instant as payrec writes them (`toISOString`), so that instants compare as strings. */
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The provider's time of a report as the settlement day counts it: its own time, never later
 * than payrec received it (a provider clock running ahead cannot move a payment into tomorrow);
 * `undefined` when the provider gave none.
 */
export const providerTimeOf = (
  occurredAt: string | undefined,
  receivedAt: string,
): string | undefined =>
  occurredAt === undefined || !isoInstant.test(occurredAt)
    ? undefined
    : occurredAt < receivedAt
      ? occurredAt
      : receivedAt;
