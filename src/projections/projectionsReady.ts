import type { ProjectionStatus } from './projectionRunner.js';

/** How far behind the head of the log a projection may be and still count as ready. */
export const maxReadyLagEvents = 10_000;

/**
 * Whether the read models can answer for the present: every projection runs without a standing
 * error (one restarted after a failure is not ready until a batch applies) and, when the
 * store can tell, none is more than `maxLag` events behind the head of the log (a projection
 * catching up after a restart or a version bump is running, but not ready). `eventsAfter` is the
 * event store port's.
 */
export const projectionsReady = async (
  statuses: readonly ProjectionStatus[],
  eventsAfter: (position: bigint) => Promise<number | null>,
  maxLag: number = maxReadyLagEvents,
): Promise<boolean> => {
  if (statuses.length === 0 || statuses.some((status) => !status.running || status.error !== null))
    return false;
  for (const status of statuses) {
    const behind = await eventsAfter(status.position);
    if (behind !== null && behind > maxLag) return false;
  }
  return true;
};
