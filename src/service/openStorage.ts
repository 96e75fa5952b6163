import { mkdirSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { connectEventStoreDb, openSqliteEventStore } from '../adapters/eventStore/index.js';
import { openReadModelDatabase } from '../adapters/readModels/readModelDatabase.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from '../adapters/readModels/sqliteReadModelStore.js';
import type { Config } from '../config.js';
import type { EventStore } from '../domain/ports/index.js';

/** payrec's stores, opened together: what `serve` and every command work on. */
export type Storage = Readonly<{
  eventStore: EventStore;
  /** The read models (the projections write them; the queries read them). */
  readModels: SqliteReadModelStore;
  /** The service database: the delivery log and the leases. */
  serviceDb: Database.Database;
  /** Whether the projection thread backfills the WALs (the embedded store, in `serve`). */
  backfilledElsewhere: boolean;
  /** Flushes nothing itself: closes the event store (after its in-flight appends), then the files. */
  close: () => Promise<void>;
}>;

/**
 * Opens the stores the configuration names: the event log (embedded SQLite by default,
 * EventStoreDB when `EVENTSTORE_CONNECTION_STRING` is set), the read models and the service
 * database, each at the one path `config.storage` gives it. `backfilledElsewhere` is for
 * `serve`: its projection thread copies the WALs, so the event loop's commits never stop to
 * checkpoint. Throws what the drivers throw for an unreadable directory or file.
 */
export const openStorage = (
  config: Config,
  { backfilledElsewhere = false }: Readonly<{ backfilledElsewhere?: boolean }> = {},
): Storage => {
  mkdirSync(config.storage.dataDir, { recursive: true });
  const eventStore: EventStore =
    config.eventStore.kind === 'sqlite'
      ? openSqliteEventStore({
          path: config.eventStore.path,
          writer: config.eventStore.writer,
          backfilledElsewhere,
        })
      : connectEventStoreDb(config.eventStore.connectionString.reveal());
  const serviceDb = openReadModelDatabase(config.storage.service, { backfilledElsewhere });
  const readModelDb = openReadModelDatabase(config.storage.readModels);
  return {
    eventStore,
    readModels: createSqliteReadModelStore(readModelDb),
    serviceDb,
    backfilledElsewhere,
    close: async () => {
      await eventStore.close();
      serviceDb.close();
      readModelDb.close();
    },
  };
};
