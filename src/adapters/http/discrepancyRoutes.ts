import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentPage } from './documentPage.js';
import { parseQuery } from './parseRequest.js';
import { providerNameSchema } from '../../domain/index.js';
import { discrepanciesProjection } from '../../projections/index.js';
import type { SqliteReadModelStore } from '../readModels/sqliteReadModelStore.js';

const listSchema = z.strictObject({
  status: z.enum(['open', 'resolved']).default('open'),
  provider: providerNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(400).optional(),
});

/**
 * `GET /discrepancies?status=open|resolved&provider=&limit=&cursor=` (added by payrec): what
 * finance must look at — status contradictions, amount or currency mismatches, overdue payments
 * — each with both sides and the evidence they rest on. Open ones by default.
 */
export const registerDiscrepancyRoutes = (
  app: FastifyInstance,
  {
    readModels,
    auth,
  }: Readonly<{
    readModels: SqliteReadModelStore;
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  app.get('/discrepancies', { onRequest: auth }, (request) => {
    const { status, provider, limit, cursor } = parseQuery(
      listSchema,
      request.query,
      'status is open or resolved; provider one of kraken-pay, kraken-embed, kryptogo, kkiapay; limit 1 to 500.',
    );
    return documentPage(
      readModels,
      discrepanciesProjection.name,
      { limit, cursor, status, provider },
      (row) => [row.document],
    );
  });
};
