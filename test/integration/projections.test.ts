import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from '../../src/adapters/readModels/sqliteReadModelStore.js';
import type { RecordedEvent } from '../../src/domain/ports/index.js';
import type { Service } from '../../src/main.js';
import {
  applyBatch,
  createProjections,
  readModelTables,
  rebuildProjection,
  type AnyProjection,
} from '../../src/projections/index.js';
import { waitFor } from '../support/waitFor.js';
import { deliverKrakenEmbedEvent, startWebhookService } from '../support/webhookService.js';

/** Every document of a projection, by id. */
const snapshot = (store: SqliteReadModelStore, projection: AnyProjection) =>
  Object.fromEntries(
    store.list(projection.name, { limit: 100_000 }).map((row) => [row.id, row.document]),
  );

/** The service's projections (every test provider has a status endpoint but Kraken Pay). */
const allProjections = createProjections((provider) => provider !== 'kraken-pay');

const snapshots = (store: SqliteReadModelStore) =>
  Object.fromEntries(
    allProjections.map((projection) => [projection.name, snapshot(store, projection)]),
  );

describe('projections: rebuild and idempotency', () => {
  let service: Service;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ service, dataDir, cleanup } = await startWebhookService({ now: () => new Date() }));
  });
  afterEach(async () => {
    await cleanup();
  });

  const deliver = async (id: string, eventType: string, timestamp = `${id}-${eventType}`) => {
    expect(await deliverKrakenEmbedEvent(service, { id, event_type: eventType, timestamp })).toBe(
      200,
    );
  };

  /** A history with moves, repeats, a contradiction and a registration. */
  const aHistory = async () => {
    await service.app.inject({
      method: 'POST',
      url: '/payments',
      payload: { provider: 'kraken-embed', ref: 'R-1', amount: 10_000, currency: 'USD' },
    });
    await deliver('R-1', 'quote.executed');
    await deliver('R-1', 'quote.executed');
    await deliver('R-2', 'quote.cancelled');
    await deliver('R-3', 'quote.executed');
    await deliver('R-1', 'quote.execution_failed');
    await deliver('R-4', 'quote.expired');
  };

  const caughtUp = async () => {
    const events = await service.eventStore.readAll({ maxCount: 100_000 });
    const head = events.at(-1)?.globalPosition ?? 0n;
    await waitFor(() => {
      const statuses = service.projections.status();
      return statuses.length === allProjections.length &&
        statuses.every((status) => status.position === head)
        ? true
        : undefined;
    });
    return events;
  };

  const openLiveReadModels = () => {
    const db = openReadModelDatabase(join(dataDir, 'readmodels.db'));
    return { db, store: createSqliteReadModelStore(db, readModelTables) };
  };

  it('rebuilds from position 0 exactly the read models the live projections built', async () => {
    await aHistory();
    await caughtUp();
    const live = openLiveReadModels();
    const before = snapshots(live.store);
    expect(Object.keys(before['payments'] ?? {})).toHaveLength(4);
    expect(Object.keys(before['fulfilments'] ?? {})).toHaveLength(2);

    const fresh = openReadModelDatabase(join(dataDir, 'fresh.db'));
    const rebuilt = createSqliteReadModelStore(fresh, readModelTables);
    for (const projection of allProjections) {
      await rebuildProjection({ eventStore: service.eventStore, readModels: rebuilt, projection });
    }
    expect(snapshots(rebuilt)).toEqual(before);
    fresh.close();
    live.db.close();
  });

  it('swaps a rebuild in under a running projection, which then resumes from it', async () => {
    await aHistory();
    await caughtUp();
    const live = openLiveReadModels();
    const before = snapshots(live.store);
    const progress: number[] = [];
    for (const projection of allProjections) {
      await rebuildProjection({
        eventStore: service.eventStore,
        readModels: live.store,
        projection,
        pageSize: 3,
        onProgress: (events) => progress.push(events),
      });
    }
    expect(progress.length).toBeGreaterThan(2);
    expect(snapshots(live.store)).toEqual(before);

    await deliver('R-5', 'quote.executed');
    const events = await caughtUp();
    await waitFor(() =>
      live.store.get('payments', 'kraken-embed/R-5') === null ? undefined : true,
    );
    const fresh = createSqliteReadModelStore(
      openReadModelDatabase(join(dataDir, 'fresh.db')),
      readModelTables,
    );
    for (const projection of allProjections) applyBatch(fresh, projection, events);
    expect(snapshots(live.store)).toEqual(snapshots(fresh));
    live.db.close();
  });

  it('changes nothing when any event is applied again, alone or in a batch', async () => {
    await aHistory();
    const events = await service.eventStore.readAll({ maxCount: 100_000 });
    const once = createSqliteReadModelStore(
      openReadModelDatabase(join(dataDir, 'once.db')),
      readModelTables,
    );
    const twice = createSqliteReadModelStore(
      openReadModelDatabase(join(dataDir, 'twice.db')),
      readModelTables,
    );
    for (const projection of allProjections) {
      applyBatch(once, projection, events);
      // Each event twice in a row, then the whole log again as one batch: every event at or
      // below a document's version (or the checkpoint) must change nothing.
      for (const event of events) applyBatch(twice, projection, [event, event]);
      twice.transaction((tx) => {
        tx.setCheckpoint(projection.name, 0n, projection.version);
      });
      applyBatch(twice, projection, [...events, ...events] as RecordedEvent[]);
    }
    expect(snapshots(twice)).toEqual(snapshots(once));
  });
});

describe('a rebuild that finds nothing', () => {
  it('swaps in an empty read model', async () => {
    const { service, dataDir, cleanup } = await startWebhookService({ now: () => new Date() });
    try {
      const db = openReadModelDatabase(join(dataDir, 'empty.db'));
      const readModels = createSqliteReadModelStore(db, readModelTables);
      for (const projection of allProjections) {
        expect(
          await rebuildProjection({ eventStore: service.eventStore, readModels, projection }),
        ).toBe(0);
      }
      expect(snapshots(readModels)).toEqual({
        payments: {},
        fulfilments: {},
        discrepancies: {},
        settlement: {},
        payment_counts: {},
      });
      db.close();
    } finally {
      await cleanup();
    }
  });
});
