import { mkdirSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { connectEventStoreDb, openSqliteEventStore } from '../adapters/eventStore/index.js';
import type { SharedSlots } from '../adapters/providers/index.js';
import { createWalBacklog, type WalBacklog } from '../adapters/common/sqliteWalBackfill.js';
import { openReadModelDatabase } from '../adapters/readModels/readModelDatabase.js';
import { createSqliteRateSlots } from '../adapters/readModels/sqliteRateSlots.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from '../adapters/readModels/sqliteReadModelStore.js';
import type { Config } from '../config.js';
import { readModelTables } from '../projections/index.js';
import type { StoreCorrupt } from '../domain/index.js';
import type { EventStore } from '../domain/ports/index.js';
import { observeWrites, type WriteHealth } from './observedEventStore.js';
import { opening } from './storeOpenFailure.js';

const openSqliteEventLog = (
  eventStore: Extract<Config['eventStore'], { kind: 'sqlite' }>,
  backfillBacklog: WalBacklog | null,
): EventStore =>
  opening({ path: eventStore.path, role: 'the event log', rebuildable: false }, () =>
    openSqliteEventStore({
      path: eventStore.path,
      writer: eventStore.writer,
      ...(backfillBacklog === null ? {} : { backfilledElsewhere: true, backfillBacklog }),
    }),
  );

/** payrec's stores, opened together: what `serve` and every command work on. */
export type Storage = Readonly<{
  /** The event store, its writes watched (`writes`). */
  eventStore: EventStore;
  writes: Readonly<{ health: () => WriteHealth; failing: () => boolean }>;
  /** The read models (the projections write them; the queries read them). */
  readModels: SqliteReadModelStore;
  /** The service database: the delivery log and the leases. */
  serviceDb: Database.Database;
  /** The status APIs' call slots, shared by every process on the data directory. */
  statusSlots: SharedSlots;
  servicePath: string;
  /** Whether the projection thread backfills the WALs (the embedded store, in `serve`). */
  backfilledElsewhere: boolean;
  /**
   * When it does, on the embedded store: what its backfill of the event log has left to copy,
   * which this process's event log writer follows (`leaveCheckpointsToBackfill`).
   */
  eventLogBacklog: WalBacklog | null;
  /** Flushes nothing itself: closes the event store (after its in-flight appends), then the files. */
  close: () => Promise<void>;
}>;

/**
 * Opens the stores the configuration names: the event log (embedded SQLite by default,
 * EventStoreDB when `EVENTSTORE_CONNECTION_STRING` is set), the read models and the service
 * database, each at the one path `config.storage` gives it. `backfilledElsewhere` is for
 * `serve`: its projection thread copies the WALs, so the event loop's commits never stop to
 * checkpoint. Throws `StoreUnavailable` naming the file, the variable and what to do, for a
 * directory or file that cannot be opened (read-only, missing, damaged).
 */
export const openStorage = (
  config: Config,
  {
    backfilledElsewhere = false,
    onCorrupt,
    scanning = false,
  }: Readonly<{
    backfilledElsewhere?: boolean;
    onCorrupt?: (error: StoreCorrupt) => void;
    /** For a command that reads the read models once through (an export): small caches. */
    scanning?: boolean;
  }> = {},
): Storage => {
  const { storage } = config;
  opening({ path: storage.dataDir, role: 'the data directory', rebuildable: false }, () =>
    mkdirSync(storage.dataDir, { recursive: true }),
  );
  const eventLogBacklog =
    config.eventStore.kind === 'sqlite' && backfilledElsewhere ? createWalBacklog() : null;
  const store: EventStore =
    config.eventStore.kind === 'sqlite'
      ? openSqliteEventLog(config.eventStore, eventLogBacklog)
      : connectEventStoreDb(config.eventStore.connectionString.reveal());
  const { eventStore, ...writes } = observeWrites(store, onCorrupt ? { onCorrupt } : {});
  const serviceDb = opening(
    { path: storage.service, role: 'the service database', rebuildable: true },
    () => openReadModelDatabase(storage.service, { backfilledElsewhere }),
  );
  const readModelDb = opening(
    { path: storage.readModels, role: 'the read models', rebuildable: true },
    () => openReadModelDatabase(storage.readModels, scanning ? { cacheKiB: 4_096 } : {}),
  );
  const readModels = opening(
    { path: storage.readModels, role: 'the read models', rebuildable: true },
    () => createSqliteReadModelStore(readModelDb, readModelTables),
  );
  const statusSlots = opening(
    { path: storage.service, role: 'the service database', rebuildable: true },
    () => createSqliteRateSlots(serviceDb),
  );
  return {
    eventStore,
    writes,
    readModels,
    serviceDb,
    statusSlots,
    servicePath: storage.service,
    backfilledElsewhere,
    eventLogBacklog,
    close: async () => {
      await eventStore.close();
      serviceDb.close();
      readModelDb.close();
    },
  };
};
