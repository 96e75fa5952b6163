import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createSimulatorCredentials,
  forgedDelivery,
  kkiapayDelivery,
  krakenEmbedDelivery,
  krakenPayDelivery,
  kryptogoDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
  type SimulatedDelivery,
  type SimulatorCredentials,
} from '../src/simulator/index.js';
import { startFulfilmentReceiver, type FulfilmentReceiver } from './fulfilmentReceiver.js';
import { createPayrecCluster, type PayrecCluster } from './payrecCluster.js';
import { payrecProcesses, type DeliveryPlan, type PaymentPlan, type Schedule } from './schedule.js';

/** What was sent and how payrec answered: one record per distinct delivery. */
export type SentDelivery = Readonly<{
  plan: DeliveryPlan;
  delivery: SimulatedDelivery;
  /** Every answer's HTTP status (0: no answer, the process was down). */
  answers: readonly number[];
}>;

export type OperatorResolution = Readonly<{ discrepancyId: string; payment: string; at: number }>;

export type RunRecord = Readonly<{
  sent: readonly SentDelivery[];
  /** Payments registered (answered 2xx), by index. */
  registered: ReadonlySet<number>;
  resolutions: readonly OperatorResolution[];
  acknowledgements: number;
  kills: number;
  rebuild: Readonly<{ code: number | null; output: string }> | null;
  converged: boolean;
  convergenceMs: number;
  /** When the schedule started (epoch ms): the origin of every time the run reports. */
  startedAt: number;
}>;

export type World = Readonly<{
  cluster: PayrecCluster;
  simulator: ProviderSimulator;
  receiver: FulfilmentReceiver;
  token: string;
  dataDir: string;
  /** The status calls per second payrec is configured for, per provider. */
  rateLimit: number;
  /** payrec's environment, for a process started apart from the cluster. */
  environment: Readonly<Record<string, string>>;
  /** Why the disk cannot be filled here (no small file system can be mounted); `null`: it can. */
  noFullDisk: string | null;
  /** Stops everything; returns where the data directory was kept (`keep`), or `null`. */
  close: (keep: boolean) => Promise<string | null>;
}>;

const rateLimit = 10;

/** The provider simulator, the merchant's receiver, and payrec's processes, all started. */
export const startWorld = async (
  schedule: Schedule,
): Promise<World & { credentials: SimulatorCredentials }> => {
  const credentials = await createSimulatorCredentials();
  const simulator = await startProviderSimulator({ credentials });
  const receiver = await startFulfilmentReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), `payrec-sim-${schedule.options.seed}-`));
  // The data directory on a small file system of its own, so that the schedule can fill it.
  let noFullDisk: string | null = null;
  try {
    const megabytes = 128 + Math.ceil(schedule.options.payments / 50);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dataDir], {
      stdio: 'pipe',
    });
  } catch (error) {
    noFullDisk = `cannot mount a small file system here (${String(error).split('\n')[0] ?? ''})`;
  }
  const token = randomBytes(24).toString('base64url');
  const plant = schedule.options.plant;
  const environment: Record<string, string> = {
    ...payrecEnvironmentFor(credentials, simulator.url),
    PAYREC_DATA_DIR: dataDir,
    PAYREC_API_TOKEN: token,
    PAYREC_LOG_LEVEL: 'info',
    PAYREC_LOG_FORMAT: 'json',
    PAYREC_RECONCILE_CRON: '* * * * * *',
    PAYREC_LEASE_TTL: '3',
    PAYREC_STATUS_TIMEOUT_MS: '2000',
    KRAKEN_EMBED_API_RATE_LIMIT: String(rateLimit),
    KRYPTOGO_API_RATE_LIMIT: String(rateLimit),
    KKIAPAY_API_RATE_LIMIT: String(rateLimit),
    PAYREC_FULFILMENT_URL: receiver.url,
    PAYREC_FULFILMENT_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    PAYREC_FULFILMENT_RETRY_BASE_SECONDS: '0.5',
    PAYREC_FULFILMENT_TIMEOUT_MS: '2000',
    PAYREC_FULFILMENT_MAX_ATTEMPTS: '30',
    ...(plant === null ? {} : { PAYREC_FAILPOINTS: plant }),
  };
  const cluster = createPayrecCluster(environment, payrecProcesses);
  for (let index = 0; index < payrecProcesses; index += 1) await cluster.start(index);
  return {
    cluster,
    simulator,
    receiver,
    token,
    dataDir,
    rateLimit,
    environment,
    credentials,
    noFullDisk,
    close: async (keep) => {
      await cluster.stopAll();
      await simulator.close();
      await receiver.close();
      if (noFullDisk !== null) {
        if (keep) return dataDir;
        rmSync(dataDir, { recursive: true, force: true });
        return null;
      }
      let kept: string | null = null;
      if (keep) {
        kept = mkdtempSync(join(tmpdir(), `payrec-sim-${schedule.options.seed}-kept-`));
        cpSync(dataDir, kept, { recursive: true });
      }
      execFileSync('umount', ['-l', dataDir], { stdio: 'pipe' });
      rmSync(dataDir, { recursive: true, force: true });
      return kept;
    },
  };
};

