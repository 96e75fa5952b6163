/**
 * `npm run bench:smoke`: every benchmark once, at a size that runs in seconds, so that none can
 * rot unseen. Each runs as its own process exactly as its `npm run bench:<name>` runs it, with
 * the environment below shrinking its sizes; a benchmark passes when it exits 0. Prints a line per
 * benchmark (its time, or its failure and the tail of its output) and exits non-zero when one
 * failed. Figures at these sizes mean nothing: this checks that the benchmarks run.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

type Smoke = Readonly<{ name: string; env: Record<string, string> }>;

const benchmarks: readonly Smoke[] = [
  {
    name: 'store',
    env: {
      BENCH_LOG_EVENTS: '2000',
      BENCH_SINGLE_APPENDS: '50',
      BENCH_CONCURRENT_APPENDS: '640',
      BENCH_EMMETT_APPENDS: '50',
      BENCH_EMMETT_SECONDS: '1',
    },
  },
  {
    name: 'ingest',
    env: {
      BENCH_INGEST_NOOP: '200',
      BENCH_INGEST_HMAC: '200',
      BENCH_INGEST_ES256: '200',
      BENCH_INGEST_ROUNDS: '1',
    },
  },
  {
    name: 'backup',
    env: {
      BENCH_BACKUP_PAYMENTS: '2000',
      BENCH_BACKUP_ROUNDS: '1',
      BENCH_BACKUP_RATE: '50',
      BENCH_BACKUP_WARMUP: '3',
    },
  },
  {
    name: 'replicas',
    env: { BENCH_REPLICAS_DELIVERIES: '400', BENCH_REPLICAS_ROUNDS: '1' },
  },
  {
    name: 'projections',
    env: { BENCH_PROJECTION_EVENTS: '2000', BENCH_LAG_DELIVERIES: '200' },
  },
  {
    name: 'reconcile',
    env: {
      BENCH_RECONCILE_PAYMENTS: '300',
      BENCH_RECONCILE_DUE: '60',
      BENCH_RECONCILE_RATE: '300',
    },
  },
  {
    name: 'soak',
    env: { BENCH_SOAK_MINUTES: '1', BENCH_SOAK_PERIOD_SECONDS: '2', BENCH_SOAK_RATE: '50' },
  },
  {
    name: 'finance',
    env: {
      BENCH_FINANCE_PAYMENTS: '2000',
      BENCH_FINANCE_ROUNDS: '3',
      BENCH_FINANCE_REBUILD: '1',
      BENCH_FINANCE_LOG_PAYMENTS: '2000',
    },
  },
  {
    name: 'isolation',
    env: {
      BENCH_ISOLATION_PAYMENTS: '2000',
      BENCH_ISOLATION_ROUNDS: '1',
      BENCH_ISOLATION_RATE: '50',
    },
  },
  {
    name: 'console',
    env: {
      BENCH_CONSOLE_PAYMENTS: '2000',
      BENCH_CONSOLE_ROUNDS: '2',
      BENCH_CONSOLE_DELIVERIES_PER_MINUTE: '5',
      BENCH_CONSOLE_REBUILD: '1',
    },
  },
];

/** Runs `bench/<name>.bench.ts` as `npm run bench:<name>` does, after the build. */
const run = ({ name, env }: Smoke): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.bench.ts`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => {
      resolve({ code, output });
    });
  });

const only = process.argv.slice(2);
const chosen = only.length === 0 ? benchmarks : benchmarks.filter((one) => only.includes(one.name));
const failed: string[] = [];
for (const benchmark of chosen) {
  const started = performance.now();
  const { code, output } = await run(benchmark);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    process.stdout.write(`bench:smoke ${benchmark.name.padEnd(12)} ok      ${seconds} s\n`);
  } else {
    failed.push(benchmark.name);
    const tail = output.trimEnd().split('\n').slice(-25).join('\n');
    process.stdout.write(
      `bench:smoke ${benchmark.name.padEnd(12)} FAILED  ${seconds} s (exit ${String(code)})\n${tail}\n`,
    );
  }
}
process.stdout.write(
  failed.length === 0
    ? `bench:smoke: all ${chosen.length} benchmarks ran\n`
    : `bench:smoke: ${failed.length} of ${chosen.length} failed: ${failed.join(', ')}\n`,
);
process.exit(failed.length === 0 ? 0 : 1);
