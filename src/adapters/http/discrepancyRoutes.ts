import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acknowledgementSchema, resolutionSchema, type UseCases } from '../../application/index.js';
import { discrepancyAnswer, discrepancyPageAnswer } from './answerSchemas.js';
import { actorOf } from './apiAuth.js';

const idParams = z
  .object({ id: z.string().min(1).max(2000) })
  .describe('Name a discrepancy by its id.');

/**
 * Finance's discrepancies (docs/http.md): `GET /discrepancies` (by state, kind, provider and
 * age; unresolved ones when no state is asked), `GET /discrepancies/{id}`, and a person's
 * `POST /discrepancies/{id}/acknowledge` `{note}` and `/resolve` `{resolution, note}`, whose
 * events name the actor. Resolving a resolved one is a `409`; a new contradicting report
 * reopens it.
 */
export const registerDiscrepancyRoutes = (
  app: FastifyInstance,
  { useCases }: Readonly<{ useCases: UseCases }>,
): void => {
  const { discrepancies } = useCases;
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/discrepancies',
    {
      schema: {
        tags: ['discrepancies'],
        summary: 'Discrepancies by state, kind, provider and age (unresolved ones by default).',
        querystring: useCases.lists.discrepancies,
        response: { 200: discrepancyPageAnswer },
      },
    },
    (request) => discrepancies.list(request.query),
  );

  api.get(
    '/discrepancies/:id',
    {
      schema: {
        tags: ['discrepancies'],
        summary: 'One discrepancy, with both sides of the evidence and its history.',
        params: idParams,
        response: { 200: discrepancyAnswer },
      },
    },
    (request) => discrepancies.show(request.params.id),
  );

  api.post(
    '/discrepancies/:id/acknowledge',
    {
      schema: {
        tags: ['discrepancies'],
        summary: 'Acknowledge a discrepancy with a note (operate); its event names the actor.',
        params: idParams,
        body: acknowledgementSchema,
        response: { 200: discrepancyAnswer },
      },
    },
    (request) => discrepancies.acknowledge(actorOf(request), request.params.id, request.body),
  );

  api.post(
    '/discrepancies/:id/resolve',
    {
      schema: {
        tags: ['discrepancies'],
        summary: 'Resolve a discrepancy (operate); 409 DISCREPANCY_RESOLVED when it already is.',
        params: idParams,
        body: resolutionSchema,
        response: { 200: discrepancyAnswer },
      },
    },
    (request) => discrepancies.resolve(actorOf(request), request.params.id, request.body),
  );
};
