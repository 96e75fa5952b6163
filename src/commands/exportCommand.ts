import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { z } from 'zod';
import { tabularFormats, tabularStream } from '../adapters/common/tabular.js';
import { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import {
  discrepancyConditions,
  discrepancyFiltersHelp,
  discrepancyFiltersSchemaFor,
} from '../adapters/http/discrepancyRoutes.js';
import { deliveryColumns, deliveryPages } from '../adapters/http/exportRoutes.js';
import { knownProvider, providerList } from '../adapters/http/knownProvider.js';
import {
  paymentFiltersHelp,
  paymentFiltersSchemaFor,
  paymentQueryOf,
} from '../adapters/http/paymentFilters.js';
import {
  discrepancyExport,
  eventColumns,
  eventRows,
  paymentExport,
  type RowPage,
  type RowSource,
} from '../application/exports.js';
import { loadConfig } from '../config.js';
import { discrepanciesProjection, paymentsProjectionName } from '../projections/index.js';
import { openStorage, type Storage } from '../service/index.js';
import { parseOptions, UsageError } from './commandOptions.js';
import { freshReadModels } from './freshReadModels.js';

export const exportKinds = ['payments', 'events', 'discrepancies', 'deliveries'] as const;
type ExportKind = (typeof exportKinds)[number];

export const exportUsage = `Usage: payrec export <${exportKinds.join('|')}> --format csv|ndjson [filters]
  Every matching row to stdout, streamed (a progress count on stderr when it is a terminal).
  payments:      --status --provider --order-id --currency --created-from --created-to
                 --updated-from --updated-to --amount-min --amount-max
                 --has-open-discrepancy true|false --sort created|updated --order asc|desc
  events:        --from ISO --to ISO (recorded in [from, to))
  discrepancies: --state open|acknowledged|resolved --kind --provider --older-than ISO
  deliveries:    --provider --outcome accepted|repeated|rejected`;

const filterOptions = {
  status: { type: 'string' },
  provider: { type: 'string' },
  'order-id': { type: 'string' },
  currency: { type: 'string' },
  'created-from': { type: 'string' },
  'created-to': { type: 'string' },
  'updated-from': { type: 'string' },
  'updated-to': { type: 'string' },
  'amount-min': { type: 'string' },
  'amount-max': { type: 'string' },
  'has-open-discrepancy': { type: 'string' },
  sort: { type: 'string' },
  order: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  state: { type: 'string' },
  kind: { type: 'string' },
  'older-than': { type: 'string' },
  outcome: { type: 'string' },
} as const;

/** The options each kind takes (the others are refused, naming them). */
const optionsOf: Readonly<Record<ExportKind, readonly string[]>> = {
  payments: [
    'status',
    'provider',
    'order-id',
    'currency',
    'created-from',
    'created-to',
    'updated-from',
    'updated-to',
    'amount-min',
    'amount-max',
    'has-open-discrepancy',
    'sort',
    'order',
  ],
  events: ['from', 'to'],
  discrepancies: ['state', 'kind', 'provider', 'older-than'],
  deliveries: ['provider', 'outcome'],
};

const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** The rows of one kind of export, read from the stores with the HTTP routes' own filters. */
const sourceOf = (
  kind: ExportKind,
  values: Readonly<Record<string, unknown>>,
  storage: Storage,
  providers: readonly string[],
): RowSource => {
  switch (kind) {
    case 'payments': {
      const filters = parseOptions(
        paymentFiltersSchemaFor(providers).extend({
          sort: z.enum(['created', 'updated']).default('created'),
        }),
        values,
        paymentFiltersHelp(providers),
      );
      return paymentExport(storage.readModels, paymentsProjectionName, paymentQueryOf(filters));
    }
    case 'discrepancies': {
      const filters = parseOptions(
        discrepancyFiltersSchemaFor(providers),
        values,
        discrepancyFiltersHelp(providers),
      );
      return discrepancyExport(storage.readModels, discrepancyConditions(filters));
    }
    case 'events': {
      const { from, to } = parseOptions(
        z.strictObject({ from: instant.optional(), to: instant.optional() }),
        values,
        'from and to are ISO-8601 instants with a time zone.',
      );
      return { columns: eventColumns, pages: eventRows(storage.eventStore, { from, to }) };
    }
    case 'deliveries': {
      const { provider, outcome } = parseOptions(
        z.strictObject({
          provider: knownProvider(providers).optional(),
          outcome: z.enum(['accepted', 'repeated', 'rejected']).optional(),
        }),
        values,
        `provider is one of ${providerList(providers)}; outcome accepted, repeated or rejected.`,
      );
      return {
        columns: deliveryColumns,
        pages: deliveryPages(new DeliveryLog(storage.serviceDb), { provider, outcome }),
      };
    }
  }
};

/** Counts rows as they pass, on a bar drawn on stderr (only when stderr is a terminal). */
async function* counted(pages: RowSource['pages'], kind: string): AsyncGenerator<RowPage> {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: `  ${kind} {value} rows`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      )
    : null;
  bar?.start(0, 0);
  let count = 0;
  try {
    for await (const page of pages) {
      count += page.length;
      bar?.update(count);
      yield page;
    }
    bar?.update(count);
  } finally {
    bar?.stop();
  }
}

/**
 * `payrec export <kind> --format csv|ndjson [filters]`: what `GET /exports/<kind>` answers, to
 * stdout, streamed; memory stays flat whatever the row count.
 */
export const exportCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { format: { type: 'string' }, ...filterOptions },
  });
  const [kind, ...extra] = positionals;
  if (
    kind === undefined ||
    !(exportKinds as readonly string[]).includes(kind) ||
    extra.length > 0
  ) {
    throw new UsageError(
      kind === undefined
        ? `name what to export: ${exportKinds.join(', ')}.`
        : extra.length > 0
          ? `unexpected argument "${extra.join(' ')}".`
          : `cannot export "${kind}": choose ${exportKinds.join(', ')}.`,
    );
  }
  const chosen = kind as ExportKind;
  const format = z.enum(tabularFormats).safeParse(values.format);
  if (!format.success) throw new UsageError('--format must be csv or ndjson.');
  const { format: _format, ...filters } = values;
  const refused = Object.keys(filters).filter((option) => !optionsOf[chosen].includes(option));
  if (refused.length > 0) {
    throw new UsageError(
      `${chosen} takes no ${refused.map((option) => `--${option}`).join(', ')}; it takes ${optionsOf[chosen].map((option) => `--${option}`).join(', ')}.`,
    );
  }
  const config = loadConfig();
  const providers = config.providers.map((provider) => provider.name);
  const storage = openStorage(config, { scanning: true });
  try {
    const readModel = {
      payments: paymentsProjectionName,
      discrepancies: discrepanciesProjection.name,
    };
    if (chosen === 'payments' || chosen === 'discrepancies') {
      await freshReadModels(config, storage, [readModel[chosen]]);
    }
    const source = sourceOf(chosen, filters, storage, providers);
    try {
      await pipeline(
        tabularStream(
          { columns: source.columns, pages: counted(source.pages, chosen) },
          format.data,
        ),
        process.stdout,
      );
    } catch (error) {
      // A reader that stopped early (`| head`) is not a failure of the export.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    }
    return 0;
  } finally {
    await storage.close();
  }
};
