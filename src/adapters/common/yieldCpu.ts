import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority to the least (nice 19), where the system allows it:
 * for a thread doing finance's long reads (an export's scan, a year's report) beside the event
 * loop that answers webhooks. On a busy machine the scheduler then gives the webhooks' threads the
 * CPU first and the read the rest; on an idle one the read runs as fast as before. Linux gives
 * each thread its own nice value, set through its thread id (`/proc/thread-self`); elsewhere, or
 * when refused, the thread keeps its priority.
 */
export const yieldCpuToOtherThreads = (): void => {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, 19);
  } catch {
    // No /proc, or not allowed: the read runs at the thread's priority.
  }
};
