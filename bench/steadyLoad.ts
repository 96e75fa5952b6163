/**
 * Steady webhook load for the benchmarks that measure what something beside ingest costs it
 * (`bench:backup`, `bench:isolation`): signed Kraken Embed deliveries with random refs at a fixed
 * rate, each answer's latency and when it came.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createSimulatorCredentials,
  krakenEmbedDelivery,
  startProviderSimulator,
  type SimulatedDelivery,
  type SimulatorCredentials,
} from '../src/simulator/index.js';
import { startPayrec } from './benchPayrec.js';

/** The `p` quantile (0–1) of `values`, 0 for none. */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
};

export type SteadyLoadResult = { latencies: number[]; answeredAt: number[]; failed: number };

/**
 * Sends signed deliveries at `rate` a second until `until` resolves; their latencies in ms, and
 * when each answer came (ms since the load began), for the timeline.
 */
export const steadyLoad = async (
  target: Readonly<{
    url: string;
    credentials: SimulatorCredentials;
    rate: number;
    refPrefix: string;
  }>,
  until: Promise<unknown>,
): Promise<SteadyLoadResult> => {
  const { url, credentials, rate, refPrefix } = target;
  const latencies: number[] = [];
  const answeredAt: number[] = [];
  let failed = 0;
  const state = { done: false };
  void until.then(() => {
    state.done = true;
  });
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  while (!state.done) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
    for (let index = 0; index < due && inFlight.size < 64; index += 1) {
      sent += 1;
      const delivery: SimulatedDelivery = krakenEmbedDelivery(credentials, {
        ref: `${refPrefix}-${randomUUID()}`,
        eventType: 'quote.executed',
        at: new Date(),
      });
      const began = performance.now();
      const request = fetch(`${url}${delivery.path}`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status === 200) {
            latencies.push(performance.now() - began);
            answeredAt.push(performance.now() - started);
          } else failed += 1;
        })
        .catch(() => {
          failed += 1;
        })
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await new Promise((wait) => setTimeout(wait, 5));
  }
  await Promise.all(inFlight);
  return { latencies, answeredAt, failed };
};

/**
 * The built payrec on `dataDir` beside the provider simulator, with no reconciliation cycles (on
 * a large store each takes minutes of status calls, which would land in one window and not the
 * other), and `load`: deliveries at `rate` a second until the promise it is given resolves.
 */
export const startPayrecUnderLoad = async (
  dataDir: string,
  rate: number,
  refPrefix: string,
  nodeArgs: readonly string[] = [],
) => {
  const credentials = await createSimulatorCredentials();
  const simulator = await startProviderSimulator({ credentials });
  const payrec = await startPayrec({
    credentials,
    simulatorUrl: simulator.url,
    dataDir,
    writer: 'inline',
    env: { PAYREC_RECONCILE_CRON: '0 0 1 1 *' },
    nodeArgs,
  });
  return {
    payrec,
    load: (until: Promise<unknown>) =>
      steadyLoad({ url: payrec.url, credentials, rate, refPrefix }, until),
    stop: async () => {
      payrec.child.kill('SIGTERM');
      await new Promise((done) => payrec.child.once('exit', done));
      await simulator.close();
    },
  };
};
