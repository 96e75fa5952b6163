import { parseArgs } from 'node:util';
import { z } from 'zod';
import { paymentFiltersSchemaFor, paymentQueryOf } from '../application/paymentFilters.js';
import { paymentRowPages } from '../application/exports.js';
import { loadConfig } from '../config.js';
import { paymentsProjectionName } from '../projections/index.js';
import { openStorage } from '../service/index.js';
import { optionsOfFields, parseOptions, stringOptions, UsageError } from './commandOptions.js';
import { matchingInWords, matchingOf } from '../application/documentPage.js';
import { freshReadModels } from './freshReadModels.js';

export const paymentsListUsage = `Usage: payrec payments list [--status S] [--provider P] [--order-id ID] [--currency C]
    [--created-from ISO] [--created-to ISO] [--updated-from ISO] [--updated-to ISO]
    [--amount-min MINOR] [--amount-max MINOR] [--has-open-discrepancy true|false]
    [--sort created|updated] [--order asc|desc] [--limit N]
  Payments as GET /payments finds them, one line each (every match: payrec export payments).`;

/** `payrec payments list [filters]`: the search of `GET /payments`, one line per payment. */
export const paymentsListCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: stringOptions([
      ...optionsOfFields(Object.keys(paymentFiltersSchemaFor([]).shape)),
      'limit',
    ]),
  });
  if (positionals.length > 0) {
    throw new UsageError(`payments list takes no argument ("${positionals.join(' ')}").`);
  }
  const config = loadConfig();
  const providers = config.providers.map((provider) => provider.name);
  const { limit, ...parsedFilters } = parseOptions(
    paymentFiltersSchemaFor(providers).extend({
      limit: z.coerce.number().int().min(1).max(100_000).default(50),
    }),
    values,
  );
  // For a person, the newest first; `--order asc` (and the API's default) for scripts.
  const filters =
    values['order'] === undefined ? { ...parsedFilters, order: 'desc' as const } : parsedFilters;
  const storage = openStorage(config);
  try {
    await freshReadModels(config, storage, [paymentsProjectionName]);
    let shown = 0;
    for (const page of paymentRowPages(
      storage.readModels,
      paymentsProjectionName,
      paymentQueryOf(filters),
    )) {
      for (const [
        provider,
        ref,
        status,
        ,
        amount,
        currency,
        orderId,
        createdAt,
        updatedAt,
        open,
      ] of page) {
        if (shown >= limit) break;
        process.stdout.write(
          `${String(provider)}/${String(ref)}  ${String(status)}  ${amount === null ? '-' : `${String(currency)} ${String(amount)}`}  order ${orderId === null ? '-' : String(orderId)}  created ${String(createdAt)}  updated ${String(updatedAt)}${open === 0 ? '' : `  ${String(open)} open discrepancy(ies)`}\n`,
        );
        shown += 1;
      }
      if (shown >= limit) break;
    }
    if (shown === 0) {
      process.stderr.write('no payments match.\n');
    } else {
      const query = paymentQueryOf(filters);
      const matching = matchingOf(storage.readModels, paymentsProjectionName, query.where);
      if (matching.capped || matching.count > shown) {
        const order = `${filters.order === 'desc' ? 'newest' : 'oldest'} ${filters.sort === 'created' ? 'created' : 'update'} first`;
        process.stderr.write(
          `${shown.toLocaleString('en-US')} of ${matchingInWords(matching, 'payment', 'payments')} shown, the ${order}; more with --limit N, every one with payrec export payments.\n`,
        );
      }
    }
    return 0;
  } finally {
    await storage.close();
  }
};
