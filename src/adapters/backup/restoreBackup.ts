import { createHash } from 'node:crypto';
import {
  createReadStream,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupFailed } from '../../errors/index.js';
import { checkSqliteFile } from '../common/sqliteIntegrity.js';
import { syncToDisk } from '../common/syncToDisk.js';
import { eventLogSummary, expireRoleLeases } from '../eventStore/sqlite/sqliteEventLogFile.js';
import {
  backupManifestSchema,
  manifestFileName,
  type BackupFileName,
  type BackupManifest,
} from './backupManifest.js';

/** Where each database of a backup goes back to. */
export type RestoreTargets = Readonly<{
  dataDir: string;
  paths: Readonly<Record<BackupFileName, string>>;
}>;

/** What a restore reports as it goes. */
export type RestoreProgress = Readonly<{
  type: 'verifying' | 'restoring';
  name: BackupFileName;
  bytes: number;
}>;

const sha256Of = (path: string): Promise<string> =>
  new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => {
        resolvePromise(hash.digest('hex'));
      });
  });

/** The manifest of the backup at `from`; `BackupFailed` saying what is wrong with it. */
export const readManifest = (from: string): BackupManifest => {
  const path = join(from, manifestFileName);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new BackupFailed(`${from} is not a payrec backup: it has no ${manifestFileName}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupFailed(`${path} is not JSON: the backup is damaged.`);
  }
  const parsed = backupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new BackupFailed(
      `${path} is not a manifest payrec can read (${problem?.path.join('.') ?? ''}: ${problem?.message ?? 'invalid'}): the backup is damaged or from another program.`,
    );
  }
  return parsed.data;
};

/** Every file of the backup is there, with the size and checksum the manifest gives. */
const verify = async (
  from: string,
  manifest: BackupManifest,
  onProgress: (progress: RestoreProgress) => void,
): Promise<void> => {
  for (const file of manifest.files) {
    const path = join(from, file.name);
    if (!existsSync(path)) {
      throw new BackupFailed(`the backup is incomplete: ${path} is missing; nothing was restored.`);
    }
    onProgress({ type: 'verifying', name: file.name, bytes: file.bytes });
    const bytes = statSync(path).size;
    if (bytes !== file.bytes) {
      throw new BackupFailed(
        `the backup is damaged: ${path} has ${bytes} bytes where the manifest says ${file.bytes}; nothing was restored.`,
      );
    }
    if ((await sha256Of(path)) !== file.sha256) {
      throw new BackupFailed(
        `the backup is damaged: ${path}'s SHA-256 differs from the manifest's; nothing was restored.`,
      );
    }
  }
};

/** The store files already in the data directory, which a restore never replaces. */
const storeFilesIn = (targets: RestoreTargets): string[] =>
  Object.values(targets.paths)
    .flatMap((path) => [path, `${path}-wal`, `${path}-shm`])
    .filter((path) => existsSync(path));

const copyDurably = (source: string, target: string): void => {
  const staging = `${target}.restoring`;
  copyFileSync(source, staging);
  syncToDisk(staging);
  renameSync(staging, target);
};

/**
 * Refuses a backup of the other kind of store than the one configured, and a data directory that
 * already holds a store (naming its files): `BackupFailed`, with nothing changed.
 */
const refuseMismatch = (
  source: string,
  manifest: BackupManifest,
  store: BackupManifest['store'],
  targets: RestoreTargets,
): void => {
  const hasEventLog = manifest.files.some((file) => file.name === 'events.db');
  if (store === 'sqlite' && !hasEventLog) {
    throw new BackupFailed(
      `${source} holds no event log (it was taken with EventStoreDB as the store): restore it with EVENTSTORE_CONNECTION_STRING set, or restore EventStoreDB's own backup.`,
    );
  }
  if (store === 'eventstoredb' && hasEventLog) {
    throw new BackupFailed(
      `${source} is a backup of the embedded store; with EventStoreDB as the store, restore it without EVENTSTORE_CONNECTION_STRING, then move its events with payrec migrate.`,
    );
  }
  const present = storeFilesIn(targets);
  if (present.length > 0) {
    throw new BackupFailed(
      `PAYREC_DATA_DIR (${targets.dataDir}) already holds a store (${present.join(', ')}): a restore goes into an empty data directory only; nothing was changed.`,
    );
  }
};

/**
 * Restores a backup into an empty data directory: reads and checks the manifest, verifies every
 * file's size and SHA-256 before anything is written, refuses a data directory that holds a store
 * (naming the file), copies each database into place (staged, synced, renamed), hands the restored
 * store's roles over at once, and checks the result with SQLite's integrity check and the
 * manifest's event count. Throws `BackupFailed`; a restore that fails after it began copying
 * removes what it copied.
 */
export const restoreBackup = async ({
  from,
  targets,
  store,
  onProgress = () => undefined,
}: Readonly<{
  from: string;
  targets: RestoreTargets;
  /** The store payrec is configured with: a backup of the other kind is refused. */
  store: BackupManifest['store'];
  onProgress?: (progress: RestoreProgress) => void;
}>): Promise<BackupManifest> => {
  const source = resolve(from);
  const manifest = readManifest(source);
  refuseMismatch(source, manifest, store, targets);
  await verify(source, manifest, onProgress);
  try {
    mkdirSync(targets.dataDir, { recursive: true });
  } catch (error) {
    throw new BackupFailed(`cannot create ${targets.dataDir}: ${(error as Error).message}`);
  }
  const restored: string[] = [];
  try {
    for (const file of manifest.files) {
      onProgress({ type: 'restoring', name: file.name, bytes: file.bytes });
      const target = targets.paths[file.name];
      copyDurably(join(source, file.name), target);
      restored.push(target);
    }
    syncToDisk(targets.dataDir);
    for (const path of restored) {
      const report = checkSqliteFile(path);
      if (report.state !== 'ok') {
        throw new BackupFailed(
          `${path} fails SQLite's integrity check after the restore: ${report.state === 'failed' ? report.problems.join('; ') : 'absent'}.`,
        );
      }
    }
    if (manifest.events !== null) {
      const events = eventLogSummary(targets.paths['events.db']);
      if (
        events.count !== manifest.events.count ||
        events.lastPosition.toString() !== manifest.events.lastPosition
      ) {
        throw new BackupFailed(
          `the restored event log holds ${events.count} events up to ${events.lastPosition}, the manifest ${manifest.events.count} up to ${manifest.events.lastPosition}.`,
        );
      }
      expireRoleLeases(targets.paths['events.db']);
    }
    return manifest;
  } catch (error) {
    // Only files this restore made: the data directory held none of them when it began.
    for (const file of manifest.files) {
      const path = targets.paths[file.name];
      for (const made of [path, `${path}-wal`, `${path}-shm`, `${path}.restoring`]) {
        rmSync(made, { force: true });
      }
    }
    if (error instanceof BackupFailed) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupFailed(
      code === 'ENOSPC'
        ? `the disk that holds ${targets.dataDir} is full; nothing was restored.`
        : `the restore failed: ${(error as Error).message}; nothing was restored.`,
      { cause: error },
    );
  }
};
