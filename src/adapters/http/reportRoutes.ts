import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowOf } from '../../application/exports.js';
import {
  SettlementQueryInvalid,
  settlementReport,
  type SettlementChange,
  type SettlementReport,
} from '../../application/settlementReport.js';
import { currencySchema, type ProviderName } from '../../domain/index.js';
import type { ReadModelQueries } from '../../domain/ports/index.js';
import { RequestRejected } from '../../errors/index.js';
import { settlementProjectionName, type SettlementSnapshot } from '../../projections/index.js';
import { tabularFormats } from '../common/tabular.js';
import { documentPage } from './documentPage.js';
import { formatOf, sendRows } from './exportRoutes.js';
import { knownProvider, providerList } from './knownProvider.js';
import { downloadAnswer, settlementAnswer, settlementChangesAnswer } from './answerSchemas.js';

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const settlementColumns = [
  'day',
  'provider',
  'currency',
  'status',
  'count',
  'amountMinor',
  'amount',
] as const;

/** The report, or the `400` that says why it cannot be made. */
export const reportOrRejection = (make: () => SettlementReport): SettlementReport => {
  try {
    return make();
  } catch (error) {
    if (error instanceof SettlementQueryInvalid) {
      throw new RequestRejected('INVALID_QUERY', error.message);
    }
    throw error;
  }
};

/**
 * `GET /reports/settlement?from=&to=[&asOf=][&provider=][&currency=][&format=json|csv]` and
 * `GET /reports/settlement/changes?since=[&asOf=]` (docs/http.md): what settled on each local day
 * of `timezone`, as the log stood at `asOf`, and what changed since an instant.
 */
export const registerReportRoutes = (
  app: FastifyInstance,
  {
    readModels,
    providers,
    timezone,
    now,
    auth,
  }: Readonly<{
    readModels: ReadModelQueries;
    providers: readonly ProviderName[];
    timezone: string;
    now: () => Date;
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const reportSchema = z
    .strictObject({
      from: day,
      to: day,
      asOf: instant.optional(),
      provider: knownProvider(providers).optional(),
      currency: currencySchema.optional(),
      format: z.enum(['json', ...tabularFormats]).optional(),
    })
    .describe(
      `from and to are days (YYYY-MM-DD, in ${timezone}); asOf an ISO-8601 instant with a time zone; provider one of ${providerList(providers)}; currency an ISO 4217 code; format json, csv or ndjson.`,
    );
  const changesSchema = z
    .strictObject({
      since: instant,
      asOf: instant.optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
      cursor: z.string().max(2000).optional(),
    })
    .describe('since and asOf are ISO-8601 instants with a time zone; limit 1 to 10000.');

  api.get(
    '/reports/settlement',
    {
      onRequest: auth,
      schema: {
        tags: ['finance'],
        summary: 'Settlement report: payments by the local day they reached their status.',
        description: `Days are counted in PAYREC_REPORT_TIMEZONE (here ${timezone}); asOf reads the log as it stood then.`,
        querystring: reportSchema,
        response: {
          200: {
            description: 'The report as JSON, or its rows as CSV or NDJSON.',
            content: {
              'application/json': { schema: settlementAnswer },
              ...downloadAnswer.content,
            },
          },
        },
      },
    },
    (request, reply) => {
      const query = request.query;
      const taken = now();
      const report = reportOrRejection(() =>
        settlementReport(readModels, settlementProjectionName, {
          from: query.from,
          to: query.to,
          asOf: query.asOf ?? null,
          now: taken,
          timezone,
          provider: query.provider,
          currency: query.currency,
        }),
      );
      const format = formatOf(request, query.format, ['json', ...tabularFormats]);
      if (format === 'json') return report;
      sendRows(
        reply,
        {
          columns: settlementColumns,
          pages: [report.rows.map((row) => rowOf(settlementColumns, row))],
        },
        format,
        `settlement-${query.from}-${query.to}`,
        taken,
      );
      return undefined;
    },
  );

  api.get(
    '/reports/settlement/changes',
    {
      onRequest: auth,
      schema: {
        tags: ['finance'],
        summary: 'Status changes recorded after an instant (and up to asOf).',
        querystring: changesSchema,
        response: { 200: settlementChangesAnswer },
      },
    },
    (request) => {
      const { since, asOf, limit, cursor } = request.query;
      const page = documentPage(
        readModels,
        settlementProjectionName,
        {
          limit,
          cursor,
          orderBy: 'validFrom',
          where: [
            { column: 'fromStatus', op: 'not-null' },
            { column: 'validFrom', op: '>', value: since.toISOString() },
            ...(asOf === undefined
              ? []
              : [{ column: 'validFrom', op: '<=' as const, value: asOf.toISOString() }]),
          ],
        },
        (row): SettlementChange[] => {
          const snapshot = row.document as SettlementSnapshot;
          return snapshot.fromStatus === null
            ? []
            : [
                {
                  provider: snapshot.payment.provider,
                  ref: snapshot.payment.ref,
                  from: snapshot.fromStatus,
                  to: snapshot.status,
                  at: snapshot.statusAt,
                  recordedAt: snapshot.validFrom,
                  eventType: snapshot.eventType,
                },
              ];
        },
      );
      return { changes: page.items, nextCursor: page.nextCursor };
    },
  );
};
