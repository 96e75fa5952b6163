/**
 * `npm run bench:reconcile`: one reconciliation cycle of the built `payrec reconcile --once`, as
 * its own process, over BENCH_RECONCILE_PAYMENTS (default 100,000) registered payments of which
 * BENCH_RECONCILE_DUE (default 10,000) are due, split across Kraken Embed, KryptoGO and KKiaPay,
 * against the provider simulator enforcing BENCH_RECONCILE_RATE (default 300) calls per second
 * per provider (it answers 429 beyond), with payrec configured to the same limit. Prints the time
 * to select the due set, status calls/s achieved per provider against the limit, the cycle time,
 * and payrec's peak RSS (VmHWM).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteEventStore } from '../src/adapters/eventStore/index.js';
import { openReadModelDatabase } from '../src/adapters/readModels/readModelDatabase.js';
import { createSqliteReadModelStore } from '../src/adapters/readModels/sqliteReadModelStore.js';
import type { PaymentEvent, ProviderName } from '../src/domain/index.js';
import {
  createPaymentsProjection,
  readModelTables,
  rebuildProjection,
} from '../src/projections/index.js';
import {
  createSimulatorCredentials,
  payrecEnvironmentFor,
  startProviderSimulator,
} from '../src/simulator/index.js';
import { toNewEvent } from '../src/domain/index.js';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const total = number('BENCH_RECONCILE_PAYMENTS', 100_000);
const dueCount = number('BENCH_RECONCILE_DUE', 10_000);
const rate = number('BENCH_RECONCILE_RATE', 300);
const providers = ['kraken-embed', 'kryptogo', 'kkiapay'] as const;
const truthOf: Record<(typeof providers)[number], string[]> = {
  'kraken-embed': ['executed', 'new', 'cancelled'],
  kryptogo: ['success', 'pending', 'expired'],
  kkiapay: ['SUCCESS', 'PENDING', 'FAILED'],
};

const root = join(process.cwd(), '.bench', `reconcile-${process.pid}`);
const dataDir = join(root, 'data');
mkdirSync(dataDir, { recursive: true });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const history = (provider: ProviderName, ref: string, due: boolean, at: string): PaymentEvent[] => {
  const payment = { provider, ref };
  const registered: PaymentEvent = {
    type: 'PaymentRegistered',
    data: { payment, expected: { orderId: `order-${ref}` }, registeredAt: at, source: 'api' },
  };
  if (due) return [registered];
  // Checked once just now and still pending: next due in a minute, so not in this cycle.
  return [
    registered,
    {
      type: 'ProviderReportRecorded',
      data: {
        payment,
        report: { vocabulary: 'status', providerStatus: 'pending', status: 'pending' },
        evidence: {
          deliveryKey: `poll:${at}:${ref}`,
          channel: 'poll',
          receivedAt: at,
          verification: { method: 'status-api', trust: 'authoritative' },
        },
      },
    },
  ];
};

const credentials = await createSimulatorCredentials();
const simulator = await startProviderSimulator({ credentials, rateLimitPerSecond: rate });
try {
  const store = openSqliteEventStore({ path: join(dataDir, 'events.db') });
  const at = new Date().toISOString();
  const filled = performance.now();
  const appends: Array<Promise<unknown>> = [];
  for (let index = 0; index < total; index += 1) {
    const provider = providers[index % providers.length] ?? 'kkiapay';
    const ref = `R-${index}`;
    const due = index < dueCount;
    if (due) {
      const options = truthOf[provider];
      simulator.setTruth(provider, ref, { status: options[index % options.length] ?? 'pending' });
    }
    appends.push(
      store.appendToStream(
        `payment-${provider}/${ref}`,
        history(provider, ref, due, at).map((event) => toNewEvent(event, randomUUID())),
        { expectedRevision: 'no_stream' },
      ),
    );
    if (appends.length === 512) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
  const db = openReadModelDatabase(join(dataDir, 'readmodels.db'));
  await rebuildProjection({
    eventStore: store,
    readModels: createSqliteReadModelStore(db, readModelTables),
    projection: createPaymentsProjection((provider) => provider !== 'kraken-pay'),
  });
  db.close();
  await store.close();
  process.stdout.write(
    `payrec bench:reconcile — Node ${process.version}; ${fmt(total)} registered payments (${fmt(dueCount)} due) stored and projected in ${((performance.now() - filled) / 1000).toFixed(1)} s; simulator limit ${rate} calls/s per provider\n`,
  );

  const child = spawn(process.execPath, ['dist/cli.js', 'reconcile', '--once'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...payrecEnvironmentFor(credentials, simulator.url),
      PAYREC_DATA_DIR: dataDir,
      PAYREC_SQLITE_WRITER: 'inline',
      KRAKEN_EMBED_API_RATE_LIMIT: String(rate),
      KRYPTOGO_API_RATE_LIMIT: String(rate),
      KKIAPAY_API_RATE_LIMIT: String(rate),
      PAYREC_RECONCILE_BATCH: String(dueCount),
      ...(process.env['BENCH_PAYREC_NODE_OPTIONS']
        ? { NODE_OPTIONS: process.env['BENCH_PAYREC_NODE_OPTIONS'] }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let peakKiB = 0;
  const firstCall: Partial<Record<string, number>> = {};
  const lastCall: Partial<Record<string, number>> = {};
  const seen: Record<string, number> = {};
  const sample = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match?.[1]) peakKiB = Math.max(peakKiB, Number(match[1]));
    } catch {
      // the process has exited
    }
    const now = performance.now();
    for (const [provider, calls] of Object.entries(simulator.calls())) {
      if (calls === (seen[provider] ?? 0)) continue;
      firstCall[provider] ??= now;
      lastCall[provider] = now;
      seen[provider] = calls;
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sample);
  if (code !== 0) throw new Error(`payrec reconcile --once exited with ${String(code)}: ${output}`);
  const summary =
    /reconciled (\d+) due payment\(s\).* in ([\d.]+) s \(due set selected in ([\d.]+) ms\)/.exec(
      output,
    );
  if (!summary) throw new Error(`unexpected output: ${output}`);
  process.stdout.write(`payrec said: ${output.trim()}\n`);
  process.stdout.write(`select the due set: ${summary[3] ?? '?'} ms (of ${fmt(total)} payments)\n`);
  process.stdout.write(
    `cycle time: ${summary[2] ?? '?'} s for ${fmt(Number(summary[1]))} status checks\n`,
  );
  const throttled = simulator.throttled();
  for (const provider of providers) {
    const calls = simulator.calls()[provider] ?? 0;
    const refused = throttled[provider] ?? 0;
    const seconds = ((lastCall[provider] ?? 0) - (firstCall[provider] ?? 0)) / 1000;
    // Answered calls (429s not counted); n calls from the first to the last span n - 1 gaps.
    const achieved = seconds > 0 ? (calls - refused - 1) / seconds : 0;
    process.stdout.write(
      `${provider.padEnd(13)} ${fmt(calls - refused)} answered calls in ${seconds.toFixed(1)} s = ${achieved.toFixed(1)} calls/s against a limit of ${rate}/s (${((achieved / rate) * 100).toFixed(1)} %); ${refused} more answered 429 and were retried\n`,
    );
  }
  process.stdout.write(`peak RSS of payrec reconcile: ${(peakKiB / 1024).toFixed(1)} MB\n`);
} finally {
  await simulator.close();
  rmSync(root, { recursive: true, force: true });
}
