import { describe, expect, it } from 'vitest';
import { projectionsReady, type ProjectionStatus } from '../../../src/projections/index.js';

const status = (position: bigint, running = true): ProjectionStatus => ({
  name: `p${position}`,
  running,
  position,
  appliedAt: 0,
  error: null,
});

describe('projections readiness', () => {
  it('is ready when every projection runs within the allowed lag of the head', () => {
    expect(projectionsReady([status(100n), status(95n)], 100n, 10)).toBe(true);
  });

  it('is not ready while one has stopped, or before any has reported', () => {
    expect(projectionsReady([status(100n), status(100n, false)], 100n, 10)).toBe(false);
    expect(projectionsReady([], 100n, 10)).toBe(false);
  });

  it('is not ready while one is catching up from far behind', () => {
    expect(projectionsReady([status(100n), status(89n)], 100n, 10)).toBe(false);
  });

  it('judges running alone when the store cannot tell its head', () => {
    expect(projectionsReady([status(1n)], null, 10)).toBe(true);
  });
});
