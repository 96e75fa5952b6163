import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fulfilmentPageAnswer } from './answerSchemas.js';
import { actorOf } from './apiAuth.js';
import { documentPage, equalTo } from './documentPage.js';
import { paymentKey, paymentRefSchema, type ProviderName } from '../../domain/index.js';
import { RequestRejected } from '../../errors/index.js';
import type { Clock, ReadModelQueries } from '../../domain/ports/index.js';
import { fulfilmentMessageId, type PaymentCommandHandler } from '../../application/index.js';
import {
  fulfilmentsProjection,
  paymentStateFromDocument,
  paymentsProjectionName,
  storedFulfilment,
} from '../../projections/index.js';
import { allRows } from '../../application/exports.js';
import { knownProvider, providerList } from './knownProvider.js';

const listSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    status: z.enum(['requested', 'delivered', 'exhausted']).optional(),
    provider: knownProvider(providers).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(400).optional(),
  });

/** The largest bulk re-drive one request makes; the answer says when more remain. */
const maxBulkRedrive = 10_000;

const bulkRedriveSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    provider: knownProvider(providers).optional(),
    /** Only fulfilments exhausted before this instant. */
    exhaustedBefore: z.iso
      .datetime({ offset: true })
      .transform((value) => new Date(value).toISOString())
      .optional(),
    reason: z.string().trim().min(1).max(500),
    /** Without it, nothing is re-driven: the answer is the preview count. */
    confirm: z.literal(true).optional(),
  });

const redriveSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    provider: knownProvider(providers),
    ref: paymentRefSchema,
    webhookId: z.string().regex(/^msg_[A-Za-z0-9_-]{22}$/),
  });

/**
 * `GET /fulfilments?status=&provider=&limit=&cursor=`: fulfilment notifications and where they
 * stand (`exhausted` ones need an operator); `POST /payments/{provider}/{ref}/fulfilments/{webhookId}/redrive`: try an
 * exhausted one again with a fresh retry budget (`202`; `409` when it is not exhausted).
 */
