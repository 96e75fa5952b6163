/**
 * `npm run bench:ingest`: the built payrec server on loopback, with durable storage (the embedded
 * store commits with synchronous=FULL: an acknowledged delivery survives a crash), under a load
 * generator in a separate process (autocannon, 50 connections, pre-signed deliveries to distinct
 * payments). Prints, for Kraken Embed (HMAC) and Kraken Pay (ES256 JWT) deliveries, accepted
 * deliveries/s and p50/p99 latency, first with payment refs in order (`B-<run>-0`, `-1`, …: every
 * index takes them at its right edge, a B-tree's best case), then with random refs (a UUID each,
 * as providers' ids are: every new payment lands on a random page of each index); and the same
 * figures for two no-op routes of the same server, with the ratios:
 * - `GET /healthz`, payrec's own no-op route;
 * - `POST /_bench/noop` (benchmark server only), sent the very Kraken Embed requests: same bytes,
 *   same raw-body parsing, no verification and no storage.
 * Each line also shows the CPU time per request of payrec's event loop, of its other threads
 * (store writer, projections, crypto pool, GC) and of the load generator, from /proc: on a
 * 2-core machine the three share the same two cores.
 *
 * PAYREC_SQLITE_WRITER=thread runs payrec with commits on a writer thread (default: inline, as the
 * service). Sizes:
 * BENCH_INGEST_HMAC (default 100000), BENCH_INGEST_ES256 (default 40000), BENCH_INGEST_NOOP
 * (default 200000) requests.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateCredentials, startProviderSimulator } from '../src/simulator/index.js';
import { processCpu, runLoad, startPayrec, type LoadResult } from './benchPayrec.js';

const sizeFrom = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 100)
    throw new Error(`${name} must be an integer of at least 100`);
  return value;
};

const sizes = {
  noop: sizeFrom('BENCH_INGEST_NOOP', 200_000),
  hmac: sizeFrom('BENCH_INGEST_HMAC', 100_000),
  es256: sizeFrom('BENCH_INGEST_ES256', 40_000),
};
const writer = process.env['PAYREC_SQLITE_WRITER'] === 'thread' ? 'thread' : 'inline';
const root = join(process.cwd(), '.bench', `ingest-${process.pid}`);
mkdirSync(root, { recursive: true });
const credentialsPath = join(root, 'credentials.json');
const credentials = await loadOrCreateCredentials(credentialsPath);
const simulator = await startProviderSimulator({ credentials });

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const perRequest = (ms: number, requests: number) =>
  `${((ms * 1000) / Math.max(1, requests)).toFixed(0)} µs`;

const { child, url } = await startPayrec({
  credentials,
  simulatorUrl: simulator.url,
  dataDir: join(root, 'data'),
  writer,
});
const pid = child.pid ?? 0;

/** Runs one load and prints its line: rate, latency, and CPU per request by whom. */
const measure = async (
  label: string,
  scenario: string,
  amount: number,
  refs: 'ordered' | 'random' = 'ordered',
): Promise<LoadResult> => {
  const before = await processCpu(pid);
  const result = await runLoad(scenario, url, credentialsPath, amount, refs);
  const after = await processCpu(pid);
  const cpu = [
    `event loop ${perRequest(after.eventLoopMs - before.eventLoopMs, result.ok)}`,
    `other threads ${perRequest(after.otherThreadsMs - before.otherThreadsMs, result.ok)}`,
    `load generator ${perRequest(result.loadCpuMs, result.ok)}`,
  ].join(', ');
  process.stdout.write(
    `${label.padEnd(34)} ${fmt(result.perSecond).padStart(7)} accepted/s   p50 ${result.p50} ms   p99 ${result.p99} ms   (${fmt(result.ok)} of ${fmt(result.requests)} answered 2xx, ${result.errors} errors)\n` +
      `${''.padEnd(34)} CPU per request: payrec ${cpu}\n`,
  );
  return result;
};
const ratio = (label: string, part: LoadResult, whole: LoadResult) =>
  process.stdout.write(
    `ratio, ${label.padEnd(44)} ${((part.perSecond / whole.perSecond) * 100).toFixed(1)} %\n`,
  );

try {
  process.stdout.write(
    `payrec bench:ingest — Node ${process.version}, payrec ${url} (durable SQLite store, ${writer} writer), load: autocannon, 50 connections, separate process\n`,
  );
  // Warm-up: JIT, connections, the store's first pages.
  await runLoad('noop', url, credentialsPath, 5_000);
  await runLoad('kraken-embed', url, credentialsPath, 2_000);
  const noop = await measure('no-op route (GET /healthz)', 'noop', sizes.noop);
  const noopPost = await measure('no-op route (POST /_bench/noop)', 'noop-post', sizes.noop);
  const hmac = await measure('Kraken Embed (HMAC-SHA256)', 'kraken-embed', sizes.hmac);
  const es256 = await measure('Kraken Pay (ES256 JWT)', 'kraken-pay', sizes.es256);
  const hmacRandom = await measure(
    'Kraken Embed (HMAC), random refs',
    'kraken-embed',
    sizes.hmac,
    'random',
  );
  const es256Random = await measure(
    'Kraken Pay (ES256), random refs',
    'kraken-pay',
    sizes.es256,
    'random',
  );
  ratio('Kraken Embed / no-op route (GET /healthz):', hmac, noop);
  ratio('Kraken Embed / no-op route (POST, same bytes):', hmac, noopPost);
  ratio('Kraken Embed, random refs / no-op (POST):', hmacRandom, noopPost);
  ratio('Kraken Pay / no-op route (GET /healthz):', es256, noop);
  ratio('Kraken Pay, random refs / no-op (GET):', es256Random, noop);
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await simulator.close();
  rmSync(root, { recursive: true, force: true });
}
