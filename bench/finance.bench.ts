/**
 * `npm run bench:finance`: finance's queries on a store of BENCH_FINANCE_PAYMENTS (default
 * 1,000,000) payments.
 *
 * 1. Builds the store, unless `.bench/finance-<N>/` already holds one: each payment's lifecycle
 *    (registered or not, success, pending, failed, expired, refunded, corrected, paid the wrong
 *    amount) decided by the domain over 60 days, and applied to the payments, settlement and
 *    discrepancies projections as `payrec projections rebuild` applies them.
 * 2. The first page of `GET /payments` for each filter, through the real route (Fastify's
 *    `inject`), BENCH_FINANCE_ROUNDS (default 200) times each with varied values: p50 and p99,
 *    with the query plan SQLite chose.
 * 3. `payrec export payments --format csv` of every payment, as a separate process: rows/s and
 *    its peak RSS (VmHWM).
 * 4. The settlement report over 30 days, now and as of a day before the end (median of 5 each).
 * 5. The whole store a payment takes, the event log and the delivery log included, which the
 *    store above (read models only) has not: bytes a payment of each table and index of a store
 *    payrec wrote itself (`builtStore.ts`, BENCH_FINANCE_LOG_PAYMENTS payments, default 50,000,
 *    with fulfilments, in `.bench/finance-log-<N>/`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import { registerPaymentRoutes } from '../src/adapters/http/index.js';
import { plainSerializerCompiler, zodValidatorCompiler } from '../src/adapters/http/zodSchemas.js';
import { openReadModelDatabase } from '../src/adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../src/adapters/readModels/sqliteReadModelStore.js';
import { createUseCases, createPaymentCommandHandler } from '../src/application/index.js';
import { settlementReport } from '../src/application/settlementReport.js';
import {
  decide,
  evolve,
  initialState,
  paymentStreamName,
  type PaymentState,
} from '../src/domain/index.js';
import type { RecordedEvent } from '../src/domain/ports/index.js';
import {
  day,
  end,
  hasStatusEndpoint,
  lifecycle,
  pick,
  providers,
  random,
  start,
} from './paymentLifecycles.js';
import { watchPeakRss } from './benchPayrec.js';
import { ensureBuiltStore } from './builtStore.js';
import { printDiskUse } from './diskUse.js';
import {
  applyBatch,
  createPaymentsProjection,
  discrepanciesProjection,
  readModelTables,
  settlementProjection,
  settlementProjectionName,
} from '../src/projections/index.js';

const payments = Number(process.env['BENCH_FINANCE_PAYMENTS'] ?? 1_000_000);
const rounds = Number(process.env['BENCH_FINANCE_ROUNDS'] ?? 200);
const dataDir = join(process.cwd(), '.bench', `finance-${payments}`);
const readModelPath = join(dataDir, 'readmodels.db');
const build = () => {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const db = openReadModelDatabase(readModelPath);
  const readModels = createSqliteReadModelStore(db, readModelTables);
  const projections = [
    createPaymentsProjection(hasStatusEndpoint),
    settlementProjection,
    discrepanciesProjection,
  ];
  const began = performance.now();
  let position = 0n;
  let events = 0;
  const chunk = 2_000;
  for (let first = 0; first < payments; first += chunk) {
    const batch: RecordedEvent[] = [];
    for (let index = first; index < Math.min(first + chunk, payments); index += 1) {
      let state: PaymentState = initialState();
      let revision = 0;
      for (const { at, command } of lifecycle(index, payments)) {
        for (const event of decide(command, state)) {
          state = evolve(state, event);
          position += 1n;
          batch.push({
            id: `${index}-${revision}`,
            type: event.type,
            data: event.data,
            metadata: null,
            streamName: paymentStreamName(command.data.payment),
            revision: BigInt(revision),
            globalPosition: position,
            recordedAt: new Date(at).toISOString(),
          });
          revision += 1;
        }
      }
    }
    for (const projection of projections) applyBatch(readModels, projection, batch);
    events += batch.length;
    if ((first / chunk) % 50 === 0) {
      process.stderr.write(
        `  built ${(first + chunk).toLocaleString('en-US')} payments, ${events.toLocaleString('en-US')} events, ${((performance.now() - began) / 1000).toFixed(0)} s\n`,
      );
    }
  }
  const analysing = performance.now();
  readModels.optimize(); // what the projection thread does soon after it starts
  console.log(`statistics gathered in ${((performance.now() - analysing) / 1000).toFixed(1)} s`);
  db.close();
  console.log(
    `built ${payments.toLocaleString('en-US')} payments (${events.toLocaleString('en-US')} events) in ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

const isoDay = (offset: number) => new Date(start + offset * day).toISOString();

/** Each filter of `GET /payments`, with a value drawn per round. */
const filters: ReadonlyArray<readonly [string, () => string]> = [
  ['no filter (by update time)', () => ''],
  ['sort=created', () => 'sort=created'],
  ['orderId', () => `orderId=order-${Math.floor(random() * payments)}`],
  ['status=refunded', () => 'status=refunded'],
  ['status=pending&sort=created', () => 'status=pending&sort=created'],
  ['provider', () => `provider=${pick(providers)}`],
  ['currency', () => `currency=${pick(['USD', 'TWD', 'XOF', 'EUR'])}&sort=created`],
  [
    'createdFrom/To (one day)',
    () => {
      const d = Math.floor(random() * 59);
      return `createdFrom=${isoDay(d)}&createdTo=${isoDay(d + 1)}&sort=created`;
    },
  ],
  [
    'updatedFrom/To (one day)',
    () => {
      const d = Math.floor(random() * 59);
      return `updatedFrom=${isoDay(d)}&updatedTo=${isoDay(d + 1)}`;
    },
  ],
  [
    'amountMin/Max (narrow)',
    () => {
      const low = Math.floor(random() * 4_900_000);
      return `amountMin=${low}&amountMax=${low + 1_000}`;
    },
  ],
  ['amountMin/Max (wide)', () => 'amountMin=1000000&amountMax=4000000'],
  ['hasOpenDiscrepancy=true', () => 'hasOpenDiscrepancy=true'],
  ['hasOpenDiscrepancy=false', () => 'hasOpenDiscrepancy=false&sort=created'],
  ['status+provider+currency', () => 'status=failed&provider=kryptogo&currency=TWD'],
  ['order=desc', () => 'sort=created&order=desc'],
];

