/**
 * `npm run bench:replicas`: accepted deliveries per second for one payrec process, and for two
 * processes on one data directory (the topology of docs/operations.md, "Several processes"),
 * interleaved in rounds (BENCH_REPLICAS_ROUNDS, default 3; one, then two, each round on a fresh
 * data directory). Each process gets its own load generator (autocannon, 50 connections,
 * pre-signed Kraken Embed deliveries to random refs), the deliveries split evenly
 * (BENCH_REPLICAS_DELIVERIES in all, default 40000); the rate is every accepted delivery over the
 * longest generator's run. On a two-core machine the processes, their projection thread and the
 * generators share both cores, so this says what a second process buys there, not on a larger
 * host.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateCredentials, startProviderSimulator } from '../src/simulator/index.js';
import { integerFrom, runLoad, startPayrec, type PayrecProcess } from './benchPayrec.js';

const deliveries = integerFrom('BENCH_REPLICAS_DELIVERIES', 40_000, 200);
const rounds = integerFrom('BENCH_REPLICAS_ROUNDS', 3, 1);
const root = join(process.cwd(), '.bench', `replicas-${process.pid}`);
mkdirSync(root, { recursive: true });
const credentialsPath = join(root, 'credentials.json');
const credentials = await loadOrCreateCredentials(credentialsPath);
const simulator = await startProviderSimulator({ credentials });
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const stop = async ({ child }: PayrecProcess) => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
};

/** One measurement: `count` processes on a fresh data directory, each under its own load. */
const measure = async (count: 1 | 2, round: number) => {
  const dataDir = join(root, `round-${round}-${count}`);
  const servers: PayrecProcess[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      servers.push(
        await startPayrec({ credentials, simulatorUrl: simulator.url, dataDir, writer: 'inline' }),
      );
    }
    // Let the roles settle: one process takes them all at its start.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const results = await Promise.all(
      servers.map((server) =>
        runLoad(
          'kraken-embed',
          server.url,
          credentialsPath,
          Math.floor(deliveries / count),
          'random',
        ),
      ),
    );
    const ok = results.reduce((sum, result) => sum + result.ok, 0);
    const failed = results.reduce((sum, result) => sum + result.non2xx + result.errors, 0);
    const seconds = Math.max(...results.map((result) => result.durationSeconds));
    const perSecond = ok / seconds;
    console.log(
      `round ${round}, ${count} process${count === 1 ? ' ' : 'es'}: ${fmt(perSecond).padStart(6)} accepted/s ` +
        `(${fmt(ok)} of ${fmt(ok + failed)} answered 2xx in ${seconds.toFixed(1)} s; p99 ${Math.max(...results.map((result) => result.p99))} ms)`,
    );
    return perSecond;
  } finally {
    await Promise.all(servers.map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

console.log(
  `payrec bench:replicas — Node ${process.version}; ${fmt(deliveries)} Kraken Embed deliveries (random refs) a measurement, ${rounds} round(s), one then two processes on one data directory`,
);
const one: number[] = [];
const two: number[] = [];
try {
  for (let round = 1; round <= rounds; round += 1) {
    one.push(await measure(1, round));
    two.push(await measure(2, round));
  }
  console.log(
    `median: one process ${fmt(median(one))}/s, two processes ${fmt(median(two))}/s; ` +
      `two / one ${(median(two) / median(one)).toFixed(2)} (per round: ${two
        .map((rate, index) => (rate / (one[index] ?? rate)).toFixed(2))
        .join(', ')})`,
  );
} finally {
  await simulator.close();
  rmSync(root, { recursive: true, force: true });
}
