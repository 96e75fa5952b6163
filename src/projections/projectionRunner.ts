import { paymentIdFromStreamName, paymentStreamPrefix, toPaymentEvent } from '../domain/index.js';
import type {
  EventFilter,
  EventStore,
  ReadModelDocument,
  ReadModelStore,
  ReadModelTransaction,
  RecordedEvent,
  Subscription,
} from '../domain/ports/index.js';
import type { AnyProjection, ProjectedDocument, ProjectedEvent } from './projection.js';

/** What every projection reads: the payment streams. */
export const projectionFilter: EventFilter = { streamPrefixes: [paymentStreamPrefix] };

/**
 * The payment event a recorded event holds, with its payment and positions; `null` for an event
 * of another stream or of a type this version of payrec does not know.
 */
export const decodeForProjection = (recorded: RecordedEvent): ProjectedEvent | null => {
  const payment = paymentIdFromStreamName(recorded.streamName);
  const event = payment === null ? null : toPaymentEvent(recorded);
  return payment === null || event === null
    ? null
    : {
        event,
        payment,
        revision: Number(recorded.revision),
        globalPosition: recorded.globalPosition,
        recordedAt: recorded.recordedAt,
      };
};

type Decoded = readonly (ProjectedEvent | null)[];

export type ProjectionStatus = Readonly<{
  name: string;
  running: boolean;
  /** The global position of the last event applied (0n before any). */
  position: bigint;
  /** When the last batch was applied, as epoch milliseconds (0 before any). */
  appliedAt: number;
  error: string | null;
}>;

export type ProjectionRunnerOptions = Readonly<{
  eventStore: EventStore;
  readModels: ReadModelStore;
  projections: readonly AnyProjection[];
  /** Events applied per read-model transaction at most. Default 512. */
  batchSize?: number;
  /** Called when a projection fails; the runner restarts it from its checkpoint. */
  onError?: (projection: string, error: unknown) => void;
  /**
   * Delay before a failed projection restarts: doubled after each failure in a row, up to 10 s,
   * back to this after a batch applies. Default 1000 ms.
   */
  restartDelayMs?: number;
  /**
   * Told of each batch once it is committed (with its checkpoints), with the events it held and
   * when it began: how the wiring traces a delivery into the read models.
   */
  onApplied?: (events: readonly RecordedEvent[], startedAt: number) => void;
}>;

/** The longest wait before a failed projection restarts: recovery is never further away. */
const maxRestartDelayMs = 10_000;

/** How long a restarted projection must run without failing to count as working again. */
const clearErrorAfterMs = 3_000;

/** The checkpoint is not where this runner left it: a rebuild was swapped in meanwhile. */
export class CheckpointMoved extends Error {
  constructor(projection: string, expected: bigint, found: bigint) {
    super(
      `projection ${projection}: checkpoint is at ${found}, not ${expected} where this runner left it (a rebuild was swapped in); resuming from it`,
    );
    this.name = 'CheckpointMoved';
  }
}

/**
 * Applies a batch of events to one projection and moves its checkpoint, in one transaction. A
 * document touched by several events of the batch is read once and written once. With
 * `expectedCheckpoint`, throws `CheckpointMoved` (writing nothing) if the stored checkpoint is
 * elsewhere. Returns the checkpoint after the batch.
 */
export const applyBatch = (
  readModels: ReadModelStore,
  projection: AnyProjection,
  events: readonly RecordedEvent[],
  expectedCheckpoint?: bigint,
): bigint | undefined => {
  if (events.length === 0) return expectedCheckpoint;
  // Only what this projection handles is decoded (a rebuild takes one projection at a time).
  const handles = new Set<string>(projection.handles);
  const decoded = events.map((event) =>
    handles.has(event.type) ? decodeForProjection(event) : null,
  );
  return readModels.transaction((tx) =>
    applyInTransaction(tx, projection, events, decoded, expectedCheckpoint),
  );
};

/**
 * Applies one batch to several projections in a single read-model transaction (projections that
 * read the same events share a subscription and a commit). Returns each one's new checkpoint.
 */
