import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { migrationCheckpointFile } from '../adapters/backup/index.js';
import { connectEventStoreDb, openSqliteEventStore } from '../adapters/eventStore/index.js';
import { loadConfig, type Config } from '../config.js';
import type { EventStore } from '../domain/ports/index.js';
import { PayrecError } from '../domain/index.js';
import { BackupFailed } from '../errors/index.js';
import { digestOfLog, migrateEvents, openStorage } from '../service/index.js';
import { noMoreArguments, UsageError } from './commandOptions.js';
import { interruptionSignal } from './interruption.js';

export const migrateUsage = `Usage: payrec migrate --to <EventStoreDB connection string | directory>
  Copies every event of the configured store (PAYREC_DATA_DIR's event log, or EventStoreDB) to
  another: an EventStoreDB (esdb://…), or an embedded event log in a directory (its events.db).
  In order, with the same ids, streams, revisions, types, data and times. A run that is killed or
  interrupted resumes where it stopped when run again, and a second run adds nothing. Ends by
  comparing the two logs (counts and a SHA-256 of every event in order) and exits 1 if they differ.`;

const esdbTarget = /^esdb(\+discover)?:\/\//;

/** A connection string as it may be shown: without its credentials. */
const shown = (target: string): string => target.replace(/\/\/[^@/]*@/, '//');

type Target = Readonly<{ store: EventStore; name: string; pipelined: boolean }>;

const openTarget = (to: string, config: Config): Target => {
  if (esdbTarget.test(to)) {
    try {
      return { store: connectEventStoreDb(to), name: shown(to), pipelined: false };
    } catch {
      // The client's message may quote the string, credentials and all.
      throw new UsageError(`--to ${shown(to)} is not a connection string EventStoreDB accepts`);
    }
  }
  const directory = resolve(to);
  const eventsPath = join(directory, 'events.db');
  if (config.eventStore.kind === 'sqlite' && resolve(config.eventStore.path) === eventsPath) {
    throw new UsageError(`--to ${to} is the configured store itself`);
  }
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new BackupFailed(`cannot use ${directory}: ${(error as Error).message}`);
  }
  return {
    store: openSqliteEventStore({ path: eventsPath, writer: 'inline' }),
    name: eventsPath,
    pipelined: true,
  };
};

/**
 * Reads both logs whole and compares their digests: 0 when they hold the same events, 1 (with
 * what to do) when they differ.
 */
const compareLogs = async (source: EventStore, target: EventStore): Promise<number> => {
  const [sourceDigest, copy] = await Promise.all([digestOfLog(source), digestOfLog(target)]);
  const line = (name: string, digest: { count: number; sha256: string }) =>
    `  ${name}: ${digest.count.toLocaleString('en')} events, sha256 ${digest.sha256}\n`;
  process.stdout.write(line('source', sourceDigest) + line('target', copy));
  if (sourceDigest.count !== copy.count || sourceDigest.sha256 !== copy.sha256) {
    process.stderr.write(
      sourceDigest.count > copy.count
        ? `payrec: the source holds ${(sourceDigest.count - copy.count).toLocaleString('en')} events more than the target: appended while the copy ran. Stop payrec and run payrec migrate again: it copies the rest.\n`
        : 'payrec: the two logs differ: the target holds events the source does not. Migrate into an empty store; nothing was removed from either.\n',
    );
    return 1;
  }
  process.stdout.write('payrec: the two logs are the same, event for event.\n');
  return 0;
};

/** `payrec migrate --to <target>`: resumable, idempotent, compared at the end. */
export const migrateCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { to: { type: 'string' } },
  });
  noMoreArguments(positionals);
  const to = values.to?.trim();
  if (to === undefined || to === '') {
    throw new UsageError('migrate needs --to <EventStoreDB connection string | directory>');
  }
  const config = loadConfig();
  const storage = openStorage(config);
  const target = openTarget(to, config);
  const checkpoint = migrationCheckpointFile(config.storage.dataDir, to);
  const interrupted = interruptionSignal();
  const total = await storage.eventStore.eventsAfter(0n);
  const bar =
    process.stderr.isTTY && total !== null
      ? new SingleBar(
          {
            format: '  migrating [{bar}] {percentage}% | {value}/{total} events',
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : null;
  try {
    const resumeFrom = checkpoint.read();
    bar?.start(total ?? 0, 0);
    const { copied } = await migrateEvents({
      source: storage.eventStore,
      target: target.store,
      checkpoint,
      pipelined: target.pipelined,
      signal: interrupted.signal,
      onProgress: ({ position }) => {
        bar?.update(Number(position));
      },
    });
    bar?.stop();
    if (interrupted.signal.aborted) {
      process.stderr.write(
        `payrec: migration interrupted after ${copied.toLocaleString('en')} events this run; run the same command again to resume (${checkpoint.path}).\n`,
      );
      return 130;
    }
    const resumed = resumeFrom > 0n ? ` (resumed after position ${resumeFrom})` : '';
    process.stdout.write(
      `payrec: ${copied.toLocaleString('en')} events copied to ${target.name} (or found there already)${resumed}; comparing the two logs…\n`,
    );
    return await compareLogs(storage.eventStore, target.store);
  } catch (error) {
    if (error instanceof PayrecError) throw error;
    // A client's error may quote the connection string, credentials and all: never print it
    // whole, and keep no cause that carries it.
    const message = (error instanceof Error ? error.message : String(error)).replaceAll(
      to,
      target.name,
    );
    throw new BackupFailed(
      `the migration to ${target.name} stopped: ${message}. What was copied stays; run the same command again to resume.`,
    );
  } finally {
    bar?.stop();
    interrupted.stopListening();
    await target.store.close();
    await storage.close();
  }
};
