import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  allRows,
  eventColumns,
  eventRows,
  paymentColumns,
  paymentRow,
  type ExportRow,
  type RowSource,
} from '../../application/exports.js';
import type { ProviderName } from '../../domain/index.js';
import type { EventStore, ReadModelQueries } from '../../domain/ports/index.js';
import { RequestRejected } from '../../errors/index.js';
import {
  discrepanciesProjection,
  discrepancyColumns,
  discrepancyRow,
  paymentsProjectionName,
  storedDiscrepancy,
} from '../../projections/index.js';
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

/** Every delivery of the log that matches, newest first, page by page. */
export function* deliveryRows(
  deliveryLog: DeliveryLog,
  filters: Readonly<{
    provider?: ProviderName | undefined;
    outcome?: DeliveryLogEntry['outcome'] | undefined;
  }>,
): Generator<ExportRow> {
  let cursor: string | undefined;
  for (;;) {
    const page = deliveryLog.list({
      limit: 500,
      ...(filters.provider === undefined ? {} : { provider: filters.provider }),
      ...(filters.outcome === undefined ? {} : { outcome: filters.outcome }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    if (page === null) return;
    for (const entry of page.items) {
      yield {
        receivedAt: entry.receivedAt,
        provider: entry.provider,
        outcome: entry.outcome,
        code: entry.code,
        deliveryId: entry.deliveryId,
        size: entry.size,
        sourceAddress: entry.sourceAddress,
        payments: entry.payments.join(' '),
      };
    }
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
    const rows = function* () {
      for (const row of allRows(readModels, paymentsProjectionName, {
        ...paymentQueryOf(filters),
        withDocuments: false,
      })) {
        yield paymentRow(row);
      }
    };
    return sendRows(
      reply,
      { columns: paymentColumns, rows: rows() },
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
    const rows = function* () {
      for (const row of allRows(readModels, discrepanciesProjection.name, {
        where: discrepancyConditions(filters),
        orderBy: 'openedAt',
        withDocuments: true,
      })) {
        const view = storedDiscrepancy(row.document);
        if (view !== null) yield discrepancyRow(view);
      }
    };
    return sendRows(
      reply,
      { columns: discrepancyColumns, rows: rows() },
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
      { columns: eventColumns, rows: eventRows(eventStore, { from, to }) },
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
      { columns: deliveryColumns, rows: deliveryRows(deliveryLog, { provider, outcome }) },
      formatOf(request, format),
      'deliveries',
      now(),
    );
  });
};
