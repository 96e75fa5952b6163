export { takeBackup } from './takeBackup.js';
export type { BackupProgress, BackupSource } from './takeBackup.js';
export { readManifest, restoreBackup } from './restoreBackup.js';
export type { RestoreProgress, RestoreTargets } from './restoreBackup.js';
export { backupManifestSchema, manifestFileName } from './backupManifest.js';
export type { BackupFile, BackupFileName, BackupManifest } from './backupManifest.js';
export { backupNameAt, completeBackups, newestBackup, pruneBackups } from './backupDirectory.js';
export { migrationCheckpointFile } from './migrationCheckpointFile.js';
