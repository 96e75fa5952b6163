/**
 * `npm run bench:soak`: the built payrec under mixed traffic for all four providers, for
 * BENCH_SOAK_MINUTES (default 10), at BENCH_SOAK_RATE deliveries/s (default 1,000: set it to half
 * of what `bench:ingest` measured for Kraken Embed on the machine). The mix: random payment refs,
 * a quarter per provider; 15 % repeats of a recent delivery; 20 % rejected (forged signatures,
 * tokens and secrets). Every minute it prints payrec's RSS and the minute's p50/p99; at the end
 * it checks that every acknowledged delivery's payment is known to payrec, and judges the run:
 * RSS at the end within 15 % of RSS after the first minute, the last minute's p99 within 1.5× the
 * first's, and no acknowledged delivery missing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSimulatorCredentials,
  forgedDelivery,
  kkiapayDelivery,
  krakenEmbedDelivery,
  krakenPayDelivery,
  kryptogoDelivery,
  startProviderSimulator,
  type SimulatedDelivery,
} from '../src/simulator/index.js';
import { startPayrec } from './benchPayrec.js';

const integerFrom = (name: string, fallback: number, min: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return value;
};

const minutes = integerFrom('BENCH_SOAK_MINUTES', 10, 1);
/** How long a "minute" lasts, in seconds: 60, except for `bench:smoke`'s quick pass. */
const periodSeconds = integerFrom('BENCH_SOAK_PERIOD_SECONDS', 60, 1);
const rate = integerFrom('BENCH_SOAK_RATE', 1_000, 1);
const maxInFlight = 64;

const credentials = await createSimulatorCredentials();
const simulator = await startProviderSimulator({ credentials });
const dataDir = mkdtempSync(join(tmpdir(), 'payrec-soak-'));
const payrec = await startPayrec({
  credentials,
  simulatorUrl: simulator.url,
  dataDir,
  writer: 'inline',
});

const rssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

/** A fresh delivery for a random payment of a random provider. */
const aDelivery = async (at: Date): Promise<SimulatedDelivery> => {
  const ref = randomUUID();
  switch (Math.floor(Math.random() * 4)) {
    case 0:
      return krakenPayDelivery(credentials, { ref: `P-${ref}`, status: 'success', at });
    case 1:
      return krakenEmbedDelivery(credentials, { ref: `Q-${ref}`, eventType: 'quote.executed', at });
    case 2:
      return kryptogoDelivery(credentials, { ref: `pi_${ref}`, status: 'success', at });
    default:
      return kkiapayDelivery(credentials, { ref: `K-${ref}`, success: true, at });
  }
};

type Sent = Readonly<{ delivery: SimulatedDelivery; forged: boolean }>;
const recent: SimulatedDelivery[] = [];
const acknowledged = new Map<string, SimulatedDelivery>();
let latencies: number[] = [];
const counts = { sent: 0, ok: 0, rejected: 0, other: 0, errors: 0 };
let inFlight = 0;

const send = async ({ delivery, forged }: Sent): Promise<void> => {
  const started = performance.now();
  try {
    const response = await fetch(`${payrec.url}${delivery.path}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (response.status === 200 && !forged) {
      counts.ok += 1;
      acknowledged.set(`${delivery.provider}/${delivery.ref}`, delivery);
    } else if (response.status >= 400 && response.status < 500 && forged) counts.rejected += 1;
    else counts.other += 1;
  } catch {
    counts.errors += 1;
  }
};

const next = async (): Promise<Sent> => {
  const roll = Math.random();
  const at = new Date();
  if (roll < 0.2) return { delivery: forgedDelivery(await aDelivery(at), 'success'), forged: true };
  const repeat = recent[Math.floor(Math.random() * recent.length)];
  if (roll < 0.35 && repeat !== undefined) return { delivery: repeat, forged: false };
  const delivery = await aDelivery(at);
  recent.push(delivery);
  if (recent.length > 500) recent.shift();
  return { delivery, forged: false };
};

const pid = payrec.child.pid ?? 0;
process.stdout.write(
  `soak: ${minutes} min at ${rate} deliveries/s (20 % forged, 15 % repeats, random refs), payrec pid ${pid}\n`,
);
process.stdout.write(
  'minute  sent/s   RSS MiB   p50 ms   p99 ms   (ok, rejected, other, errors)\n',
);
const perMinute: Array<{ rss: number; p50: number; p99: number }> = [];
const started = Date.now();
for (let minute = 1; minute <= minutes; minute += 1) {
  const minuteEnds = started + minute * periodSeconds * 1000;
  const before = { ...counts };
  const sentBefore = counts.sent;
  while (Date.now() < minuteEnds) {
    const elapsed = (Date.now() - started) / 1000;
    const due = Math.floor(elapsed * rate) - counts.sent;
    for (let index = 0; index < due && inFlight < maxInFlight; index += 1) {
      // Counted in flight from the moment it is due, signing included: the cap holds.
      counts.sent += 1;
      inFlight += 1;
      void next()
        .then(send)
        .finally(() => {
          inFlight -= 1;
        });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const sorted = latencies.sort((a, b) => a - b);
  latencies = [];
  const row = { rss: rssMiB(pid), p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  perMinute.push(row);
  process.stdout.write(
    `${String(minute).padStart(6)}  ${String(Math.round((counts.sent - sentBefore) / periodSeconds)).padStart(6)}  ${row.rss.toFixed(1).padStart(8)}  ${row.p50.toFixed(1).padStart(7)}  ${row.p99.toFixed(1).padStart(7)}   (${counts.ok - before.ok}, ${counts.rejected - before.rejected}, ${counts.other - before.other}, ${counts.errors - before.errors})\n`,
  );
}
while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));

// Every acknowledged delivery's payment, read back once the projections have caught up (32
// at a time: a sequential check of ~300,000 payments took longer than the soak).
let missing = 0;
const keys = [...acknowledged.keys()];
const checkOne = async (key: string): Promise<void> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await fetch(`${payrec.url}/payments/${key}`);
    await response.arrayBuffer();
    if (response.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  missing += 1;
};
await Promise.all(
  Array.from({ length: 32 }, async (_, lane) => {
    for (let index = lane; index < keys.length; index += 32) await checkOne(keys[index] ?? '');
  }),
);

const first = perMinute[0];
const last = perMinute.at(-1);
payrec.child.kill('SIGTERM');
await simulator.close();
rmSync(dataDir, { recursive: true, force: true });
if (first === undefined || last === undefined) throw new Error('no minute measured');
const rssGrowth = last.rss / first.rss - 1;
const p99Ratio = last.p99 / first.p99;
process.stdout.write(
  `\nacknowledged deliveries checked: ${acknowledged.size.toLocaleString('en-US')}, missing: ${missing}\n` +
    `RSS: ${first.rss.toFixed(1)} MiB after minute 1, ${last.rss.toFixed(1)} MiB at the end (${(rssGrowth * 100).toFixed(1)} %; target within 15 %): ${Math.abs(rssGrowth) <= 0.15 ? 'met' : 'NOT met'}\n` +
    `p99: ${first.p99.toFixed(1)} ms in minute 1, ${last.p99.toFixed(1)} ms in the last (${p99Ratio.toFixed(2)}×; target ≤ 1.5×): ${p99Ratio <= 1.5 ? 'met' : 'NOT met'}\n` +
    `missing acknowledged deliveries: ${missing} (target 0): ${missing === 0 ? 'met' : 'NOT met'}\n`,
);
