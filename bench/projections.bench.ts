/**
 * `npm run bench:projections`, in two parts.
 *
 * 1. Rebuild throughput: fills the embedded log with BENCH_PROJECTION_EVENTS (default 1,000,000)
 *    payment events, four per payment (registered, reported, succeeded, fulfilment requested),
 *    then rebuilds each read model from position 0 into a fresh table and swaps it in, as
 *    `payrec projections rebuild` does, and prints events/s.
 * 2. Projection lag under ingest load: the built payrec server under `bench:ingest`'s Kraken
 *    Embed load (autocannon, 50 connections, a separate process, BENCH_LAG_DELIVERIES, default
 *    60,000), while this process watches both databases read-only: every few milliseconds it
 *    reads the projections' checkpoints and, for each event newly below them, the time from its
 *    append (`recorded_at`) to now. Prints p50/p99/max of that lag over every event.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import { openReadModelDatabase } from '../src/adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../src/adapters/readModels/sqliteReadModelStore.js';
import type { PaymentEvent } from '../src/domain/index.js';
import {
  createProjections,
  readModelTables,
  rebuildProjection,
  storedPayment,
} from '../src/projections/index.js';

const allProjections = createProjections((provider) => provider !== 'kraken-pay');
import { loadOrCreateCredentials, startProviderSimulator } from '../src/simulator/index.js';
import { runLoad, startPayrec } from './benchPayrec.js';
import { toNewEvent } from '../src/domain/index.js';

const total = Number(process.env['BENCH_PROJECTION_EVENTS'] ?? 1_000_000);
if (!Number.isInteger(total) || total < 4)
  throw new Error('BENCH_PROJECTION_EVENTS must be an integer of at least 4');
const root = join(process.cwd(), '.bench', `projections-${process.pid}`);
mkdirSync(root, { recursive: true });

const lifecycle = (ref: string, at: string): PaymentEvent[] => {
  const payment = { provider: 'kraken-embed', ref } as const;
  const evidence = (key: string) => ({
    deliveryKey: key,
    deliveryId: key.slice(0, 32),
    channel: 'webhook' as const,
    receivedAt: at,
    verification: {
      method: 'hmac-sha256' as const,
      trust: 'verified' as const,
      detail: 'X-Signature v1 matched the current webhook secret',
    },
    received: {
      body: `{"event_type":"quote.executed","id":"${ref}","timestamp":"${at}"}`,
      headers: { 'x-signature': `t=1,v1=${'a'.repeat(64)}` },
    },
  });
  return [
    {
      type: 'PaymentRegistered',
      data: {
        payment,
        expected: { amount: { minor: 10_000, currency: 'USD' }, orderId: `order-${ref}` },
        registeredAt: at,
        source: 'api',
      },
    },
    {
      type: 'ProviderReportRecorded',
      data: {
        payment,
        report: {
          vocabulary: 'event_type',
          providerStatus: 'quote.executed',
          status: 'success',
          amount: { minor: 10_000, currency: 'USD' },
        },
        evidence: evidence(`k1-${ref}`),
      },
    },
    {
      type: 'PaymentStatusChanged',
      data: {
        payment,
        from: 'pending',
        to: 'success',
        deliveryKey: `k1-${ref}`,
        channel: 'webhook',
        changedAt: at,
      },
    },
    {
      type: 'FulfilmentRequested',
      data: {
        payment,
        key: `success@k1-${ref}`,
        from: 'pending',
        to: 'success',
        amount: { minor: 10_000, currency: 'USD' },
        orderId: `order-${ref}`,
        requestedAt: at,
      },
    },
  ];
};

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Part 2: append → read-model lag while the ingest load runs. */
const measureLagUnderLoad = async (directory: string) => {
  mkdirSync(directory, { recursive: true });
  const credentialsPath = join(directory, 'credentials.json');
  const credentials = await loadOrCreateCredentials(credentialsPath);
  const simulator = await startProviderSimulator({ credentials });
  const dataDir = join(directory, 'data');
  const payrec = await startPayrec({
    credentials,
    simulatorUrl: simulator.url,
    dataDir,
    writer: 'inline',
  });
  try {
    while (!existsSync(join(dataDir, 'readmodels.db'))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const events = new Database(join(dataDir, 'events.db'), { readonly: true });
    const readModels = new Database(join(dataDir, 'readmodels.db'), { readonly: true });
    const checkpoints = readModels.prepare<[], { position: string }>(
      'SELECT position FROM projection_checkpoints',
    );
    const newlyProjected = events.prepare<[number, number], { recorded_at: string }>(
      'SELECT recorded_at FROM events WHERE global_position > ? AND global_position <= ?',
    );
    const lags: number[] = [];
    let measuredUpTo = 0;
    const watching = { on: true };
    const watch = (async () => {
      while (watching.on) {
        const positions = checkpoints.all().map((row) => Number(row.position));
        const projectedUpTo = positions.length < allProjections.length ? 0 : Math.min(...positions);
        if (projectedUpTo > measuredUpTo) {
          const now = Date.now();
          for (const row of newlyProjected.all(measuredUpTo, projectedUpTo)) {
            lags.push(now - Date.parse(row.recorded_at));
          }
          measuredUpTo = projectedUpTo;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const deliveries = Number(process.env['BENCH_LAG_DELIVERIES'] ?? 60_000);
    const load = await runLoad('kraken-embed', payrec.url, credentialsPath, deliveries);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    watching.on = false;
    await watch;
    events.close();
    readModels.close();
    const sorted = lags.sort((a, b) => a - b);
    process.stdout.write(
      `ingest load meanwhile: ${Math.round(load.perSecond).toLocaleString('en-US')} Kraken Embed deliveries/s accepted (p99 ${load.p99} ms), ${load.ok.toLocaleString('en-US')} deliveries, 50 connections\n`,
    );
    process.stdout.write(
      `projection lag (append → both read models), over ${sorted.length.toLocaleString('en-US')} events: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1) ?? 0} ms\n`,
    );
  } finally {
    payrec.child.kill('SIGTERM');
    await new Promise((resolve) => payrec.child.once('exit', resolve));
    await simulator.close();
  }
};

try {
  const store = openSqliteEventStore({ path: join(root, 'events.db') });
  const payments = Math.floor(total / 4);
  const at = new Date().toISOString();
  const fillStarted = performance.now();
  const appends: Array<Promise<unknown>> = [];
  for (let index = 0; index < payments; index += 1) {
    const ref = `R-${index}`;
    appends.push(
      store.appendToStream(
        `payment-kraken-embed/${ref}`,
        lifecycle(ref, at).map((event) => toNewEvent(event, randomUUID())),
        {
          expectedRevision: 'no_stream',
        },
      ),
    );
    if (appends.length === 256) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  process.stdout.write(
    `payrec bench:projections — Node ${process.version}; log filled with ${(payments * 4).toLocaleString('en-US')} events (${payments.toLocaleString('en-US')} payments) in ${fillSeconds.toFixed(1)} s\n`,
  );

  const db = openReadModelDatabase(join(root, 'readmodels.db'));
  const readModels = createSqliteReadModelStore(db, readModelTables);
  for (const projection of allProjections) {
    const started = performance.now();
    // Never interrupted here (no signal): always a count.
    const applied = (await rebuildProjection({ eventStore: store, readModels, projection })) ?? 0;
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `rebuild of "${projection.name}": ${applied.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s = ${Math.round(applied / seconds).toLocaleString('en-US')} events/s (into a fresh table, swapped in)\n`,
    );
  }
  const sample = storedPayment(readModels.get('payments', 'kraken-embed/R-0'), {
    provider: 'kraken-embed',
    ref: 'R-0',
  });
  if (sample?.status !== 'success' || sample.version !== 3)
    throw new Error('the rebuilt payments read model is wrong');
  if (readModels.due('fulfilments', { dueBy: '9999', limit: 1 }).length !== 1)
    throw new Error('the rebuilt fulfilments read model is wrong');
  db.close();
  await store.close();

  await measureLagUnderLoad(join(root, 'lag'));
} finally {
  rmSync(root, { recursive: true, force: true });
}
