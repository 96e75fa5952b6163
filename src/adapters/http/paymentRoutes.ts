import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  paymentIdSchemaFor,
  paymentRegistrationSchema,
  type UseCases,
} from '../../application/index.js';
import { isoInstant, isoInstantRule } from '../../application/isoInstant.js';
import { paymentAnswer, paymentPageAnswer, trailAnswer } from './answerSchemas.js';
import { actorOf } from './apiAuth.js';

const asOfSchema = z.strictObject({ asOf: isoInstant.optional() }).describe(`${isoInstantRule}.`);

/**
 * `POST /payments` (register an expected payment: 201 new, 200 the identical one exists, 409 a
 * different one does), `GET /payments` (search), `GET /payments/{provider}/{ref}` (its state now,
 * or as of an instant) and `GET /payments/{provider}/{ref}/events` (its audit trail).
 */
export const registerPaymentRoutes = (
  app: FastifyInstance,
  { useCases }: Readonly<{ useCases: UseCases }>,
): void => {
  const { providers, payments, lists } = useCases;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const params = paymentIdSchemaFor(providers);

  api.post(
    '/payments',
    {
      schema: {
        tags: ['payments'],
        summary: 'Register an expected payment (operate).',
        description:
          '201 when new, 200 when the identical expectation exists, 409 PAYMENT_CONFLICT when a different one does.',
        body: paymentRegistrationSchema.describe(
          'send {provider, ref, amount?, currency?, orderId?, expiresAt?} with amount an integer in minor units and currency its ISO 4217 code.',
        ),
        response: { 200: paymentAnswer, 201: paymentAnswer },
      },
    },
    async (request, reply) => {
      const { created, payment } = await payments.register(actorOf(request), request.body);
      return reply.code(created ? 201 : 200).send(payment);
    },
  );

  api.get(
    '/payments/:provider/:ref',
    {
      schema: {
        tags: ['payments'],
        summary: 'A payment: its current state, or its state as of an instant.',
        params,
        querystring: asOfSchema,
        response: { 200: paymentAnswer },
      },
    },
    (request) => payments.show(request.params, request.query.asOf),
  );

  api.get(
    '/payments',
    {
      schema: {
        tags: ['payments'],
        summary: 'Search payments: filters, sort and keyset pages.',
        querystring: lists.payments,
        response: { 200: paymentPageAnswer },
      },
    },
    (request) => payments.search(request.query),
  );

  api.get(
    '/payments/:provider/:ref/events',
    {
      schema: {
        tags: ['payments'],
        summary: "A payment's audit trail: every event with its source, evidence and effect.",
        params,
        response: { 200: trailAnswer },
      },
    },
    (request) => payments.trail(request.params),
  );
};
