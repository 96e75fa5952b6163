import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentPage } from './documentPage.js';
import { parseQuery } from './parseRequest.js';
import type { ProviderName } from '../../domain/index.js';
import type { ReadModelQueries } from '../../domain/ports/index.js';
import { discrepanciesProjection } from '../../projections/index.js';
import { knownProvider, providerList } from './knownProvider.js';

const listSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    status: z.enum(['open', 'resolved']).default('open'),
    provider: knownProvider(providers).optional(),
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
    providers,
    auth,
  }: Readonly<{
    readModels: ReadModelQueries;
    providers: readonly ProviderName[];
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  const listSchema = listSchemaFor(providers);
  app.get('/discrepancies', { onRequest: auth }, (request) => {
    const { status, provider, limit, cursor } = parseQuery(
      listSchema,
      request.query,
      `status is open or resolved; provider one of ${providerList(providers)}; limit 1 to 500.`,
    );
    return documentPage(
      readModels,
      discrepanciesProjection.name,
      { limit, cursor, status, provider },
      (row) => [row.document],
    );
  });
};
