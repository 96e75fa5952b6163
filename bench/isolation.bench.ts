/**
 * `npm run bench:isolation`: what finance's heaviest questions cost the webhooks that arrive
 * meanwhile, on a store of BENCH_ISOLATION_PAYMENTS (default 300,000) payments.
 *
 * 1. Builds the store, unless `.bench/isolation-<N>/data/` already holds one (`builtStore.ts`).
 * 2. Starts the built payrec on it and sends signed Kraken Embed deliveries at
 *    BENCH_ISOLATION_RATE (default 300) a second, with random refs. In each of
 *    BENCH_ISOLATION_ROUNDS (default 3) rounds, interleaved (the order alternates): a window in
 *    which a person exports every payment as CSV (`GET /exports/payments`) while 366-day settlement
 *    reports (`GET /reports/settlement`) are asked one after another, and a window of the same
 *    length without. The finance requests are made by curl, a process of their own, so that
 *    reading their answers does not slow the load generator. Target: ingest p99 with finance
 *    within 1.5× of without. BENCH_ISOLATION_FINANCE=export or report runs only one of them (to
 *    see which costs what); the default is both. BENCH_ISOLATION_CPU_PROF=<directory> runs payrec
 *    with `--cpu-prof` into that directory: a profile for the event loop and one for each thread.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { integerFrom } from './benchPayrec.js';
import { ensureBuiltStore } from './builtStore.js';
import { percentile, startPayrecUnderLoad, type SteadyLoadResult } from './steadyLoad.js';

const payments = integerFrom('BENCH_ISOLATION_PAYMENTS', 300_000, 10);
const rounds = integerFrom('BENCH_ISOLATION_ROUNDS', 3, 1);
const rate = integerFrom('BENCH_ISOLATION_RATE', 300, 1);
const dataDir = join(process.cwd(), '.bench', `isolation-${payments}`, 'data');
/** 366 local days around the store's 60 (from 2026-09-01) and today's deliveries. */
const financeAsked = process.env['BENCH_ISOLATION_FINANCE'] ?? 'both';
if (!['both', 'export', 'report'].includes(financeAsked))
  throw new Error('BENCH_ISOLATION_FINANCE must be both, export or report');
/**
 * BENCH_ISOLATION_CLIENT_NICE=1 runs the finance client (curl) at nice 19: on this one machine it
 * shares payrec's two cores, where a person's browser would not.
 */
const niceClient = process.env['BENCH_ISOLATION_CLIENT_NICE'] === '1';
const reportPath = '/reports/settlement?from=2026-06-01&to=2027-06-01';
const exportPath = '/exports/payments?format=csv';

type Fetched = Readonly<{ status: number; bytes: number; seconds: number }>;

/** One GET by curl, its body thrown away: its status, size and time. */
const curl = (url: string): Promise<Fetched> =>
  new Promise((resolve, reject) => {
    const curlArgs = [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_download} %{time_total}',
      url,
    ];
    const child = niceClient
      ? spawn('nice', ['-n', '19', 'curl', ...curlArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('curl', curlArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', () => {
      const [status, bytes, seconds] = output.trim().split(' ').map(Number);
      if (status === undefined || bytes === undefined || seconds === undefined)
        reject(new Error(`curl ${url}: ${output}`));
      else resolve({ status, bytes, seconds });
    });
  });

