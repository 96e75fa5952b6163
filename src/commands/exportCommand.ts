import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { exitOnInterrupt } from './interruption.js';
import { z } from 'zod';
import { tabularFormats, tabularStream } from '../adapters/common/tabular.js';
import { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import {
  exportKindNames,
  exportKindsFor,
  type ExportKindName,
} from '../application/exportKinds.js';
import { loadConfig } from '../config.js';
import { openStorage } from '../service/index.js';
import { optionsOfFields, parseOptions, stringOptions, UsageError } from './commandOptions.js';
import { freshReadModels } from './freshReadModels.js';

export const exportUsage = `Usage: payrec export <${exportKindNames.join('|')}> --format csv|ndjson [filters]
  Every matching row to stdout, streamed (a progress count on stderr when it is a terminal).
  payments:      --status --provider --order-id --currency --created-from --created-to
                 --updated-from --updated-to --amount-min --amount-max
                 --has-open-discrepancy true|false --sort created|updated --order asc|desc
  events:        --from ISO --to ISO (recorded in [from, to))
  discrepancies: --state open|acknowledged|resolved --kind --provider --older-than ISO
  deliveries:    --provider --outcome accepted|repeated|rejected`;

/** Each kind's filters as options (`createdFrom` → `created-from`), whatever the providers. */
const exportKinds = exportKindsFor([]);
const optionsOf = (kind: ExportKindName): string[] => optionsOfFields(exportKinds[kind].filters);

/**
 * A count of the rows as they pass, on a bar drawn on stderr (only when stderr is a terminal),
 * and what a Ctrl-C says of them.
 */
const rowCounter = (kind: string) => {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: `  ${kind} {value} rows`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      )
    : null;
  bar?.start(0, 0);
  let count = 0;
  const stopListening = exitOnInterrupt(
    () =>
      `export of ${kind} interrupted after ${count.toLocaleString('en-US')} rows: what was written is incomplete.`,
    () => bar?.stop(),
  );
  return {
    counted: (rows: number) => {
      count += rows;
      bar?.update(count);
    },
    stop: () => {
      stopListening();
      bar?.update(count);
      bar?.stop();
    },
  };
};

/**
 * `payrec export <kind> --format csv|ndjson [filters]`: what `GET /exports/<kind>` answers, to
 * stdout, streamed; memory stays flat whatever the row count.
 */
export const exportCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      ...stringOptions(exportKindNames.flatMap(optionsOf)),
    },
  });
  const [kind, ...extra] = positionals;
  if (
    kind === undefined ||
    !(exportKindNames as readonly string[]).includes(kind) ||
    extra.length > 0
  ) {
    throw new UsageError(
      kind === undefined
        ? `name what to export: ${exportKindNames.join(', ')}.`
        : extra.length > 0
          ? `unexpected argument "${extra.join(' ')}".`
          : `cannot export "${kind}": choose ${exportKindNames.join(', ')}.`,
    );
  }
  const chosen = kind as ExportKindName;
  const format = z.enum(tabularFormats).safeParse(values.format);
  if (!format.success) throw new UsageError('--format must be csv or ndjson.');
  const { format: _format, ...filters } = values;
  const refused = Object.keys(filters).filter((option) => !optionsOf(chosen).includes(option));
  if (refused.length > 0) {
    throw new UsageError(
      `${chosen} takes no ${refused.map((option) => `--${option}`).join(', ')}; it takes ${optionsOf(
        chosen,
      )
        .map((option) => `--${option}`)
        .join(', ')}.`,
    );
  }
  const config = loadConfig();
  const providers = config.providers.map((provider) => provider.name);
  const storage = openStorage(config, { scanning: true });
  try {
    const kind = exportKindsFor(providers)[chosen];
    if (kind.readModel !== null) await freshReadModels(config, storage, [kind.readModel]);
    const source = kind.source(
      filters,
      (schema, input) => parseOptions(schema, input as Record<string, unknown>),
      {
        readModels: storage.readModels,
        eventStore: storage.eventStore,
        deliveryLog: new DeliveryLog(storage.serviceDb),
      },
    );
    const counter = rowCounter(chosen);
    try {
      await pipeline(tabularStream(source, format.data, counter.counted), process.stdout);
    } catch (error) {
      // A reader that stopped early (`| head`) is not a failure of the export.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    } finally {
      counter.stop();
    }
    return 0;
  } finally {
    await storage.close();
  }
};
