import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** One check behind `/readyz`. */
export type ReadinessCheck = Readonly<{ name: string; check: () => Promise<boolean> }>;

/**
 * `/healthz` (the process answers) and `/readyz` (every check passes, with the roles this
 * process holds); neither needs a token.
 */
export const registerHealthRoutes = (
  app: FastifyInstance,
  checks: readonly ReadinessCheck[],
  roles: () => readonly string[],
): void => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['service'],
        summary: 'Liveness: the process answers.',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => ({ status: 'ok' }),
  );

  const readiness = z.object({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.enum(['ok', 'failing'])),
    roles: z
      .array(z.string())
      .describe(
        'The roles this process holds among those sharing its store (projections, reconciler, fulfilment, delivery-log-repair).',
      ),
  });
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness: the stores are writable and the projections keep up.',
        security: [],
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(
        checks.map(async ({ name, check }) => [name, await check().catch(() => false)] as const),
      );
      const ready = results.every(([, ok]) => ok);
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not ready',
        checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
        roles: [...roles()],
      });
    },
  );
};
