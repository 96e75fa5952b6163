import { EventStoreFailed, StoreCorrupt, StoreFull } from '../../../domain/index.js';

/** How SQLite's failures become the event store port's errors. */

/** Whether SQLite said the disk is full (`SQLITE_FULL`, or a write that hit ENOSPC). */
const isStoreFull = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    (typeof code === 'string' && code.startsWith('SQLITE_FULL')) ||
    /database or disk is full|ENOSPC/.test(message)
  );
};

/** Whether SQLite found the file damaged (`SQLITE_CORRUPT`, `SQLITE_NOTADB`). */
const isStoreCorrupt = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) ||
    /malformed|file is not a database/.test(message)
  );
};

/**
 * The port's error for a failed read or write: `StoreFull` for a full disk, `StoreCorrupt` for a
 * damaged file, else `EventStoreFailed`.
 */
export const storeFailure = (
  message: string,
  cause: unknown,
): EventStoreFailed | StoreFull | StoreCorrupt =>
  isStoreFull(cause)
    ? new StoreFull(`${message} The disk is full.`, { cause })
    : isStoreCorrupt(cause)
      ? new StoreCorrupt(`${message} The event log is damaged; run payrec check.`, { cause })
      : new EventStoreFailed(message, { cause });

/** Runs a read, turning SQLite's failures into the port's errors. */
export const reading = <T>(what: string, read: () => T): Promise<T> => {
  try {
    return Promise.resolve(read());
  } catch (error) {
    return Promise.reject(storeFailure(`Reading ${what} failed.`, error));
  }
};
