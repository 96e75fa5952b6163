import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createFulfilmentDispatcher } from '../../../src/processors/index.js';
import { defaultFulfilmentRetryPolicy } from '../../../src/domain/index.js';
import type { EventStore } from '../../../src/domain/ports/index.js';
import type { FulfilmentView } from '../../../src/projections/index.js';
import { noFailpoints } from '../../../src/failpoints.js';

describe('the fulfilment dispatcher', () => {
  it('runs no pass after it is stopped, not even one scheduled just before', async () => {
    const dueIds = vi.fn(() => ['fulfilment-1']);
    const dispatcher = createFulfilmentDispatcher({
      dueIds,
      // A fulfilment the payment's stream does not hold: the pass ends without a call.
      load: (id) =>
        ({
          id,
          key: 'k',
          payment: { provider: 'kkiapay', ref: 'T-1' },
        }) as unknown as FulfilmentView,
      eventStore: { readStream: () => Promise.resolve([]) } as unknown as EventStore,
      handlePaymentCommand: () => Promise.reject(new Error('no command is expected')),
      send: () => Promise.reject(new Error('no call is expected')),
      retry: defaultFulfilmentRetryPolicy,
      clock: { now: () => new Date('2026-12-01T00:00:00.000Z') },
      logger: pino({ level: 'silent' }),
      failpoints: noFailpoints,
      pollIntervalMs: 60_000,
    });
    dispatcher.start();
    // The pass's dispatch settles and schedules the next pass, 5 ms later.
    await new Promise((resolve) => setImmediate(resolve));
    await dispatcher.stop();
    const passesAtStop = dueIds.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(passesAtStop).toBe(1);
    expect(dueIds).toHaveBeenCalledTimes(1);
  });
});
