import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { exitOnInterrupt } from './interruption.js';
import { actionOf, noMoreArguments } from './commandOptions.js';
import {
  loadOrCreateCredentials,
  payrecEnvironmentFor,
  planDeliveries,
  realisticMix,
  realisticTruths,
  sendDeliveries,
  startProviderSimulator,
  type SimulatorCredentials,
} from '../simulator/index.js';

export const simulateUsage = `Usage:
  payrec simulate serve [--credentials FILE] [--port N] [--rate-limit N]
      Serve Kraken Pay's JWKS and the providers' status endpoints on 127.0.0.1 (answering 429
      above N status calls per second per provider, if given), and print the environment that
      points payrec at them. Runs until Ctrl-C.
  payrec simulate send [--credentials FILE] [--target URL] [--simulator URL] [--payments N]
                       [--seed N] [--repeat RATE] [--drop RATE] [--reorder] [--max-delay MS]
      Send a realistic mix of signed deliveries for all four providers to payrec, repeated,
      dropped, reordered and delayed as asked (seeded, so a run reproduces). With --simulator,
      first tell that simulator's status endpoints the truth behind the mix.

  --credentials  the simulator's keys and secrets, made on first use (default ./simulator-credentials.json)`;

const numberOption = (
  value: string | boolean | undefined,
  name: string,
  fallback: number,
): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(parsed) || parsed < 0) {
    throw new RangeError(`--${name} must be a non-negative number`);
  }
  return parsed;
};

const parseSimulateArgs = (args: readonly string[]) =>
  parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      credentials: { type: 'string', default: './simulator-credentials.json' },
      port: { type: 'string' },
      'rate-limit': { type: 'string' },
      simulator: { type: 'string' },
      target: { type: 'string', default: 'http://127.0.0.1:8080' },
      payments: { type: 'string' },
      seed: { type: 'string' },
      repeat: { type: 'string' },
      drop: { type: 'string' },
      reorder: { type: 'boolean', default: false },
      'max-delay': { type: 'string' },
    },
  });

type SimulateOptions = ReturnType<typeof parseSimulateArgs>['values'];

/** `simulate serve`: the simulator until interrupted, after printing payrec's environment for it. */
const serveSimulator = async (
  credentials: SimulatorCredentials,
  values: SimulateOptions,
): Promise<number> => {
  const rateLimit = values['rate-limit'];
  const simulator = await startProviderSimulator({
    credentials,
    port: numberOption(values.port, 'port', 0),
    ...(rateLimit === undefined
      ? {}
      : { rateLimitPerSecond: numberOption(rateLimit, 'rate-limit', 10) }),
  });
  process.stdout.write(`payrec simulator on ${simulator.url}. Start payrec with:\n\n`);
  for (const [name, value] of Object.entries(payrecEnvironmentFor(credentials, simulator.url))) {
    process.stdout.write(`export ${name}='${value}'\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return 0;
};

/**
 * Tells a running simulator the truth behind a mix, so that payrec's poller and hint
 * confirmations find it. Returns whether it took every truth.
 */
const tellTruths = async (
  simulatorUrl: string,
  count: number,
  prefix: string,
): Promise<boolean> => {
  for (const { provider, ref, truth } of realisticTruths({ count, prefix })) {
    const response = await fetch(
      `${simulatorUrl.replace(/\/+$/, '')}/_simulator/truths/${provider}/${encodeURIComponent(ref)}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(truth),
      },
    );
    if (response.status !== 204) {
      process.stderr.write(
        `payrec: the simulator at ${simulatorUrl} refused a truth (HTTP ${response.status}).\n`,
      );
      return false;
    }
  }
  return true;
};

/** `simulate send`: a realistic mix of signed deliveries to payrec, with a summary of its answers. */
const sendMix = async (
  credentials: SimulatorCredentials,
  values: SimulateOptions,
): Promise<number> => {
  const seed = numberOption(values.seed, 'seed', Math.floor(Math.random() * 2 ** 31));
  const count = numberOption(values.payments, 'payments', 5);
  const deliveries = await realisticMix(credentials, { count, at: new Date(), prefix: `s${seed}` });
  if (values.simulator !== undefined && !(await tellTruths(values.simulator, count, `s${seed}`))) {
    return 1;
  }
  const plan = planDeliveries(deliveries, {
    seed,
    repeatRate: numberOption(values.repeat, 'repeat', 0),
    dropRate: numberOption(values.drop, 'drop', 0),
    reorder: values.reorder,
    maxDelayMs: numberOption(values['max-delay'], 'max-delay', 0),
  });
  // A bar on a terminal; nothing in a pipe, where stdout is the summary.
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: '  sending [{bar}] {value}/{total} deliveries', stream: process.stderr },
        Presets.shades_classic,
      )
    : null;
  bar?.start(plan.sends.length, 0);
  let sent = 0;
  const stopListening = exitOnInterrupt(
    () =>
      `simulate send interrupted after ${sent} of ${plan.sends.length} deliveries; the rest were not sent.`,
    () => bar?.stop(),
  );
  const results = await sendDeliveries(values.target, plan.sends, {
    onSent: (done) => {
      sent = done;
      bar?.update(done);
    },
  }).finally(() => {
    stopListening();
    bar?.stop();
  });
  const byStatus = new Map<string, number>();
  for (const result of results) {
    const key = `${result.delivery.provider} ${result.status}`;
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }
  process.stdout.write(
    `seed ${seed}: sent ${plan.sends.length} deliveries (${plan.dropped.length} dropped) to ${values.target}\n`,
  );
  for (const [key, n] of [...byStatus].sort()) process.stdout.write(`  ${key}: ${n}\n`);
  return results.every((result) => result.status === 200) ? 0 : 1;
};

/** `payrec simulate serve|send`: the provider simulator (see `simulateUsage`). */
export const simulateCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseSimulateArgs(args);
  const [action, ...extra] = positionals;
  actionOf('simulate', action, ['serve', 'send']);
  noMoreArguments(extra);
  const credentials = await loadOrCreateCredentials(values.credentials);
  switch (action) {
    case 'serve':
      return serveSimulator(credentials, values);
    case 'send':
      return sendMix(credentials, values);
    default:
      process.stderr.write(`${simulateUsage}\n`);
      return 2;
  }
};
