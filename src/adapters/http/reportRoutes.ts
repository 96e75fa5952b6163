import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  providerList,
  rowOf,
  settlementColumns,
  settlementQuerySchemaFor,
  type UseCases,
} from '../../application/index.js';
import { instantDate } from '../../application/isoInstant.js';
import { tabularFormats } from '../common/tabular.js';
import { downloadAnswer, settlementAnswer, settlementChangesAnswer } from './answerSchemas.js';
import { formatOf, sendRows } from './exportRoutes.js';

/**
 * `GET /reports/settlement?from=&to=[&asOf=][&provider=][&currency=][&format=json|csv]` and
 * `GET /reports/settlement/changes?since=[&asOf=]` (docs/http.md): what settled on each local day
 * of the report's time zone, as the log stood at `asOf`, and what changed since an instant.
 */
export const registerReportRoutes = (
  app: FastifyInstance,
  { useCases }: Readonly<{ useCases: UseCases }>,
): void => {
  const { providers, reports, now } = useCases;
  const { timezone } = reports;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const reportSchema = settlementQuerySchemaFor(providers)
    .extend({ format: z.enum(['json', ...tabularFormats]).optional() })
    .describe(
      `from and to are days (YYYY-MM-DD, in ${timezone}); asOf an ISO-8601 instant with a time zone; provider one of ${providerList(providers)}; currency an ISO 4217 code; format json, csv or ndjson.`,
    );
  const changesSchema = z
    .strictObject({
      since: instantDate,
      asOf: instantDate.optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
      cursor: z.string().max(2000).optional(),
    })
    .describe('since and asOf are ISO-8601 instants with a time zone; limit 1 to 10000.');

  api.get(
    '/reports/settlement',
    {
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
    async (request, reply) => {
      const { format: asked, ...query } = request.query;
      const taken = now();
      const format = formatOf(request, asked, ['json', ...tabularFormats]);
      const report = await reports.settlement(query, taken);
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
      return reply;
    },
  );

  api.get(
    '/reports/settlement/changes',
    {
      schema: {
        tags: ['finance'],
        summary: 'Status changes recorded after an instant (and up to asOf).',
        querystring: changesSchema,
        response: { 200: settlementChangesAnswer },
      },
    },
    (request) => reports.changes(request.query),
  );
};