/** The delivery a plan stands for, made when it first goes out (its times are the provider's). */
const materialise = async (
  credentials: SimulatorCredentials,
  plan: DeliveryPlan,
  payment: PaymentPlan,
  payments: readonly PaymentPlan[],
): Promise<SimulatedDelivery> => {
  const at = new Date(
    Date.now() +
      plan.skewSeconds * 1000 -
      (plan.kind === 'stale' && payment.provider === 'kraken-pay' ? 25 * 3600_000 : 0),
  );
  const genuine = async (ref: string, word: string): Promise<SimulatedDelivery> => {
    switch (payment.provider) {
      case 'kraken-pay':
        return krakenPayDelivery(credentials, { ref, status: word, at });
      case 'kraken-embed':
        return krakenEmbedDelivery(credentials, {
          ref,
          eventType: word.startsWith('quote.') ? word : `quote.${word}`,
          at,
          amount: { asset: payment.amount.currency, amount: payment.amount.decimal },
        });
      case 'kryptogo':
        return kryptogoDelivery(credentials, {
          ref,
          status: word,
          at,
          signed: plan.signed,
          fiatAmount: payment.amount.decimal,
          fiatCurrency: payment.amount.currency,
        });
      case 'kkiapay':
        return kkiapayDelivery(credentials, {
          ref,
          success: word === 'transaction.success',
          amount: payment.amount.minor,
          at,
        });
    }
  };
  switch (plan.kind) {
    case 'genuine':
    case 'lie':
    case 'stale':
      return genuine(payment.ref, plan.word);
    case 'forged':
      return forgedDelivery(await genuine(payment.ref, 'pending'), plan.word);
    case 'replayed': {
      // Another payment of the same provider, its genuine delivery, this payment's ref pasted in.
      const other =
        payments.find(
          (candidate) =>
            candidate.provider === payment.provider && candidate.index !== payment.index,
        ) ?? payment;
      const original = await genuine(other.ref, plan.word);
      return { ...replacedRef(original, other.ref, payment.ref), ref: payment.ref };
    }
  }
};

/** A signed delivery with one ref put in place of another, the signature left as it was. */
const replacedRef = (delivery: SimulatedDelivery, from: string, to: string): SimulatedDelivery => {
  if (delivery.provider !== 'kraken-pay') {
    return { ...delivery, body: delivery.body.split(from).join(to) };
  }
  const [header = '', payload = '', signature = ''] = delivery.body.split('.');
  const claims = Buffer.from(payload, 'base64url').toString('utf8').split(from).join(to);
  return {
    ...delivery,
    body: `${header}.${Buffer.from(claims).toString('base64url')}.${signature}`,
  };
};

const run = promisify(execFile);

/** Starts a killed process again, for as long as it takes (a full disk can hold it back). */
const restart = async (world: World, index: number) => {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    try {
      await world.cluster.start(index);
      return;
    } catch {
      await sleep(1_000);
    }
  }
  throw new Error(`payrec ${index} would not start again for a minute`);
};

/** Whether a provider would send again: no answer, or a 5xx or 429. */
const worthRetrying = (status: number) => status === 0 || status === 429 || status >= 500;

