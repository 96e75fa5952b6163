import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../src/adapters/eventStore/index.js';
import { EventStoreClosed } from '../../src/domain/index.js';
import { temporarySqliteStore } from '../support/temporaryStore.js';
import { waitFor } from '../support/waitFor.js';

describe('the embedded store on disk', () => {
  let context: ReturnType<typeof temporarySqliteStore>;
  afterEach(async () => {
    await context.cleanup();
  });

  it('finishes every in-flight append when closed, and keeps them across a reopen', async () => {
    context = temporarySqliteStore();
    const appends = Array.from({ length: 200 }, (_, index) =>
      context.store.appendToStream(
        `payment-kkiapay/p${index}`,
        [{ id: randomUUID(), type: 'T', data: { index } }],
        {
          expectedRevision: 'no_stream',
        },
      ),
    );
    await context.store.close();
    const results = await Promise.all(appends);
    expect(results.every((result) => result.ok)).toBe(true);

    const reopened = openSqliteEventStore({ path: join(context.directory, 'events.db') });
    try {
      expect(await reopened.readAll({ maxCount: 1_000 })).toHaveLength(200);
    } finally {
      await reopened.close();
    }
  });

  it('refuses appends once closed', async () => {
    context = temporarySqliteStore();
    await context.store.close();
    await expect(
      context.store.appendToStream('s', [{ id: randomUUID(), type: 'T', data: {} }], {
        expectedRevision: 'any',
      }),
    ).rejects.toBeInstanceOf(EventStoreClosed);
  });

  it('commits appends made in the same turn together, each with its own revision check', async () => {
    context = temporarySqliteStore();
    const stream = 'payment-kryptogo/group';
    const [first, stale, other] = await Promise.all([
      context.store.appendToStream(stream, [{ id: randomUUID(), type: 'T', data: {} }], {
        expectedRevision: 'no_stream',
      }),
      context.store.appendToStream(stream, [{ id: randomUUID(), type: 'T', data: {} }], {
        expectedRevision: 'no_stream',
      }),
      context.store.appendToStream(
        'payment-kryptogo/other',
        [{ id: randomUUID(), type: 'T', data: {} }],
        {
          expectedRevision: 'no_stream',
        },
      ),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(stale).toEqual({ ok: false, code: 'WRONG_EXPECTED_REVISION', actualRevision: 0n });
    expect(other).toMatchObject({ ok: true });
  });

  it('sees appends made by another process on the same file through a subscription', async () => {
    context = temporarySqliteStore();
    const second = openSqliteEventStore({
      path: join(context.directory, 'events.db'),
      pollIntervalMs: 20,
    });
    const subscription = context.store.subscribeToAll({});
    try {
      await second.appendToStream(
        'payment-kkiapay/elsewhere',
        [{ id: randomUUID(), type: 'FromElsewhere', data: {} }],
        {
          expectedRevision: 'no_stream',
        },
      );
      for await (const event of subscription) {
        expect(event.type).toBe('FromElsewhere');
        break;
      }
    } finally {
      await subscription.unsubscribe();
      await second.close();
    }
  });

  it('copies committed appends into the database file from a background connection, before the WAL is full', async () => {
    context = temporarySqliteStore();
    const path = join(context.directory, 'events.db');
    const background = openSqliteEventStore({ path, checkpointIntervalMs: 10 });
    try {
      const sizeBefore = statSync(path).size;
      const appends = Array.from({ length: 300 }, (_, index) =>
        context.store.appendToStream(
          `payment-kkiapay/c${index}`,
          [{ id: randomUUID(), type: 'T', data: { padding: 'x'.repeat(500) } }],
          { expectedRevision: 'no_stream' },
        ),
      );
      await Promise.all(appends);
      // Far below the 4,000-page automatic checkpoint: only the background connection copies.
      await waitFor(() => (statSync(path).size > sizeBefore + 100_000 ? true : undefined), 2_000);
      const reopened = openSqliteEventStore({ path });
      try {
        expect(await reopened.readAll({ maxCount: 1_000 })).toHaveLength(300);
      } finally {
        await reopened.close();
      }
    } finally {
      await background.close();
    }
  });

  it('leaves checkpoints to the background connection when backfilled elsewhere, and checkpoints by itself otherwise', async () => {
    context = temporarySqliteStore();
    // About 20 MiB of WAL: past the usual 4,000-page threshold, below the 16,000 of a store
    // backfilled elsewhere.
    const fillWal = async (
      path: string,
      backfilledElsewhere: boolean,
      writer: 'inline' | 'thread' = 'inline',
    ) => {
      const store = openSqliteEventStore({ path, backfilledElsewhere, writer });
      try {
        for (let batch = 0; batch < 10; batch += 1) {
          await Promise.all(
            Array.from({ length: 500 }, (_, index) =>
              store.appendToStream(
                `payment-kkiapay/w${batch}-${index}`,
                [{ id: randomUUID(), type: 'T', data: { padding: 'x'.repeat(4_000) } }],
                { expectedRevision: 'no_stream' },
              ),
            ),
          );
        }
        return statSync(path).size;
      } finally {
        await store.close();
      }
    };
    const checkpointedBySelf = await fillWal(join(context.directory, 'self.db'), false);
    const leftToBackground = await fillWal(join(context.directory, 'elsewhere.db'), true);
    const leftByWriterThread = await fillWal(join(context.directory, 'thread.db'), true, 'thread');
    expect(checkpointedBySelf).toBeGreaterThan(10_000_000);
    expect(leftToBackground).toBeLessThan(1_000_000);
    expect(leftByWriterThread).toBeLessThan(1_000_000);
    const reopened = openSqliteEventStore({ path: join(context.directory, 'elsewhere.db') });
    try {
      expect(await reopened.readAll({ maxCount: 10_000 })).toHaveLength(5_000);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a checkpoint interval that is not a positive integer', () => {
    expect(() => openSqliteEventStore({ path: ':memory:', checkpointIntervalMs: 0 })).toThrow(
      /checkpointIntervalMs/,
    );
  });

  it('drops the index by event type from a version-1 log and keeps its events readable by type', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'payrec-test-'));
    const path = join(directory, 'events.db');
    try {
      const first = openSqliteEventStore({ path });
      await first.appendToStream(
        'payment-kkiapay/old',
        [{ id: randomUUID(), type: 'Old', data: {} }],
        {
          expectedRevision: 'no_stream',
        },
      );
      await first.close();
      // Put the file back as version 1 left it: with the index, at user_version 1.
      const raw = new Database(path);
      raw.exec('CREATE INDEX events_by_type ON events (event_type, global_position)');
      raw.pragma('user_version = 1');
      raw.close();

      const reopened = openSqliteEventStore({ path });
      try {
        const check = new Database(path, { readonly: true });
        const indexes = check
          .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
          .all()
          .map(({ name }) => name);
        const version = check.pragma('user_version', { simple: true });
        check.close();
        expect(indexes).not.toContain('events_by_type');
        expect(version).toBe(3);
        const byType = await reopened.readAll({ maxCount: 10, filter: { eventTypes: ['Old'] } });
        expect(byType.map((event) => event.streamName)).toEqual(['payment-kkiapay/old']);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
