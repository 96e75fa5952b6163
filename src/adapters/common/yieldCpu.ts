import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * A finance thread's nice value: Linux's scheduler gives a nice-0 thread about nine times its
 * share. Not 19 (a share of 1.5 %): on a machine kept busy, a report would all but stop.
 */
export const financeThreadNice = 10;

/**
 * Lowers the calling thread's CPU priority (`financeThreadNice`), where the system allows it:
 * for a thread doing finance's long reads (an export's scan, a year's report) beside the event
 * loop that answers webhooks. On a busy machine the scheduler then gives the webhooks' threads the
 * CPU first and the read the rest; on an idle one the read runs as fast as before. Linux gives
 * each thread its own nice value, set through its thread id (`/proc/thread-self`); elsewhere, or
 * when refused, the thread keeps its priority.
 */
export const yieldCpuToOtherThreads = (): void => {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, financeThreadNice);
  } catch {
    // No /proc, or not allowed: the read runs at the thread's priority.
  }
};
