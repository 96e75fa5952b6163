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
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  loadOrCreateCredentials,
  payrecEnvironmentFor,
  startProviderSimulator,
} from '../src/simulator/index.js';

type LoadResult = {
  scenario: string;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  perSecond: number;
  p50: number;
  p99: number;
};

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

const startPayrec = async () => {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...payrecEnvironmentFor(credentials, simulator.url),
      PORT: '0',
      HOST: '127.0.0.1',
      PAYREC_DATA_DIR: join(root, 'data'),
      PAYREC_LOG_LEVEL: 'warn',
      PAYREC_SQLITE_WRITER: writer,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // At warn level payrec logs nothing on start, so ask the OS which port it took.
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      process.stderr.write(`payrec: ${line}\n`);
    });
    child.once('exit', (code) => {
      reject(new Error(`payrec exited with ${String(code)}`));
    });
    const poll = setInterval(() => {
      void findListeningPort(child.pid ?? 0).then((port) => {
        if (port !== null) {
          clearInterval(poll);
          resolve(`http://127.0.0.1:${port}`);
        }
      });
    }, 100);
  });
  return { child, url };
};

/** The TCP port a process listens on, from /proc (Linux), or null while it has none. */
const findListeningPort = async (pid: number): Promise<number | null> => {
  const { readFile, readdir, readlink } = await import('node:fs/promises');
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match?.[1]) inodes.add(match[1]);
  }
  const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [, local = '', , state, , , , , , inode = ''] = fields;
    if (state === '0A' && inodes.has(inode)) return Number.parseInt(local.split(':')[1] ?? '0', 16);
  }
  return null;
};

const load = (scenario: string, target: string, amount: number) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/ingestLoad.ts', scenario, target, credentialsPath, String(amount)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '')
        reject(new Error(`load generator failed (${String(code)}): ${output}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const describe = (label: string, result: LoadResult) =>
  `${label.padEnd(30)} ${fmt(result.perSecond).padStart(7)} accepted/s   p50 ${result.p50} ms   p99 ${result.p99} ms   (${fmt(result.ok)} of ${fmt(result.requests)} answered 2xx, ${result.errors} errors)`;

const { child, url } = await startPayrec();
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
