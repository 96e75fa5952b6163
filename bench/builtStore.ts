/**
 * A store of N payments for the benchmarks that need a real `payrec serve` on a large store
 * (`bench:backup`, `bench:isolation`): each payment's lifecycle decided by the domain (as
 * `bench:finance` does), appended through the embedded event store with its original times, and
 * every projection applied with its checkpoint, so that `payrec serve` starts on it at the head.
 * Built once into a directory and kept (a marker file says it is whole).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeliveryLog } from '../src/adapters/deliveryLog/deliveryLog.js';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import { openReadModelDatabase } from '../src/adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../src/adapters/readModels/sqliteReadModelStore.js';
import {
  decide,
  evolve,
  initialState,
  paymentStreamName,
  toNewEvent,
  type PaymentState,
} from '../src/domain/index.js';
import type { NewEvent, RecordedEvent } from '../src/domain/ports/index.js';
import { applyBatchToAll, createProjections, readModelTables } from '../src/projections/index.js';
import { repairDeliveryLog } from '../src/service/index.js';
import { printDiskUse } from './diskUse.js';
import { hasStatusEndpoint, lifecycle } from './paymentLifecycles.js';

const builtMarkerName = 'built';

const build = async (dataDir: string, payments: number): Promise<void> => {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const eventStore = openSqliteEventStore({ path: join(dataDir, 'events.db') });
  const db = openReadModelDatabase(join(dataDir, 'readmodels.db'));
  const readModels = createSqliteReadModelStore(db, readModelTables);
  const projections = createProjections(hasStatusEndpoint);
  let checkpoints = new Map<string, bigint>();
  const began = performance.now();
  let events = 0;
  const chunk = 2_000;
  for (let first = 0; first < payments; first += chunk) {
    const streams: Array<{ stream: string; events: Array<NewEvent & { recordedAt: string }> }> = [];
    for (let index = first; index < Math.min(first + chunk, payments); index += 1) {
      let state: PaymentState = initialState();
      const stream = { stream: '', events: [] as Array<NewEvent & { recordedAt: string }> };
      for (const { at, command } of lifecycle(index, payments)) {
        stream.stream = paymentStreamName(command.data.payment);
        for (const event of decide(command, state)) {
          state = evolve(state, event);
          stream.events.push({
            ...toNewEvent(event, randomUUID(), 'bench'),
            recordedAt: new Date(at).toISOString(),
          });
        }
      }
      if (stream.events.length > 0) streams.push(stream);
    }
    // One append per payment, all queued at once: the store commits them together, in order.
    const results = await Promise.all(
      streams.map(({ stream, events: appended }) =>
        eventStore.appendToStream(stream, appended, { expectedRevision: 'no_stream' }),
      ),
    );
    const batch: RecordedEvent[] = [];
    streams.forEach(({ stream, events: appended }, index) => {
      const result = results[index];
      if (!result?.ok) throw new Error(`could not append ${stream}`);
      const firstPosition = result.lastPosition - BigInt(appended.length - 1);
      appended.forEach((event, revision) => {
        batch.push({
          id: event.id,
          type: event.type,
          data: event.data,
          metadata: event.metadata ?? null,
          streamName: stream,
          revision: BigInt(revision),
          globalPosition: firstPosition + BigInt(revision),
          recordedAt: event.recordedAt,
        });
      });
    });
    checkpoints = applyBatchToAll(readModels, projections, batch, checkpoints);
    events += batch.length;
    if ((first / chunk) % 50 === 0) {
      process.stderr.write(
        `  built ${(first + chunk).toLocaleString('en-US')} payments, ${events.toLocaleString('en-US')} events, ${((performance.now() - began) / 1000).toFixed(0)} s\n`,
      );
    }
  }
  readModels.optimize();
  db.close();
  await eventStore.close();
  writeFileSync(join(dataDir, builtMarkerName), `${events}\n`);
  console.log(
    `built ${payments.toLocaleString('en-US')} payments (${events.toLocaleString('en-US')} events) in ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
};

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/**
 * The store of `payments` payments in `dataDir`, built unless it is there already, with a delivery
 * log that holds every accepted delivery as a service that received them would have it (the
 * repair writes them, a no-op once done, so that it does not run while a benchmark measures).
 * Prints each file's size: the disk a store of N payments takes; and with `tablesAndIndexes`,
 * each table's and index's share of it (`dbstat`: it reads every page, minutes on a large store).
 */
export const ensureBuiltStore = async (
  dataDir: string,
  payments: number,
  { tablesAndIndexes = false }: Readonly<{ tablesAndIndexes?: boolean }> = {},
): Promise<void> => {
  if (!existsSync(join(dataDir, builtMarkerName))) await build(dataDir, payments);
  const eventStore = openSqliteEventStore({ path: join(dataDir, 'events.db') });
  const serviceDb = openReadModelDatabase(join(dataDir, 'payrec.db'));
  const began = performance.now();
  const repair = await repairDeliveryLog({ eventStore, deliveryLog: new DeliveryLog(serviceDb) });
  if (repair.repaired > 0) {
    console.log(
      `delivery log: ${repair.repaired.toLocaleString('en-US')} entries written in ${((performance.now() - began) / 1000).toFixed(0)} s`,
    );
  }
  serviceDb.close();
  await eventStore.close();
  const sizes = ['events.db', 'readmodels.db', 'payrec.db'].map(
    (name) =>
      [name, fileSize(join(dataDir, name)) + fileSize(join(dataDir, `${name}-wal`))] as const,
  );
  console.log(
    `store of ${payments.toLocaleString('en-US')} payments: ${sizes.map(([name, bytes]) => `${name} ${megabytes(bytes)}`).join(', ')}; ${megabytes(sizes.reduce((sum, [, bytes]) => sum + bytes, 0))} in all`,
  );
  if (tablesAndIndexes) {
    // Per payment the store holds now: each run of a benchmark adds the payments it delivers.
    const readModels = openReadModelDatabase(join(dataDir, 'readmodels.db'));
    const held =
      readModels.prepare<[], { held: number }>('SELECT count(*) AS held FROM rm_payments').get()
        ?.held ?? payments;
    readModels.close();
    console.log(`  (${held.toLocaleString('en-US')} payments held now)`);
    for (const name of ['events.db', 'readmodels.db', 'payrec.db'])
      printDiskUse(join(dataDir, name), name, held);
  }
};
