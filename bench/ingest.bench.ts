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
 * (store writer, projections, crypto pool, GC), of all payrec's threads together, and of the load
 * generator, from /proc: on a 2-core machine they share the same two cores.
 *
 * BENCH_INGEST_CPU_PROF=<directory> runs payrec with `--cpu-prof` into that directory: a profile
 * for the event loop and one for each worker thread (the projection thread among them), written
 * when each round's payrec exits. Profiling slows payrec: its figures are not comparable then.
 *
 * Runs on this kind of machine drift by 10–25 % from one to the next, so one run cannot say
 * whether a figure is above or below a target. The whole sequence therefore runs in rounds
 * (BENCH_INGEST_ROUNDS, default 3), each against a fresh payrec process on a fresh data directory,
 * so that every round measures the same conditions; the summary gives each figure's median and
 * range over the rounds, and the ratios of the medians.
 *
 * PAYREC_SQLITE_WRITER=thread runs payrec with commits on a writer thread (default: inline, as the
 * service). Sizes, per round:
 * BENCH_INGEST_HMAC (default 100000), BENCH_INGEST_ES256 (default 40000), BENCH_INGEST_NOOP
 * (default 200000) requests.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateCredentials, startProviderSimulator } from '../src/simulator/index.js';
import { integerFrom, processCpu, runLoad, startPayrec, type LoadResult } from './benchPayrec.js';

const sizes = {
  noop: integerFrom('BENCH_INGEST_NOOP', 200_000, 100),
  hmac: integerFrom('BENCH_INGEST_HMAC', 100_000, 100),
  es256: integerFrom('BENCH_INGEST_ES256', 40_000, 100),
};
const rounds = integerFrom('BENCH_INGEST_ROUNDS', 3, 1);
const writer = process.env['PAYREC_SQLITE_WRITER'] === 'thread' ? 'thread' : 'inline';
const profileDirectory = process.env['BENCH_INGEST_CPU_PROF'] ?? '';
const root = join(process.cwd(), '.bench', `ingest-${process.pid}`);
mkdirSync(root, { recursive: true });
const credentialsPath = join(root, 'credentials.json');
const credentials = await loadOrCreateCredentials(credentialsPath);
const simulator = await startProviderSimulator({ credentials });

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const microsecondsPerRequest = (ms: number, requests: number) =>
  Math.round((ms * 1000) / Math.max(1, requests));

/** A load's figures, and the CPU time per request of payrec's event loop, its other threads and the load generator. */
type Measured = LoadResult &
  Readonly<{ cpuUs: Readonly<{ eventLoop: number; otherThreads: number; loadGenerator: number }> }>;

/** What one round measures, in the order it measures them. */
const measurements = [
  {
    key: 'noop',
    label: 'no-op route (GET /healthz)',
    scenario: 'noop',
    size: sizes.noop,
    refs: 'ordered',
  },
  {
    key: 'noopPost',
    label: 'no-op route (POST /_bench/noop)',
    scenario: 'noop-post',
    size: sizes.noop,
    refs: 'ordered',
  },
  {
    key: 'hmac',
    label: 'Kraken Embed (HMAC-SHA256)',
    scenario: 'kraken-embed',
    size: sizes.hmac,
    refs: 'ordered',
  },
  {
    key: 'es256',
    label: 'Kraken Pay (ES256 JWT)',
    scenario: 'kraken-pay',
    size: sizes.es256,
    refs: 'ordered',
  },
  {
    key: 'hmacRandom',
    label: 'Kraken Embed (HMAC), random refs',
    scenario: 'kraken-embed',
    size: sizes.hmac,
    refs: 'random',
  },
  {
    key: 'es256Random',
    label: 'Kraken Pay (ES256), random refs',
    scenario: 'kraken-pay',
    size: sizes.es256,
    refs: 'random',
  },
] as const;
type Measurement = (typeof measurements)[number];
type MeasurementKey = Measurement['key'];

/** Runs one load against `pid` at `url` and prints its line: rate, latency, CPU per request. */
const measure = async (
  { pid, url }: Readonly<{ pid: number; url: string }>,
  { label, scenario, size, refs }: Measurement,
): Promise<Measured> => {
  const before = await processCpu(pid);
  const result = await runLoad(scenario, url, credentialsPath, size, refs);
  const after = await processCpu(pid);
  const cpuUs = {
    eventLoop: microsecondsPerRequest(after.eventLoopMs - before.eventLoopMs, result.ok),
    otherThreads: microsecondsPerRequest(after.otherThreadsMs - before.otherThreadsMs, result.ok),
    loadGenerator: microsecondsPerRequest(result.loadCpuMs, result.ok),
  };
  const cpu = [
    `event loop ${cpuUs.eventLoop} µs`,
    `other threads ${cpuUs.otherThreads} µs`,
    `all payrec threads ${cpuUs.eventLoop + cpuUs.otherThreads} µs`,
    `load generator ${cpuUs.loadGenerator} µs`,
  ].join(', ');
  process.stdout.write(
    `${label.padEnd(34)} ${fmt(result.perSecond).padStart(7)} accepted/s   p50 ${result.p50} ms   p99 ${result.p99} ms   (${fmt(result.ok)} of ${fmt(result.requests)} answered 2xx, ${result.errors} errors)\n` +
      `${''.padEnd(34)} CPU per request: payrec ${cpu}\n`,
  );
  return { ...result, cpuUs };
};

