import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Makes a file's contents, or a directory's entries (a rename into it), durable: an `fsync` on a
 * descriptor opened for the purpose. What a backup, a restore or a migration checkpoint writes is
 * synced before it is renamed into place, and the directory after.
 */
export const syncToDisk = (path: string): void => {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};
