import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deliveryPageAnswer } from './answerSchemas.js';
import { paymentFromKey, type PaymentId, type ProviderName } from '../../domain/index.js';
import type { EventStore } from '../../domain/ports/index.js';
import {
  describeVerification,
  replayDelivery,
  type DeliveryReverifier,
  type PaymentCommandHandler,
} from '../../application/index.js';
import { RequestRejected } from '../../errors/index.js';
import type { DeliveryLog } from '../deliveryLog/deliveryLog.js';
import { knownProvider, providerList } from './knownProvider.js';

const querySchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    provider: knownProvider(providers).optional(),
    outcome: z.enum(['accepted', 'repeated', 'rejected']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(64).optional(),
  });

/** `GET /deliveries?provider=&outcome=&limit=&cursor=`: the delivery log, newest first. */
export const registerDeliveryRoutes = (
  app: FastifyInstance,
  {
    deliveryLog,
    providers,
    auth,
    eventStore,
    reverify,
    handlePaymentCommand,
    confirmHint,
  }: Readonly<{
    deliveryLog: DeliveryLog;
    providers: readonly ProviderName[];
    auth: (request: FastifyRequest) => Promise<void>;
    eventStore: EventStore;
    reverify: DeliveryReverifier;
    handlePaymentCommand: PaymentCommandHandler;
    /** Asks the provider about a payment whose replayed hint was just recorded (the hint rule). */
    confirmHint: (payment: PaymentId) => Promise<unknown>;
  }>,
): void => {
  const querySchema = querySchemaFor(providers).describe(
    `provider is one of ${providerList(providers)}; outcome accepted, repeated or rejected; limit 1 to 500.`,
  );
  app.withTypeProvider<ZodTypeProvider>().get(
    '/deliveries',
    {
      onRequest: auth,
      schema: {
        tags: ['deliveries'],
        summary:
          'The delivery log, newest first: accepted, repeated and rejected (with their codes).',
        querystring: querySchema,
        response: { 200: deliveryPageAnswer },
      },
    },
    (request) => {
      const { provider, outcome, limit, cursor } = request.query;
      const page = deliveryLog.list({
        limit,
        ...(provider ? { provider } : {}),
        ...(outcome ? { outcome } : {}),
        ...(cursor ? { cursor } : {}),
      });
      if (page === null)
        throw new RequestRejected('INVALID_QUERY', 'The cursor is not one this API issued.');
      return page;
    },
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
      onRequest: auth,
      schema: {
        tags: ['deliveries'],
        summary: 'Replay a stored delivery (operate): a dry run unless apply is true.',
        description:
          'Verifies the stored delivery again at its receive time and shows what the decider makes of it now; with {"apply": true} it records that. A delivery already recorded appends nothing.',
        params: z
          .object({ id: z.string().regex(/^[0-9a-f]{32}$/) })
          .describe('A delivery id: 32 hex digits, as GET /deliveries lists.'),
        body: z
          .strictObject({ apply: z.boolean().default(false) })
          .default({ apply: false })
          .describe('send {"apply": true} to record what the dry run shows.'),
        response: { 200: replayAnswer },
      },
    },
    async (request) => {
      const { id } = request.params;
      const candidates = deliveryLog.paymentsOf(id).flatMap((key) => {
        const payment = paymentFromKey(key);
        return payment === null ? [] : [payment];
      });
      const replayed = await replayDelivery(
        { eventStore, reverify, handlePaymentCommand, confirmHint },
        id,
        candidates,
        {
          apply: request.body.apply,
        },
      );
      if (replayed.outcome === 'unknown') {
        throw new RequestRejected('NOT_FOUND', `No stored delivery ${id} in the event log.`);
      }
      const { stored } = replayed;
      return {
        outcome: replayed.outcome,
        deliveryId: id,
        provider: stored.provider,
        receivedAt: stored.receivedAt,
        verifiedThen: describeVerification(stored.verification),
        verifiedNow:
          replayed.outcome === 'replayed' ? describeVerification(replayed.verifiedNow) : null,
        reason:
          replayed.outcome === 'replayed'
            ? null
            : replayed.outcome === 'verification-failed'
              ? `${replayed.code}: ${replayed.reason}`
              : replayed.reason,
        decisions: replayed.outcome === 'replayed' ? replayed.decisions : [],
        appended: replayed.outcome === 'replayed' ? replayed.appended : null,
      };
    },
  );
};