export const applyBatchToAll = (
  readModels: ReadModelStore,
  projections: readonly AnyProjection[],
  events: readonly RecordedEvent[],
  expectedCheckpoints: ReadonlyMap<string, bigint>,
): Map<string, bigint> => {
  // Decoded once for every projection of the batch.
  const decoded = events.map(decodeForProjection);
  return readModels.transaction((tx) => {
    const checkpoints = new Map<string, bigint>();
    for (const projection of projections) {
      const expected = expectedCheckpoints.get(projection.name);
      checkpoints.set(
        projection.name,
        applyInTransaction(tx, projection, events, decoded, expected) ?? expected ?? 0n,
      );
    }
    return checkpoints;
  });
};

const applyInTransaction = (
  tx: ReadModelTransaction,
  projection: AnyProjection,
  events: readonly RecordedEvent[],
  decoded: Decoded,
  expectedCheckpoint: bigint | undefined,
): bigint | undefined => {
  const last = events.at(-1);
  if (last === undefined) return expectedCheckpoint;
  const checkpoint = tx.checkpoint(projection.name)?.position ?? 0n;
  if (expectedCheckpoint !== undefined && checkpoint !== expectedCheckpoint) {
    throw new CheckpointMoved(projection.name, expectedCheckpoint, checkpoint);
  }
  const touched = new Map<string, ProjectedDocument<unknown>>();
  const history: ReadModelDocument[] = [];
  const current = (id: string): unknown => {
    const pending = touched.get(id);
    return pending === undefined ? tx.get(projection.name, id) : pending.document;
  };
  const handles = new Set<string>(projection.handles);
  for (const event of decoded) {
    if (event === null || event.globalPosition <= checkpoint) continue;
    if (!handles.has(event.event.type)) continue;
    const id = projection.documentId(event);
    if (id === null) continue;
    const next = projection.evolve(current(id), event);
    if (next === null) continue;
    touched.set(id, next);
    if (next.also !== undefined) history.push(...next.also);
  }
  for (const document of touched.values()) tx.put(projection.name, document);
  for (const row of history) tx.put(projection.name, row);
  if (last.globalPosition <= checkpoint) return checkpoint;
  tx.setCheckpoint(projection.name, last.globalPosition, projection.version);
  return last.globalPosition;
};

/**
 * Runs projections on the event store's catch-up subscription, each from its own checkpoint.
 * Events are applied in batches, each batch and its checkpoint in one read-model transaction, so
 * a restart resumes exactly and redelivered events change nothing. A projection whose version
 * changed is rebuilt from the start. A projection that fails is visible in `status()` and is
 * restarted from its checkpoint, never left silently dead.
 */