await ensureBuiltStore(dataDir, payments, { tablesAndIndexes: true });
const profileDirectory = process.env['BENCH_ISOLATION_CPU_PROF'] ?? '';
const { payrec, load, stop } = await startPayrecUnderLoad(
  dataDir,
  rate,
  'ISO',
  profileDirectory === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`],
);

/**
 * A full export, and 366-day reports one after another until it ends (at least one); with only
 * reports asked, ten of them.
 */
const finance = async () => {
  const began = performance.now();
  const exported: Promise<Fetched> =
    financeAsked === 'report'
      ? Promise.resolve({ status: 200, bytes: 0, seconds: 0 })
      : curl(`${payrec.url}${exportPath}`);
  const reportsWanted = financeAsked === 'export' ? 0 : financeAsked === 'report' ? 10 : 1;
  const reports: Fetched[] = [];
  const exporting = { done: false };
  void exported.finally(() => (exporting.done = true)).catch(() => undefined);
  while (reports.length < reportsWanted || (!exporting.done && financeAsked === 'both'))
    reports.push(await curl(`${payrec.url}${reportPath}`));
  const exportAnswer = await exported;
  const failed = [exportAnswer, ...reports].filter((answer) => answer.status !== 200);
  if (failed.length > 0) throw new Error(`finance requests failed: ${JSON.stringify(failed)}`);
  return { exportAnswer, reports, seconds: (performance.now() - began) / 1000 };
};

/**
 * The event loop's delay since the last call, from payrec's `/metrics` (prom-client's histogram,
 * which each scrape reads and resets): whether a slow answer waited for the loop, or for the CPU
 * or the disk.
 */
const loopDelay = async (): Promise<string> => {
  const text = await (await fetch(`${payrec.url}/metrics`)).text();
  const gauge = (name: string) =>
    Number(
      new RegExp(`^payrec_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1],
    ) * 1000;
  return `loop delay p99/max ${gauge('p99').toFixed(0)}/${gauge('max').toFixed(0)} ms`;
};

const figures = (result: SteadyLoadResult) =>
  `p50/p99 ${percentile(result.latencies, 0.5).toFixed(1)}/${percentile(result.latencies, 0.99).toFixed(1)} ms (${result.latencies.length} ok, ${result.failed} failed)`;

// A first window without measuring: caches warm, the projection thread settled.
await load(new Promise((wait) => setTimeout(wait, 3_000)));
console.log(
  `\ningest at ${rate} deliveries/s (Kraken Embed, random refs) with and without finance beside it (a full CSV export of the payments and 366-day settlement reports), ${rounds} interleaved rounds:`,
);
const ratios: number[] = [];
let lastSeconds = 10;
for (let round = 1; round <= rounds; round += 1) {
  const busy = async () => {
    await loopDelay();
    const work = finance();
    const during = await load(work);
    return { during, delay: await loopDelay(), ...(await work) };
  };
  const quiet = async (seconds: number) => {
    await loopDelay();
    const result = await load(new Promise((wait) => setTimeout(wait, Math.max(2, seconds) * 1000)));
    return { ...result, delay: await loopDelay() };
  };
  let withFinance: Awaited<ReturnType<typeof busy>>;
  let without: Awaited<ReturnType<typeof quiet>>;
  if (round % 2 === 1) {
    withFinance = await busy();
    without = await quiet(withFinance.seconds);
  } else {
    without = await quiet(lastSeconds);
    withFinance = await busy();
  }
  lastSeconds = withFinance.seconds;
  const ratio =
    percentile(withFinance.during.latencies, 0.99) /
    Math.max(percentile(without.latencies, 0.99), 0.001);
  ratios.push(ratio);
  const reportSeconds = withFinance.reports.map((report) => report.seconds);
  console.log(
    `  round ${round}: export ${(withFinance.exportAnswer.bytes / 1e6).toFixed(1)} MB in ${withFinance.exportAnswer.seconds.toFixed(1)} s; ${withFinance.reports.length} reports, median ${(percentile(reportSeconds, 0.5) * 1000).toFixed(0)} ms; ingest ${figures(withFinance.during)}, ${withFinance.delay}, with finance vs ${figures(without)}, ${without.delay}, without: ×${ratio.toFixed(2)}`,
  );
}
const medianRatio = percentile(ratios, 0.5);
console.log(
  `  median p99 ratio ×${medianRatio.toFixed(2)} (target ≤ 1.5×): ${medianRatio <= 1.5 ? 'met' : 'NOT met'}`,
);
await stop();
