import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startProjectionThread,
  type ProjectionThread,
} from '../../src/adapters/projectionThread/projectionThread.js';
import { createWalBacklog } from '../../src/adapters/common/sqliteWalBackfill.js';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import { waitFor } from '../support/waitFor.js';

describe('the projection thread', () => {
  let directory: string;
  let thread: ProjectionThread | null = null;
  afterEach(async () => {
    await thread?.stop();
    thread = null;
    rmSync(directory, { recursive: true, force: true });
  });

  it("copies the service database's WAL into its file, so the event loop's connection never has to", async () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-projection-thread-'));
    const servicePath = join(directory, 'payrec.db');
    const serviceDb = openReadModelDatabase(servicePath, { backfilledElsewhere: true });
    try {
      // The event loop's connection only checkpoints past about 64 MiB of WAL.
      expect(serviceDb.pragma('wal_autocheckpoint', { simple: true })).toBe(16_000);
      serviceDb.exec('CREATE TABLE log (line TEXT NOT NULL)');
      const sizeBefore = statSync(servicePath).size;
      thread = startProjectionThread({
        eventStorePath: join(directory, 'events.db'),
        readModelPath: join(directory, 'readmodels.db'),
        serviceDatabasePath: servicePath,
        pollIntervalMs: 20,
        providersWithoutStatusEndpoint: ['kraken-pay'],
      });
      // 300 commits of 500 bytes, as the delivery log makes them: far below either threshold.
      const insert = serviceDb.prepare<[string]>('INSERT INTO log (line) VALUES (?)');
      for (let index = 0; index < 300; index += 1) insert.run(`${index}:${'x'.repeat(500)}`);
      await waitFor(
        () => (statSync(servicePath).size > sizeBefore + 100_000 ? true : undefined),
        10_000,
      );
      const { count } = serviceDb.prepare('SELECT count(*) AS count FROM log').get() as {
        count: number;
      };
      expect(count).toBe(300);
    } finally {
      serviceDb.close();
    }
  });

  it("reports what its backfill of the event log left to copy, and clears it when it stops, so that the log's writer checkpoints for itself", async () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-projection-thread-'));
    const eventLogBacklog = createWalBacklog();
    thread = startProjectionThread({
      eventStorePath: join(directory, 'events.db'),
      readModelPath: join(directory, 'readmodels.db'),
      pollIntervalMs: 20,
      providersWithoutStatusEndpoint: ['kraken-pay'],
      eventLogBacklog,
    });
    // What a pass finds on a WAL nothing holds back: nothing left.
    Atomics.store(eventLogBacklog, 0, 99_999);
    await waitFor(() => (Atomics.load(eventLogBacklog, 0) === 0 ? true : undefined));
    // A thread that stops between two passes leaves no report behind.
    Atomics.store(eventLogBacklog, 0, 99_999);
    await thread.stop();
    thread = null;
    expect(Atomics.load(eventLogBacklog, 0)).toBe(0);
  });

  it('leaves the automatic checkpoint at 4,000 pages on a connection nobody backfills', () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-projection-thread-'));
    const db = openReadModelDatabase(join(directory, 'payrec.db'));
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(4_000);
    } finally {
      db.close();
    }
  });
});
