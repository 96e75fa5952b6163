import { parseArgs } from 'node:util';
import { takeBackup, type BackupProgress } from '../adapters/backup/index.js';
import { loadConfig } from '../config.js';
import { packageVersion } from '../packageVersion.js';
import { backupSourcesOf, backupStoreOf } from '../service/index.js';
import { byteSize } from './byteSize.js';
import { noMoreArguments, UsageError } from './commandOptions.js';

export const backupUsage = `Usage: payrec backup --to <new directory>
  A consistent copy of every database payrec keeps under PAYREC_DATA_DIR (the event log, the read
  models, the service database), taken with SQLite's online backup while payrec serve runs, and a
  manifest.json (payrec's version, the events, each file's SHA-256, the time taken). It never
  overwrites: the directory must not exist, or be empty. With EventStoreDB as the store it copies
  the read models and the service database; back up the events with EventStoreDB's own backup.
  Exits 1 with the reason when it fails (a full disk included), leaving nothing behind.`;

const progressLine = (progress: BackupProgress): string =>
  progress.type === 'copying'
    ? `  copying ${progress.name} (${byteSize(progress.bytes)})…\n`
    : `  ${progress.file.name}: ${byteSize(progress.file.bytes)} in ${(progress.ms / 1000).toFixed(1)} s, sha256 ${progress.file.sha256.slice(0, 12)}…\n`;

/** `payrec backup --to <dir>`: an online backup with a manifest; progress on a terminal. */
export const backupCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { to: { type: 'string' } },
  });
  noMoreArguments(positionals);
  const to = values.to;
  if (to === undefined || to.trim() === '') {
    throw new UsageError('backup needs --to <new directory>');
  }
  const config = loadConfig();
  const onTerminal = process.stderr.isTTY;
  const interrupted = new AbortController();
  const interrupt = () => {
    interrupted.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const manifest = await takeBackup({
      sources: backupSourcesOf(config),
      to,
      store: backupStoreOf(config),
      payrecVersion: packageVersion(),
      signal: interrupted.signal,
      onProgress: (progress) => {
        if (onTerminal) process.stderr.write(progressLine(progress));
      },
    });
    const bytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
    const events =
      manifest.events === null
        ? 'read models and service database (the events are in EventStoreDB: back them up there)'
        : `${manifest.events.count.toLocaleString('en')} events, up to position ${manifest.events.lastPosition}`;
    process.stdout.write(
      `payrec: backed up ${events} to ${to}: ${manifest.files.length} files, ${byteSize(bytes)}, in ${(manifest.tookMs / 1000).toFixed(1)} s.\n`,
    );
    return 0;
  } catch (error) {
    if (!interrupted.signal.aborted) throw error;
    process.stderr.write(`payrec: backup interrupted; nothing was kept (no ${to}).\n`);
    return 130;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
};
