import type { Position } from '@eventstore/db-client';

const shift = 64n;
const mask = (1n << shift) - 1n;

/**
 * EventStoreDB orders `$all` by (commit, prepare). The port's global position is one bigint,
 * so both parts are packed into it, commit first: the packed values sort exactly as `$all` does,
 * and a checkpoint can be turned back into the `Position` to resume from without assuming that
 * commit and prepare positions are equal.
 */
export const packPosition = (position: Position): bigint =>
  (position.commit << shift) | position.prepare;

export const unpackPosition = (packed: bigint): Position => ({
  commit: packed >> shift,
  prepare: packed & mask,
});
