/**
 * The load generator of `bench:ingest`, run as its own process so that signing and sending never
 * share a core's event loop with payrec. It pre-signs distinct deliveries (one payment each),
 * sends them with autocannon at 50 connections, and prints the result as one JSON line.
 *
 * Usage: node --import tsx bench/ingestLoad.ts <scenario> <target> <credentials> <amount>
 *   scenario: noop | kraken-embed | kraken-pay
 */
import autocannon from 'autocannon';
import {
  krakenEmbedDelivery,
  krakenPayDelivery,
  loadOrCreateCredentials,
  type SimulatedDelivery,
} from '../src/simulator/index.js';

const [scenario = 'noop', target = '', credentialsPath = '', amountText = '10000'] =
  process.argv.slice(2);
const amount = Number(amountText);
const credentials = await loadOrCreateCredentials(credentialsPath);
const runId = `${process.pid}-${Date.now()}`;

const presign = async (): Promise<SimulatedDelivery[]> => {
  const at = new Date();
  const deliveries: SimulatedDelivery[] = [];
  for (let index = 0; index < amount; index += 1) {
    if (scenario === 'kraken-embed') {
      deliveries.push(
        krakenEmbedDelivery(credentials, {
          ref: `B-${runId}-${index}`,
          eventType: 'quote.executed',
          at,
          amount: { asset: 'USD', amount: '100.00' },
        }),
      );
    } else if (scenario === 'kraken-pay') {
      deliveries.push(
        await krakenPayDelivery(credentials, { ref: `P${runId}-${index}`, status: 'success', at }),
      );
    }
  }
  return deliveries;
};

const deliveries = await presign();
let next = 0;

// autocannon reports its duration in whole-ish seconds (60,000 requests in "7.01" or "8.02" s),
// which moves a rate by up to 13 %; the run's own clock is exact.
const started = performance.now();
const result = await autocannon({
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
              path: delivery.path,
              headers: { ...delivery.headers },
              body: delivery.body,
            };
          },
        },
  ],
});

const elapsedSeconds = (performance.now() - started) / 1000;

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
  })}\n`,
);
