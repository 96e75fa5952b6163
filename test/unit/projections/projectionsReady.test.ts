import { describe, expect, it } from 'vitest';
import { projectionsReady, type ProjectionStatus } from '../../../src/projections/index.js';

const status = (position: bigint, running = true): ProjectionStatus => ({
  name: `p${position}`,
  running,
  position,
  appliedAt: 0,
  error: null,
});

/** The event store port's `eventsAfter` on a log whose head is at `head` (dense positions). */
const logWithHead = (head: bigint) => (position: bigint) =>
  Promise.resolve(head > position ? Number(head - position) : 0);

/** A store that cannot tell (EventStoreDB). */
const cannotTell = () => Promise.resolve(null);

describe('projections readiness', () => {
  it('is ready when every projection runs within the allowed lag of the head', async () => {
    expect(await projectionsReady([status(100n), status(95n)], logWithHead(100n), 10)).toBe(true);
  });

  it('is not ready while one has stopped, or before any has reported', async () => {
    expect(await projectionsReady([status(100n), status(100n, false)], logWithHead(100n), 10)).toBe(
      false,
    );
    expect(await projectionsReady([], logWithHead(100n), 10)).toBe(false);
  });

  it('is not ready while one is catching up from far behind', async () => {
    expect(await projectionsReady([status(100n), status(89n)], logWithHead(100n), 10)).toBe(false);
  });

  it('judges running alone when the store cannot tell how far behind it is', async () => {
    expect(await projectionsReady([status(1n)], cannotTell, 10)).toBe(true);
  });
});
