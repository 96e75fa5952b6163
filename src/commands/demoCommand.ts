import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../adapters/logging/createLogger.js';
import { loadConfig } from '../config.js';
import {
  evolve,
  initialState,
  paymentIdFromStreamName,
  paymentKey,
  paymentStreamPrefix,
  type PaymentState,
  toPaymentEvent,
} from '../domain/index.js';
import { createService } from '../main.js';
import { projectionsReady } from '../projections/index.js';
import { UsageError } from './commandOptions.js';
import {
  createSimulatorCredentials,
  kkiapayDelivery,
  krakenEmbedDelivery,
  kryptogoDelivery,
  payrecEnvironmentFor,
  planDeliveries,
  realisticMix,
  realisticTruths,
  sendDeliveries,
  startProviderSimulator,
  type SimulatedDelivery,
  type SimulatorCredentials,
} from '../simulator/index.js';
import type { EventStore } from '../domain/ports/index.js';

/** `--payments`, `--port` and `--simulator-port`, checked. */
const demoOptions = (
  args: readonly string[],
): Readonly<{ count: number; port: number; simulatorPort: number }> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      payments: { type: 'string', default: '10' },
      port: { type: 'string', default: '0' },
      'simulator-port': { type: 'string', default: '0' },
    },
  });
  const count = Number(values.payments);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new UsageError(
      `--payments must be a whole number from 1 to 1000 (got "${values.payments}").`,
    );
  }
  const portOf = (name: string, value: string) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65_535) {
      throw new UsageError(
        `--${name} must be a port number from 0 (any free one) to 65535 (got "${value}").`,
      );
    }
    return port;
  };
  return {
    count,
    port: portOf('port', values.port),
    simulatorPort: portOf('simulator-port', values['simulator-port']),
  };
};

/** Three deliveries payrec must refuse: a bad signature, a body changed after signing, a wrong secret. */
const forgedDeliveries = (credentials: SimulatorCredentials, now: Date): SimulatedDelivery[] => {
  const tampered = (delivery: SimulatedDelivery): SimulatedDelivery => ({
    ...delivery,
    body: delivery.body.replace('"success"', '"refunded"'),
  });
  return [
    {
      ...krakenEmbedDelivery(credentials, {
        ref: 'demo-Q-0',
        eventType: 'quote.cancelled',
        at: now,
      }),
      headers: {
        'content-type': 'application/json',
        'x-signature': `t=${Math.floor(now.getTime() / 1000)},v1=${'ab'.repeat(32)}`,
      },
    },
    // A genuine signed callback whose status was changed after signing.
    tampered(kryptogoDelivery(credentials, { ref: 'demo_pi_0', status: 'success', at: now })),
    {
      ...kkiapayDelivery(credentials, { ref: 'demoK0', success: false, at: now }),
      headers: { 'content-type': 'application/json', 'x-kkiapay-secret': 'guessed' },
    },
  ];
};

/** Each payment in the log, folded, with what payrec knows of it: a line each. */
const printPayments = async (
  eventStore: EventStore,
  out: (line?: string) => void,
): Promise<void> => {
  const states = new Map<string, PaymentState>();
  const events = await eventStore.readAll({
    maxCount: 100_000,
    filter: { streamPrefixes: [paymentStreamPrefix] },
  });
  for (const recorded of events) {
    const event = toPaymentEvent(recorded);
    if (event)
      states.set(
        recorded.streamName,
        evolve(states.get(recorded.streamName) ?? initialState(), event),
      );
  }
  out(`${'payment'.padEnd(34)} ${'status'.padEnd(10)} note`);
  for (const [stream, state] of [...states].sort(([a], [b]) => a.localeCompare(b))) {
    const id = paymentIdFromStreamName(stream);
    if (!id || state.status === 'unknown') continue;
    const notes = [
      state.awaitingConfirmation ? 'hint awaiting the status endpoint' : '',
      state.providerStatus === state.status ? 'confirmed by the status endpoint' : '',
      state.statusOrigin?.channel === 'poll' ? 'set by the status endpoint' : '',
      ...state.openDiscrepancies.map(
        (open) => `discrepancy ${open.kind}: ${open.ours} vs ${open.theirs}`,
      ),
    ].filter((note) => note !== '');
    out(`${paymentKey(id).padEnd(34)} ${state.status.padEnd(10)} ${notes.join('; ')}`);
  }
};

