import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

/** `GET /metrics`: the registry in Prometheus text format, behind the API guard. */
export const registerMetricsRoute = (
  app: FastifyInstance,
  {
    registry,
    auth,
  }: Readonly<{ registry: Registry; auth: (request: FastifyRequest) => Promise<void> }>,
): void => {
  app.get('/metrics', { onRequest: auth }, async (_request, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
};