const queryPages = async () => {
  const eventStore = openSqliteEventStore({ path: join(dataDir, 'events.db') });
  const db = openReadModelDatabase(readModelPath);
  const readModels = createSqliteReadModelStore(db, readModelTables);
  const app = Fastify();
  // The routes declare zod schemas: Fastify needs payrec's compilers for them, as the service
  // sets them in buildHttpServer.
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainSerializerCompiler);
  const handlePaymentCommand = createPaymentCommandHandler({ eventStore });
  const useCases = createUseCases({
    eventStore,
    readModels,
    deliveryLog: { list: () => null, paymentsOf: () => [], perMinute: () => [] },
    handleAndShow: handlePaymentCommand,
    handlePaymentCommand,
    awaitReadable: () => Promise.resolve(),
    now: () => new Date(end),
    providers: [...providers],
    hasStatusEndpoint,
    reverify: () => Promise.reject(new Error('the bench replays nothing')),
    confirmHint: () => Promise.resolve(),
    reportTimezone: 'UTC',
  });
  registerPaymentRoutes(app, { useCases });
  await app.ready();
  console.log(
    `\nfirst page of GET /payments (limit 50), ${rounds} rounds each, on ${payments.toLocaleString('en-US')} payments:`,
  );
  const worst: number[] = [];
  for (const [name, query] of filters) {
    const times: number[] = [];
    let items = 0;
    for (let round = 0; round < rounds + 10; round += 1) {
      const began = performance.now();
      const response = await app.inject({ method: 'GET', url: `/payments?${query()}` });
      const took = performance.now() - began;
      if (response.statusCode !== 200)
        throw new Error(`${name}: ${response.statusCode} ${response.body}`);
      if (round >= 10) times.push(took); // the first rounds warm the caches
      items += response.json<{ items: unknown[] }>().items.length;
    }
    const p99 = percentile(times, 99);
    worst.push(p99);
    console.log(
      `  ${name.padEnd(30)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p99 ${p99.toFixed(1).padStart(6)} ms   (${(items / (rounds + 10)).toFixed(0)} items/page)`,
    );
  }
  const slowest = Math.max(...worst);
  console.log(
    `  slowest p99 ${slowest.toFixed(1)} ms (target ≤ 50 ms): ${slowest <= 50 ? 'met' : 'NOT met'}`,
  );
  await app.close();
  await eventStore.close();
  return { readModels, db };
};

