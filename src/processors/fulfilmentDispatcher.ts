import type { Logger } from 'pino';
import {
  EventStoreFailed,
  StoreCorrupt,
  RoleLost,
  StoreFull,
  paymentKey,
  paymentStreamName,
  retryDelaySeconds,
  type Fulfilment,
  type FulfilmentRetryPolicy,
  foldRecorded,
} from '../domain/index.js';
import type {
  Clock,
  EventStore,
  Fence,
  FulfilmentSender,
  SendOutcome,
} from '../domain/ports/index.js';
import { fulfilmentPayload, type PaymentCommandHandler } from '../application/index.js';
import type { FulfilmentView } from '../projections/index.js';
import type { Failpoints } from '../failpoints.js';

export type FulfilmentDispatcherOptions = Readonly<{
  /** The ids of requested fulfilments whose next attempt is due by `dueBy`, soonest first. */
  dueIds: (dueBy: string, limit: number) => readonly string[];
  /** One fulfilment from the read model. */
  load: (id: string) => FulfilmentView | null;
  eventStore: EventStore;
  handlePaymentCommand: PaymentCommandHandler;
  send: FulfilmentSender;
  retry: FulfilmentRetryPolicy;
  clock: Clock;
  logger: Logger;
  failpoints: Failpoints;
  /** How often to look for due fulfilments. Default 250 ms. */
  pollIntervalMs?: number;
  /** Notifications in flight at most. Default 8. */
  concurrency?: number;
  onAttempt?: (outcome: SendOutcome['kind']) => void;
}>;

/**
 * Sends what the `fulfilments` read model says is due, and records each outcome on the payment's
 * stream through the decider. Before each call it re-reads the payment's stream, the truth, so a
 * read model that lags behind never causes a second send of a delivered notification. Delivery
 * is at least once, with one `webhook-id` per transition: `FulfilmentDelivered` is appended only
 * after a 2xx, so a crash between the 2xx and that append means one more attempt with the same
 * `webhook-id`, which a receiver that keeps the ids it has seen (Standard Webhooks) drops. The
 * effect at such a receiver is once per transition; the sending is not.
 */
