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
  Fence,
} from './eventStore.js';
export type { Clock } from './clock.js';
export type { Lease, LeaseClaim, Leases } from './leases.js';
export type {
  ColumnType,
  ColumnValue,
  BaseColumns,
  ReadModelDocument,
  BaseIndex,
  ReadModelIndex,
  ReadModelTable,
  ReadModelTransaction,
  ReadModelStore,
} from './readModelStore.js';
export type {
  ColumnFilter,
  KeysetPosition,
  DocumentListQuery,
  AggregateQuery,
  GroupTotal,
  DueQuery,
  ListedDocument,
  DueDocument,
  ReadModelQueries,
  TabularFormat,
  TextEncoding,
  TextPage,
} from './readModelQueries.js';
export { tabularFormats } from './readModelQueries.js';
export type {
  ProviderResponse,
  StatusCheckSubject,
  StatusCheckOutcome,
  StatusClient,
} from './statusClient.js';
export type { FulfilmentMessage, SendOutcome, FulfilmentSender } from './fulfilmentSender.js';
export type {
  DeliveryOutcome,
  DeliveryLogEntry,
  DeliveryLogPage,
  DeliveryLogQuery,
  DeliveryLogReader,
} from './deliveryLogReader.js';
