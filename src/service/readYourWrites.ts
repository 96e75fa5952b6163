import type { PaymentCommandHandler } from '../application/index.js';
import type { ReadModelQueries } from '../domain/ports/index.js';
import { ReadModelsBehind } from '../errors/index.js';

export type ReadYourWritesOptions = Readonly<{
  readModels: Pick<ReadModelQueries, 'checkpointOf'>;
  /** Every projection a list route reads. */
  projections: readonly string[];
  /** Asks the projections to read the log now (they would at their next poll anyway). */
  nudge?: () => void;
  /** How long a write waits for the read models before answering 503. Default 5 s. */
  timeoutMs?: number;
  /** How often it looks at the checkpoints meanwhile. Default 5 ms. */
  pollMs?: number;
}>;

const pause = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Waits until every read model holds a position; throws `ReadModelsBehind` past the bound. */
export type AwaitReadable = (position: bigint | null) => Promise<void>;

/**
 * What you write, you read: the write routes (register, acknowledge, resolve, re-drive, replay
 * with apply) answer only once every read model holds the payment's stream up to what the
 * command left there, whether it appended or found its effect already recorded. The projections
 * run beside the service and lag by tens of milliseconds; without this, a person who registers a
 * payment and lists payments at once would not find it. Past `timeoutMs` it throws
 * `ReadModelsBehind` (the write itself is durable). Webhook deliveries do not wait: a provider
 * waits for nothing but durability.
 *
 * @example
 * const { awaitReadable, wrap } = readYourWrites({ readModels, projections: projectionNames });
 * const handleAndShow = wrap(handlePaymentCommand); // resolves once the lists show it
 * await awaitReadable(lastPosition); // after a batch of commands, once for all
 */
export const readYourWrites = ({
  readModels,
  projections,
  nudge = () => {},
  timeoutMs = 5_000,
  pollMs = 5,
}: ReadYourWritesOptions) => {
  const holds = (position: bigint) =>
    projections.every((name) => (readModels.checkpointOf(name) ?? -1n) >= position);
  const awaitReadable: AwaitReadable = async (position) => {
    if (position === null || holds(position)) return;
    nudge();
    const deadline = Date.now() + timeoutMs;
    while (!holds(position)) {
      if (Date.now() >= deadline) {
        throw new ReadModelsBehind(
          `Recorded at position ${position.toString()}, but the read models had not reached it after ${timeoutMs} ms.`,
        );
      }
      await pause(pollMs);
    }
  };
  return {
    awaitReadable,
    /** The command handler, resolving only once its effect is readable. */
    wrap:
      (handle: PaymentCommandHandler): PaymentCommandHandler =>
      async (command, options) => {
        const handled = await handle(command, options);
        await awaitReadable(handled.position);
        return handled;
      },
  };
};