export const registerFulfilmentRoutes = (
  app: FastifyInstance,
  {
    readModels,
    providers,
    handlePaymentCommand,
    awaitReadable = () => Promise.resolve(),
    clock,
    auth,
  }: Readonly<{
    readModels: ReadModelQueries;
    providers: readonly ProviderName[];
    handlePaymentCommand: PaymentCommandHandler;
    /** Resolves once the read models hold a position: a re-drive answers once it is listed. */
    awaitReadable?: (position: bigint | null) => Promise<void>;
    clock: Clock;
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const listSchema = listSchemaFor(providers).describe(
    `status is requested, delivered or exhausted; provider one of ${providerList(providers)}; limit 1 to 500.`,
  );
  const redriveSchema = redriveSchemaFor(providers).describe(
    'Name the payment (provider and ref) and the fulfilment by its webhook-id: msg_ and 22 base64url characters.',
  );
  api.get(
    '/fulfilments',
    {
      onRequest: auth,
      schema: {
        tags: ['fulfilments'],
        summary: "Notifications to the merchant's backend and where they stand.",
        querystring: listSchema,
        response: { 200: fulfilmentPageAnswer },
      },
    },
    (request) => {
      const { status, provider, limit, cursor } = request.query;
      return documentPage(
        readModels,
        fulfilmentsProjection.name,
        { limit, cursor, where: equalTo({ status, provider }) },
        (row) => {
          const fulfilment = storedFulfilment(row.document);
          return fulfilment === null ? [] : [fulfilment];
        },
      );
    },
  );

  // Bulk re-drive: a preview count first (without `confirm`), then the re-drive of what matches,
  // each `FulfilmentRedriven` naming the actor and the reason.
  const bulkSchema = bulkRedriveSchemaFor(providers).describe(
    `send {"reason", "provider"?, "exhaustedBefore"?, "confirm"?}: a reason (required), provider one of ${providerList(providers)}, exhaustedBefore an ISO-8601 instant; without "confirm": true the answer is only the count that would be re-driven.`,
  );
  const bulkAnswer = z.object({
    preview: z.boolean(),
    matching: z.number().int().describe('Exhausted fulfilments that match.'),
    redriven: z.number().int(),
    more: z.boolean().optional().describe('True when more match than one request re-drives.'),
  });
  api.post(
    '/fulfilments/redrive',
    {
      onRequest: auth,
      schema: {
        tags: ['fulfilments'],
        summary:
          'Bulk re-drive of exhausted fulfilments (operate): a preview count, then on confirm.',
        body: bulkSchema,
        response: { 200: bulkAnswer, 202: bulkAnswer },
      },
    },
    async (request, reply) => {
      const { provider, exhaustedBefore, reason, confirm } = request.body;
      const where = [
        { column: 'status', op: '=' as const, value: 'exhausted' },
        ...equalTo({ provider }),
        ...(exhaustedBefore === undefined
          ? []
          : [{ column: 'updatedAt', op: '<' as const, value: exhaustedBefore }]),
      ];
      const matching =
        readModels.aggregate(fulfilmentsProjection.name, { groupBy: [], where })[0]?.count ?? 0;
      if (confirm !== true) return reply.code(200).send({ preview: true, matching, redriven: 0 });
      const actor = actorOf(request);
      let redriven = 0;
      let last: bigint | null = null;
      for (const row of allRows(readModels, fulfilmentsProjection.name, {
        where,
        orderBy: 'updatedAt',
        withDocuments: true,
      })) {
        if (redriven >= maxBulkRedrive) break;
        const fulfilment = storedFulfilment(row.document);
        if (fulfilment === null) continue;
        const { appended, position } = await handlePaymentCommand({
          type: 'RedriveFulfilment',
          data: {
            payment: fulfilment.payment,
            key: fulfilment.key,
            at: clock.now().toISOString(),
            source: 'api',
            actor,
            reason,
          },
        });
        if (appended.length > 0) redriven += 1;
        if (position !== null && (last === null || position > last)) last = position;
      }
      // Once for the whole batch: every re-drive is listed when the answer comes.
      await awaitReadable(last);
      return reply.code(202).send({
        preview: false,
        matching,
        redriven,
        more: matching > redriven && redriven >= maxBulkRedrive,
      });
    },
  );

  // A fulfilment is found through its payment, whose read model lists its fulfilments.
  api.post(
    '/payments/:provider/:ref/fulfilments/:webhookId/redrive',
    {
      onRequest: auth,
      schema: {
        tags: ['fulfilments'],
        summary: 'Re-drive one exhausted fulfilment with a fresh retry budget (operate).',
        description: '409 NOT_EXHAUSTED when it is delivered or already being retried.',
        params: redriveSchema,
        response: {
          202: z.object({ id: z.string(), status: z.literal('requested') }),
        },
      },
    },
    async (request, reply) => {
      const { provider, ref, webhookId } = request.params;
      const payment = { provider, ref };
      const state = paymentStateFromDocument(
        readModels.get(paymentsProjectionName, paymentKey(payment)),
      );
      const fulfilment =
        state.status === 'unknown'
          ? undefined
          : state.fulfilments.find(
              (candidate) => fulfilmentMessageId(payment, candidate.key) === webhookId,
            );
      if (fulfilment === undefined) {
        throw new RequestRejected(
          'NOT_FOUND',
          `No fulfilment ${webhookId} for ${provider} payment "${ref}".`,
        );
      }
      const { appended, position } = await handlePaymentCommand({
        type: 'RedriveFulfilment',
        data: {
          payment,
          key: fulfilment.key,
          at: clock.now().toISOString(),
          source: 'api',
          actor: actorOf(request),
        },
      });
      await awaitReadable(position);
      if (appended.length === 0) {
        throw new RequestRejected(
          'NOT_EXHAUSTED',
          `Fulfilment ${webhookId} is not exhausted (it is delivered or already being retried); nothing to re-drive.`,
        );
      }
      return reply.code(202).send({ id: webhookId, status: 'requested' });
    },
  );
};
