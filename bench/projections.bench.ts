/**
 * `npm run bench:projections` (first part of issue 4's benchmark): rebuild throughput of the
 * `payments` read model from the embedded event log. Fills the log with BENCH_PROJECTION_EVENTS
 * (default 1,000,000) payment events, four per payment, then replays them into a fresh read model
 * with `rebuildProjection`, as `payrec projections rebuild` does, and prints events/s.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import { openReadModelDatabase } from '../src/adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../src/adapters/readModels/sqliteReadModelStore.js';
import { toNewEvent } from '../src/application/index.js';
import type { PaymentEvent } from '../src/domain/index.js';
import { paymentsProjection, rebuildProjection } from '../src/projections/index.js';

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
      type: 'ProviderReportRecorded',
      data: {
        payment,
        report: { vocabulary: 'event_type', providerStatus: 'quote.executed', status: 'success' },
        evidence: evidence(`k2-${ref}`),
      },
    },
  ];
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
  const readModels = createSqliteReadModelStore(db);
  const started = performance.now();
  const applied = await rebuildProjection({
    eventStore: store,
    readModels,
    projection: paymentsProjection,
  });
  const seconds = (performance.now() - started) / 1000;
  const sample = readModels.get('payments', 'kraken-embed/R-0');
  if (sample?.['status'] !== 'success' || sample['version'] !== 3)
    throw new Error('the rebuilt read model is wrong');
  process.stdout.write(
    `rebuild of "payments": ${applied.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s = ${Math.round(applied / seconds).toLocaleString('en-US')} events/s\n`,
  );
  process.stdout.write('projection lag under ingest load: not measured yet (issue 4)\n');
  db.close();
  await store.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
