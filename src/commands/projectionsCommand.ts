import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openReadModelDatabase } from '../adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../adapters/readModels/sqliteReadModelStore.js';
import { loadConfig } from '../config.js';
import { openEventStore } from '../main.js';
import { paymentsProjection, rebuildProjection, type Projection } from '../projections/index.js';

const projections: readonly Projection[] = [paymentsProjection];

export const projectionsUsage = `Usage: payrec projections rebuild [name]
  Rebuild read models (all, or the one named: ${projections.map((projection) => projection.name).join(', ')}) from the event log.`;

/**
 * `payrec projections rebuild [name]`: drops the read model and replays the whole log into it,
 * with progress and the final rate. Stop `payrec serve` first, or it keeps projecting alongside.
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
      const started = performance.now();
      let lastReport = started;
      const applied = await rebuildProjection({
        eventStore,
        readModels,
        projection,
        onProgress: (events) => {
          if (performance.now() - lastReport < 1_000) return;
          lastReport = performance.now();
          process.stderr.write(`  ${projection.name}: ${events.toLocaleString('en-US')} events…\n`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `${projection.name}: rebuilt from ${applied.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s (${Math.round(applied / Math.max(seconds, 0.001)).toLocaleString('en-US')} events/s)\n`,
      );
    }
    return 0;
  } finally {
    db.close();
    await eventStore.close();
  }
};
