import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  bulkRedriveSchemaFor,
  paymentIdSchemaFor,
  webhookIdSchema,
  type UseCases,
} from '../../application/index.js';
import { fulfilmentPageAnswer } from './answerSchemas.js';
import { actorOf } from './apiAuth.js';

const bulkAnswer = z.object({
  preview: z.boolean(),
  matching: z.number().int().describe('Exhausted fulfilments that match.'),
  redriven: z.number().int(),
  more: z.boolean().optional().describe('True when more match than one request re-drives.'),
});

/**
 * `GET /fulfilments?status=&provider=&limit=&cursor=`: fulfilment notifications and where they
 * stand (`exhausted` ones need an operator); `POST /fulfilments/redrive`: the bulk re-drive (a
 * preview count without `confirm`); `POST /payments/{provider}/{ref}/fulfilments/{webhookId}/redrive`:
 * try one exhausted one again with a fresh retry budget (`202`; `409` when it is not exhausted).
 */
export const registerFulfilmentRoutes = (
  app: FastifyInstance,
  { useCases }: Readonly<{ useCases: UseCases }>,
): void => {
  const { providers, fulfilments, lists } = useCases;
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/fulfilments',
    {
      schema: {
        tags: ['fulfilments'],
        summary: "Notifications to the merchant's backend and where they stand.",
        querystring: lists.fulfilments,
        response: { 200: fulfilmentPageAnswer },
      },
    },
    (request) => fulfilments.list(request.query),
  );

  api.post(
    '/fulfilments/redrive',
    {
      schema: {
        tags: ['fulfilments'],
        summary:
          'Bulk re-drive of exhausted fulfilments (operate): a preview count, then on confirm.',
        body: bulkRedriveSchemaFor(providers),
        response: { 200: bulkAnswer, 202: bulkAnswer },
      },
    },
    async (request, reply) => {
      const answer = await fulfilments.redriveExhausted(actorOf(request), request.body);
      return reply.code(answer.preview ? 200 : 202).send(answer);
    },
  );

  // A fulfilment is found through its payment, whose read model lists its fulfilments.
  api.post(
    '/payments/:provider/:ref/fulfilments/:webhookId/redrive',
    {
      schema: {
        tags: ['fulfilments'],
        summary: 'Re-drive one exhausted fulfilment with a fresh retry budget (operate).',
        description: '409 NOT_EXHAUSTED when it is delivered or already being retried.',
        params: z
          .strictObject({
            ...paymentIdSchemaFor(providers).shape,
            webhookId: webhookIdSchema,
          })
          .describe(
            'Name the payment (provider and ref) and the fulfilment by its webhook-id: msg_ and 22 base64url characters.',
          ),
        response: {
          202: z.object({ id: z.string(), status: z.literal('requested') }),
        },
      },
    },
    async (request, reply) => {
      const { provider, ref, webhookId } = request.params;
      await fulfilments.redrive(actorOf(request), { provider, ref }, webhookId);
      return reply.code(202).send({ id: webhookId, status: 'requested' });
    },
  );
};
