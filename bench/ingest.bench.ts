/**
 * `npm run bench:ingest`: the built payrec server on loopback, with durable storage (the embedded
 * store commits with synchronous=FULL: an acknowledged delivery survives a crash), under a load
 * generator in a separate process (autocannon, 50 connections, pre-signed deliveries to distinct
 * payments). Prints, for Kraken Embed (HMAC) and Kraken Pay (ES256 JWT) deliveries, accepted
 * deliveries/s and p50/p99 latency, and the same figures for a no-op route (`GET /healthz`) of
 * the same server, with the ratio.
 *
 * PAYREC_SQLITE_WRITER=inline runs payrec with inline commits (default: the writer thread). Sizes: BENCH_INGEST_HMAC (default 100000), BENCH_INGEST_ES256 (default 40000),
 * BENCH_INGEST_NOOP (default 200000) requests.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateCredentials, startProviderSimulator } from '../src/simulator/index.js';
import { runLoad, startPayrec, type LoadResult } from './benchPayrec.js';

const sizeFrom = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 100)
    throw new Error(`${name} must be an integer of at least 100`);
  return value;
};

const writer = process.env['PAYREC_SQLITE_WRITER'] === 'inline' ? 'inline' : 'thread';
const root = join(process.cwd(), '.bench', `ingest-${process.pid}`);
mkdirSync(root, { recursive: true });
const credentialsPath = join(root, 'credentials.json');
const credentials = await loadOrCreateCredentials(credentialsPath);
const simulator = await startProviderSimulator({ credentials });

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const describe = (label: string, result: LoadResult) =>
  `${label.padEnd(30)} ${fmt(result.perSecond).padStart(7)} accepted/s   p50 ${result.p50} ms   p99 ${result.p99} ms   (${fmt(result.ok)} of ${fmt(result.requests)} answered 2xx, ${result.errors} errors)`;

const { child, url } = await startPayrec({
  credentials,
  simulatorUrl: simulator.url,
  dataDir: join(root, 'data'),
  writer,
});
const load = (scenario: string, target: string, amount: number) =>
  runLoad(scenario, target, credentialsPath, amount);
try {
  process.stdout.write(
    `payrec bench:ingest — Node ${process.version}, payrec ${url} (durable SQLite store, ${writer} writer), load: autocannon, 50 connections, separate process\n`,
  );
  await load('noop', url, 5_000);
  await load('kraken-embed', url, 2_000);
  const noop = await load('noop', url, sizeFrom('BENCH_INGEST_NOOP', 200_000));
  process.stdout.write(`${describe('no-op route (GET /healthz)', noop)}\n`);
  const hmac = await load('kraken-embed', url, sizeFrom('BENCH_INGEST_HMAC', 100_000));
  process.stdout.write(`${describe('Kraken Embed (HMAC-SHA256)', hmac)}\n`);
  const es256 = await load('kraken-pay', url, sizeFrom('BENCH_INGEST_ES256', 40_000));
  process.stdout.write(`${describe('Kraken Pay (ES256 JWT)', es256)}\n`);
  process.stdout.write(
    `ratio, Kraken Embed / no-op route: ${((hmac.perSecond / noop.perSecond) * 100).toFixed(1)} %\n`,
  );
  process.stdout.write(
    `ratio, Kraken Pay / no-op route:   ${((es256.perSecond / noop.perSecond) * 100).toFixed(1)} %\n`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await simulator.close();
  rmSync(root, { recursive: true, force: true });
}
