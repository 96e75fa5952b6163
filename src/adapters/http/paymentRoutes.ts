import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentPage } from './documentPage.js';
import { parseBody, parseQuery } from './parseRequest.js';
import {
  foldRecorded,
  paymentRegistrationSchema,
  registerPaymentCommand,
  type PaymentCommandHandler,
} from '../../application/index.js';
import {
  RequestRejected,
  compareRegistration,
  paymentIdSchema,
  paymentStreamName,
  type PaymentId,
  type PaymentState,
} from '../../domain/index.js';
import type { Clock, EventStore, RecordedEvent } from '../../domain/ports/index.js';
import type { SqliteReadModelStore } from '../readModels/sqliteReadModelStore.js';
import {
  paymentStateFromDocument,
  paymentView,
  paymentsProjection,
} from '../../projections/index.js';

export type PaymentRoutesOptions = Readonly<{
  eventStore: EventStore;
  handlePaymentCommand: PaymentCommandHandler;
  clock: Clock;
  readModels: SqliteReadModelStore;
  auth: (request: FastifyRequest) => Promise<void>;
}>;

const asOfSchema = z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() });

const listSchema = z.strictObject({
  status: z.enum(['pending', 'success', 'failed', 'expired', 'cancelled', 'refunded']).optional(),
  provider: z.enum(['kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay']).optional(),
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(400).optional(),
});

const paymentIdFrom = (params: unknown): PaymentId => {
  const parsed = paymentIdSchema.safeParse(params);
  if (!parsed.success) {
    throw new RequestRejected(
      'INVALID_QUERY',
      'The provider must be one of kraken-pay, kraken-embed, kryptogo, kkiapay, and the ref 1 to 256 printable characters.',
    );
  }
  return parsed.data;
};

/** Where an event came from, for the audit trail. */
const sourceOf = (event: RecordedEvent): string => {
  const evidence = (event.data['evidence'] ?? null) as { channel?: string } | null;
  if (evidence?.channel) return evidence.channel;
  const source = event.data['source'];
  if (typeof source === 'string') return source;
  const channel = event.data['channel'];
  return typeof channel === 'string' ? channel : 'payrec';
};

/**
 * `GET /payments/{provider}/{ref}` (current state from the `payments` read model, or as of an
 * instant, folded exactly from the stream) and `GET /payments/{provider}/{ref}/events` (the audit
 * trail: every event in order with its source and evidence).
 */
export const registerPaymentRoutes = (
  app: FastifyInstance,
  { eventStore, readModels, auth, handlePaymentCommand, clock }: PaymentRoutesOptions,
): void => {
  // POST /payments: register an expected payment; 201 new, 200 the identical one exists, 409 a
  // different one exists (INTERFACE.md).
  app.post('/payments', { onRequest: auth }, async (request, reply) => {
    const registration = parseBody(
      paymentRegistrationSchema,
      request.body,
      'send {provider, ref, amount?, currency?, orderId?, expiresAt?} with amount an integer in minor units and currency its ISO 4217 code.',
    );
    const { provider, ref } = registration;
    const command = registerPaymentCommand(registration, clock.now(), 'api');
    const handled = await handlePaymentCommand(command);
    const comparison = compareRegistration(handled.before, command);
    if (comparison === 'conflicting') {
      return reply.code(409).send({
        code: 'PAYMENT_CONFLICT',
        reason: `A different expectation is already registered for ${provider} payment "${ref}"; it is not changed.`,
      });
    }
    if (handled.after.status === 'unknown') throw new Error('a registered payment is known');
    return reply
      .code(comparison === 'new' ? 201 : 200)
      .send(paymentView(handled.after, handled.version));
  });

  app.get('/payments/:provider/:ref', { onRequest: auth }, async (request, reply) => {
    const id = paymentIdFrom(request.params);
    const query = asOfSchema.safeParse(request.query);
    if (!query.success) {
      throw new RequestRejected(
        'INVALID_QUERY',
        'asOf must be an ISO-8601 instant with a time zone, e.g. 2026-11-24T10:00:00Z.',
      );
    }
    let state: PaymentState;
    let version: number;
    if (query.data.asOf === undefined) {
      const document = readModels.get(paymentsProjection.name, `${id.provider}/${id.ref}`);
      state = paymentStateFromDocument(document);
      version = document === null ? -1 : (document['version'] as number);
    } else {
      const instant = Date.parse(query.data.asOf);
      const recorded = await eventStore.readStream(paymentStreamName(id));
      const firstLater = recorded.findIndex((event) => Date.parse(event.recordedAt) > instant);
      const known = firstLater === -1 ? recorded : recorded.slice(0, firstLater);
      state = foldRecorded(known);
      version = Number(known.at(-1)?.revision ?? -1);
    }
    if (state.status === 'unknown') {
      return reply.code(404).send({
        code: 'PAYMENT_NOT_FOUND',
        reason: `payrec knows no ${id.provider} payment "${id.ref}"${query.data.asOf ? ` as of ${query.data.asOf}` : ''}.`,
      });
    }
    return paymentView(state, version);
  });

  app.get('/payments', { onRequest: auth }, (request) => {
    const { status, provider, updatedSince, limit, cursor } = parseQuery(
      listSchema,
      request.query,
      'status is one of the six statuses, provider one of the four providers, updatedSince an ISO-8601 instant, limit 1 to 500.',
    );
    return documentPage(
      readModels,
      paymentsProjection.name,
      {
        limit,
        cursor,
        status,
        provider,
        updatedSince: updatedSince === undefined ? undefined : new Date(updatedSince).toISOString(),
      },
      (row) => {
        const state = paymentStateFromDocument(row.document);
        return state.status === 'unknown'
          ? []
          : [paymentView(state, row.document['version'] as number)];
      },
    );
  });

  app.get('/payments/:provider/:ref/events', { onRequest: auth }, async (request, reply) => {
    const id = paymentIdFrom(request.params);
    const events = await eventStore.readStream(paymentStreamName(id));
    if (events.length === 0) {
      return reply.code(404).send({
        code: 'PAYMENT_NOT_FOUND',
        reason: `payrec knows no ${id.provider} payment "${id.ref}".`,
      });
    }
    return {
      events: events.map((event) => ({
        type: event.type,
        revision: Number(event.revision),
        recordedAt: event.recordedAt,
        source: sourceOf(event),
        data: event.data,
      })),
    };
  });
};
