import { parseArgs } from 'node:util';
import { restoreBackup, type RestoreProgress } from '../adapters/backup/index.js';
import { loadConfig } from '../config.js';
import { backupStoreOf, restoreTargetsOf } from '../service/index.js';
import { byteSize } from './byteSize.js';
import { noMoreArguments, UsageError } from './commandOptions.js';

export const restoreUsage = `Usage: payrec restore --from <backup>
  Restores a backup made by payrec backup into PAYREC_DATA_DIR, which must hold no store: it
  checks the manifest and every file's SHA-256 first, copies the databases into place, and checks
  the result (SQLite's integrity check, the manifest's event count). Exits 1 with the reason, having
  changed nothing, when the backup is damaged or the data directory already holds a store. Then
  start payrec serve on it.`;

const progressLine = (progress: RestoreProgress): string =>
  `  ${progress.type} ${progress.name} (${byteSize(progress.bytes)})…\n`;

/** `payrec restore --from <backup>`: into an empty data directory, verified first and after. */
export const restoreCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { from: { type: 'string' } },
  });
  noMoreArguments(positionals);
  const from = values.from;
  if (from === undefined || from.trim() === '') {
    throw new UsageError('restore needs --from <backup directory>');
  }
  const config = loadConfig();
  const onTerminal = process.stderr.isTTY;
  const manifest = await restoreBackup({
    from,
    targets: restoreTargetsOf(config),
    store: backupStoreOf(config),
    onProgress: (progress) => {
      if (onTerminal) process.stderr.write(progressLine(progress));
    },
  });
  const events =
    manifest.events === null
      ? 'the read models and the service database'
      : `${manifest.events.count.toLocaleString('en')} events, up to position ${manifest.events.lastPosition}`;
  process.stdout.write(
    `payrec: restored ${events} from ${from} (taken ${manifest.startedAt} by payrec ${manifest.payrecVersion}) into ${config.storage.dataDir}; every file passed SQLite's integrity check. Start payrec serve on it.\n`,
  );
  return 0;
};
