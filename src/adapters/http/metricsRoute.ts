import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/** `GET /metrics`: the registry in Prometheus text format, behind the API guard. */
export const registerMetricsRoute = (
  app: FastifyInstance,
  {
    registry,
    auth,
  }: Readonly<{ registry: Registry; auth: (request: FastifyRequest) => Promise<void> }>,
): void => {
  app.get(
    '/metrics',
    {
      onRequest: auth,
      schema: {
        tags: ['service'],
        summary: 'Metrics in the Prometheus text format (read).',
        response: {
          200: {
            description: 'The Prometheus exposition format.',
            content: { 'text/plain': { schema: z.string() } },
          },
        },
      },
    },
    async (_request, reply) =>
      reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
};
