import { takeBackup, type BackupManifest } from '../adapters/backup/index.js';
import type { BackupSource, RestoreTargets } from '../adapters/backup/index.js';
import type { Config } from '../config.js';
import { packageVersion } from '../packageVersion.js';

/** Which store a backup of this configuration is of. */
export const backupStoreOf = (config: Config): BackupManifest['store'] => config.eventStore.kind;

/**
 * What a backup copies, in the order it copies: the read models and the service database first,
 * then the event log (the embedded store only; EventStoreDB backs up its own), so that no
 * checkpoint in the backup runs ahead of the log it comes with.
 */
export const backupSourcesOf = (config: Config): BackupSource[] => [
  { name: 'readmodels.db', path: config.storage.readModels },
  { name: 'payrec.db', path: config.storage.service },
  ...(config.eventStore.kind === 'sqlite'
    ? [{ name: 'events.db' as const, path: config.eventStore.path }]
    : []),
];

/** Where a restore puts each database back: the configuration's own paths. */
export const restoreTargetsOf = (config: Config): RestoreTargets => ({
  dataDir: config.storage.dataDir,
  paths: {
    'readmodels.db': config.storage.readModels,
    'payrec.db': config.storage.service,
    'events.db':
      config.eventStore.kind === 'sqlite' ? config.eventStore.path : config.storage.events,
  },
});

/**
 * A backup of every database this configuration names into `to`, at its pace
 * (`PAYREC_BACKUP_RATE_MB`) unless `options` say otherwise: what `payrec backup` and the scheduled
 * backups both take.
 */
export const backUpStore = (
  config: Config,
  to: string,
  options: Omit<
    Parameters<typeof takeBackup>[0],
    'sources' | 'to' | 'store' | 'payrecVersion'
  > = {},
): Promise<BackupManifest> =>
  takeBackup({
    sources: backupSourcesOf(config),
    to,
    store: backupStoreOf(config),
    payrecVersion: packageVersion(),
    maxBytesPerSecond: config.backupBytesPerSecond,
    ...options,
  });
