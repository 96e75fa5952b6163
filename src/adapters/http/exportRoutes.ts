import accepts from 'accepts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RowSource } from '../../application/exports.js';
import { exportKindNames, type UseCases } from '../../application/index.js';
import { RequestRejected } from '../../errors/index.js';
import {
  mediaTypeOf,
  tabularFormats,
  tabularStream,
  type TabularFormat,
} from '../common/tabular.js';
import { downloadAnswer } from './answerSchemas.js';

const mediaTypes = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
} as const;

/**
 * The format asked for: `format` when given, else the one of `offered` the `Accept` header
 * prefers (content negotiation by the `accepts` library: quality values, wildcards), the first
 * when it has no preference. An `Accept` that allows none is a `406`.
 */
export const formatOf = <Format extends keyof typeof mediaTypes>(
  request: FastifyRequest,
  format: Format | undefined,
  offered: readonly Format[],
): Format => {
  if (format !== undefined) return format;
  const types = offered.map((offer) => mediaTypes[offer]);
  const chosen = accepts(request.raw).type(types);
  const index = chosen === false ? -1 : types.indexOf(chosen as (typeof types)[number]);
  const found = offered[index];
  if (found === undefined) {
    throw new RequestRejected(
      'NOT_ACCEPTABLE',
      `This answer is ${types.join(' or ')}: ask for one with Accept or ?format=${offered.join('|')}.`,
    );
  }
  return found;
};

/** Sends rows as a download named after what they are and when they were taken. */
export const sendRows = (
  reply: FastifyReply,
  source: RowSource,
  format: TabularFormat,
  name: string,
  now: Date,
): void => {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  void reply
    .header('content-type', mediaTypeOf[format])
    .header('content-disposition', `attachment; filename="payrec-${name}-${stamp}.${format}"`)
    .header('cache-control', 'no-store')
    .send(tabularStream(source, format));
};

const singular: Readonly<Record<(typeof exportKindNames)[number], string>> = {
  payments: 'payment',
  events: 'event',
  discrepancies: 'discrepancy',
  deliveries: 'delivery',
};

/**
 * `GET /exports/{payments|events|discrepancies|deliveries}?format=csv|ndjson&…` (docs/http.md):
 * every matching row, streamed, with the list routes' filters (`events` takes `from` and `to`;
 * discrepancies of every state unless one is asked).
 */
export const registerExportRoutes = (
  app: FastifyInstance,
  { useCases }: Readonly<{ useCases: UseCases }>,
): void => {
  const { exports, now } = useCases;
  const { kinds } = exports;
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const name of exportKindNames) {
    const kind = kinds[name];
    const querystring = kind.schema
      .extend({ format: z.enum(tabularFormats).optional() })
      .describe(
        `${kind.rules} format is csv or ndjson (or ask with Accept: text/csv or application/x-ndjson).`,
      );
    api.get(
      `/exports/${name}`,
      {
        schema: {
          tags: ['finance'],
          summary: `Export every matching ${singular[name]} as CSV or NDJSON, streamed.`,
          querystring,
          response: { 200: downloadAnswer },
        },
      },
      (request, reply) => {
        const { format, ...filters } = request.query as { format?: TabularFormat };
        sendRows(
          reply,
          exports.rows(name, filters),
          formatOf(request, format, tabularFormats),
          name,
          now(),
        );
      },
    );
  }
};