/** One round: a fresh payrec on a fresh data directory, warmed up, then every measurement. */
const runRound = async (round: number): Promise<Map<MeasurementKey, Measured>> => {
  const { child, url } = await startPayrec({
    credentials,
    simulatorUrl: simulator.url,
    dataDir: join(root, `data-${round}`),
    writer,
    nodeArgs: profileDirectory === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`],
  });
  const target = { pid: child.pid ?? 0, url };
  try {
    process.stdout.write(`\nround ${round} of ${rounds}: payrec ${url}\n`);
    // Warm-up: JIT, connections, the store's first pages.
    // Warm-up, no larger than the measured loads (bench:smoke runs tiny ones).
    await runLoad('noop', url, credentialsPath, Math.min(5_000, sizes.noop));
    await runLoad('kraken-embed', url, credentialsPath, Math.min(2_000, sizes.hmac));
    const results = new Map<MeasurementKey, Measured>();
    for (const measurement of measurements) {
      results.set(measurement.key, await measure(target, measurement));
    }
    return results;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(join(root, `data-${round}`), { recursive: true, force: true });
  }
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const range = (values: readonly number[], unit: (n: number) => string) =>
  Math.min(...values) === Math.max(...values)
    ? ''
    : ` (${unit(Math.min(...values))}–${unit(Math.max(...values))})`;

try {
  process.stdout.write(
    `payrec bench:ingest — Node ${process.version}, durable SQLite store (${writer} writer), load: autocannon, 50 connections, separate process; ${rounds} round(s), each on a fresh payrec\n`,
  );
  const byRound: Array<Map<MeasurementKey, Measured>> = [];
  for (let round = 1; round <= rounds; round += 1) byRound.push(await runRound(round));

  const of = (key: MeasurementKey) =>
    byRound.map((results) => results.get(key)).filter((result) => result !== undefined);
  const rate = (key: MeasurementKey) => median(of(key).map((result) => result.perSecond));
  process.stdout.write(`\nsummary over ${rounds} round(s): median (lowest–highest)\n`);
  for (const { key, label } of measurements) {
    const results = of(key);
    const rates = results.map((result) => result.perSecond);
    const p50s = results.map((result) => result.p50);
    const p99s = results.map((result) => result.p99);
    const ms = (n: number) => `${n}`;
    const cpu = (pick: (result: Measured) => number) => `${median(results.map(pick))} µs`;
    process.stdout.write(
      `${label.padEnd(34)} ${fmt(median(rates)).padStart(7)} accepted/s${range(rates, fmt)}   p50 ${median(p50s)} ms${range(p50s, ms)}   p99 ${median(p99s)} ms${range(p99s, ms)}\n` +
        `${''.padEnd(34)} CPU per request (medians): payrec event loop ${cpu((r) => r.cpuUs.eventLoop)}, other threads ${cpu((r) => r.cpuUs.otherThreads)}, all payrec threads ${cpu((r) => r.cpuUs.eventLoop + r.cpuUs.otherThreads)}, load generator ${cpu((r) => r.cpuUs.loadGenerator)}\n`,
    );
  }
  const ratio = (label: string, part: MeasurementKey, whole: MeasurementKey) =>
    process.stdout.write(
      `ratio of medians, ${label.padEnd(44)} ${((rate(part) / rate(whole)) * 100).toFixed(1)} %\n`,
    );
  ratio('Kraken Embed / no-op route (GET /healthz):', 'hmac', 'noop');
  ratio('Kraken Embed / no-op route (POST, same bytes):', 'hmac', 'noopPost');
  ratio('Kraken Embed, random refs / no-op (POST):', 'hmacRandom', 'noopPost');
  ratio('Kraken Pay / no-op route (GET /healthz):', 'es256', 'noop');
  ratio('Kraken Pay, random refs / no-op (GET):', 'es256Random', 'noop');
} finally {
  await simulator.close();
  rmSync(root, { recursive: true, force: true });
}