/**
 * `payrec demo`: payrec and the provider simulator on a fresh embedded store, a realistic mix of
 * deliveries for all four providers (repeated and reordered, plus a few forgeries), and what
 * payrec made of them.
 */
export const demoCommand = async (args: readonly string[]): Promise<number> => {
  const { count, port, simulatorPort } = demoOptions(args);
  const dataDir = mkdtempSync(join(tmpdir(), 'payrec-demo-'));
  const credentials = await createSimulatorCredentials();
  const simulator = await startProviderSimulator({ credentials, port: simulatorPort }).catch(
    (error: unknown) => {
      throw new UsageError(portTaken('simulator-port', simulatorPort, error));
    },
  );
  const config = loadConfig({
    ...payrecEnvironmentFor(credentials, simulator.url),
    PAYREC_DATA_DIR: dataDir,
  });
  const service = await createService(config, { logger: createLogger({ level: 'silent' }) });
  const target = await service.app
    .listen({ host: '127.0.0.1', port })
    .catch(async (error: unknown) => {
      await service.close();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
      throw new UsageError(portTaken('port', port, error));
    });
  const out = (line = '') => process.stdout.write(`${line}\n`);
  try {
    out(
      `payrec on ${target} (a temporary embedded store, removed at the end); provider simulator on ${simulator.url}`,
    );
    const now = new Date();
    const mix = await realisticMix(credentials, { count, at: now, prefix: 'demo' });
    for (const { provider, ref, truth } of realisticTruths({ count, prefix: 'demo' })) {
      simulator.setTruth(provider, ref, truth);
    }
    const forged = forgedDeliveries(credentials, now);
    const plan = planDeliveries([...mix, ...forged], { seed: 42, repeatRate: 0.3, reorder: true });
    const results = await sendDeliveries(target, plan.sends);
    const answers = new Map<number, number>();
    for (const result of results) answers.set(result.status, (answers.get(result.status) ?? 0) + 1);
    out(
      `sent ${plan.sends.length} deliveries (${mix.length} real, ${forged.length} forged, repeats included):`,
    );
    out(
      `  answers: ${[...answers]
        .sort()
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ')}`,
    );
    // Hints were checked against the status endpoints as they arrived; one poller cycle now
    // confirms (or corrects) the rest, once the read model has every delivery.
    const { eventStore } = service;
    for (let waited = 0; waited < 5_000; waited += 20) {
      if (
        await projectionsReady(service.projections.status(), (at) => eventStore.eventsAfter(at), 0)
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cycle = await service.reconciler.runCycle();
    const checked = Object.entries(cycle.results).map(([result, n]) => `${String(n)} ${result}`);
    out(
      `then one reconciliation cycle against the simulator's status endpoints: ${String(cycle.due)} due${checked.length > 0 ? `, ${checked.join(', ')}` : ''}`,
    );
    out();

    await printPayments(service.eventStore, out);
    const rejected = service.useCases.deliveries.list({ outcome: 'rejected', limit: 10 }).items;
    out();
    out(
      `rejected and written nowhere: ${rejected.map((item) => `${item.provider} ${item.code ?? ''}`).join(', ')}`,
    );
    out(
      '(KKiaPay deliveries and unsigned KryptoGO callbacks are hints: the status endpoint decides. Kraken Pay has none, so its webhooks stand.)',
    );
    return 0;
  } finally {
    await service.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/** What to say when a port cannot be had: taken by another program, or not this user's to take. */
const portTaken = (option: string, port: number, error: unknown): string => {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return code === 'EADDRINUSE'
    ? `--${option} ${port} is in use by another program; choose another, or 0 for any free one.`
    : `--${option} ${port} cannot be listened on (${error instanceof Error ? error.message : String(error)}).`;
};
