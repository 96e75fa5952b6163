/**
 * `npm run bench:store`: the embedded SQLite store with durable commits (WAL, synchronous=FULL),
 * measured the way payrec uses it, next to Emmett's SQLite event store doing the same appends.
 *
 * Prints: appends/s with one writer; appends/s with 64 concurrent writers to distinct streams
 * (group commit); the global-log read rate over 1,000,000 events of about 1 KB, decoded; and the
 * Emmett figures with the ratio. Sizes can be reduced for a quick look:
 * `BENCH_LOG_EVENTS=100000 npm run bench:store`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import type { NewEvent } from '../src/domain/ports/index.js';

const numberFrom = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

const logEvents = numberFrom('BENCH_LOG_EVENTS', 1_000_000);
const singleWriterAppends = numberFrom('BENCH_SINGLE_APPENDS', 2_000);
const concurrentAppends = numberFrom('BENCH_CONCURRENT_APPENDS', 64_000);
const emmettAppends = numberFrom('BENCH_EMMETT_APPENDS', 3_200);
const writers = 64;

// The bench writes to the project's own disk, not a tmpfs, so that fsync costs what it costs.
const root = join(process.cwd(), '.bench', `store-${process.pid}`);
mkdirSync(root, { recursive: true });

/** About 1 KB of JSON, shaped like a recorded provider report. */
const payload = (index: number) => ({
  payment: { provider: 'kraken-embed', ref: `AEGXGV-${index}` },
  report: {
    vocabulary: 'event_type',
    providerStatus: 'quote.executed',
    status: 'success',
    amount: { minor: 10_000, currency: 'USD' },
  },
  evidence: {
    deliveryKey: `quote.executed:AEGXGV-${index}:2025-01-15T10:30:00.000000000Z`,
    channel: 'webhook',
    receivedAt: new Date(1_700_000_000_000 + index).toISOString(),
    verification: {
      method: 'hmac-sha256',
      trust: 'verified',
      detail: 'v1 matched the current secret',
    },
  },
  padding: 'x'.repeat(640),
});

const anEvent = (index: number): NewEvent => ({
  id: randomUUID(),
  type: 'ProviderReportRecorded',
  data: payload(index),
});

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

const payrecSingleWriter = async () => {
  const store = openSqliteEventStore({ path: join(root, 'single.db'), writer: 'inline' });
  const started = performance.now();
  for (let index = 0; index < singleWriterAppends; index += 1) {
    await store.appendToStream(`payment-kraken-embed/single-${index}`, [anEvent(index)], {
      expectedRevision: 'no_stream',
    });
  }
  const elapsed = performance.now() - started;
  await store.close();
  return rate(singleWriterAppends, elapsed);
};

const concurrently = async (
  total: number,
  append: (writer: number, index: number) => Promise<void>,
) => {
  const perWriter = Math.ceil(total / writers);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let index = 0; index < perWriter; index += 1) await append(writer, index);
    }),
  );
  return rate(perWriter * writers, performance.now() - started);
};

const payrecConcurrent = async (writer: 'inline' | 'thread') => {
  const store = openSqliteEventStore({ path: join(root, `concurrent-${writer}.db`), writer });
  const result = await concurrently(concurrentAppends, async (writer, index) => {
    const appended = await store.appendToStream(
      `payment-kraken-embed/w${writer}`,
      [anEvent(index)],
      {
        expectedRevision: index === 0 ? 'no_stream' : BigInt(index - 1),
      },
    );
    if (!appended.ok) throw new Error('unexpected conflict');
  });
  await store.close();
  return result;
};

/** The bench's own output; `console.log` is Emmett's to print failed transactions with. */
const print = (line: string) => process.stdout.write(`${line}\n`);

const emmettConcurrent = (writerCount: number) => {
  // Emmett 0.38 prints every failed transaction with console.log (also after a run is stopped,
  // from calls still in flight); they are counted as retries instead.
  console.log = () => undefined;
  return emmettAppendsWith(writerCount);
};

const emmettSeconds = numberFrom('BENCH_EMMETT_SECONDS', 30);

/**
 * Emmett's appends, `writerCount` writers each appending to its own stream as its documentation
 * shows (`eventStore.appendToStream(streamName, events)`). A run stops after `emmettAppends`
 * appends or `BENCH_EMMETT_SECONDS`, whichever comes first (with 64 writers Emmett 0.38 can stall
 * on its shared connection), and the rate counts the appends that completed.
 */
