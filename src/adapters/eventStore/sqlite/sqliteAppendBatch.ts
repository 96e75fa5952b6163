import type { Database, Statement } from 'better-sqlite3';
import type { AppendResult, ExpectedRevision } from '../../../domain/ports/index.js';

/** An event ready for the table: data and metadata already serialised to JSON text. */
export type SerializedEvent = Readonly<{
  id: string;
  type: string;
  data: string;
  metadata: string | null;
  /** A migrated event's original time; absent: the batch's. */
  recordedAt?: string;
}>;

export type AppendRequest = Readonly<{
  streamName: string;
  events: readonly SerializedEvent[];
  expectedRevision: ExpectedRevision;
  /** The role and token the append is made under (the token as a decimal string). */
  fence?: Readonly<{ role: string; token: string }>;
}>;

/** The name a fenced append's refusal crosses threads with. */
export const roleLostError = 'RoleLost';

/** What became of one append in a batch; an error is reported for that append alone. */
export type AppendOutcome =
  Readonly<{ ok: true; result: AppendResult }> | Readonly<{ ok: false; error: SerializedError }>;

/** An error as it crosses a thread: its name, message and SQLite code (`SQLITE_FULL`, …). */
export type SerializedError = Readonly<{ name: string; message: string; code?: string }>;

export const serializeError = (error: unknown): SerializedError => {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { name, message, code } : { name, message };
};

/** Commits a batch of appends in one transaction; throws only if the transaction itself fails. */
export type AppendBatch = (
  requests: readonly AppendRequest[],
  recordedAt: string,
) => AppendOutcome[];

/**
 * Builds the batch committer over an open database. Every append of the batch gets its own
 * savepoint and its own expected-revision check, and the batch is one durable `BEGIN IMMEDIATE`
 * transaction: one fsync for all of them.
 */
/* eslint-disable max-lines-per-function -- a factory: the prepared statements and the closures that run them, over one connection */
export const createAppendBatch = (db: Database): AppendBatch => {
  const streamRevision: Statement<[string], { revision: number | null }> = db.prepare(
    'SELECT max(stream_revision) AS revision FROM events WHERE stream_name = ?',
  );
  const eventIdsFrom: Statement<
    [string, number, number],
    { event_id: string; global_position: number }
  > = db.prepare(
    'SELECT event_id, global_position FROM events WHERE stream_name = ? AND stream_revision >= ? ORDER BY stream_revision LIMIT ?',
  );
  const leaseToken: Statement<[string], { token: number }> = db.prepare(
    'SELECT token FROM role_leases WHERE role = ?',
  );
  const insert: Statement<[string, string, number, string, string, string | null, string]> =
    db.prepare(
      `INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );

  /**
   * A retried append is recognised where the first attempt must have put its events: right after
   * the expected revision (at the start for `no_stream`, at the tail for `any`). Finding the same
   * ids there makes the retry a no-op that answers as the first attempt did. As in EventStoreDB,
   * no log-wide search is made, so an append that has not happened yet costs no lookup.
   */
  const alreadyAppended = (request: AppendRequest, current: number | null): AppendResult | null => {
    const { streamName, events, expectedRevision } = request;
    if (events.length === 0 || current === null) return null;
    if (typeof expectedRevision === 'bigint' && BigInt(current) === expectedRevision) return null;
    const from =
      expectedRevision === 'any'
        ? current - events.length + 1
        : expectedRevision === 'no_stream'
          ? 0
          : Number(expectedRevision) + 1;
    if (from < 0) return null;
    const stored = eventIdsFrom.all(streamName, from, events.length);
    const same =
      stored.length === events.length &&
      events.every((event, index) => event.id === stored[index]?.event_id);
    const last = stored.at(-1);
    if (!same || last === undefined) return null;
    return {
      ok: true,
      nextRevision: BigInt(from + events.length - 1),
      lastPosition: BigInt(last.global_position),
    };
  };

  const applyOne = (request: AppendRequest, recordedAt: string): AppendResult => {
    const { streamName, events, expectedRevision, fence } = request;
    // Read in the append's own transaction: a takeover either committed before it (refused
    // here) or waits for its write lock (and the old holder's append went first, in time).
    if (fence !== undefined) {
      const token = leaseToken.get(fence.role)?.token;
      if (token === undefined || String(token) !== fence.token) {
        throw Object.assign(
          new Error(
            `role ${fence.role} is held under token ${String(token ?? 'none')} now, not ${fence.token}: another process took it`,
          ),
          { name: roleLostError },
        );
      }
    }
    const current = streamRevision.get(streamName)?.revision ?? null;
    const retried = alreadyAppended(request, current);
    if (retried !== null) return retried;
    const matches =
      expectedRevision === 'any' ||
      (expectedRevision === 'no_stream'
        ? current === null
        : current !== null && BigInt(current) === expectedRevision);
    if (!matches) {
      return {
        ok: false,
        code: 'WRONG_EXPECTED_REVISION',
        actualRevision: current === null ? 'no_stream' : BigInt(current),
      };
    }
    let revision = current ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = insert.run(
        event.id,
        streamName,
        revision,
        event.type,
        event.data,
        event.metadata,
        event.recordedAt ?? recordedAt,
      );
      position = Number(info.lastInsertRowid);
    }
    return { ok: true, nextRevision: BigInt(revision), lastPosition: BigInt(position) };
  };

  // A nested transaction is a savepoint: one failing append leaves the others of the batch intact.
  const applyInSavepoint = db.transaction(applyOne);

  const batch = db.transaction(
    (requests: readonly AppendRequest[], recordedAt: string): AppendOutcome[] =>
      requests.map((request) => {
        try {
          return { ok: true, result: applyInSavepoint(request, recordedAt) };
        } catch (error) {
          return { ok: false, error: serializeError(error) };
        }
      }),
  );
  // BEGIN IMMEDIATE takes the write lock up front, so a batch never fails half-way on a lock.
  return (requests, recordedAt) => batch.immediate(requests, recordedAt);
};
/* eslint-enable max-lines-per-function */
