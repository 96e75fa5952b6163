import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import type { BackupProgress } from '../adapters/backup/index.js';
import { loadConfig } from '../config.js';
import { backUpStore } from '../service/index.js';
import { byteSize } from './byteSize.js';
import { noMoreArguments, UsageError } from './commandOptions.js';
import { interruptionSignal } from './interruption.js';

export const backupUsage = `Usage: payrec backup --to <new directory> [--rate MB]
  A consistent copy of every database payrec keeps under PAYREC_DATA_DIR (the event log, the read
  models, the service database), taken with SQLite's online backup while payrec serve runs, and a
  manifest.json (payrec's version, the events, each file's SHA-256, the time taken). It never
  overwrites: the directory must not exist, or be empty. With EventStoreDB as the store it copies
  the read models and the service database; back up the events with EventStoreDB's own backup.
  It reads at most --rate megabytes a second (default PAYREC_BACKUP_RATE_MB, 60; 0: as fast as the
  disk goes), leaving the disk to the service's commits. Exits 1 with the reason when it fails (a
  full disk included), leaving nothing behind.`;

/**
 * What a terminal shows as the backup goes: a bar per file while it is copied (cli-progress),
 * then a line with its size, time and checksum.
 */
const terminalProgress = () => {
  let bar: SingleBar | null = null;
  return {
    show: (progress: BackupProgress): void => {
      switch (progress.type) {
        case 'copying':
          bar = new SingleBar(
            {
              format: `  ${progress.name} (${byteSize(progress.bytes)}) [{bar}] {percentage}%`,
              hideCursor: true,
              stream: process.stderr,
            },
            Presets.shades_classic,
          );
          bar.start(100, 0);
          break;
        case 'progress':
          bar?.update(Math.floor(progress.fraction * 100));
          break;
        case 'copied':
          bar?.update(100);
          bar?.stop();
          bar = null;
          process.stderr.write(
            `  ${progress.file.name}: ${byteSize(progress.file.bytes)} in ${(progress.ms / 1000).toFixed(1)} s, sha256 ${progress.file.sha256.slice(0, 12)}…\n`,
          );
          break;
      }
    },
    /** Puts the terminal back as it was (the cursor, line wrapping), whatever happened. */
    stop: (): void => {
      bar?.stop();
      bar = null;
    },
  };
};

/** `payrec backup --to <dir>`: an online backup with a manifest; progress on a terminal. */
export const backupCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { to: { type: 'string' }, rate: { type: 'string' } },
  });
  noMoreArguments(positionals);
  const to = values.to;
  if (to === undefined || to.trim() === '') {
    throw new UsageError('backup needs --to <new directory>');
  }
  const config = loadConfig();
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0)) {
    throw new UsageError(
      `--rate takes megabytes per second, a number ≥ 0 (0: as fast as the disk goes); got ${JSON.stringify(values.rate)}`,
    );
  }
  const terminal = process.stderr.isTTY ? terminalProgress() : null;
  const interrupted = interruptionSignal();
  try {
    const manifest = await backUpStore(config, to, {
      signal: interrupted.signal,
      ...(rate === undefined ? {} : { maxBytesPerSecond: rate === 0 ? null : rate * 1_000_000 }),
      onProgress: (progress) => {
        terminal?.show(progress);
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
    terminal?.stop();
    interrupted.stopListening();
  }
};