const post = async (url: string | null, delivery: SimulatedDelivery): Promise<number> => {
  if (url === null) return 0;
  try {
    const response = await fetch(new URL(delivery.path, url), {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
};

const api = async (
  world: World,
  turn: number,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> => {
  const url = world.cluster.urlOf(turn);
  if (url === null) return { status: 0, body: null };
  try {
    const response = await fetch(new URL(path, url), {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${world.token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  } catch {
    return { status: 0, body: null };
  }
};

/** Reads every row of an NDJSON export from a live process. */
export const exportRows = async (
  world: World,
  kind: string,
  query = '',
): Promise<Record<string, unknown>[]> => {
  let lastAnswer = 'no process up';
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const url = world.cluster.urlOf(attempt);
    if (url !== null) {
      try {
        const response = await fetch(new URL(`/exports/${kind}?format=ndjson${query}`, url), {
          headers: { authorization: `Bearer ${world.token}` },
        });
        if (response.ok) {
          const text = await response.text();
          return text
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as Record<string, unknown>);
        }
        lastAnswer = `${response.status} ${await response.text()}`;
      } catch {
        // The process went away: ask another.
      }
    }
    await sleep(500);
  }
  throw new Error(`the ${kind} export could not be read from any payrec process: ${lastAnswer}`);
};

export const apiGet = async (world: World, path: string): Promise<unknown> => {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const answer = await api(world, attempt, path);
    if (answer.status === 200) return answer.body;
    await sleep(500);
  }
  throw new Error(`GET ${path} failed on every payrec process`);
};

/**
 * Plays the schedule against the world in real time: registrations, deliveries (with the
 * provider's own retries when payrec does not answer 2xx), the status endpoints' truths and
 * faults, the receiver's faults, kills and restarts, the rebuild, people's actions.
 */
export const playSchedule = async (
  schedule: Schedule,
  world: World & { credentials: SimulatorCredentials },
  expectations: (
    record: Omit<RunRecord, 'converged' | 'convergenceMs' | 'startedAt'>,
  ) => Promise<boolean>,
  {
    onProgress,
    settleSeconds = 120,
  }: {
    onProgress?: (line: string) => void;
    /** How long payrec may take to reach the truth once the schedule is over (plus 20 ms a payment). */
    settleSeconds?: number;
  } = {},
): Promise<RunRecord> => {
  const started = Date.now();
  const sinceStart = () => Date.now() - started;
  const at = async (ms: number) => {
    const wait = ms - sinceStart();
    if (wait > 0) await sleep(wait);
  };
  const tasks: Promise<unknown>[] = [];
  let turn = 0;
  const registered = new Set<number>();
  const resolutions: OperatorResolution[] = [];
  let acknowledgements = 0;
  let kills = 0;
  let rebuild: RunRecord['rebuild'] = null;
  const sent: SentDelivery[] = [];

  for (const payment of schedule.payments) {
    if (payment.registration) {
      const registration = payment.registration;
      tasks.push(
        (async () => {
          await at(registration.atMs);
          const body = {
            provider: payment.provider,
            ref: payment.ref,
            amount: payment.amount.minor,
            currency: payment.amount.currency,
            ...(registration.deadlineMs === null
              ? {}
              : { expiresAt: new Date(started + registration.deadlineMs).toISOString() }),
          };
          for (let attempt = 0; attempt < 30; attempt += 1) {
            const answer = await api(world, turn++, '/payments', { method: 'POST', body });
            if (answer.status === 200 || answer.status === 201) {
              registered.add(payment.index);
              return;
            }
            await sleep(500);
          }
        })(),
      );
    }
    for (const truth of payment.truths) {
      tasks.push(
        (async () => {
          await at(truth.atMs);
          world.simulator.setTruth(payment.provider, payment.ref, {
            status: truth.word,
            amount: { value: payment.amount.decimal, currency: payment.amount.currency },
            at: new Date().toISOString(),
          });
        })(),
      );
    }
  }

  for (const plan of schedule.deliveries) {
    const payment = schedule.payments[plan.payment];
    const [first] = plan.sendsAtMs;
    if (!payment || first === undefined) continue;
    tasks.push(
      (async () => {
        await at(first);
        const delivery = await materialise(world.credentials, plan, payment, schedule.payments);
        const answers: number[] = [];
        sent.push({ plan, delivery, answers });
        for (const sendAt of plan.sendsAtMs) {
          await at(sendAt);
          // The provider retries what payrec did not take, for a while, as providers do.
          for (let attempt = 0; attempt < 40; attempt += 1) {
            const status = await post(world.cluster.urlOf(turn++), delivery);
            answers.push(status);
            if (!worthRetrying(status) || plan.kind === 'forged' || plan.kind === 'replayed') break;
            await sleep(500 + attempt * 250);
          }
        }
      })(),
    );
  }

  const activeStatusFaults = new Set<Schedule['statusFaults'][number]>();
  const applyStatusFaults = () => {
    for (const provider of ['kraken-embed', 'kryptogo', 'kkiapay'] as const) {
      const current = [...activeStatusFaults].filter((fault) => fault.provider === provider).at(-1);
      world.simulator.setFault(provider, current?.fault ?? null);
    }
  };
  for (const fault of schedule.statusFaults) {
    tasks.push(
      (async () => {
        await at(fault.fromMs);
        activeStatusFaults.add(fault);
        applyStatusFaults();
        await at(fault.toMs);
        activeStatusFaults.delete(fault);
        applyStatusFaults();
      })(),
    );
  }
  const activeReceiverFaults = new Set<Schedule['receiverFaults'][number]>();
  for (const fault of schedule.receiverFaults) {
    tasks.push(
      (async () => {
        await at(fault.fromMs);
        activeReceiverFaults.add(fault);
        world.receiver.setMode(fault.kind);
        await at(fault.toMs);
        activeReceiverFaults.delete(fault);
        world.receiver.setMode([...activeReceiverFaults].at(-1)?.kind ?? 'up');
      })(),
    );
  }
  tasks.push(
    (async () => {
      for (const kill of schedule.kills) {
        await at(kill.atMs);
        if (world.cluster.kill(kill.process)) {
          kills += 1;
          onProgress?.(
            `sim: kill -9 payrec ${kill.process} at ${(sinceStart() / 1000).toFixed(1)} s`,
          );
          await sleep(kill.downMs);
          await restart(world, kill.process);
        }
      }
    })(),
  );
  tasks.push(
    (async () => {
      await at(schedule.rebuildAtMs);
      rebuild = await world.cluster.command(['projections', 'rebuild']);
      onProgress?.(`sim: projections rebuilt beside the services (exit ${String(rebuild.code)})`);
    })(),
  );
  const filler = join(world.dataDir, 'sim-disk-filler');
  for (const window of world.noFullDisk === null ? schedule.diskFull : []) {
    tasks.push(
      (async () => {
        await at(window.fromMs);
        // dd ends with "No space left on device": the file system is full to its last byte.
        await run('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M']).catch(() => undefined);
        onProgress?.(`sim: disk full at ${(sinceStart() / 1000).toFixed(1)} s`);
        await at(window.toMs);
        rmSync(filler, { force: true });
        onProgress?.(`sim: disk space back at ${(sinceStart() / 1000).toFixed(1)} s`);
      })(),
    );
  }
  for (const action of schedule.operatorActions) {
    tasks.push(
      (async () => {
        await at(action.atMs);
        const listed = await api(world, turn++, '/discrepancies?limit=100');
        const items =
          (
            listed.body as {
              items?: Array<{ id: string; payment?: { provider: string; ref: string } }>;
            } | null
          )?.items ?? [];
        const chosen = items[action.pick % Math.max(1, items.length)];
        if (!chosen) return;
        const path = `/discrepancies/${encodeURIComponent(chosen.id)}/${action.action}`;
        const body =
          action.action === 'acknowledge'
            ? { note: 'seen by the simulation' }
            : { resolution: 'other', note: 'resolved by the simulation' };
        const answer = await api(world, turn++, path, { method: 'POST', body });
        if (answer.status === 200 && action.action === 'resolve') {
          resolutions.push({
            discrepancyId: chosen.id,
            payment: chosen.payment ? `${chosen.payment.provider}/${chosen.payment.ref}` : '',
            at: Date.now(),
          });
        }
        if (answer.status === 200 && action.action === 'acknowledge') acknowledgements += 1;
      })(),
    );
  }

  const progress = setInterval(() => {
    onProgress?.(`sim: ${(sinceStart() / 1000).toFixed(0)} s, ${sent.length} deliveries out`);
  }, 15_000);
  try {
    await Promise.all(tasks);
  } finally {
    clearInterval(progress);
  }
  // Convergence: no more faults; every process up; wait until payrec holds the truth.
  for (const provider of ['kraken-embed', 'kryptogo', 'kkiapay'] as const)
    world.simulator.setFault(provider, null);
  world.receiver.setMode('up');
  rmSync(filler, { force: true });
  for (let index = 0; index < payrecProcesses; index += 1) await restart(world, index);
  const convergenceStarted = Date.now();
  const limitMs = settleSeconds * 1000 + schedule.options.payments * 20;
  let converged = false;
  const soFar = { sent, registered, resolutions, acknowledgements, kills, rebuild };
  while (Date.now() - convergenceStarted < limitMs) {
    if (await expectations(soFar)) {
      converged = true;
      break;
    }
    await sleep(2_000);
  }
  return {
    ...soFar,
    converged,
    convergenceMs: Date.now() - convergenceStarted,
    startedAt: started,
  };
};