const explainPlans = () => {
  const db = openReadModelDatabase(readModelPath);
  const plan = (sql: string) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all()
      .map((row) => (row as { detail: string }).detail)
      .join('; ');
  console.log('\nquery plans (SQLite):');
  for (const [name, sql] of [
    [
      'orderId',
      "SELECT id FROM rm_payments WHERE order_id = 'order-1' AND updated_at IS NOT NULL ORDER BY updated_at, id LIMIT 51",
    ],
    [
      'currency by created',
      "SELECT id FROM rm_payments WHERE currency = 'XOF' AND created_at IS NOT NULL ORDER BY created_at, id LIMIT 51",
    ],
    [
      'amount range',
      'SELECT id FROM rm_payments WHERE amount_minor >= 1 AND amount_minor <= 1000 AND updated_at IS NOT NULL ORDER BY updated_at, id LIMIT 51',
    ],
    [
      'open discrepancy',
      'SELECT id FROM rm_payments WHERE open_discrepancies IS NOT NULL AND updated_at IS NOT NULL ORDER BY updated_at, id LIMIT 51',
    ],
    [
      'settlement day',
      // Instant columns hold milliseconds since the epoch.
      `SELECT provider, currency, status, count(*), sum(amount_minor) FROM rm_settlement WHERE status_at >= ${Date.parse('2026-09-01T00:00:00Z')} AND status_at < ${Date.parse('2026-09-02T00:00:00Z')} AND valid_to IS NULL GROUP BY provider, currency, status`,
    ],
  ] as const) {
    console.log(`  ${name.padEnd(20)} ${plan(sql)}`);
  }
  db.close();
};

const exportAll = async () => {
  const began = performance.now();
  const child = spawn(process.execPath, ['dist/cli.js', 'export', 'payments', '--format', 'csv'], {
    env: { PATH: process.env['PATH'] ?? '', PAYREC_DATA_DIR: dataDir, PAYREC_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let rows = -1; // the header
  child.stdout.on('data', (chunk: Buffer) => {
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1))
      rows += 1;
  });
  const peakRss = watchPeakRss(child.pid);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const peakMb = peakRss.stop();
  const seconds = (performance.now() - began) / 1000;
  const rate = rows / seconds;
  console.log(
    `\npayrec export payments --format csv: ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s (exit ${code}), process start included`,
  );
  console.log(
    `  ${Math.round(rate).toLocaleString('en-US')} rows/s (target ≥ 100,000): ${rate >= 100_000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  peak RSS ${peakMb.toFixed(0)} MB (target ≤ 250 MB): ${peakMb <= 250 ? 'met' : 'NOT met'}`,
  );
};

/** Bytes per payment of each read-model table and index (issue 25: keep what a query needs). */
const printDiskUseOfReadModels = () => {
  console.log(`\ndisk use of the read models of ${payments.toLocaleString('en-US')} payments:`);
  printDiskUse(readModelPath, 'readmodels.db', payments);
};

const reports = async (readModels: ReturnType<typeof createSqliteReadModelStore>) => {
  const time = async (asOf: Date | null) => {
    const times: number[] = [];
    let rows = 0;
    for (let round = 0; round < 6; round += 1) {
      const began = performance.now();
      rows = (
        await settlementReport(readModels, settlementProjectionName, {
          from: '2026-10-01',
          to: '2026-10-30',
          asOf,
          now: new Date(end),
          timezone: 'Europe/Paris',
        })
      ).rows.length;
      if (round > 0) times.push(performance.now() - began);
    }
    return { median: percentile(times, 50), rows };
  };
  const now = await time(null);
  const dayAgo = await time(new Date(end - day));
  console.log('\nsettlement report, 30 days (Europe/Paris), median of 5:');
  console.log(
    `  as of now        ${(now.median / 1000).toFixed(2)} s, ${now.rows} rows (target ≤ 2 s): ${now.median <= 2000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  as of a day ago  ${(dayAgo.median / 1000).toFixed(2)} s, ${dayAgo.rows} rows: ${(dayAgo.median / now.median).toFixed(2)}× (target ≤ 3×): ${dayAgo.median <= 3 * now.median ? 'met' : 'NOT met'}`,
  );
};

if (!existsSync(readModelPath) || process.env['BENCH_FINANCE_REBUILD'] === '1') build();
else console.log(`reusing the store in ${dataDir} (BENCH_FINANCE_REBUILD=1 builds it again)`);
printDiskUseOfReadModels();
explainPlans();
const { readModels, db } = await queryPages();
await reports(readModels);
db.close();
await exportAll();

const logPayments = Number(process.env['BENCH_FINANCE_LOG_PAYMENTS'] ?? 50_000);
console.log(
  `\nthe whole store, event log and delivery log included, of ${logPayments.toLocaleString('en-US')} payments payrec wrote itself:`,
);
await ensureBuiltStore(join(process.cwd(), '.bench', `finance-log-${logPayments}`), logPayments, {
  tablesAndIndexes: true,
});
