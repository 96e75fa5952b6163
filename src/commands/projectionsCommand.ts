import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { SqliteEventStore } from '../adapters/eventStore/index.js';
import { openReadModelDatabase } from '../adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../adapters/readModels/sqliteReadModelStore.js';
import { loadConfig } from '../config.js';
import { openEventStore } from '../main.js';
import { allProjections, rebuildProjection } from '../projections/index.js';

const projections = allProjections;

export const projectionsUsage = `Usage: payrec projections rebuild [name]
  Rebuild read models (all, or the one named: ${projections.map((projection) => projection.name).join(', ')}) from the event log.`;

/**
 * `payrec projections rebuild [name]`: replays the whole log into a fresh table and swaps it in
 * for the live one, with a progress bar (on a terminal) and the final rate. It may run beside
 * `payrec serve`: readers see the old read model until the swap, and the running projection
 * resumes from the rebuilt checkpoint.
 */
export const projectionsCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true });
  const [action, name] = positionals;
  const chosen = projections.filter((projection) => name === undefined || projection.name === name);
  if (action !== 'rebuild' || chosen.length === 0) {
    process.stderr.write(`${projectionsUsage}\n`);
    return 2;
  }
  const config = loadConfig();
  const eventStore = openEventStore(config);
  const db = openReadModelDatabase(join(config.dataDir, 'readmodels.db'));
  const readModels = createSqliteReadModelStore(db);
  try {
    for (const projection of chosen) {
      // On the embedded store global positions are dense, so the head is the bar's total; on
      // EventStoreDB the bar counts events without a total.
      const head = eventStore instanceof SqliteEventStore ? Number(eventStore.headPosition()) : 0;
      const bar = new SingleBar(
        {
          format: `  ${projection.name} [{bar}] {percentage}% | position {value}/{total} | {events} events`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      );
      bar.start(Math.max(head, 1), 0, { events: 0 });
      const started = performance.now();
      const applied = await rebuildProjection({
        eventStore,
        readModels,
        projection,
        onProgress: (events, position) => {
          bar.update(Number(position), { events: events.toLocaleString('en-US') });
        },
      });
      bar.update(Math.max(head, 1), { events: applied.toLocaleString('en-US') });
      bar.stop();
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `${projection.name}: rebuilt from ${applied.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s (${Math.round(applied / Math.max(seconds, 0.001)).toLocaleString('en-US')} events/s), swapped in\n`,
      );
    }
    return 0;
  } finally {
    db.close();
    await eventStore.close();
  }
};
