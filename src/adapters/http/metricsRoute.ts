import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/** `GET /metrics`: the registry in Prometheus text format, in the API's scope, behind its guard. */
export const registerMetricsRoute = (
  app: FastifyInstance,
  { registry }: Readonly<{ registry: Registry }>,
): void => {
  app.get(
    '/metrics',
    {
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
