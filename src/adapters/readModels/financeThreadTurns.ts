import pLimit from 'p-limit';

/**
 * Finance's reads on threads of their own take turns, one at a time in a process: a report's
 * aggregates, or one page of an export's scan. Each is niced, but two at once beside the event
 * loop and the projection thread are four busy threads on a two-core machine, and the webhooks
 * paid for it: bench:isolation measured ingest p99 within 1.2× of quiet beside an export alone or
 * beside reports alone, but 2–3.6× beside both at once. A turn is a page (1,000 rows, a few ms),
 * never a whole export, so a report asked during a long export (or a slow download, which holds
 * its scan open) waits for a page, not for the export; and the reverse.
 */
export const financeThreadTurns = pLimit(1);
