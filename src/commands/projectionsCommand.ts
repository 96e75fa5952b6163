import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { actionOf, noMoreArguments, UsageError } from './commandOptions.js';
import { interruptionSignal } from './interruption.js';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '../config.js';
import { createProjections, projectionNames, rebuildProjection } from '../projections/index.js';
import { createStatusEndpoints, openStorage } from '../service/index.js';

export const projectionsUsage = `Usage: payrec projections rebuild [name]
  Rebuild read models (all, or the one named: ${projectionNames.join(', ')}) from the event log.`;

/**
 * `payrec projections rebuild [name]`: replays the whole log into a fresh table and swaps it in
 * for the live one, with a progress bar (on a terminal) and the final rate. It may run beside
 * `payrec serve`: readers see the old read model until the swap, and the running projection
 * resumes from the rebuilt checkpoint.
 */
export const projectionsCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true });
  const [action, name, ...extra] = positionals;
  actionOf('projections', action, ['rebuild']);
  if (name !== undefined && !(projectionNames as readonly string[]).includes(name)) {
    throw new UsageError(
      `there is no projection ${JSON.stringify(name)}: one of ${projectionNames.join(', ')}`,
    );
  }
  noMoreArguments(extra);
  const config = loadConfig();
  const storage = openStorage(config);
  const { eventStore, readModels } = storage;
  const projections = createProjections(createStatusEndpoints(config).hasStatusEndpoint, {
    plantRefundsDropped: config.failpoints.includes('drop-refund-from-report'),
  });
  const chosen = projections.filter((projection) => name === undefined || projection.name === name);
  // Ctrl-C stops the rebuild between two pages: the bar gives the terminal back, the staging
  // table goes, the live read model stays as it was.
  const interrupted = interruptionSignal();
  try {
    for (const projection of chosen) {
      // Where the store can tell how many events the log holds (the embedded store), that is the
      // bar's total; on EventStoreDB the bar counts events without a total.
      const head = (await eventStore.eventsAfter(0n)) ?? 0;
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
      let applied: number | null;
      let read = 0;
      try {
        applied = await rebuildProjection({
          eventStore,
          readModels,
          projection,
          signal: interrupted.signal,
          onProgress: (events, position) => {
            read = events;
            bar.update(Number(position), { events: events.toLocaleString('en-US') });
          },
        });
        if (applied !== null) {
          bar.update(Math.max(head, 1), { events: applied.toLocaleString('en-US') });
        }
      } finally {
        // On success or failure alike: a bar left running hides the cursor and keeps the
        // process alive on its timer.
        bar.stop();
      }
      if (applied === null) {
        const left = chosen.slice(chosen.indexOf(projection) + 1).map((next) => next.name);
        process.stderr.write(
          `payrec: rebuild of ${projection.name} interrupted after ${read.toLocaleString('en-US')} of ${head.toLocaleString('en-US')} events; its live read model is unchanged and the partial copy was removed${left.length === 0 ? '' : `; not rebuilt: ${left.join(', ')}`}.\n`,
        );
        return 130;
      }
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `${projection.name}: rebuilt from ${applied.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s (${Math.round(applied / Math.max(seconds, 0.001)).toLocaleString('en-US')} events/s), swapped in\n`,
      );
    }
    return 0;
  } finally {
    interrupted.stopListening();
    await storage.close();
  }
};
