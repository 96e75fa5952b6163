/**
 * `npm run bench:backup`: backups and restores of a store of BENCH_BACKUP_PAYMENTS (default
 * 1,000,000) payments, and what a backup costs the webhooks that arrive meanwhile.
 *
 * 1. Builds the store, unless `.bench/backup-<N>/data/` already holds one: each payment's
 *    lifecycle decided by the domain (as `bench:finance` does), appended through the embedded
 *    event store with its original times, and every projection applied with its checkpoint, so
 *    that `payrec serve` starts on it at the head. Prints each file's size: the disk a store of N
 *    payments takes.
 * 2. Starts the built payrec on it and sends signed Kraken Embed deliveries at BENCH_BACKUP_RATE
 *    (default 300) a second, with random refs. In each of BENCH_BACKUP_ROUNDS (default 3) rounds,
 *    interleaved (the order alternates): a window with `payrec backup` running as its own process,
 *    and a window of the same length without; the deliveries' p50/p99 in each, the backup's time
 *    and peak RSS (VmHWM). Target: ingest p99 during a backup within 1.5× of without.
 * 3. `payrec restore` of the last backup into an empty directory, BENCH_BACKUP_ROUNDS times:
 *    time and peak RSS.
 *
 * For experiments: BENCH_BACKUP_READ_MB (the pace), BENCH_BACKUP_TO (where the backups go),
 * BENCH_BACKUP_TIMELINE (the window in slices), and in place of the backup BENCH_BACKUP_PLAIN (a
 * plain copy of the same bytes) or BENCH_BACKUP_NULL (nothing): docs/benchmarks.md says what each
 * showed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { integerFrom, watchPeakRss } from './benchPayrec.js';
import { ensureBuiltStore } from './builtStore.js';
import { percentile, startPayrecUnderLoad } from './steadyLoad.js';

const payments = integerFrom('BENCH_BACKUP_PAYMENTS', 1_000_000, 10);
const rounds = integerFrom('BENCH_BACKUP_ROUNDS', 3, 1);
const rate = integerFrom('BENCH_BACKUP_RATE', 300, 1);
/** `payrec backup --rate`: megabytes read per second (unset: PAYREC_BACKUP_RATE_MB's default). */
const readMb = process.env['BENCH_BACKUP_READ_MB'];
/**
 * BENCH_BACKUP_PLAIN=1: in place of `payrec backup`, a plain copy of the same files at the same
 * pace, flushed the same way (`bench/plainCopy.ts`): what the bytes alone cost, the floor under
 * any backup of this store at this pace on this disk.
 */
const plainCopy = process.env['BENCH_BACKUP_PLAIN'] === '1';
/**
 * BENCH_BACKUP_NULL=<seconds>: in place of `payrec backup`, a process that only waits that long:
 * two quiet windows compared, the spread this measurement has with nothing to measure.
 */
const nullSeconds =
  process.env['BENCH_BACKUP_NULL'] === undefined
    ? undefined
    : integerFrom('BENCH_BACKUP_NULL', 100, 1);
const root = join(process.cwd(), '.bench', `backup-${payments}`);
const dataDir = join(root, 'data');
const cli = resolve('dist/cli.js');

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** Runs a Node script; resolves with its exit code, wall time and peak RSS (VmHWM). */
const timedNode = async (
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; seconds: number; peakMb: number; output: string }> => {
  const began = performance.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const peakRss = watchPeakRss(child.pid);
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  return { code, seconds: (performance.now() - began) / 1000, peakMb: peakRss.stop(), output };
};

/** Runs the built CLI, as `timedNode`. */
const timedCli = (args: readonly string[], env: Record<string, string>) =>
  timedNode([cli, ...args], env);

await ensureBuiltStore(dataDir, payments);

const { load: steadyLoad, stop } = await startPayrecUnderLoad(dataDir, rate, 'BK');

/**
 * The write-ahead logs' sizes every `everyMs` until stopped (what a held snapshot lets grow), and
 * which files of the backup under way in `backups` grew since the sample before (what it copies).
 */
