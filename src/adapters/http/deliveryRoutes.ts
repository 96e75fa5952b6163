import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deliveryIdSchema, type UseCases } from '../../application/index.js';
import { deliveryPageAnswer } from './answerSchemas.js';
import { actorOf } from './apiAuth.js';

/**
 * `GET /deliveries?provider=&outcome=&limit=&cursor=`: the delivery log, the most recently logged first; and
 * `POST /deliveries/{id}/replay`: replay a stored delivery, a dry run unless applied.
 */
export const registerDeliveryRoutes = (
  app: FastifyInstance,
  { useCases }: Readonly<{ useCases: UseCases }>,
): void => {
  const { deliveries, lists } = useCases;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary:
          'The delivery log, the most recently logged first (an entry restored from the event log, or copied from another host, is logged when it arrives): accepted, repeated and rejected (with their codes).',
        querystring: lists.deliveries,
        response: { 200: deliveryPageAnswer },
      },
    },
    (request) => deliveries.list(request.query),
  );

  const replayAnswer = z.object({
    outcome: z.enum(['replayed', 'not-reverifiable', 'verification-failed']),
    deliveryId: z.string(),
    provider: z.string(),
    receivedAt: z.string(),
    verifiedThen: z.string(),
    verifiedNow: z.string().nullable(),
    reason: z.string().nullable().describe('Why it could not be verified again.'),
    decisions: z
      .array(
        z.object({
          payment: z.string(),
          providerStatus: z.string(),
          status: z.string().nullable(),
          events: z.array(z.string()).readonly(),
        }),
      )
      .readonly(),
    appended: z.number().int().nullable().describe('Null on a dry run.'),
  });
  app.withTypeProvider<ZodTypeProvider>().post(
    '/deliveries/:id/replay',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Replay a stored delivery (operate): a dry run unless apply is true.',
        description:
          'Verifies the stored delivery again at its receive time and shows what the decider makes of it now; with {"apply": true} it records that. A delivery already recorded appends nothing.',
        params: z
          .object({ id: deliveryIdSchema })
          .describe('A delivery id: 32 hex digits, as GET /deliveries lists.'),
        body: z
          .strictObject({ apply: z.boolean().default(false) })
          .default({ apply: false })
          .describe('send {"apply": true} to record what the dry run shows.'),
        response: { 200: replayAnswer },
      },
    },
    (request) => deliveries.replay(actorOf(request), request.params.id, request.body.apply),
  );
};
