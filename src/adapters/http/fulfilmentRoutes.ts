import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentPage } from './documentPage.js';
import { parseQuery } from './parseRequest.js';
import { RequestRejected, providerNameSchema } from '../../domain/index.js';
import type { Clock } from '../../domain/ports/index.js';
import type { PaymentCommandHandler } from '../../application/index.js';
import { fulfilmentsProjection, type FulfilmentView } from '../../projections/index.js';
import type { SqliteReadModelStore } from '../readModels/sqliteReadModelStore.js';

const listSchema = z.strictObject({
  status: z.enum(['requested', 'delivered', 'exhausted']).optional(),
  provider: providerNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(400).optional(),
});

const idSchema = z.strictObject({ id: z.string().regex(/^msg_[A-Za-z0-9_-]{22}$/) });

/**
 * `GET /fulfilments?status=&provider=&limit=&cursor=`: fulfilment notifications and where they
 * stand (`exhausted` ones need an operator); `POST /fulfilments/{webhookId}/redrive`: try an
 * exhausted one again with a fresh retry budget (`202`; `409` when it is not exhausted).
 */
export const registerFulfilmentRoutes = (
  app: FastifyInstance,
  {
    readModels,
    handlePaymentCommand,
    clock,
    auth,
  }: Readonly<{
    readModels: SqliteReadModelStore;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  app.get('/fulfilments', { onRequest: auth }, (request) => {
    const { status, provider, limit, cursor } = parseQuery(
      listSchema,
      request.query,
      'status is requested, delivered or exhausted; provider one of kraken-pay, kraken-embed, kryptogo, kkiapay; limit 1 to 500.',
    );
    return documentPage(
      readModels,
      fulfilmentsProjection.name,
      { limit, cursor, status, provider },
      (row) => [row.document],
    );
  });

  app.post('/fulfilments/:id/redrive', { onRequest: auth }, async (request, reply) => {
    const parsed = idSchema.safeParse(request.params);
    if (!parsed.success) {
      throw new RequestRejected(
        'INVALID_QUERY',
        'A fulfilment id is a webhook-id: msg_ and 22 base64url characters.',
      );
    }
    const document = readModels.get(fulfilmentsProjection.name, parsed.data.id);
    if (document === null) {
      return reply
        .code(404)
        .send({ code: 'NOT_FOUND', reason: `No fulfilment ${parsed.data.id}.` });
    }
    const view = document as unknown as FulfilmentView;
    const { appended } = await handlePaymentCommand({
      type: 'RedriveFulfilment',
      data: { payment: view.payment, key: view.key, at: clock.now().toISOString(), source: 'api' },
    });
    if (appended.length === 0) {
      return reply.code(409).send({
        code: 'NOT_EXHAUSTED',
        reason: `Fulfilment ${view.id} is not exhausted (it is delivered or already being retried); nothing to re-drive.`,
      });
    }
    return reply.code(202).send({ id: view.id, status: 'requested' });
  });
};
