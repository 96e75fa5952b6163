import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  discrepancyExport,
  eventColumns,
  eventRows,
  paymentExport,
  type ExportRow,
  type RowPage,
  type RowSource,
} from '../../application/exports.js';
import type { ProviderName } from '../../domain/index.js';
import type { EventStore, ReadModelQueries } from '../../domain/ports/index.js';
import { RequestRejected } from '../../errors/index.js';
import { paymentsProjectionName } from '../../projections/index.js';
import {
  mediaTypeOf,
  tabularFormats,
  tabularStream,
  type TabularFormat,
} from '../common/tabular.js';
import type { DeliveryLog, DeliveryLogEntry } from '../deliveryLog/deliveryLog.js';
import {
  discrepancyConditions,
  discrepancyFiltersHelp,
  discrepancyFiltersSchemaFor,
} from './discrepancyRoutes.js';
import { knownProvider, providerList } from './knownProvider.js';
import { parseQuery } from './parseRequest.js';
import { paymentFiltersHelp, paymentFiltersSchemaFor, paymentQueryOf } from './paymentFilters.js';

const formatField = { format: z.enum(tabularFormats).optional() };
const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/**
 * The format asked for: `format` when given, else the `Accept` header (`text/csv`,
 * `application/x-ndjson`), else CSV. An `Accept` that allows neither is a `406`.
 */
export const formatOf = (
  request: FastifyRequest,
  format: TabularFormat | undefined,
): TabularFormat => {
  if (format !== undefined) return format;
  const accept = request.headers.accept ?? '*/*';
  if (accept.includes('text/csv')) return 'csv';
  if (accept.includes('application/x-ndjson') || accept.includes('application/ndjson')) {
    return 'ndjson';
  }
  if (accept.includes('*/*') || accept.includes('text/*')) return 'csv';
  throw new RequestRejected(
    'NOT_ACCEPTABLE',
    'Exports are text/csv or application/x-ndjson: ask for one with Accept or ?format=csv|ndjson.',
  );
};

/** Sends rows as a download named after what they are and when they were taken. */
export const sendRows = (
  reply: FastifyReply,
  source: RowSource,
  format: TabularFormat,
  name: string,
  now: Date,
): FastifyReply => {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return reply
    .header('content-type', mediaTypeOf[format])
    .header('content-disposition', `attachment; filename="payrec-${name}-${stamp}.${format}"`)
    .header('cache-control', 'no-store')
    .send(tabularStream(source, format));
};

export const deliveryColumns = [
  'receivedAt',
  'provider',
  'outcome',
  'code',
  'deliveryId',
  'size',
  'sourceAddress',
  'payments',
] as const;

/** Every delivery of the log that matches, newest first, a page at a time. */
export function* deliveryPages(
  deliveryLog: DeliveryLog,
  filters: Readonly<{
    provider?: ProviderName | undefined;
    outcome?: DeliveryLogEntry['outcome'] | undefined;
  }>,
): Generator<RowPage> {
  let cursor: string | undefined;
  for (;;) {
    const page = deliveryLog.list({
      limit: 500,
      ...(filters.provider === undefined ? {} : { provider: filters.provider }),
      ...(filters.outcome === undefined ? {} : { outcome: filters.outcome }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    if (page === null) return;
    yield page.items.map((entry): ExportRow => [
      entry.receivedAt,
      entry.provider,
      entry.outcome,
      entry.code,
      entry.deliveryId,
      entry.size,
      entry.sourceAddress,
      entry.payments.join(' '),
    ]);
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/**
 * `GET /exports/{payments|events|discrepancies|deliveries}?format=csv|ndjson&…` (docs/http.md):
 * every matching row, streamed, with the list routes' filters (`events` takes `from` and `to`;
 * discrepancies of every state unless one is asked).
 */
export const registerExportRoutes = (
  app: FastifyInstance,
  {
    readModels,
    eventStore,
    deliveryLog,
    providers,
    now,
    auth,
  }: Readonly<{
    readModels: ReadModelQueries;
    eventStore: EventStore;
    deliveryLog: DeliveryLog;
    providers: readonly ProviderName[];
    now: () => Date;
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  // Exported in creation order by default: a payment updated while the export runs stays where it
  // was, so it is neither missed nor exported twice.
  const paymentsSchema = paymentFiltersSchemaFor(providers).extend({
    sort: z.enum(['created', 'updated']).default('created'),
    ...formatField,
  });
  const discrepanciesSchema = discrepancyFiltersSchemaFor(providers).extend(formatField);
  const eventsSchema = z.strictObject({
    from: instant.optional(),
    to: instant.optional(),
    ...formatField,
  });
  const deliveriesSchema = z.strictObject({
    provider: knownProvider(providers).optional(),
    outcome: z.enum(['accepted', 'repeated', 'rejected']).optional(),
    ...formatField,
  });

  app.get('/exports/payments', { onRequest: auth }, (request, reply) => {
    const { format, ...filters } = parseQuery(
      paymentsSchema,
      request.query,
      `${paymentFiltersHelp(providers)} format is csv or ndjson.`,
    );
    return sendRows(
      reply,
      paymentExport(readModels, paymentsProjectionName, paymentQueryOf(filters)),
      formatOf(request, format),
      'payments',
      now(),
    );
  });

  app.get('/exports/discrepancies', { onRequest: auth }, (request, reply) => {
    const { format, ...filters } = parseQuery(
      discrepanciesSchema,
      request.query,
      `${discrepancyFiltersHelp(providers)} format is csv or ndjson.`,
    );
    return sendRows(
      reply,
      discrepancyExport(readModels, discrepancyConditions(filters)),
      formatOf(request, format),
      'discrepancies',
      now(),
    );
  });

  app.get('/exports/events', { onRequest: auth }, (request, reply) => {
    const { format, from, to } = parseQuery(
      eventsSchema,
      request.query,
      'from and to are ISO-8601 instants with a time zone (from inclusive, to exclusive); format is csv or ndjson.',
    );
    return sendRows(
      reply,
      { columns: eventColumns, pages: eventRows(eventStore, { from, to }) },
      formatOf(request, format),
      'events',
      now(),
    );
  });

  app.get('/exports/deliveries', { onRequest: auth }, (request, reply) => {
    const { format, provider, outcome } = parseQuery(
      deliveriesSchema,
      request.query,
      `provider is one of ${providerList(providers)}; outcome accepted, repeated or rejected; format is csv or ndjson.`,
    );
    return sendRows(
      reply,
      { columns: deliveryColumns, pages: deliveryPages(deliveryLog, { provider, outcome }) },
      formatOf(request, format),
      'deliveries',
      now(),
    );
  });
};
