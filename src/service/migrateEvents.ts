import { createHash } from 'node:crypto';
import { BackupFailed } from '../errors/index.js';
import type { EventStore, RecordedEvent } from '../domain/ports/index.js';

/** Streams that belong to one store and are never moved: its leases. */
const leaseStreamPrefix = 'payrec-lease-';

const moved = (event: RecordedEvent): boolean => !event.streamName.startsWith(leaseStreamPrefix);

/** Where a migration has got to, kept between runs so that a killed one resumes. */
export type MigrationCheckpoint = Readonly<{
  /** The source position of the last event copied (exclusive start of the next run). */
  read: () => bigint;
  write: (position: bigint, copied: number) => void;
}>;

export type MigrationProgress = Readonly<{ copied: number; position: bigint }>;

/** A log's fingerprint: how many events and a SHA-256 over each one's identity and content. */
export type LogDigest = Readonly<{ count: number; sha256: string }>;

/**
 * Copies every event of `source` (but its leases) into `target`, in the source's global order,
 * with the same ids, streams, revisions, types, data, metadata and recording times: each append
 * expects the stream at the revision before the event's, so a target that holds other events is
 * found out, not merged into. Resumes after the checkpoint; a page copied again after a kill is a
 * no-op (the same ids at the same revisions). `pipelined`: the target keeps the order of appends
 * made without waiting (the embedded store's queue); otherwise each append waits for the one
 * before (EventStoreDB). Throws `BackupFailed` naming the stream where the target differs.
 */
export const migrateEvents = async ({
  source,
  target,
  checkpoint,
  pipelined,
  pageSize = 1_000,
  onProgress = () => undefined,
  signal,
}: Readonly<{
  source: EventStore;
  target: EventStore;
  checkpoint: MigrationCheckpoint;
  pipelined: boolean;
  pageSize?: number;
  onProgress?: (progress: MigrationProgress) => void;
  signal?: AbortSignal;
}>): Promise<Readonly<{ copied: number; resumedAfter: bigint }>> => {
  const resumedAfter = checkpoint.read();
  let after = resumedAfter;
  let copied = 0;
  for (;;) {
    if (signal?.aborted === true) break;
    const page = await source.readAll({ after, maxCount: pageSize });
    if (page.length === 0) break;
    const appends: Array<Promise<void>> = [];
    for (const event of page) {
      if (!moved(event)) continue;
      const append = copyOne(target, event);
      if (pipelined) appends.push(append);
      else await append;
    }
    await Promise.all(appends);
    const last = page.at(-1);
    if (last === undefined) break;
    after = last.globalPosition;
    copied += page.filter(moved).length;
    checkpoint.write(after, copied);
    onProgress({ copied, position: after });
  }
  return { copied, resumedAfter };
};

const copyOne = async (target: EventStore, event: RecordedEvent): Promise<void> => {
  const result = await target.appendToStream(
    event.streamName,
    [
      {
        id: event.id,
        type: event.type,
        data: event.data,
        ...(event.metadata === null ? {} : { metadata: event.metadata }),
        recordedAt: event.recordedAt,
      },
    ],
    { expectedRevision: event.revision === 0n ? 'no_stream' : event.revision - 1n },
  );
  if (!result.ok) {
    throw new BackupFailed(
      `the target's stream ${event.streamName} is at revision ${String(result.actualRevision)} where the source's event ${event.id} is revision ${event.revision}: the target holds events of its own. Migrate into an empty store.`,
    );
  }
};

/**
 * A log's count and digest, over every moved event in global order: its id, stream, revision,
 * type, data, metadata and time. Two stores with the same events in the same order have the
 * same digest, whatever their positions.
 */
export const digestOfLog = async (store: EventStore, pageSize = 5_000): Promise<LogDigest> => {
  const hash = createHash('sha256');
  let count = 0;
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length === 0) break;
    for (const event of page) {
      after = event.globalPosition;
      if (!moved(event)) continue;
      count += 1;
      hash.update(
        `${event.id}\n${event.streamName}\n${event.revision}\n${event.type}\n${JSON.stringify(event.data)}\n${JSON.stringify(event.metadata)}\n${event.recordedAt}\n`,
      );
    }
  }
  return { count, sha256: hash.digest('hex') };
};