type WalSample = Readonly<{ at: number; sizes: readonly number[]; copying: readonly string[] }>;
const sampleWals = (everyMs: number, backups: string) => {
  const samples: WalSample[] = [];
  const started = performance.now();
  const names = ['events.db', 'readmodels.db', 'payrec.db'] as const;
  let copied = new Map<string, number>();
  const copying = (): string[] => {
    const now = new Map<string, number>();
    for (const partial of readdirSync(backups).filter((name) => name.includes('.partial-'))) {
      for (const file of readdirSync(join(backups, partial)))
        now.set(file, fileSize(join(backups, partial, file)));
    }
    const grew = [...now].filter(([file, bytes]) => bytes > (copied.get(file) ?? 0));
    copied = now;
    return grew.map(([file]) => file);
  };
  const sample = () =>
    samples.push({
      at: performance.now() - started,
      sizes: names.map((name) => fileSize(join(dataDir, `${name}-wal`))),
      copying: copying(),
    });
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
};

/**
 * With BENCH_BACKUP_TIMELINE set: the window cut into `bucketMs` slices (20 s, or the variable's
 * seconds), each with its ingest p99 and the largest size each WAL reached in it, so that a p99
 * can be laid beside what the backup was copying and what the WALs did meanwhile.
 */
const printTimeline = (
  load: Readonly<{ latencies: readonly number[]; answeredAt: readonly number[] }>,
  wals: readonly WalSample[],
  bucketMs = 20_000,
): void => {
  // A loop, not Math.max(...): a window holds a few hundred thousand answers.
  let end = 0;
  for (const at of load.answeredAt) end = Math.max(end, at);
  for (const sample of wals) end = Math.max(end, sample.at);
  console.log(
    '    timeline: from  to (s)   answers   p99 ms   WAL MB events / readmodels / payrec   copying',
  );
  for (let from = 0; from < end; from += bucketMs) {
    const inBucket = load.latencies.filter(
      (_, index) =>
        (load.answeredAt[index] ?? -1) >= from && (load.answeredAt[index] ?? -1) < from + bucketMs,
    );
    const walSizes = [0, 1, 2].map((file) =>
      Math.max(
        0,
        ...wals
          .filter((sample) => sample.at >= from && sample.at < from + bucketMs)
          .map((sample) => sample.sizes[file] ?? 0),
      ),
    );
    const files = new Set(
      wals
        .filter((sample) => sample.at >= from && sample.at < from + bucketMs)
        .flatMap((sample) => sample.copying),
    );
    console.log(
      `    ${String(from / 1000).padStart(14)} ${String((from + bucketMs) / 1000).padStart(4)} ${String(inBucket.length).padStart(9)} ${percentile(inBucket, 0.99).toFixed(0).padStart(8)}   ${walSizes.map((bytes) => (bytes / 1e6).toFixed(0)).join(' / ')}   ${[...files].join(', ')}`,
    );
  }
};
/** BENCH_BACKUP_TIMELINE: set for a timeline in 20-second slices, or to a slice's seconds. */
const timelineSlice = process.env['BENCH_BACKUP_TIMELINE'];
const timeline = timelineSlice !== undefined;
const sliceMs = Number(timelineSlice) > 0 ? Number(timelineSlice) * 1000 : 20_000;

const env = { PAYREC_DATA_DIR: dataDir, PAYREC_LOG_LEVEL: 'warn' };
/**
 * Where the backups go: a directory of the bench's own inside BENCH_BACKUP_TO (emptied at the start
 * and removed at the end, so never the directory named itself), or beside the store on the same
 * disk (the worst case: a backup's writes then queue with the commits of the webhooks it is
 * measured against). A backup meant to outlive its disk goes to another one; `/dev/shm` stands in
 * for one on a machine that has a single disk.
 */
const backupsTo = process.env['BENCH_BACKUP_TO'];
const backupsDir =
  backupsTo === undefined
    ? join(root, 'backups')
    : join(resolve(backupsTo), `payrec-bench-backup-${payments}`);
rmSync(backupsDir, { recursive: true, force: true });
mkdirSync(backupsDir, { recursive: true });
if (backupsTo !== undefined) console.log(`backups in ${backupsDir}`);
// A first window without measuring: caches warm, the projection thread settled. On a store of a
// million payments payrec's own start takes about 15 s to settle under this load (modules loaded,
// code warmed, the projection thread caught up: a 5-second slice's p99 424 ms, then 41, then
// 16-34 ms), which would otherwise count against whichever window comes first.
const warmUpSeconds = integerFrom('BENCH_BACKUP_WARMUP', 30, 0);
await steadyLoad(new Promise((wait) => setTimeout(wait, warmUpSeconds * 1_000)));

