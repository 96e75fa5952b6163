import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { manifestFileName, type BackupManifest } from './backupManifest.js';
import { readManifest } from './restoreBackup.js';

/** A scheduled backup's directory name: `payrec-` and the instant it began, sortable. */
export const backupNameAt = (at: Date): string =>
  `payrec-${at.toISOString().replace(/[-:.]/g, '')}`;

const backupName = /^payrec-\d{8}T\d{9}Z$/;

/**
 * The whole scheduled backups in a directory (those with a manifest: a backup under way, or one
 * that failed, has none), oldest first. Anything else in the directory is not payrec's and is
 * never touched.
 */
export const completeBackups = (dir: string): string[] => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => backupName.test(name) && existsSync(join(dir, name, manifestFileName)))
    .sort();
};

/** Removes the oldest scheduled backups beyond `keep`; returns their names. */
export const pruneBackups = (dir: string, keep: number): string[] => {
  const backups = completeBackups(dir);
  const removed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of removed) rmSync(join(dir, name), { recursive: true, force: true });
  return removed;
};

/** The newest whole backup in a directory and its manifest, or `null`. */
export const newestBackup = (
  dir: string,
): Readonly<{ name: string; manifest: BackupManifest; kept: number }> | null => {
  const backups = completeBackups(dir);
  const name = backups.at(-1);
  if (name === undefined) return null;
  try {
    return { name, manifest: readManifest(join(dir, name)), kept: backups.length };
  } catch {
    return null;
  }
};