/* eslint-disable max-lines-per-function -- a factory: its closures share the subscription, the status and the restart timer */
export const createProjectionRunner = ({
  eventStore,
  readModels,
  projections,
  batchSize = 512,
  onError,
  restartDelayMs = 1000,
  onApplied,
}: ProjectionRunnerOptions) => {
  const statuses = new Map<string, ProjectionStatus>();
  // Every projection reads the payment streams: they share one subscription and one
  // transaction per batch.
  let subscription: Subscription | undefined;
  let failuresInARow = 0;
  /** Where the subscription has scanned to while nothing waits to be applied. */
  let idleAt: () => bigint | undefined = () => undefined;
  let stopped = false;

  const setStatus = (
    group: readonly AnyProjection[],
    status: Omit<ProjectionStatus, 'name' | 'position'>,
    position: (name: string) => bigint,
  ) => {
    for (const projection of group) {
      statuses.set(projection.name, {
        name: projection.name,
        position: position(projection.name),
        ...status,
      });
    }
  };

  /** The group's checkpoints and its subscription from the least advanced of them. */
  const subscribe = (group: readonly AnyProjection[]) => {
    const committed = new Map<string, bigint>();
    for (const projection of group) {
      const stored = readModels.transaction((tx) => tx.checkpoint(projection.name));
      if (stored !== null && stored.version !== projection.version)
        readModels.reset(projection.name);
      committed.set(
        projection.name,
        stored !== null && stored.version === projection.version ? stored.position : 0n,
      );
    }
    // From the least advanced member; the others skip what they already have.
    const after = [...committed.values()].reduce((least, position) =>
      position < least ? position : least,
    );
    const subscription = eventStore.subscribeToAll({
      ...(after > 0n ? { after } : {}),
      filter: projectionFilter,
    });
    return { committed, subscription };
  };

  const run = async (): Promise<void> => {
    const group = projections;
    let started: ReturnType<typeof subscribe>;
    try {
      started = subscribe(group);
    } catch (error) {
      // Even reading the checkpoints can fail (a full disk refuses the write lock): that is a
      // failure like any other, restarted with backoff, never a stopped projection.
      fail(error);
      return;
    }
    const { committed } = started;
    const current = started.subscription;
    subscription = current;
    // A restarted projection keeps its last error until a batch applies: running is not yet
    // working (a full disk fails again at the first write).
    const lastError = group
      .map((projection) => statuses.get(projection.name)?.error ?? null)
      .find((error) => error !== null);
    setStatus(
      group,
      { running: true, appliedAt: Date.now(), error: lastError ?? null },
      (name) => committed.get(name) ?? 0n,
    );
    if (lastError !== undefined) {
      // With nothing new to apply, a restart that has not failed again within a few seconds
      // is working again.
      setTimeout(() => {
        if (failed || stopped) return;
        for (const projection of group) {
          const status = statuses.get(projection.name);
          if (status?.running === true) statuses.set(projection.name, { ...status, error: null });
        }
      }, clearErrorAfterMs).unref();
    }
    let batch: RecordedEvent[] = [];
    let flushScheduled = false;
    let failed = false;
    idleAt = () =>
      batch.length === 0 && !flushScheduled && !failed ? current.scannedTo?.() : undefined;
    const failOnce = (error: unknown) => {
      if (failed) return;
      failed = true;
      fail(error);
    };
    const flush = () => {
      flushScheduled = false;
      if (failed) return;
      const events = batch;
      batch = [];
      if (events.length === 0) return;
      const startedAt = Date.now();
      for (const [name, position] of applyBatchToAll(readModels, group, events, committed)) {
        committed.set(name, position);
      }
      onApplied?.(events, startedAt);
      failuresInARow = 0;
      setStatus(
        group,
        { running: true, appliedAt: Date.now(), error: null },
        (name) => committed.get(name) ?? 0n,
      );
    };
    try {
      for await (const event of current) {
        batch.push(event);
        if (batch.length >= batchSize) flush();
        else if (!flushScheduled) {
          // Everything the subscription hands over in this turn goes into one transaction.
          flushScheduled = true;
          setImmediate(() => {
            try {
              flush();
            } catch (error) {
              failOnce(error);
            }
          });
        }
      }
      if (batch.length > 0) flush();
    } catch (error) {
      failOnce(error);
    }
  };

  const fail = (error: unknown) => {
    for (const projection of projections) {
      const previous = statuses.get(projection.name);
      statuses.set(projection.name, {
        name: projection.name,
        running: false,
        position: previous?.position ?? 0n,
        appliedAt: previous?.appliedAt ?? 0,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    onError?.(projections.map((projection) => projection.name).join(', '), error);
    void subscription?.unsubscribe();
    failuresInARow += 1;
    if (!stopped) {
      setTimeout(
        () => {
          if (!stopped) void run();
        },
        Math.min(restartDelayMs * 2 ** (failuresInARow - 1), maxRestartDelayMs),
      ).unref();
    }
  };

  return {
    start: () => {
      void run();
    },
    /** Stops every subscription and lets batches already read reach the read model. */
    stop: async () => {
      stopped = true;
      await subscription?.unsubscribe();
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    /**
     * Each projection's state. An idle, running projection stands where its subscription has
     * scanned to: events of other streams (console sessions) are none of its business and must
     * not read as lag.
     */
    status: (): ProjectionStatus[] =>
      projections.map((projection) => {
        const status = statuses.get(projection.name) ?? {
          name: projection.name,
          running: false,
          position: 0n,
          appliedAt: 0,
          error: null,
        };
        const scanned = status.running ? idleAt() : undefined;
        return scanned !== undefined && scanned > status.position
          ? { ...status, position: scanned }
          : status;
      }),
  };
};
/* eslint-enable max-lines-per-function */

export type ProjectionRunner = ReturnType<typeof createProjectionRunner>;