console.log(
  `\ningest at ${rate} deliveries/s (Kraken Embed, random refs) with and without ${nullSeconds !== undefined ? `nothing (BENCH_BACKUP_NULL: ${nullSeconds} s windows, the measurement's own spread)` : plainCopy ? 'a plain copy of the files (BENCH_BACKUP_PLAIN: no snapshot, the floor under a backup)' : 'a backup'} running, ${rounds} interleaved rounds:`,
);
const ratios: number[] = [];
let lastBackup = '';
// The length of a window without a backup, when it comes first: the last backup's.
let lastBackupSeconds = 10;
for (let round = 1; round <= rounds; round += 1) {
  const target = join(backupsDir, `round-${round}`);
  const withBackup = async () => {
    const backup =
      nullSeconds !== undefined
        ? timedNode(['-e', `setTimeout(() => {}, ${nullSeconds * 1000})`], env)
        : plainCopy
          ? timedNode(
              ['--import', 'tsx', 'bench/plainCopy.ts', dataDir, target, readMb ?? '60'],
              env,
            )
          : timedCli(
              ['backup', '--to', target, ...(readMb === undefined ? [] : ['--rate', readMb])],
              env,
            );
    const wals = sampleWals(1_000, backupsDir);
    const load = await steadyLoad(backup);
    const result = await backup;
    const walSamples = wals.stop();
    if (result.code !== 0) throw new Error(`payrec backup failed:\n${result.output}`);
    return { ...load, walSamples, backup: result };
  };
  const without = (seconds: number) =>
    steadyLoad(new Promise((wait) => setTimeout(wait, Math.max(2, seconds) * 1000)));
  let during: Awaited<ReturnType<typeof withBackup>>;
  let quiet: Awaited<ReturnType<typeof without>>;
  if (round % 2 === 1) {
    during = await withBackup();
    quiet = await without(during.backup.seconds);
  } else {
    quiet = await without(lastBackupSeconds);
    during = await withBackup();
  }
  lastBackupSeconds = during.backup.seconds;
  const [p99During, p99Quiet] = [
    percentile(during.latencies, 0.99),
    percentile(quiet.latencies, 0.99),
  ];
  const ratio = p99During / Math.max(p99Quiet, 0.001);
  ratios.push(ratio);
  console.log(
    `  round ${round}: backup ${during.backup.seconds.toFixed(1)} s, peak RSS ${during.backup.peakMb.toFixed(0)} MB; ingest p50/p99 ${percentile(during.latencies, 0.5).toFixed(1)}/${p99During.toFixed(1)} ms during (${during.latencies.length} ok, ${during.failed} failed) vs ${percentile(quiet.latencies, 0.5).toFixed(1)}/${p99Quiet.toFixed(1)} ms without (${quiet.latencies.length} ok, ${quiet.failed} failed): ×${ratio.toFixed(2)}`,
  );
  if (timeline) {
    printTimeline(during, during.walSamples, sliceMs);
  }
  if (lastBackup !== '') rmSync(lastBackup, { recursive: true, force: true });
  lastBackup = target;
}
const medianRatio = percentile(ratios, 0.5);
console.log(
  nullSeconds !== undefined
    ? `  median p99 ratio ×${medianRatio.toFixed(2)} (nothing ran: the spread of the measurement itself)`
    : `  median p99 ratio ×${medianRatio.toFixed(2)} (target ≤ 1.5×): ${medianRatio <= 1.5 ? 'met' : 'NOT met'}`,
);
await stop();
if (plainCopy || nullSeconds !== undefined) {
  // Neither a plain copy nor nothing is a backup: nothing to restore.
  rmSync(backupsDir, { recursive: true, force: true });
  process.exit(0);
}

console.log(`\npayrec restore of ${lastBackup}, ${rounds} times, each into an empty directory:`);
for (let round = 1; round <= rounds; round += 1) {
  const restored = join(root, `restored-${round}`);
  rmSync(restored, { recursive: true, force: true });
  const result = await timedCli(['restore', '--from', lastBackup], { PAYREC_DATA_DIR: restored });
  if (result.code !== 0) throw new Error(`payrec restore failed:\n${result.output}`);
  console.log(
    `  round ${round}: ${result.seconds.toFixed(1)} s, peak RSS ${result.peakMb.toFixed(0)} MB`,
  );
  rmSync(restored, { recursive: true, force: true });
}
rmSync(backupsDir, { recursive: true, force: true });
