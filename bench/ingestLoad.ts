/**
 * The load generator of `bench:ingest`, run as its own process so that signing and sending never
 * share a core's event loop with payrec. It pre-signs distinct deliveries (one payment each),
 * sends them with autocannon at 50 connections, and prints the result as one JSON line.
 *
 * Usage: node --import tsx bench/ingestLoad.ts <scenario> <target> <credentials> <amount> [refs]
 *   scenario: noop (GET /healthz) | noop-post (the Kraken Embed deliveries, to the benchmark
 *   server's POST /_bench/noop) | kraken-embed | kraken-pay
 *   refs: ordered (default: `B-<run>-0`, `B-<run>-1`, …, so every index of payrec's stores takes
 *   them at its right edge, a B-tree's best case) | random (a UUID each, as providers' quote,
 *   intent and transaction ids are: each new payment lands on a random index page)
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import {
  krakenEmbedDelivery,
  krakenPayDelivery,
  loadOrCreateCredentials,
  type SimulatedDelivery,
} from '../src/simulator/index.js';

const [
  scenario = 'noop',
  target = '',
  credentialsPath = '',
  amountText = '10000',
  refs = 'ordered',
] = process.argv.slice(2);
if (refs !== 'ordered' && refs !== 'random') throw new Error('refs must be "ordered" or "random"');
const runId = `${process.pid}-${Date.now()}`;
const refOf = (prefix: string, index: number) =>
  refs === 'random' ? `${prefix}${randomUUID()}` : `${prefix}${runId}-${index}`;
const amount = Number(amountText);
const credentials = await loadOrCreateCredentials(credentialsPath);

const presign = async (): Promise<SimulatedDelivery[]> => {
  const at = new Date();
  const deliveries: SimulatedDelivery[] = [];
  for (let index = 0; index < amount; index += 1) {
    if (scenario === 'kraken-embed' || scenario === 'noop-post') {
      deliveries.push(
        krakenEmbedDelivery(credentials, {
          ref: refOf('B-', index),
          eventType: 'quote.executed',
          at,
          amount: { asset: 'USD', amount: '100.00' },
        }),
      );
    } else if (scenario === 'kraken-pay') {
      deliveries.push(
        await krakenPayDelivery(credentials, { ref: refOf('P', index), status: 'success', at }),
      );
    }
  }
  return deliveries;
};

const deliveries = await presign();
let next = 0;

// autocannon ends a run on its one-second ticker, so both its duration and the time until it
// calls back come in whole seconds (60,000 requests in "7.01" or "8.02" s), which moved rates by
// up to 15 %. The rate is timed here instead: from the start to the last response.
const cpuBefore = process.cpuUsage();
const started = performance.now();
let lastResponseAt = started;
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url: target,
      connections: 50,
      amount,
      requests: [
        scenario === 'noop'
          ? { method: 'GET', path: '/healthz' }
          : {
              method: 'POST',
              setupRequest: (request: autocannon.Request) => {
                const delivery = deliveries[next % deliveries.length];
                next += 1;
                if (!delivery) return request;
                return {
                  ...request,
                  path: scenario === 'noop-post' ? '/_bench/noop' : delivery.path,
                  headers: { ...delivery.headers },
                  body: delivery.body,
                };
              },
            },
      ],
    },
    (error, finished) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(finished);
    },
  );
  instance.on('response', () => {
    lastResponseAt = performance.now();
  });
});
const loadCpu = process.cpuUsage(cpuBefore);

const elapsedSeconds = (lastResponseAt - started) / 1000;

process.stdout.write(
  `${JSON.stringify({
    scenario,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    durationSeconds: elapsedSeconds,
    perSecond: result['2xx'] / elapsedSeconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    loadCpuMs: Math.round((loadCpu.user + loadCpu.system) / 1000),
  })}\n`,
);
