export { SqliteEventStore, openSqliteEventStore } from './sqlite/sqliteEventStore.js';
export type { SqliteEventStoreOptions } from './sqlite/sqliteEventStore.js';
export {
  EventStoreDbEventStore,
  connectEventStoreDb,
} from './eventStoreDb/eventStoreDbEventStore.js';
