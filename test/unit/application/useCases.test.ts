import { describe, expect, it } from 'vitest';
import {
  createUseCases,
  type Actor,
  type PaymentCommandHandler,
} from '../../../src/application/index.js';
import type { EventStore, ReadModelQueries } from '../../../src/domain/ports/index.js';
import { RequestRejected } from '../../../src/errors/index.js';

/** Use cases over stores that must never be reached: a read actor is refused before them. */
const useCasesWithout = () => {
  const handled: unknown[] = [];
  const untouchable = new Proxy(
    {},
    {
      get: (_target, name) => () => {
        throw new Error(`the store was reached (${String(name)})`);
      },
    },
  );
  const handlePaymentCommand: PaymentCommandHandler = (command) => {
    handled.push(command);
    return Promise.reject(new Error('a command was handled'));
  };
  const useCases = createUseCases({
    eventStore: untouchable as EventStore,
    readModels: untouchable as ReadModelQueries,
    deliveryLog: { list: () => null, paymentsOf: () => [], perMinute: () => [] },
    handleAndShow: handlePaymentCommand,
    handlePaymentCommand,
    awaitReadable: () => Promise.resolve(),
    now: () => new Date('2026-12-06T10:00:00Z'),
    providers: ['kkiapay'],
    hasStatusEndpoint: () => true,
    reverify: () => Promise.reject(new Error('a delivery was re-verified')),
    confirmHint: () => Promise.reject(new Error('a provider was asked')),
    reportTimezone: 'UTC',
  });
  return { useCases, handled };
};

const auditor: Actor = { name: 'auditor', role: 'read' };

describe('the use cases, whichever adapter calls them', () => {
  it('refuse every action to a person who may only read, before anything is read or written', async () => {
    const { useCases, handled } = useCasesWithout();
    const payment = { provider: 'kkiapay', ref: 'tx-1' };
    const actions: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
      ['register', () => useCases.payments.register(auditor, payment)],
      ['redrive', () => useCases.fulfilments.redrive(auditor, payment, `msg_${'a'.repeat(22)}`)],
      [
        'redriveExhausted',
        () => useCases.fulfilments.redriveExhausted(auditor, { reason: 'retry', confirm: true }),
      ],
      ['acknowledge', () => useCases.discrepancies.acknowledge(auditor, 'd-1', { note: 'seen' })],
      [
        'resolve',
        () => useCases.discrepancies.resolve(auditor, 'd-1', { resolution: 'other', note: 'done' }),
      ],
      ['replay', () => useCases.deliveries.replay(auditor, '0'.repeat(32), true)],
    ];
    for (const [name, act] of actions) {
      const refused = await act().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused, name).toBeInstanceOf(RequestRejected);
      expect((refused as RequestRejected).code, name).toBe('FORBIDDEN');
      expect((refused as RequestRejected).message, name).toMatch(
        /^auditor may only read; .+ needs the operate role\.$/,
      );
    }
    expect(handled).toEqual([]);
  });
});
