import { z } from 'zod';
import {
  discrepancyExport,
  eventColumns,
  eventRows,
  paymentExport,
  type ExportRow,
  type RowPage,
  type RowSource,
} from './exports.js';
import type { ProviderName } from '../domain/index.js';
import type {
  DeliveryLogEntry,
  DeliveryLogReader,
  EventStore,
  ReadModelQueries,
} from '../domain/ports/index.js';
import { discrepanciesProjection, paymentsProjectionName } from '../projections/index.js';
import {
  discrepancyConditions,
  discrepancyFiltersHelp,
  discrepancyFiltersSchemaFor,
} from './discrepancyFilters.js';
import { deliveryOutcomes } from './deliveryUseCases.js';
import { utcInstant } from './isoInstant.js';
import { knownProvider, providerList } from './knownProvider.js';
import { paymentFiltersHelp, paymentFiltersSchemaFor, paymentQueryOf } from './paymentFilters.js';

/** What an export reads from. */
export type ExportStores = Readonly<{
  readModels: ReadModelQueries;
  eventStore: EventStore;
  deliveryLog: DeliveryLogReader;
}>;

/**
 * How the caller parses filters: Fastify with the route schema on HTTP, `parseOptions` on the
 * command line. Each throws its own error naming what failed and what it takes.
 */
export type FilterParser = <T extends z.ZodType>(schema: T, input: unknown) => z.infer<T>;

/** For input already validated against the kind's schema (by Fastify). */
export const alreadyParsed: FilterParser = <T extends z.ZodType>(_schema: T, input: unknown) =>
  input as z.infer<T>;

/** One kind of export: the filters it takes, the read model it reads, and its rows. */
export type ExportKind = Readonly<{
  filters: readonly string[];
  /** The filters' schema and what each filter accepts (HTTP validates with them). */
  schema: z.ZodObject;
  rules: string;
  /** The read model to bring up to date before a command reads it; none for the logs. */
  readModel: string | null;
  source: (input: unknown, parse: FilterParser, stores: ExportStores) => RowSource;
}>;

const defineExport = <T extends z.ZodObject>(
  schema: T,
  rules: string,
  readModel: string | null,
  rows: (filters: z.output<T>, stores: ExportStores) => RowSource,
): ExportKind => ({
  filters: Object.keys(schema.shape),
  schema,
  rules,
  readModel,
  source: (input, parse, stores) => rows(parse(schema, input), stores),
});

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
  deliveryLog: DeliveryLogReader,
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

export const exportKindNames = ['payments', 'events', 'discrepancies', 'deliveries'] as const;
export type ExportKindName = (typeof exportKindNames)[number];

/**
 * Every kind of export, with the list routes' filters (docs/finance.md): what
 * `GET /exports/{kind}` and `payrec export <kind>` both read.
 */
export const exportKindsFor = (
  providers: readonly ProviderName[],
): Readonly<Record<ExportKindName, ExportKind>> => ({
  // In creation order by default: a payment updated while the export runs stays where it was,
  // so it is neither missed nor exported twice.
  payments: defineExport(
    paymentFiltersSchemaFor(providers).extend({
      sort: z.enum(['created', 'updated']).default('created'),
    }),
    paymentFiltersHelp(providers),
    paymentsProjectionName,
    (filters, { readModels }) =>
      paymentExport(readModels, paymentsProjectionName, paymentQueryOf(filters)),
  ),
  // Of every state unless one is asked.
  discrepancies: defineExport(
    discrepancyFiltersSchemaFor(providers),
    discrepancyFiltersHelp(providers),
    discrepanciesProjection.name,
    (filters, { readModels }) => discrepancyExport(readModels, discrepancyConditions(filters)),
  ),
  events: defineExport(
    z.strictObject({ from: utcInstant.optional(), to: utcInstant.optional() }),
    'from and to are ISO-8601 instants with a time zone (from inclusive, to exclusive).',
    null,
    ({ from, to }, { eventStore }) => ({
      columns: eventColumns,
      pages: eventRows(eventStore, { from, to }),
    }),
  ),
  deliveries: defineExport(
    z.strictObject({
      provider: knownProvider(providers).optional(),
      outcome: z.enum(deliveryOutcomes).optional(),
    }),
    `provider is one of ${providerList(providers)}; outcome accepted, repeated or rejected.`,
    null,
    ({ provider, outcome }, { deliveryLog }) => ({
      columns: deliveryColumns,
      pages: deliveryPages(deliveryLog, { provider, outcome }),
    }),
  ),
});
