import {
  EventStoreDBClient,
  FORWARDS,
  BACKWARDS,
  END,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type Filter,
} from '@eventstore/db-client';
import { RoleLost } from '../../../domain/index.js';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  Fence,
  JsonObject,
  Leases,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../../domain/ports/index.js';
import { createEsdbLeases, type EsdbLeases } from './esdbLeases.js';
import { packPosition, unpackPosition } from './esdbPosition.js';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const toFilter = (filter: EventFilter | undefined): Filter =>
  filter === undefined
    ? excludeSystemEvents()
    : 'streamPrefixes' in filter
      ? streamNameFilter({ prefixes: [...filter.streamPrefixes] })
      : eventTypeFilter({ regex: `^(${filter.eventTypes.map(escapeRegex).join('|')})$` });

const matches = (filter: EventFilter | undefined, event: AllStreamRecordedEvent): boolean => {
  if (event.type.startsWith('$') || event.streamId.startsWith('$')) return false;
  if (filter === undefined) return true;
  return 'streamPrefixes' in filter
    ? filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))
    : filter.eventTypes.includes(event.type);
};

const toObject = (value: unknown): JsonObject | null =>
  value instanceof Uint8Array
    ? (JSON.parse(Buffer.from(value).toString('utf8')) as JsonObject)
    : ((value ?? null) as JsonObject | null);

/**
 * The metadata key that keeps a migrated event's original time: EventStoreDB sets `created`
 * itself, so an event moved from another store carries the time it was first recorded here.
 */
const migratedRecordedAt = 'payrecRecordedAt';

/** The event's metadata as it was appended, and its original time when it was migrated. */
const unpackMetadata = (
  event: EsdbRecordedEvent,
): Readonly<{ metadata: JsonObject | null; recordedAt: string }> => {
  const stored = toObject(event.metadata);
  const original = stored?.[migratedRecordedAt];
  if (stored === null || typeof original !== 'string') {
    return { metadata: stored, recordedAt: event.created.toISOString() };
  }
  const { [migratedRecordedAt]: _kept, ...metadata } = stored;
  return {
    metadata: Object.keys(metadata).length === 0 ? null : metadata,
    recordedAt: original,
  };
};

/** Stream reads carry a position on every server since 20.6; a missing one reads as 0. */
const toRecorded = (event: EsdbRecordedEvent): RecordedEvent => {
  const { metadata, recordedAt } = unpackMetadata(event);
  return {
    id: event.id,
    type: event.type,
    data: toObject(event.data) ?? {},
    metadata,
    streamName: event.streamId,
    revision: event.revision,
    globalPosition: event.position ? packPosition(event.position) : 0n,
    recordedAt,
  };
};

const metadataOf = (event: NewEvent): JsonObject | undefined =>
  event.recordedAt === undefined
    ? event.metadata
    : { ...event.metadata, [migratedRecordedAt]: event.recordedAt };

/**
 * The production event store: a thin mapping of the port onto `@eventstore/db-client`.
 * Concurrency conflicts come back as results; every other client error rejects unchanged.
 *
 * @example
 * const store = connectEventStoreDb('esdb://localhost:2113?tls=false');
 */
export class EventStoreDbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly leases: Leases;
  readonly #leases: EsdbLeases;

  constructor(client: EventStoreDBClient) {
    this.#client = client;
    this.#leases = createEsdbLeases(client);
    this.leases = this.#leases;
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: Readonly<{ expectedRevision: ExpectedRevision; fence?: Fence }>,
  ): Promise<AppendResult> {
    const { fence } = options;
    if (fence !== undefined) {
      // EventStoreDB appends to one stream at a time, so the check and the append cannot be one
      // transaction: a takeover in the round trip between them is not seen (docs/operations.md).
      const token = await this.#leases.tokenOf(fence.role);
      if (token !== fence.token) {
        throw new RoleLost(
          `Nothing was written: role ${fence.role} is held under token ${String(token ?? 'none')} now, not ${fence.token.toString()}.`,
        );
      }
    }
    try {
      const result = await this.#client.appendToStream(
        streamName,
        events.map((event) => {
          const metadata = metadataOf(event);
          return jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data,
            ...(metadata ? { metadata } : {}),
          });
        }),
        { expectedRevision: options.expectedRevision },
      );
      return {
        ok: true,
        nextRevision: result.nextExpectedRevision,
        lastPosition: result.position ? packPosition(result.position) : 0n,
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        return { ok: false, code: 'WRONG_EXPECTED_REVISION', actualRevision: error.actualVersion };
      }
      throw error;
    }
  }

  async readStream(streamName: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.#client.readStream(streamName, {
        direction: FORWARDS,
        fromRevision: START,
      })) {
        if (resolved.event) events.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** `$all` reads cannot be filtered server-side by this client, so pages are filtered here. */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    const pageSize = Math.max(options.maxCount, 256);
    let from: ReadPosition = options.after === undefined ? START : unpackPosition(options.after);
    for (;;) {
      let read = 0;
      let last: AllStreamRecordedEvent | undefined;
      for await (const resolved of this.#client.readAll({
        fromPosition: from,
        direction: FORWARDS,
        maxCount: pageSize,
      })) {
        const event = resolved.event;
        if (!event) continue;
        read += 1;
        last = event;
        const position = packPosition(event.position);
        if (options.after !== undefined && position <= options.after) continue;
        if (matches(options.filter, event)) found.push(toRecorded(event));
        if (found.length === options.maxCount) return found;
      }
      if (read < pageSize || last === undefined) return found;
      from = last.position;
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = this.#client.subscribeToAll({
      fromPosition:
        options.fromEnd === true
          ? END
          : options.after === undefined
            ? START
            : unpackPosition(options.after),
      filter: toFilter(options.filter),
    });
    async function* events(): AsyncGenerator<RecordedEvent> {
      for await (const resolved of subscription) {
        const event = resolved.event;
        if (event && matches(options.filter, event)) yield toRecorded(event);
      }
    }
    const iterator = events();
    return {
      [Symbol.asyncIterator]: () => iterator,
      unsubscribe: async () => {
        await subscription.unsubscribe();
        await iterator.return(undefined);
      },
    };
  }

  /** `$all` positions are byte offsets in EventStoreDB's log, not event counts. */
  eventsAfter(_position: bigint): Promise<number | null> {
    return Promise.resolve(null);
  }

  async ping(): Promise<boolean> {
    try {
      for await (const _ of this.#client.readAll({
        direction: BACKWARDS,
        fromPosition: 'end',
        maxCount: 1,
      }))
        break;
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.#client.dispose();
  }
}

/** Connects to EventStoreDB by connection string (`esdb://host:2113?tls=false`). */
export const connectEventStoreDb = (connectionString: string): EventStoreDbEventStore =>
  new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
