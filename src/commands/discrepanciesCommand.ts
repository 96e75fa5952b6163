import { differenceInWords } from '../application/discrepancyWords.js';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { allRows } from '../application/exports.js';
import {
  createDiscrepancyUseCases,
  createPaymentCommandHandler,
  discrepancyConditions,
  discrepancyFiltersSchemaFor,
} from '../application/index.js';
import { loadConfig, type Config } from '../config.js';
import type { Actor } from '../application/index.js';
import { operatorResolutions } from '../domain/index.js';
import {
  discrepanciesProjection,
  storedDiscrepancy,
  type DiscrepancyView,
} from '../projections/index.js';
import { openStorage } from '../service/index.js';
import { parseOptions, UsageError } from './commandOptions.js';
import { matchingInWords, matchingOf } from '../application/documentPage.js';
import { freshReadModels } from './freshReadModels.js';

const discrepanciesListUsage = `Usage: payrec discrepancies list [--state open|acknowledged|resolved] [--kind K] [--provider P] [--older-than ISO-8601] [--limit N]
  Discrepancies (unresolved ones unless --state says), oldest first, one per line.`;
const discrepanciesAcknowledgeUsage = `Usage: payrec discrepancies acknowledge <id> --note TEXT [--actor NAME]
  Record that a person looked at one; it stays open. The event names the actor (default: cli:<user>).`;
const discrepanciesResolveUsage = `Usage: payrec discrepancies resolve <id> --resolution ${operatorResolutions.join('|')} --note TEXT [--actor NAME]
  Close one; the event names the actor (default: cli:<user>).`;

export const discrepanciesUsage = `${discrepanciesListUsage}
${discrepanciesAcknowledgeUsage}
${discrepanciesResolveUsage}`;

/** Each \`payrec discrepancies\` action's own usage, for \`… <action> --help\`. */
export const discrepanciesActionUsages: Readonly<Record<string, string>> = {
  list: discrepanciesListUsage,
  acknowledge: discrepanciesAcknowledgeUsage,
  resolve: discrepanciesResolveUsage,
};

const line = (view: DiscrepancyView, now: Date): string => {
  const [difference] = view.differences;
  const hours = Math.floor((now.getTime() - Date.parse(view.openedAt)) / 3_600_000);
  return [
    view.id,
    view.kind,
    view.state,
    `${view.payment.provider}/${view.payment.ref}`,
    `opened ${view.openedAt} (${hours} h ago)`,
    difference === undefined ? '' : differenceInWords(view.kind, difference),
  ].join('  ');
};

type Options = Readonly<Record<string, string | undefined>>;

/** `payrec discrepancies list`: unresolved ones unless --state says, oldest first. */
const listDiscrepancies = async (
  config: Config,
  id: string | undefined,
  values: Options,
): Promise<number> => {
  const providers = config.providers.map((provider) => provider.name);
  const { note, resolution, actor, limit, ...filters } = values;
  if (id !== undefined) throw new UsageError(`list takes no argument ("${id}").`);
  if (note !== undefined || resolution !== undefined || actor !== undefined) {
    throw new UsageError('list takes no --note, --resolution or --actor.');
  }
  const parsed = parseOptions(
    discrepancyFiltersSchemaFor(providers).extend({
      limit: z.coerce.number().int().min(1).max(100_000).default(100),
    }),
    { ...filters, limit },
  );
  const storage = openStorage(config);
  try {
    await freshReadModels(config, storage, [discrepanciesProjection.name]);
    const chosen = parsed.state === undefined ? { ...parsed, status: 'open' as const } : parsed;
    const now = new Date();
    let shown = 0;
    for (const row of allRows(storage.readModels, discrepanciesProjection.name, {
      where: discrepancyConditions(chosen),
      orderBy: 'openedAt',
      withDocuments: true,
    })) {
      const view = storedDiscrepancy(row.document);
      if (view === null) continue;
      process.stdout.write(`${line(view, now)}\n`);
      shown += 1;
      if (shown >= parsed.limit) break;
    }
    if (shown === 0) {
      process.stderr.write('no discrepancies match.\n');
    } else {
      const where = discrepancyConditions(chosen);
      const matching = matchingOf(storage.readModels, discrepanciesProjection.name, where);
      if (matching.capped || matching.count > shown) {
        process.stderr.write(
          `${shown.toLocaleString('en-US')} of ${matchingInWords(matching, 'discrepancy', 'discrepancies')} shown, the oldest first; more with --limit N, every one with payrec export discrepancies.\n`,
        );
      }
    }
    return 0;
  } finally {
    await storage.close();
  }
};

/** `payrec discrepancies acknowledge|resolve <id>`: the use case, as the person running payrec. */
const workDiscrepancy = async (
  config: Config,
  action: 'acknowledge' | 'resolve',
  id: string | undefined,
  values: Options,
): Promise<number> => {
  const { note, resolution, actor, limit, ...filters } = values;
  if (id === undefined) throw new UsageError(`${action} needs the discrepancy's id.`);
  if (Object.keys(filters).length > 0 || limit !== undefined) {
    throw new UsageError(
      `${action} takes only --note${action === 'resolve' ? ', --resolution' : ''} and --actor.`,
    );
  }
  if (action === 'acknowledge' && resolution !== undefined) {
    throw new UsageError('acknowledge takes no --resolution: it leaves the discrepancy open.');
  }
  const person = {
    note: z.string().trim().min(1).max(2000),
    actor: z
      .string()
      .regex(/^[\p{L}\p{N}._:@-]{1,100}$/u, 'letters, digits and . _ : @ - only')
      .default(`cli:${userInfo().username}`),
  };
  const acknowledged = parseOptions(z.strictObject(person), { note, actor });
  const resolved =
    action === 'resolve'
      ? parseOptions(z.strictObject({ ...person, resolution: z.enum(operatorResolutions) }), {
          note,
          actor,
          resolution,
        })
      : null;
  const storage = openStorage(config);
  try {
    const { eventStore, readModels } = storage;
    // The same use case as the API's and the console's; whoever runs payrec here may operate.
    const discrepancies = createDiscrepancyUseCases({
      readModels,
      eventStore,
      handlePaymentCommand: createPaymentCommandHandler({ eventStore }),
      now: () => new Date(),
    });
    const person: Actor = { name: acknowledged.actor, role: 'operate' };
    const view =
      resolved === null
        ? await discrepancies.acknowledge(person, id, acknowledged)
        : await discrepancies.resolve(person, id, resolved);
    process.stdout.write(`${line(view, new Date())}\n`);
    return 0;
  } finally {
    await storage.close();
  }
};

/** `payrec discrepancies list|acknowledge|resolve` (docs/cli.md). */
export const discrepanciesCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      state: { type: 'string' },
      kind: { type: 'string' },
      provider: { type: 'string' },
      'older-than': { type: 'string' },
      limit: { type: 'string' },
      note: { type: 'string' },
      resolution: { type: 'string' },
      actor: { type: 'string' },
    },
  });
  const [action, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra.join(' ')}".`);
  const config = loadConfig();
  switch (action) {
    case 'list':
      return listDiscrepancies(config, id, values);
    case 'acknowledge':
    case 'resolve':
      return workDiscrepancy(config, action, id, values);
    default:
      throw new UsageError(
        action === undefined
          ? 'name an action: list, acknowledge or resolve.'
          : `unknown action "${action}": list, acknowledge or resolve.`,
      );
  }
};
