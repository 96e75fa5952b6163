import { z } from 'zod';

/**
 * An instant as payrec takes it everywhere, `asOf` on HTTP and `--as-of` on the command line
 * alike: ISO-8601 with a time zone (`2026-11-24T10:00:00Z`, `2026-11-24T11:00:00+01:00`).
 */
export const isoInstant = z.iso.datetime({ offset: true });

export const isoInstantRule =
  'an ISO-8601 instant with a time zone, e.g. 2026-11-24T10:00:00Z or 2026-11-24T11:00:00+01:00';

/** The same, written as payrec writes instants (UTC, `toISOString`), so that they compare. */
export const utcInstant = isoInstant.transform((value) => new Date(value).toISOString());

/** The same, as a `Date`. */
export const instantDate = isoInstant.transform((value) => new Date(value));
