import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { RequestRejected } from '../../errors/index.js';
import { toErrorAnswer } from './httpErrors.js';

/** One check behind `/readyz`. */
export type ReadinessCheck = Readonly<{ name: string; check: () => Promise<boolean> }>;

export type HttpServerOptions = Readonly<{
  logger: FastifyBaseLogger;
  readiness: readonly ReadinessCheck[];
  /** Largest body any route accepts, in bytes. Default 64 KiB. */
  bodyLimit?: number;
}>;

/**
 * Builds the Fastify app (not listening). Every error leaves as `{code, reason}` with the status
 * from the one table in `httpErrors.ts`; a 5xx keeps its details in the log only.
 */
export const buildHttpServer = ({
  logger,
  readiness,
  bodyLimit = 64 * 1024,
}: HttpServerOptions): FastifyInstance => {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorAnswer(error);
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: answer.code }, 'request rejected');
    return reply.code(answer.status).send({ code: answer.code, reason: answer.reason });
  });

  app.setNotFoundHandler((request) => {
    throw new RequestRejected(
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    );
  });

  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      readiness.map(async ({ name, check }) => [name, await check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
    });
  });

  return app;
};
