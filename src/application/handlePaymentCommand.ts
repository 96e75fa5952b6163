import {
  StreamConflict,
  decide,
  evolve,
  paymentStreamName,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  foldRecorded,
  toNewEvent,
} from '../domain/index.js';
import type { EventStore, ExpectedRevision, Fence } from '../domain/ports/index.js';
import { randomUUID } from 'node:crypto';

export type HandledPaymentCommand = Readonly<{
  /** The state the command was decided on. */
  before: PaymentState;
  /** The events this call appended (none for a repeat). */
  appended: readonly PaymentEvent[];
  after: PaymentState;
  /** The stream revision after the command: the payment's version (-1 for no stream). */
  version: number;
  /** How many times the decision was retried after a concurrent writer got there first. */
  retries: number;
  /**
   * The global position of the stream's last event after the command (the one appended, or the
   * last one already there for a repeat); `null` for a stream that does not exist. A read model
   * whose checkpoint has reached it shows the command's effect.
   */
  position: bigint | null;
}>;

export type PaymentCommandHandlerOptions = Readonly<{
  eventStore: EventStore;
  /** Attempts before giving up with `StreamConflict`. Default 20. */
  maxAttempts?: number;
  /** The process writing (`PAYREC_INSTANCE_ID`), kept in each event's metadata. */
  instance?: string;
}>;

/**
 * Creates the payment command handler: load the payment's stream, fold it, decide, and append
 * at the revision it was loaded at. When another writer appended first, it loads again and
 * decides again, so two deliveries for one payment that arrive together both count.
 *
 * Event ids are random: a repeated delivery is recognised by its delivery key in the payment's
 * state (the decider decides nothing for it), so a retried decision can never duplicate events.
 *
 * The returned function resolves once the new events are durable. It throws `StreamConflict`
 * when every attempt met a concurrent writer, and passes event-store failures through.
 *
 * @example
 * const handle = createPaymentCommandHandler({ eventStore });
 * const { appended } = await handle(command);
 */
export const createPaymentCommandHandler = ({
  eventStore,
  maxAttempts = 20,
  instance,
}: PaymentCommandHandlerOptions) => {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError('createPaymentCommandHandler: "maxAttempts" must be a positive integer');
  }
  return async (
    command: PaymentCommand,
    /** `fence`: the role and token the work runs under; a stale one rejects with `RoleLost`. */
    options: Readonly<{ fence?: Fence | undefined }> = {},
  ): Promise<HandledPaymentCommand> => {
    const streamName = paymentStreamName(command.data.payment);
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const recorded = await eventStore.readStream(streamName);
      const state = foldRecorded(recorded);
      const decided = decide(command, state);
      const last = recorded.at(-1);
      if (decided.length === 0) {
        const version = last === undefined ? -1 : Number(last.revision);
        return {
          before: state,
          appended: [],
          after: state,
          version,
          retries: attempt,
          position: last?.globalPosition ?? null,
        };
      }

      const expectedRevision: ExpectedRevision = last === undefined ? 'no_stream' : last.revision;
      const result = await eventStore.appendToStream(
        streamName,
        decided.map((event) => toNewEvent(event, randomUUID(), instance)),
        options.fence === undefined
          ? { expectedRevision }
          : { expectedRevision, fence: options.fence },
      );
      if (result.ok) {
        return {
          before: state,
          appended: decided,
          after: decided.reduce(evolve, state),
          version: Number(result.nextRevision),
          retries: attempt,
          position: result.lastPosition,
        };
      }
    }
    throw new StreamConflict(
      `Payment stream "${streamName}" kept changing under ${maxAttempts} attempts; the delivery was not recorded, retry it.`,
    );
  };
};

export type PaymentCommandHandler = ReturnType<typeof createPaymentCommandHandler>;
