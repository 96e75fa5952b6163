import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { tabularStream } from '../adapters/common/tabular.js';
import {
  rowOf,
  settlementColumns,
  settlementQuerySchemaFor,
  settlementReport,
} from '../application/index.js';
import { loadConfig } from '../config.js';
import { settlementProjectionName } from '../projections/index.js';
import { RequestRejected } from '../errors/index.js';
import { openStorage } from '../service/index.js';
import { parseOptions, UsageError } from './commandOptions.js';
import { freshReadModels } from './freshReadModels.js';

export const reportUsage = `Usage: payrec report settlement --from YYYY-MM-DD --to YYYY-MM-DD [--as-of ISO-8601] [--provider P] [--currency C] [--format json|csv|ndjson]
  Per local day (PAYREC_REPORT_TIMEZONE), provider, currency and status: how many payments reached
  that status that day and had it at --as-of (default now), and their exact sum.`;

/** `payrec report settlement`: what `GET /reports/settlement` answers, to stdout. */
export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'as-of': { type: 'string' },
      provider: { type: 'string' },
      currency: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const [report, ...extra] = positionals;
  if (report !== 'settlement' || extra.length > 0) {
    throw new UsageError(
      report === undefined
        ? 'name the report: settlement.'
        : report !== 'settlement'
          ? `there is no report "${report}": the one report is settlement.`
          : `unexpected argument "${extra.join(' ')}".`,
    );
  }
  const config = loadConfig();
  const providers = config.providers.map((provider) => provider.name);
  const query = parseOptions(
    settlementQuerySchemaFor(providers).extend({
      format: z.enum(['json', 'csv', 'ndjson']).default('json'),
    }),
    values,
  );
  const storage = openStorage(config);
  try {
    await freshReadModels(config, storage, [settlementProjectionName]);
    let made;
    try {
      made = await settlementReport(storage.readModels, settlementProjectionName, {
        from: query.from,
        to: query.to,
        asOf: query.asOf ?? null,
        now: new Date(),
        timezone: config.reportTimezone,
        provider: query.provider,
        currency: query.currency,
      });
    } catch (error) {
      // A query the report cannot answer (a reversed or too long period) is a usage error here.
      if (error instanceof RequestRejected && error.code === 'INVALID_QUERY') {
        throw new UsageError(error.message);
      }
      throw error;
    }
    if (query.format === 'json') {
      process.stdout.write(`${JSON.stringify(made, null, 2)}\n`);
      return 0;
    }
    await pipeline(
      tabularStream(
        {
          columns: settlementColumns,
          pages: [made.rows.map((row) => rowOf(settlementColumns, row))],
        },
        query.format,
      ),
      process.stdout,
    );
    return 0;
  } finally {
    await storage.close();
  }
};
