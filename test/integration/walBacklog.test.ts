import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWalBacklog,
  startWalBackfill,
  walAutocheckpointPagesWhenBackfilled,
  type WalBacklog,
} from '../../src/adapters/common/sqliteWalBackfill.js';
import { walSizeLimitBytes } from '../../src/adapters/common/sqliteWalSizeLimit.js';
import { openSqliteEventStore } from '../../src/adapters/eventStore/index.js';
import type { EventStore } from '../../src/domain/ports/index.js';
import { waitFor } from '../support/waitFor.js';

/** `count` appends of a 16 KB event each (four or five pages of WAL), 500 at a time. */
const fill = async (store: EventStore, count: number, tag: string) => {
  for (let from = 0; from < count; from += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - from) }, (_, index) =>
        store.appendToStream(
          `payment-kkiapay/${tag}-${from + index}`,
          [{ id: randomUUID(), type: 'T', data: { padding: 'x'.repeat(16_000) } }],
          { expectedRevision: 'no_stream' },
        ),
      ),
    );
  }
};

/**
 * A backup's snapshot, held while 5,000 appends (about 100 MB of WAL, past the writer's
 * 16,000-page threshold) gather behind it, with a background backfill reporting to `backlog`
 * until the snapshot is released. The backfill is stopped then, so that only the writer could
 * have copied anything since, and unless `backfillStopped`, its last report is put back: the
 * writer's next commits come before its next pass would (every 200 ms in the service). Returns
 * the event log's size at the release.
 */
const holdSnapshotWhileFilling = async (
  path: string,
  writer: EventStore,
  backfillDb: Database.Database,
  backlog: WalBacklog,
  backfillStopped = false,
): Promise<number> => {
  const snapshot = new Database(path, { readonly: true });
  snapshot.prepare('BEGIN').run();
  snapshot.prepare('SELECT count(*) FROM events').get();
  const stopBackfill = startWalBackfill(backfillDb, 20, undefined, backlog);
  await fill(writer, 5_000, 'held');
  const reported = await waitFor(() => {
    const frames = Atomics.load(backlog, 0);
    return frames > walAutocheckpointPagesWhenBackfilled ? frames : undefined;
  });
  stopBackfill();
  expect(Atomics.load(backlog, 0)).toBe(0);
  if (!backfillStopped) Atomics.store(backlog, 0, reported);
  const sizeAtRelease = statSync(path).size;
  snapshot.prepare('COMMIT').run();
  snapshot.close();
  return sizeAtRelease;
};

describe('a WAL gathered behind a held snapshot', () => {
  let directory: string;
  let cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
    rmSync(directory, { recursive: true, force: true });
  });

  const open = (options: Parameters<typeof openSqliteEventStore>[0]) => {
    const store = openSqliteEventStore(options);
    cleanups.push(() => store.close());
    return store;
  };
  const openBackfill = (path: string) => {
    const db = new Database(path);
    cleanups.push(() => {
      db.close();
    });
    return db;
  };

  it('is copied whole by the first commit after the release when the writer does not follow the backfill', async () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-wal-'));
    const path = join(directory, 'events.db');
    const writer = open({ path, backfilledElsewhere: true });
    await fill(writer, 100, 'before');
    const sizeAtRelease = await holdSnapshotWhileFilling(
      path,
      writer,
      openBackfill(path),
      createWalBacklog(),
    );

    await fill(writer, 1, 'after');

    expect(statSync(path).size).toBeGreaterThan(sizeAtRelease + 50_000_000);
  });

  it('is copied whole by the first commit after the release when the backfill the writer follows has stopped', async () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-wal-'));
    const path = join(directory, 'events.db');
    const backlog = createWalBacklog();
    const writer = open({ path, backfilledElsewhere: true, backfillBacklog: backlog });
    await fill(writer, 100, 'before');
    const sizeAtRelease = await holdSnapshotWhileFilling(
      path,
      writer,
      openBackfill(path),
      backlog,
      true,
    );

    await fill(writer, 1, 'after');

    expect(statSync(path).size).toBeGreaterThan(sizeAtRelease + 50_000_000);
  });

  it.each(['inline', 'thread'] as const)(
    'is left to the backfill by a %s writer that follows it, which checkpoints again and starts its WAL over once the backfill has caught up',
    async (kind) => {
      directory = mkdtempSync(join(tmpdir(), 'payrec-wal-'));
      const path = join(directory, 'events.db');
      const backlog = createWalBacklog();
      const writer = open({
        path,
        writer: kind,
        backfilledElsewhere: true,
        backfillBacklog: backlog,
      });
      await fill(writer, 100, 'before');
      const backfillDb = openBackfill(path);
      const sizeAtRelease = await holdSnapshotWhileFilling(path, writer, backfillDb, backlog);

      await fill(writer, 10, 'after');
      expect(statSync(path).size).toBe(sizeAtRelease);

      const stopBackfill = startWalBackfill(backfillDb, 20, undefined, backlog);
      cleanups.push(stopBackfill);
      await waitFor(() => (Atomics.load(backlog, 0) < 1_000 ? true : undefined));
      expect(statSync(path).size).toBeGreaterThan(sizeAtRelease + 50_000_000);
      stopBackfill();

      // The first commit copies what the backfill's last pass left; the next starts the WAL over
      // (and SQLite cuts the file back to its limit).
      await fill(writer, 1, 'caught-up');
      await fill(writer, 1, 'restarted');
      expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(walSizeLimitBytes);
      const reopened = open({ path });
      expect(await reopened.readAll({ maxCount: 10_000 })).toHaveLength(5_112);
    },
  );
});

describe('the role leases beside a writer thread', () => {
  it('never copy a WAL gathered behind a released snapshot: the connection that writes them leaves checkpoints to the writer thread and the backfill', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'payrec-wal-'));
    const path = join(directory, 'events.db');
    const backlog = createWalBacklog();
    const store = openSqliteEventStore({
      path,
      writer: 'thread',
      backfilledElsewhere: true,
      backfillBacklog: backlog,
    });
    const backfillDb = new Database(path);
    try {
      await fill(store, 100, 'before');
      const sizeAtRelease = await holdSnapshotWhileFilling(path, store, backfillDb, backlog);

      for (let renewal = 0; renewal < 5; renewal += 1) {
        const claim = await store.leases.claim('projections', 'here', 10_000, new Date());
        expect(claim.ok).toBe(true);
      }

      expect(statSync(path).size).toBe(sizeAtRelease);
    } finally {
      backfillDb.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
