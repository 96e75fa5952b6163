import { z } from 'zod';

/** The name of the manifest inside a backup directory. */
export const manifestFileName = 'manifest.json';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');

/** One database of a backup: its file name in the backup, size and checksum. */
export const backupFileSchema = z.object({
  name: z.enum(['events.db', 'payrec.db', 'readmodels.db']),
  bytes: z.number().int().nonnegative(),
  sha256: sha256Hex,
});

/**
 * What `payrec backup` writes beside the copies, and `payrec restore` checks before it copies
 * anything back: which payrec took it, from which store, when and how long it took, what the
 * event log held, and each file's size and SHA-256.
 */
export const backupManifestSchema = z.object({
  format: z.literal(1),
  payrecVersion: z.string(),
  store: z.enum(['sqlite', 'eventstoredb']),
  startedAt: z.string(),
  finishedAt: z.string(),
  tookMs: z.number().nonnegative(),
  /** The event log in the backup (the embedded store only): how many events, the last position. */
  events: z.object({ count: z.number().int().nonnegative(), lastPosition: z.string() }).nullable(),
  files: z.array(backupFileSchema).min(1),
});

export type BackupManifest = z.infer<typeof backupManifestSchema>;
export type BackupFile = z.infer<typeof backupFileSchema>;
export type BackupFileName = BackupFile['name'];
