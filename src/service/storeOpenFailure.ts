import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreUnavailable } from '../errors/index.js';

/**
 * Whether the nearest existing directory above `path` is on a read-only file system: `mkdir -p`
 * there says ENOENT, not EROFS, for a directory it could not create.
 */
const onReadOnlyFileSystem = (path: string): boolean => {
  let directory = dirname(path);
  while (!existsSync(directory) && dirname(directory) !== directory) directory = dirname(directory);
  try {
    accessSync(directory, constants.W_OK);
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EROFS';
  }
};

/** Which of payrec's files it was, for the message. */
export type StoreFile = Readonly<{
  path: string;
  /** `the event log`, `the read models`, `the service database`, `the data directory`. */
  role: string;
  /** Whether payrec can rebuild it (the read models) or it is the record (the event log). */
  rebuildable: boolean;
}>;

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : '';
};

/**
 * Why payrec cannot open one of its files, in words that name the file, the variable that points
 * at it (`PAYREC_DATA_DIR`), and what to do, instead of the driver's `file is not a database` or
 * `ENOENT … mkdir`.
 */
export const storeOpenFailure = (error: unknown, file: StoreFile): StoreUnavailable => {
  const code = codeOf(error);
  const where = `${file.path} (${file.role}, under PAYREC_DATA_DIR)`;
  const message = (() => {
    if (code === 'EROFS' || code.startsWith('SQLITE_READONLY')) {
      return `${where} is on a read-only file system or is read-only: point PAYREC_DATA_DIR at a directory payrec can write.`;
    }
    if (code === 'ENOENT' && onReadOnlyFileSystem(file.path)) {
      return `${where} cannot be created: it is on a read-only file system. Point PAYREC_DATA_DIR at a directory payrec can write.`;
    }
    if (code === 'ENOENT') {
      return `${where} cannot be created: a directory above it is missing. Create it, or point PAYREC_DATA_DIR at an existing directory.`;
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return `payrec may not write ${where}: give this user write access to it, or point PAYREC_DATA_DIR elsewhere.`;
    }
    if (code === 'ENOTDIR') {
      return `${where} is not a directory: point PAYREC_DATA_DIR at a directory.`;
    }
    if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
      return `${where} is not a valid SQLite database: it is damaged, or not payrec's. ${
        file.rebuildable
          ? 'Move it away and start payrec: it is rebuilt from the event log.'
          : 'Restore it from a backup (docs/operations.md), or move it away to start with an empty event log.'
      } \`payrec check\` says what is wrong with each file.`;
    }
    if (code.startsWith('SQLITE_CANTOPEN')) {
      return `${where} cannot be opened: check that PAYREC_DATA_DIR is a directory this user can write.`;
    }
    if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') {
      return `${where} cannot be written: the disk is full. Free space, then start payrec again.`;
    }
    return `${where} cannot be opened: ${error instanceof Error ? error.message : String(error)}.`;
  })();
  return new StoreUnavailable(message, { cause: error });
};

/** Runs `open`, turning its failure into a `StoreUnavailable` about `file`. */
export const opening = <T>(file: StoreFile, open: () => T): T => {
  try {
    return open();
  } catch (error) {
    throw storeOpenFailure(error, file);
  }
};
