/**
 * `npm run bench:console`: the server time of every console page on a store of
 * BENCH_CONSOLE_PAYMENTS (default 1,000,000) payments.
 *
 * 1. Builds the store, unless `.bench/console-<N>/` already holds one: the finance benchmark's
 *    payment lifecycles, decided by the domain and appended to the embedded event store, a
 *    delivery log with BENCH_CONSOLE_DELIVERIES_PER_MINUTE (default 1,000) deliveries a minute
 *    over the last hour (5% rejected), then every projection caught up by the service itself.
 * 2. Starts the service on it (no token: the console serves loopback as an operator) and asks
 *    every page BENCH_CONSOLE_ROUNDS (default 100) times, pages in turn, through Fastify's
 *    `inject`: the time from request to the last byte of the answer, which is server time.
 *    Prints p50, p95 and the largest for each page, and the overview's query plans.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { DeliveryLog } from '../src/adapters/deliveryLog/deliveryLog.js';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import { overviewAggregates } from '../src/application/overviewFigures.js';
import { createLogger } from '../src/adapters/logging/createLogger.js';
import { openReadModelDatabase } from '../src/adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../src/adapters/readModels/sqliteReadModelStore.js';
import { loadConfig } from '../src/config.js';
import {
  decide,
  evolve,
  initialState,
  paymentStreamName,
  toNewEvent,
} from '../src/domain/index.js';
import { createService, type Service } from '../src/main.js';
import { readModelTables } from '../src/projections/index.js';
import { lifecycle, pick, providers, random } from './paymentLifecycles.js';

const payments = Number(process.env['BENCH_CONSOLE_PAYMENTS'] ?? 1_000_000);
const rounds = Number(process.env['BENCH_CONSOLE_ROUNDS'] ?? 100);
const perMinute = Number(process.env['BENCH_CONSOLE_DELIVERIES_PER_MINUTE'] ?? 1_000);
const dataDir = join(process.cwd(), '.bench', `console-${payments}`);
const builtMark = join(dataDir, 'built');
const fmt = (value: number) => value.toLocaleString('en-US');
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);

const environment = {
  PAYREC_DATA_DIR: dataDir,
  PAYREC_RECONCILE_CRON: '0 0 1 1 *',
  PAYREC_LOG_LEVEL: 'silent',
};

const startService = () =>
  createService(loadConfig(environment), { logger: createLogger({ level: 'silent' }) });

/** Waits until every projection has applied the whole log. */
const caughtUp = async (service: Service, head: bigint, began: number) => {
  for (;;) {
    const statuses = service.projections.status();
    const behind = statuses.filter((status) => status.position < head);
    if (statuses.length > 0 && behind.length === 0) return;
    const slowest = behind.reduce(
      (low, status) => (status.position < low ? status.position : low),
      head,
    );
    process.stderr.write(
      `  projecting: ${fmt(Number(slowest))} of ${fmt(Number(head))} events, ${seconds(began)} s\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
};

const build = async () => {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const began = performance.now();
  const store = openSqliteEventStore({ path: join(dataDir, 'events.db') });
  let events = 0;
  const appends: Array<Promise<unknown>> = [];
  for (let index = 0; index < payments; index += 1) {
    let state = initialState();
    const decided = [];
    let stream = '';
    for (const { command } of lifecycle(index, payments)) {
      stream = paymentStreamName(command.data.payment);
      for (const event of decide(command, state)) {
        state = evolve(state, event);
        decided.push(toNewEvent(event, randomUUID()));
      }
    }
    events += decided.length;
    appends.push(store.appendToStream(stream, decided, { expectedRevision: 'no_stream' }));
    if (appends.length === 512) await Promise.all(appends.splice(0));
    if (index % 100_000 === 0) {
      process.stderr.write(
        `  appended ${fmt(index)} payments, ${fmt(events)} events, ${seconds(began)} s\n`,
      );
    }
  }
  await Promise.all(appends);
  // Positions in the embedded store run 1, 2, 3…: the head is the count of events.
  const head = BigInt((await store.eventsAfter(0n)) ?? 0);
  await store.close();
  console.log(`appended ${fmt(payments)} payments (${fmt(events)} events) in ${seconds(began)} s`);

  // The delivery log: the last hour's deliveries, and the log marked as holding every accepted
  // delivery of the event log (as a service that ran all along would have it).
  const serviceDb = new Database(join(dataDir, 'payrec.db'));
  const deliveryLog = new DeliveryLog(serviceDb, { maxRejected: 1_000_000 });
  const now = Date.now();
  for (let minute = 0; minute < 60; minute += 1) {
    for (let index = 0; index < perMinute; index += 1) {
      const rejected = random() < 0.05;
      deliveryLog.record({
        provider: pick(providers),
        receivedAt: new Date(
          now - (60 - minute) * 60_000 + index * (60_000 / perMinute),
        ).toISOString(),
        outcome: rejected ? 'rejected' : 'accepted',
        deliveryId: rejected ? null : randomUUID().replaceAll('-', ''),
        code: rejected ? 'INVALID_SIGNATURE' : null,
        size: 400,
        sourceAddress: '203.0.113.7',
        payments: rejected ? [] : [`kraken-embed/pay_${index.toString(36)}`],
      });
    }
    deliveryLog.flush();
  }
  deliveryLog.recordRepaired([], head);
  serviceDb.close();

  const projecting = performance.now();
  const service = await startService();
  await caughtUp(service, head, projecting);
  await service.close();
  console.log(`projected by the service in ${seconds(projecting)} s`);
  const analysing = performance.now();
  const db = openReadModelDatabase(join(dataDir, 'readmodels.db'));
  createSqliteReadModelStore(db, readModelTables).optimize();
  db.close();
  console.log(`statistics gathered in ${seconds(analysing)} s`);
  writeFileSync(builtMark, new Date().toISOString());
};

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

if (!existsSync(builtMark) || process.env['BENCH_CONSOLE_REBUILD'] === '1') await build();
const service = await startService();
try {
  const { app } = service;
  // Payments to open: found by order id, outside the timing.
  const samples: string[] = [];
  while (samples.length < 50) {
    const found = await app.inject({
      url: `/payments?orderId=order-${Math.floor(random() * payments)}`,
    });
    const item = found.json<{ items: Array<{ provider: string; ref: string }> }>().items[0];
    if (item) samples.push(`/console/payments/${item.provider}/${item.ref}`);
  }
  const asOf = new Date(Date.parse('2026-10-15T00:00:00Z')).toISOString();
  const pages: ReadonlyArray<readonly [string, (round: number) => string]> = [
    ['overview', () => '/console'],
    ['payments', () => '/console/payments'],
    ['payments, status+provider', () => '/console/payments?status=refunded&provider=kryptogo'],
    ['payments, open discrepancy', () => '/console/payments?hasOpenDiscrepancy=true&sort=created'],
    [
      'payments, a day',
      () =>
        '/console/payments?createdFrom=2026-10-01T00:00:00Z&createdTo=2026-10-02T00:00:00Z&sort=created',
    ],
    ['payment', (round) => samples[round % samples.length] ?? '/console'],
    ['payment as of', (round) => `${samples[round % samples.length] ?? ''}?asOf=${asOf}`],
    ['discrepancies', () => '/console/discrepancies'],
    ['discrepancies, resolved', () => '/console/discrepancies?state=resolved'],
    ['fulfilments', () => '/console/fulfilments'],
    ['deliveries', () => '/console/deliveries'],
    ['deliveries, rejected', () => '/console/deliveries?outcome=rejected'],
  ];
  // Warm: one of each, not counted.
  for (const [, url] of pages) await app.inject({ url: url(0) });
  const times = new Map<string, number[]>(pages.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, url] of pages) {
      const began = performance.now();
      const answer = await app.inject({ url: url(round) });
      const took = performance.now() - began;
      if (answer.statusCode !== 200) throw new Error(`${url(round)} answered ${answer.statusCode}`);
      times.get(name)?.push(took);
    }
  }
  console.log(
    `\nconsole pages, server time (inject, request to last byte), ${rounds} rounds each, on ${fmt(payments)} payments and ${fmt(perMinute * 60)} deliveries in the last hour:`,
  );
  let worst = 0;
  for (const [name] of pages) {
    const values = times.get(name) ?? [];
    const p95 = percentile(values, 95);
    worst = Math.max(worst, p95);
    console.log(
      `  ${name.padEnd(30)} p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   max ${Math.max(
        ...values,
      )
        .toFixed(1)
        .padStart(6)} ms`,
    );
  }
  console.log(
    `  slowest p95 ${worst.toFixed(1)} ms (target ≤ 100 ms): ${worst <= 100 ? 'met' : 'NOT met'}`,
  );

  console.log('\nthe overview reads (SQLite query plans):');
  const db = openReadModelDatabase(join(dataDir, 'readmodels.db'));
  const readModels = createSqliteReadModelStore(db, readModelTables);
  console.log('  payments by status and provider: one document of the payment_counts projection');
  for (const { projection, request } of overviewAggregates(new Date())) {
    console.log(`  ${projection}: ${readModels.explainAggregate(projection, request).join(' | ')}`);
  }
  db.close();
  const serviceDb = new Database(join(dataDir, 'payrec.db'), { readonly: true });
  console.log(
    `  deliveries per minute: ${new DeliveryLog(serviceDb).explainPerMinute().join(' | ')}`,
  );
  serviceDb.close();
} finally {
  await service.close();
}
