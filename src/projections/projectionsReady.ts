import type { ProjectionStatus } from './projectionRunner.js';

/** How far behind the head of the log a projection may be and still count as ready. */
export const maxReadyLagEvents = 10_000;

/**
 * Whether the read models can answer for the present: every projection runs and, when the
 * store can tell its head, none is more than `maxLag` log positions behind it (a projection
 * catching up after a restart or a version bump is running, but not ready).
 */
export const projectionsReady = (
  statuses: readonly ProjectionStatus[],
  head: bigint | null,
  maxLag: number = maxReadyLagEvents,
): boolean =>
  statuses.length > 0 &&
  statuses.every(
    (status) => status.running && (head === null || head - status.position <= BigInt(maxLag)),
  );
