import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { StatusClient } from '../../../src/domain/ports/index.js';
import { createReconciler } from '../../../src/processors/index.js';

describe('the reconciler, asked at once about hints', () => {
  it('keeps a bounded number waiting per provider, however fast hints come', async () => {
    const asked: string[] = [];
    // A provider that never answers: every check waits, as they do behind a rate limit.
    const client: StatusClient = ({ ref }) => {
      asked.push(ref);
      return new Promise(() => undefined);
    };
    const reconciler = createReconciler({
      selectDue: () => [],
      objectOf: () => null,
      statusCheckOf: () => client,
      // Never reached: no check answers.
      handlePaymentCommand: () => Promise.reject(new Error('unused')),
      clock: { now: () => new Date('2026-12-02T00:00:00Z') },
      logger: pino({ level: 'silent' }),
      lock: { tryAcquire: () => true, release: () => undefined },
      batch: 100,
    });
    for (let index = 0; index < 500; index += 1)
      reconciler.checkNow({ provider: 'kkiapay', ref: `T-${index}` });
    reconciler.checkNow({ provider: 'kryptogo', ref: 'PI-1' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked.filter((ref) => ref.startsWith('T-'))).toHaveLength(64);
    expect(asked).toContain('PI-1');
  });
});
