import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/domain/ports/index.js';
import { digestOfLog, migrateEvents } from '../../src/service/index.js';
import { temporarySqliteStore } from '../support/temporaryStore.js';

/** A checkpoint kept in memory, as the command keeps it in a file. */
const memoryCheckpoint = (start = 0n) => {
  let position = start;
  return {
    read: () => position,
    write: (at: bigint) => {
      position = at;
    },
    get position() {
      return position;
    },
  };
};

/** `streams` payment streams of `events` events each, interleaved, plus a lease stream. */
const fill = async (store: EventStore, streams: number, events: number) => {
  for (let revision = 0; revision < events; revision += 1) {
    for (let stream = 0; stream < streams; stream += 1) {
      await store.appendToStream(
        `payment-kraken-embed/M-${stream}`,
        [
          {
            id: randomUUID(),
            type: 'ProviderReportRecorded',
            data: { stream, revision, note: 'é ☃' },
            metadata: { schemaVersion: 1, instance: 'source' },
          },
        ],
        { expectedRevision: revision === 0 ? 'no_stream' : BigInt(revision - 1) },
      );
    }
  }
  await store.appendToStream(
    'payrec-lease-reconciler',
    [{ id: randomUUID(), type: 'LeaseTaken', data: { holder: 'source' } }],
    { expectedRevision: 'any' },
  );
};

describe('migrating every event to another store', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const store = () => {
    const made = temporarySqliteStore();
    cleanups.push(made.cleanup);
    return made.store;
  };

  it('copies in order with the same ids, revisions, data and times, but never a lease', async () => {
    const source = store();
    const target = store();
    await fill(source, 7, 30);
    const { copied } = await migrateEvents({
      source,
      target,
      checkpoint: memoryCheckpoint(),
      pipelined: true,
      pageSize: 50,
    });
    expect(copied).toBe(210);
    const [from, to] = [await digestOfLog(source), await digestOfLog(target)];
    expect(to).toEqual(from);
    expect(to.count).toBe(210);
    const original = await source.readStream('payment-kraken-embed/M-3');
    const moved = await target.readStream('payment-kraken-embed/M-3');
    expect(moved.map(({ globalPosition: _position, ...event }) => event)).toEqual(
      original.map(({ globalPosition: _position, ...event }) => event),
    );
    expect(await target.readStream('payrec-lease-reconciler')).toEqual([]);
  });

  it('resumes after an interruption, and a page copied twice after a kill adds nothing', async () => {
    const source = store();
    const target = store();
    await fill(source, 5, 40);
    const interrupted = new AbortController();
    const checkpoint = memoryCheckpoint();
    const first = await migrateEvents({
      source,
      target,
      checkpoint,
      pipelined: true,
      pageSize: 30,
      signal: interrupted.signal,
      onProgress: ({ copied }) => {
        if (copied >= 60) interrupted.abort();
      },
    });
    expect(first.copied).toBe(60);
    expect((await digestOfLog(target)).count).toBe(60);
    // A kill after the target committed a page but before the checkpoint recorded it: the next
    // run starts a page early and copies that page again.
    const lagging = memoryCheckpoint(checkpoint.position - 30n);
    const second = await migrateEvents({
      source,
      target,
      checkpoint: lagging,
      pipelined: true,
      pageSize: 30,
    });
    expect(second.resumedAfter).toBe(30n);
    expect(await digestOfLog(target)).toEqual(await digestOfLog(source));
    // And a third run from the start adds nothing either.
    await migrateEvents({ source, target, checkpoint: memoryCheckpoint(), pipelined: false });
    expect(await digestOfLog(target)).toEqual(await digestOfLog(source));
  });

  it('refuses to merge into a target that holds events of its own, naming the stream', async () => {
    const source = store();
    const target = store();
    await fill(source, 2, 3);
    await target.appendToStream(
      'payment-kraken-embed/M-1',
      [{ id: randomUUID(), type: 'Other', data: {} }],
      { expectedRevision: 'no_stream' },
    );
    await expect(
      migrateEvents({ source, target, checkpoint: memoryCheckpoint(), pipelined: false }),
    ).rejects.toThrow(
      /^the target's stream payment-kraken-embed\/M-1 is at revision 0 where the source's event \S+ is revision 0: the target holds events of its own\. Migrate into an empty store\.$/,
    );
  });
});
