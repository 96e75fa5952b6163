import { describe, expect, it } from 'vitest';
import { createPollingSubscription } from '../../../src/adapters/eventStore/sqlite/pollingSubscription.js';
import type { RecordedEvent } from '../../../src/domain/ports/index.js';

const eventAt = (position: bigint): RecordedEvent => ({
  id: String(position),
  type: 'Noted',
  data: {},
  metadata: null,
  streamName: 'things-1',
  revision: position - 1n,
  globalPosition: position,
  recordedAt: '2026-11-20T10:00:00.000Z',
});

describe('a catch-up subscription over a long log', () => {
  it("lets the thread's timers run between full pages while it catches up", async () => {
    const head = 50_000n;
    const subscription = createPollingSubscription({
      options: {},
      readPage: (after, maxCount) => {
        const page: RecordedEvent[] = [];
        for (
          let position = after + 1n;
          position <= head && page.length < maxCount;
          position += 1n
        ) {
          page.push(eventAt(position));
        }
        return page;
      },
      headPosition: () => head,
      waitForAppend: () => new Promise(() => undefined),
      pollIntervalMs: 100,
    });
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 0);
    const seenAtTick: number[] = [];
    let seen = 0n;
    for await (const event of subscription) {
      seen = event.globalPosition;
      if (seen % 10_000n === 0n) seenAtTick.push(ticks);
      if (seen === head) break;
    }
    clearInterval(timer);
    expect(seen).toBe(head);
    // Timers fired while the pages were being read, not only once the catch-up was over.
    expect(seenAtTick.at(-1)).toBeGreaterThan(seenAtTick[0] ?? 0);
  });
});