/* eslint-disable max-lines-per-function -- a factory: its closures share the in-flight set and the timer */
export const createFulfilmentDispatcher = ({
  dueIds,
  load,
  eventStore,
  handlePaymentCommand,
  send,
  retry,
  clock,
  logger,
  failpoints,
  pollIntervalMs = 250,
  concurrency = 8,
  onAttempt,
}: FulfilmentDispatcherOptions) => {
  const inFlight = new Map<string, Promise<void>>();
  // Just handled: the read model may still show them due for a moment (projection lag).
  const settledUntil = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;

  /**
   * The fulfilment as the payment's stream has it, if it is due now (with the `traceparent` its
   * request was recorded under, if any); otherwise `null`.
   */
  const dueOnStream = async (
    view: FulfilmentView,
    now: Date,
  ): Promise<Readonly<{ fulfilment: Fulfilment; traceparent?: string }> | null> => {
    const recorded = await eventStore.readStream(paymentStreamName(view.payment));
    const state = foldRecorded(recorded);
    if (state.status === 'unknown') return null;
    const fulfilment = state.fulfilments.find((candidate) => candidate.key === view.key);
    if (fulfilment?.status !== 'requested') return null;
    const dueAt = fulfilment.nextAttemptAt === null ? 0 : Date.parse(fulfilment.nextAttemptAt);
    if (dueAt > now.getTime()) return null;
    const traceparent = recorded.find(
      (event) => event.type === 'FulfilmentRequested' && event.data['key'] === view.key,
    )?.metadata?.['traceparent'];
    return typeof traceparent === 'string' ? { fulfilment, traceparent } : { fulfilment };
  };

  /** The fence of the lease the dispatcher was started under: every outcome it records carries it. */
  let fence: Fence | undefined;

  const dispatch = async (view: FulfilmentView): Promise<void> => {
    const now = clock.now();
    const fenced = { fence };
    const due = await dueOnStream(view, now);
    if (due === null) return;
    const { fulfilment, traceparent } = due;
    failpoints.hit('fulfilment-before-call');
    const body = JSON.stringify(fulfilmentPayload(view.payment, view, view));
    // The `double-fulfil` plant: a retry under a new id, which a receiver cannot drop.
    const id =
      failpoints.planted('double-fulfil') && fulfilment.attempts > 0
        ? `${view.id}-retry-${fulfilment.attempts}`
        : view.id;
    const outcome = await send(
      traceparent === undefined ? { id, body } : { id, body, traceparent },
      now,
    );
    onAttempt?.(outcome.kind);
    if (outcome.kind === 'delivered') failpoints.hit('fulfilment-after-call');
    const at = clock.now();
    const attempt = fulfilment.attempts + 1;
    const { appended } = await handlePaymentCommand(
      {
        type: 'RecordFulfilmentAttempt',
        data: {
          payment: view.payment,
          key: view.key,
          at: at.toISOString(),
          outcome:
            outcome.kind === 'delivered'
              ? outcome
              : {
                  kind: 'failed',
                  reason: outcome.reason,
                  nextAttemptAt: new Date(
                    at.getTime() + retryDelaySeconds(retry, attempt) * 1000,
                  ).toISOString(),
                  maxAttempts: retry.maxAttempts,
                },
        },
      },
      fenced,
    );
    const log = { webhookId: view.id, payment: paymentKey(view.payment) };
    for (const event of appended) {
      if (event.type === 'FulfilmentDelivered') logger.info(log, 'fulfilment delivered');
      if (event.type === 'FulfilmentAttemptFailed') {
        logger.warn(
          { ...log, reason: event.data.reason, nextAttemptAt: event.data.nextAttemptAt },
          'fulfilment attempt failed',
        );
      }
      if (event.type === 'FulfilmentExhausted') {
        logger.error(
          { ...log, reason: event.data.reason, attempts: event.data.attempts },
          'fulfilment exhausted its retry budget; re-drive it once the receiver is fixed',
        );
      }
    }
  };

  let pausedUntil = 0;
  let storeFailures = 0;
  let nextTick: NodeJS.Timeout | null = null;
  /** Another pass soon (a backlog drains at the receiver's pace), at most one pending. */
  const scheduleTick = () => {
    if (nextTick !== null || timer === null) return;
    nextTick = setTimeout(() => {
      nextTick = null;
      tick();
    }, 5).unref();
  };

  /**
   * One pass: starts what is due, up to the concurrency cap. Fulfilments are tracked by their
   * read-model id; one just handled is skipped for a second, while the read model may still show
   * it due.
   */
  const tick = () => {
    const free = concurrency - inFlight.size;
    if (free <= 0 || Date.now() < pausedUntil) return;
    const now = Date.now();
    for (const [id, until] of settledUntil) if (until <= now) settledUntil.delete(id);
    const candidates = dueIds(
      clock.now().toISOString(),
      concurrency * 2 + inFlight.size + settledUntil.size,
    );
    for (const id of candidates) {
      if (inFlight.size >= concurrency) break;
      if (inFlight.has(id) || settledUntil.has(id)) continue;
      const view = load(id);
      if (view === null) continue;
      const running = dispatch(view)
        .then(() => {
          storeFailures = 0;
        })
        .catch((err: unknown) => {
          if (isStoreFailure(err)) {
            // The store cannot be written (a full disk): every send would go out again unrecorded.
            // Pause, longer each time, and try again.
            storeFailures += 1;
            const pauseMs = Math.min(1_000 * 2 ** (storeFailures - 1), 60_000);
            pausedUntil = Date.now() + pauseMs;
            logger.error(
              { err, webhookId: view.id, pauseMs },
              'fulfilment could not be recorded; the dispatcher pauses and tries again',
            );
            return;
          }
          if (err instanceof RoleLost) {
            // Another process took the dispatcher: this outcome is not recorded here; the new
            // holder re-reads the stream and sends it again under the same webhook-id if due.
            logger.warn(
              { webhookId: view.id, reason: err.message },
              'role lost: outcome not recorded',
            );
            return;
          }
          logger.error({ err, webhookId: view.id }, 'fulfilment dispatch failed; it stays due');
        })
        .finally(() => {
          inFlight.delete(id);
          settledUntil.set(id, Date.now() + 1_000);
          scheduleTick();
        });
      inFlight.set(id, running);
    }
  };

  return {
    start: (taken?: Fence) => {
      fence = taken;
      timer ??= setInterval(tick, pollIntervalMs);
      timer.unref();
      tick();
    },
    /** Stops looking for work and waits for the notifications in flight. */
    stop: async () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
      // A pass scheduled before the stop must not run after it: the read model may be closed.
      if (nextTick !== null) clearTimeout(nextTick);
      nextTick = null;
      await Promise.all(inFlight.values());
    },
    tick,
  };
};
/* eslint-enable max-lines-per-function */

export type FulfilmentDispatcher = ReturnType<typeof createFulfilmentDispatcher>;

const isStoreFailure = (error: unknown): boolean =>
  error instanceof StoreFull || error instanceof StoreCorrupt || error instanceof EventStoreFailed;
