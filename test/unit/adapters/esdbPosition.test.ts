import { describe, expect, it } from 'vitest';
import {
  packPosition,
  unpackPosition,
} from '../../../src/adapters/eventStore/eventStoreDb/esdbPosition.js';

describe('EventStoreDB positions packed into one bigint', () => {
  it('round-trips commit and prepare positions', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 1234n, prepare: 1200n },
      { commit: 2n ** 62n, prepare: 2n ** 63n - 1n },
    ]) {
      expect(unpackPosition(packPosition(position))).toEqual(position);
    }
  });

  it('sorts as $all does: by commit, then by prepare', () => {
    const positions = [
      { commit: 10n, prepare: 10n },
      { commit: 10n, prepare: 12n },
      { commit: 11n, prepare: 5n },
    ].map(packPosition);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
  });
});
