export type {
  JsonValue,
  JsonObject,
  NewEvent,
  RecordedEvent,
  ExpectedRevision,
  AppendResult,
  EventFilter,
  ReadAllOptions,
  SubscribeOptions,
  Subscription,
  EventStore,
} from './eventStore.js';
export type { Clock } from './clock.js';
export type { ReadModelDocument, ReadModelTransaction, ReadModelStore } from './readModelStore.js';