const emmettAppendsWith = async (writerCount: number) => {
  const eventStore = getSQLiteEventStore({ fileName: join(root, `emmett-${writerCount}.db`) });
  let retries = 0;
  let completed = 0;
  let stop = false;
  // A function, not the variable: the deadline flips it while the writers are suspended.
  const stopped = () => stop;
  const perWriter = Math.ceil(emmettAppends / writerCount);
  const started = performance.now();
  const writing = Promise.all(
    Array.from({ length: writerCount }, async (_, writer) => {
      for (let index = 0; index < perWriter && !stopped(); index += 1) {
        // Emmett 0.38's SQLite store shares one connection between concurrent calls and can
        // answer SQLITE_BUSY (0.38.5, the version that installs on Node 20): retry, as its users would.
        for (;;) {
          try {
            await eventStore.appendToStream(`payment-kraken-embed/w${writer}`, [
              { type: 'ProviderReportRecorded', data: payload(index) },
            ]);
            completed += 1;
            break;
          } catch {
            retries += 1;
            if (stopped()) return;
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        }
      }
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, emmettSeconds * 1000);
  });
  await Promise.race([writing, deadline]);
  clearTimeout(timer);
  stop = true;
  const elapsed = performance.now() - started;
  return {
    rate: rate(completed, elapsed),
    completed,
    retries,
    timedOut: completed < perWriter * writerCount,
  };
};

const fillAndReadLog = async () => {
  const path = join(root, 'log.db');
  const store = openSqliteEventStore({ path });
  const batch = 1_000;
  const fillStarted = performance.now();
  for (let written = 0; written < logEvents; written += batch) {
    const size = Math.min(batch, logEvents - written);
    await store.appendToStream(
      `payment-kraken-embed/bulk-${written}`,
      Array.from({ length: size }, (_, offset) => anEvent(written + offset)),
      { expectedRevision: 'no_stream' },
    );
  }
  const fillMs = performance.now() - fillStarted;
  const bytes = statSync(path).size;
  const started = performance.now();
  let read = 0;
  let after = 0n;
  let checksum = 0;
  for (;;) {
    const page = store.readAllNow({ after, maxCount: 1_000 });
    if (page.length === 0) break;
    for (const event of page) checksum += (event.data['padding'] as string).length;
    read += page.length;
    after = page.at(-1)?.globalPosition ?? after;
  }
  const readMs = performance.now() - started;
  await store.close();
  if (read !== logEvents || checksum !== 640 * logEvents)
    throw new Error(`read ${read} of ${logEvents} events`);
  return { fillRate: rate(logEvents, fillMs), readRate: rate(read, readMs), bytes };
};

const main = async () => {
  print(
    `payrec bench:store — Node ${process.version}, durable commits (WAL, synchronous=FULL), data in ${root}`,
  );
  const single = await payrecSingleWriter();
  print(
    `payrec SQLite, 1 writer, inline:    ${fmt(single)} appends/s (${fmt(singleWriterAppends)} appends)`,
  );
  const concurrent = await payrecConcurrent('inline');
  print(
    `payrec SQLite, ${writers} writers, inline:  ${fmt(concurrent)} appends/s (${fmt(concurrentAppends)} appends, distinct streams, group commit; the default)`,
  );
  const threaded = await payrecConcurrent('thread');
  print(
    `payrec SQLite, ${writers} writers, thread:  ${fmt(threaded)} appends/s (PAYREC_SQLITE_WRITER=thread: commits on a worker thread)`,
  );
  const emmettSingle = await emmettConcurrent(1);
  print(
    `Emmett SQLite 0.38.5, 1 writer:     ${fmt(emmettSingle.rate)} appends/s (${fmt(emmettSingle.completed)} appends${emmettSingle.timedOut ? `, stopped after ${emmettSeconds} s` : ''})`,
  );
  const emmett = await emmettConcurrent(writers);
  print(
    `Emmett SQLite 0.38.5, ${writers} writers:   ${fmt(emmett.rate)} appends/s (${fmt(emmett.completed)} appends${emmett.timedOut ? `, stopped after ${emmettSeconds} s` : ''}, ${fmt(emmett.retries)} retried after errors)`,
  );
  const emmettBest = Math.max(emmett.rate, emmettSingle.rate);
  print(
    `ratio, ${writers} writers, payrec / Emmett at its best rate above: ${(concurrent / emmettBest).toFixed(1)}× inline, ${(threaded / emmettBest).toFixed(1)}× thread`,
  );
  print(
    `ratio, ${writers} writers each (payrec / Emmett):                 ${(concurrent / Math.max(emmett.rate, 1)).toFixed(1)}×`,
  );
  print(
    `ratio, 1 writer each (payrec / Emmett):                       ${(single / emmettSingle.rate).toFixed(1)}×`,
  );
  const log = await fillAndReadLog();
  print(
    `global log: filled ${fmt(logEvents)} events (${(log.bytes / 1e9).toFixed(2)} GB) at ${fmt(log.fillRate)} events/s`,
  );
  print(
    `global log read, decoded:           ${fmt(log.readRate)} events/s over ${fmt(logEvents)} events`,
  );
};

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
// Abandoned Emmett calls may still hold handles open; the figures are printed, so end here.
process.exit(0);
