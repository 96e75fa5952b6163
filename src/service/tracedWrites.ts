import type { PaymentCommandHandler } from '../application/index.js';
import type { EventStore, FulfilmentSender, JsonObject } from '../domain/ports/index.js';
import { contextOf, currentTraceparent, inSpan } from '../adapters/telemetry/index.js';

/**
 * The command handler in a `payrec.decide` span: the command, the payment and how many events
 * it decided. Wraps the handler the webhooks, the poller, the dispatcher and people's actions all
 * go through, so each of them is traced the same way.
 */
export const tracedCommands =
  (handle: PaymentCommandHandler): PaymentCommandHandler =>
  (command, options) =>
    inSpan(
      'payrec.decide',
      {
        'payrec.command': command.type,
        'payrec.provider': command.data.payment.provider,
        'payrec.ref': command.data.payment.ref,
      },
      async (span) => {
        const handled = await handle(command, options);
        span.setAttributes({
          'payrec.events': handled.appended.length,
          'payrec.retries': handled.retries,
        });
        return handled;
      },
    );

/**
 * The event store with each append in a `payrec.append` span, and the span's `traceparent` in
 * each appended event's metadata: what lets the projections and the fulfilment dispatcher, which
 * read the events later and elsewhere, continue the delivery's trace. Nothing is added when no
 * span records (tracing off).
 */
export const tracedAppends = (eventStore: EventStore): EventStore => ({
  readStream: (streamName) => eventStore.readStream(streamName),
  readAll: (options) => eventStore.readAll(options),
  subscribeToAll: (options) => eventStore.subscribeToAll(options),
  eventsAfter: (position) => eventStore.eventsAfter(position),
  leases: eventStore.leases,
  ping: () => eventStore.ping(),
  close: () => eventStore.close(),
  appendToStream: (streamName, events, options) =>
    inSpan(
      'payrec.append',
      { 'payrec.stream': streamName, 'payrec.events': events.length },
      async (span) => {
        const traceparent = currentTraceparent();
        const result = await eventStore.appendToStream(
          streamName,
          traceparent === null
            ? events
            : events.map((event) => ({
                ...event,
                metadata: { ...(event.metadata ?? {}), traceparent } satisfies JsonObject,
              })),
          options,
        );
        span.setAttribute('payrec.appended', result.ok);
        return result;
      },
    ),
});

/**
 * The fulfilment sender in a `payrec.fulfil` span, a child of the span its transition was
 * appended under (the message's stored `traceparent`), and the notification sent with this
 * span's `traceparent`: the merchant's backend continues the same trace.
 */
export const tracedSender =
  (send: FulfilmentSender): FulfilmentSender =>
  (message, at) =>
    inSpan(
      'payrec.fulfil',
      { 'payrec.webhook_id': message.id },
      async (span) => {
        const traceparent = currentTraceparent();
        const outcome = await send(
          traceparent === null ? message : { ...message, traceparent },
          at,
        );
        span.setAttributes(
          outcome.kind === 'delivered'
            ? { 'payrec.outcome': 'delivered', 'http.response.status_code': outcome.responseStatus }
            : { 'payrec.outcome': 'failed', 'payrec.reason': outcome.reason },
        );
        return outcome;
      },
      contextOf(message.traceparent),
    );
