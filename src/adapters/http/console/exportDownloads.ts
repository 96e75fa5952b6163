import type { FastifyInstance } from 'fastify';
import { exportKindNames, parseInput, type ExportKindName } from '../../../application/index.js';
import { RequestRejected } from '../../../errors/index.js';
import { tabularFormats, type TabularFormat } from '../../common/tabular.js';
import { sendRows } from '../exportRoutes.js';
import { queryOf, type ConsoleContext } from './consolePage.js';

const isKind = (name: string): name is ExportKindName =>
  (exportKindNames as readonly string[]).includes(name);

const isFormat = (format: string): format is TabularFormat =>
  (tabularFormats as readonly string[]).includes(format);

/** Downloads: the export of what a list page shows, with its filters, as the API exports it. */
export const exportDownloads = (context: ConsoleContext) => async (scope: FastifyInstance) => {
  const { exports, now } = context.useCases;
  scope.get('/exports/:kind', { schema: { hide: true } }, (request, reply) => {
    const { kind: name } = request.params as { kind: string };
    if (!isKind(name)) throw new RequestRejected('NOT_FOUND', `No export ${name}.`);
    const kind = exports.kinds[name];
    const { format = 'csv', ...filters } = Object.fromEntries(queryOf(request.query));
    if (!isFormat(format)) {
      throw new RequestRejected('INVALID_QUERY', `${kind.rules} format is csv or ndjson.`);
    }
    sendRows(
      reply,
      exports.rows(name, parseInput(kind.schema.describe(kind.rules), filters, 'query')),
      format,
      name,
      now(),
    );
    return reply;
  });
  return Promise.resolve();
};
