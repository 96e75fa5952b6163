import { describe, expect, it } from 'vitest';
import type {
  HandledPaymentCommand,
  PaymentCommandHandler,
} from '../../../src/application/index.js';
import { initialState } from '../../../src/domain/index.js';
import { ReadModelsBehind } from '../../../src/errors/index.js';
import { readYourWrites } from '../../../src/service/readYourWrites.js';

const handled = (position: bigint | null): HandledPaymentCommand => ({
  before: initialState(),
  appended: [],
  after: initialState(),
  version: 0,
  retries: 0,
  position,
});

const handlerAt =
  (position: bigint | null): PaymentCommandHandler =>
  () =>
    Promise.resolve(handled(position));

const command = {} as Parameters<PaymentCommandHandler>[0];

describe('readYourWrites', () => {
  it('answers once every read model holds the position the command left, nudging the projections', async () => {
    const checkpoints = new Map<string, bigint>([
      ['payments', 5n],
      ['discrepancies', 3n],
    ]);
    let nudged = 0;
    const { wrap } = readYourWrites({
      readModels: { checkpointOf: (name) => checkpoints.get(name) ?? null },
      projections: ['payments', 'discrepancies'],
      nudge: () => {
        nudged += 1;
        setTimeout(() => checkpoints.set('discrepancies', 5n), 30);
      },
      pollMs: 1,
    });
    let answered = false;
    const pending = wrap(handlerAt(5n))(command).then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answered).toBe(false);
    await pending;
    expect(answered).toBe(true);
    expect(nudged).toBe(1);
  });

  it('does not wait for a payment that has no stream, nor for a position already held', async () => {
    let nudged = 0;
    const { wrap } = readYourWrites({
      readModels: { checkpointOf: () => 7n },
      projections: ['payments'],
      nudge: () => (nudged += 1),
    });
    await wrap(handlerAt(null))(command);
    await wrap(handlerAt(7n))(command);
    expect(nudged).toBe(0);
  });

  it('gives up after its bound with READ_MODELS_BEHIND; a projection with no checkpoint holds nothing', async () => {
    const { awaitReadable } = readYourWrites({
      readModels: { checkpointOf: (name) => (name === 'payments' ? 9n : null) },
      projections: ['payments', 'settlement'],
      timeoutMs: 40,
      pollMs: 5,
    });
    const started = Date.now();
    const failure = await awaitReadable(2n).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReadModelsBehind);
    expect(failure).toMatchObject({ code: 'READ_MODELS_BEHIND' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});
