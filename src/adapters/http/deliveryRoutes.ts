import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseQuery } from './parseRequest.js';
import type { ProviderName } from '../../domain/index.js';
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
  }: Readonly<{
    deliveryLog: DeliveryLog;
    providers: readonly ProviderName[];
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  const querySchema = querySchemaFor(providers);
  app.get('/deliveries', { onRequest: auth }, (request) => {
    const { provider, outcome, limit, cursor } = parseQuery(
      querySchema,
      request.query,
      `provider is one of ${providerList(providers)}; outcome accepted, repeated or rejected; limit 1 to 500.`,
    );
    const page = deliveryLog.list({
      limit,
      ...(provider ? { provider } : {}),
      ...(outcome ? { outcome } : {}),
      ...(cursor ? { cursor } : {}),
    });
    if (page === null)
      throw new RequestRejected('INVALID_QUERY', 'The cursor is not one this API issued.');
    return page;
  });
};
