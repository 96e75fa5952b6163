import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { PaymentStatus } from '../src/domain/index.js';
import { currencyExponent } from '../src/domain/index.js';
import type { PlantName } from '../src/failpoints.js';
import type { SimulatedProvider, StatusEndpointFault } from '../src/simulator/index.js';

/** What a run is asked for: the seed decides everything else. */
export type SimOptions = Readonly<{
  seed: number;
  payments: number;
  minutes: number;
  plant: PlantName | null;
}>;

/** An amount as the provider states it, and in minor units for the report's sums. */
export type PlannedAmount = Readonly<{ minor: number; currency: string; decimal: string }>;

/** One payment's truth: who, how much, and what its provider's status endpoint says when. */
export type PaymentPlan = Readonly<{
  index: number;
  provider: SimulatedProvider;
  ref: string;
  amount: PlannedAmount;
  /** The merchant registers it first (with the amount, and a deadline when it has one). */
  registration: Readonly<{ atMs: number; deadlineMs: number | null }> | null;
  /** The status endpoint's word from each instant on (none for Kraken Pay). */
  truths: ReadonlyArray<Readonly<{ atMs: number; word: string }>>;
  /** Where the provider's story ends, normalised: the last truth, or Kraken Pay's callback. */
  final: PaymentStatus;
  /**
   * The status endpoint first answers a failure, then changes its mind: the success it ends with
   * arrives by a webhook that contradicts what payrec holds, and the endpoint is asked again.
   */
  flipped: boolean;
}>;

/**
 * - `genuine`: what the provider really sent (for KryptoGO, signed or not);
 * - `lie`: a hint that says what the status endpoint denies (an unsigned KryptoGO callback, a
 *   KKiaPay delivery with the real secret);
 * - `forged`: a genuine delivery altered after signing, or with a guessed secret;
 * - `replayed`: another payment's genuine delivery with this payment's ref pasted in;
 * - `stale`: a genuine delivery signed long ago (outside the provider's window), sent again now.
 */
export type DeliveryKind = 'genuine' | 'lie' | 'forged' | 'replayed' | 'stale';

export type DeliveryPlan = Readonly<{
  id: number;
  payment: number;
  kind: DeliveryKind;
  /** The provider's word it carries (`success`, `quote.executed`, `SUCCESS`…). */
  word: string;
  /** KryptoGO only: whether the callback carries its signature. */
  signed: boolean;
  /** When the provider says it was sent, relative to payrec's clock (its clock skew), seconds. */
  skewSeconds: number;
  /** Every time it goes out (the first, then the provider's repeats); empty when dropped. */
  sendsAtMs: readonly number[];
}>;

export type ReceiverFault = Readonly<{
  fromMs: number;
  toMs: number;
  kind: 'down' | 'error' | 'slow';
}>;

export type Schedule = Readonly<{
  options: SimOptions;
  runMs: number;
  payments: readonly PaymentPlan[];
  deliveries: readonly DeliveryPlan[];
  statusFaults: ReadonlyArray<
    Readonly<{
      provider: SimulatedProvider;
      fromMs: number;
      toMs: number;
      fault: StatusEndpointFault;
    }>
  >;
  receiverFaults: readonly ReceiverFault[];
  /** `kill -9` of one of the payrec processes, restarted `downMs` later. */
  kills: ReadonlyArray<Readonly<{ atMs: number; process: number; downMs: number }>>;
  /** `payrec projections rebuild` beside the running services. */
  rebuildAtMs: number;
  /** The data directory's file system full to its last byte (where a small one can be mounted). */
  diskFull: ReadonlyArray<Readonly<{ fromMs: number; toMs: number }>>;
  /** A person acknowledges or resolves whichever open discrepancy `pick` lands on. */
  operatorActions: ReadonlyArray<
    Readonly<{ atMs: number; action: 'acknowledge' | 'resolve'; pick: number }>
  >;
}>;

/** Processes of `payrec serve` sharing one data directory. */
export const payrecProcesses = 2;

/** KryptoGO's and Kraken Embed's windows are five minutes; a stale delivery is older. */
const staleSeconds = 400;

const providers: readonly SimulatedProvider[] = [
  'kraken-pay',
  'kraken-embed',
  'kryptogo',
  'kkiapay',
];

const currencies: Readonly<Record<SimulatedProvider, readonly string[]>> = {
  'kraken-pay': ['EUR', 'USD'],
  'kraken-embed': ['USD', 'EUR'],
  kryptogo: ['TWD', 'USD'],
  kkiapay: ['XOF'],
};

const amountOf = (minor: number, currency: string): PlannedAmount => {
  const exponent = currencyExponent(currency) ?? 0;
  const decimal = exponent === 0 ? String(minor) : (minor / 10 ** exponent).toFixed(exponent);
  return { minor, currency, decimal };
};

/** The provider's word for each normalised outcome, webhook and status endpoint alike. */
const words = {
  'kraken-pay': {
    success: 'success',
    failed: 'declined',
    expired: 'expired',
    cancelled: 'cancelled',
  },
  'kraken-embed': {
    success: 'executed',
    failed: 'execution_failed',
    expired: 'expired',
    cancelled: 'cancelled',
  },
  kryptogo: {
    success: 'success',
    failed: 'insufficient_not_refunded',
    expired: 'expired',
    cancelled: 'cancelled',
  },
  kkiapay: { success: 'SUCCESS', failed: 'FAILED' },
} as const satisfies Record<SimulatedProvider, Readonly<Record<string, string>>>;

const wordFor = (provider: SimulatedProvider, outcome: string): string =>
  (words[provider] as Readonly<Record<string, string>>)[outcome] ?? outcome;

/**
 * The whole run, drawn from one seed: payments across the four providers with their amounts,
 * outcomes, refunds and deadlines; the deliveries each provider sends, with their repeats, drops,
 * delays and clock skews; forged, replayed, stale and lying deliveries; status endpoints failing,
 * slow or rate-limiting; the fulfilment receiver down, slow or failing; kills; a rebuild; people
 * working the discrepancy list. Pure: the same options give the same schedule.
 */
export const planSchedule = (options: SimOptions): Schedule => {
  const rng = xoroshiro128plus(options.seed);
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  const chance = (percent: number) => int(1, 100) <= percent;
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const runMs = Math.round(options.minutes * 60_000);
  // Payments start in the first 70 % of the run, so that their stories end inside it.
  const startWindow = Math.max(1, Math.floor(runMs * 0.7));
  const payments: PaymentPlan[] = [];
  const deliveries: DeliveryPlan[] = [];
  const skews = Object.fromEntries(providers.map((provider) => [provider, int(-90, 90)])) as Record<
    SimulatedProvider,
    number
  >;
  const send = (
    payment: number,
    kind: DeliveryKind,
    word: string,
    atMs: number,
    {
      signed = true,
      faults = true,
      droppable = true,
    }: { signed?: boolean; faults?: boolean; droppable?: boolean } = {},
  ) => {
    const dropped = faults && droppable && kind === 'genuine' && chance(5);
    // Delayed past later deliveries: up to 20 s late (reordering the payment's story).
    const first = atMs + (faults && chance(15) ? int(2_000, 20_000) : int(1, 500));
    const repeats = faults && chance(20) ? int(1, 3) : 0;
    const sendsAtMs: number[] = dropped
      ? []
      : [first, ...Array.from({ length: repeats }, () => first + int(0, 15_000))];
    const provider = payments[payment]?.provider ?? 'kraken-pay';
    deliveries.push({
      id: deliveries.length,
      payment,
      kind,
      word,
      signed,
      skewSeconds: kind === 'stale' ? -staleSeconds : skews[provider],
      sendsAtMs,
    });
  };

  for (let index = 0; index < options.payments; index += 1) {
    const provider = pick(providers);
    const startMs = int(0, startWindow);
    const endMs = startMs + int(1_000, 20_000);
    const currency = pick(currencies[provider]);
    const amount = amountOf(currency === 'XOF' ? int(100, 500_000) : int(100, 5_000_000), currency);
    const ref = `s${options.seed}-${provider.replace('-', '')}-${index}`;
    const roll = int(1, 100);
    let outcome: 'success' | 'failed' | 'expired' | 'cancelled' =
      roll <= 60 ? 'success' : roll <= 75 ? 'failed' : roll <= 88 ? 'expired' : 'cancelled';
    if (provider === 'kkiapay' && outcome !== 'success') outcome = 'failed';
    const refunded = provider === 'kryptogo' && outcome === 'success' && chance(25);
    // An expiry only the status endpoint tells (Kraken Embed sends no webhook for it) is found
    // at the registration's deadline; Kraken Pay's deadline makes a missing callback overdue.
    const silentExpiry = provider === 'kraken-embed' && outcome === 'expired';
    const flipped =
      (provider === 'kraken-embed' || provider === 'kryptogo') &&
      outcome === 'success' &&
      !refunded &&
      chance(10);
    const registered = silentExpiry || flipped || chance(30);
    const deadlineMs = silentExpiry
      ? endMs + 2_000
      : provider === 'kraken-pay' && chance(50)
        ? endMs + 10_000
        : null;
    const word = wordFor(provider, outcome);
    const truths: Array<{ atMs: number; word: string }> = [];
    if (provider !== 'kraken-pay') {
      truths.push({
        atMs: startMs,
        word: flipped
          ? wordFor(provider, 'failed')
          : provider === 'kraken-embed'
            ? 'new'
            : provider === 'kkiapay'
              ? 'PENDING'
              : 'pending',
      });
      truths.push({ atMs: endMs, word });
      if (refunded) truths.push({ atMs: endMs + int(2_000, 10_000), word: 'refunded' });
    }
    payments.push({
      index,
      provider,
      ref,
      amount,
      // A flipped payment is registered once its endpoint lies, so that payrec asks it then.
      registration: registered
        ? { atMs: flipped ? startMs + 100 : Math.max(0, startMs - 500), deadlineMs }
        : null,
      truths,
      final: refunded ? 'refunded' : outcome,
      flipped,
    });

    switch (provider) {
      case 'kraken-pay':
        send(index, 'genuine', word, endMs);
        break;
      case 'kraken-embed':
        if (!silentExpiry) send(index, 'genuine', `quote.${word}`, endMs, { droppable: !flipped });
        break;
      case 'kryptogo': {
        if (chance(70)) send(index, 'genuine', 'pending', startMs);
        send(index, 'genuine', word, endMs, { signed: chance(80), droppable: !flipped });
        const refund = truths[2];
        if (refund) send(index, 'genuine', 'refunded', refund.atMs);
        if (outcome !== 'success' && chance(25)) {
          send(index, 'lie', 'success', endMs + int(0, 5_000), { signed: false, faults: false });
        }
        break;
      }
      case 'kkiapay':
        send(
          index,
          'genuine',
          outcome === 'success' ? 'transaction.success' : 'transaction.failed',
          endMs,
        );
        if (outcome !== 'success' && chance(30)) {
          send(index, 'lie', 'transaction.success', endMs + int(0, 5_000), { faults: false });
        }
        break;
    }
    // Attacks: a forgery of this payment's story, a stale capture, another payment's delivery.
    if (chance(8)) send(index, 'forged', 'success', endMs + int(0, 5_000), { faults: false });
    if (provider !== 'kkiapay' && chance(5)) {
      send(index, 'stale', wordFor(provider, 'success'), endMs + int(0, 5_000), { faults: false });
    }
    if (provider !== 'kkiapay' && index > 0 && chance(5)) {
      send(index, 'replayed', 'success', endMs + int(0, 5_000), { faults: false });
    }
  }

  const windowsOf = <T>(count: number, make: (fromMs: number, toMs: number) => T): T[] =>
    Array.from({ length: count }, () => {
      const fromMs = int(0, Math.max(0, runMs - 5_000));
      return make(fromMs, fromMs + int(2_000, 8_000));
    });
  const minutes = Math.max(1, Math.round(options.minutes));
  const statusFaults = windowsOf(3 * minutes, (fromMs, toMs) => {
    const kind = int(1, 4);
    const fault: StatusEndpointFault =
      kind === 1
        ? { kind: 'status', status: 500 }
        : kind === 2
          ? { kind: 'status', status: 429 }
          : kind === 3
            ? { kind: 'slow', delayMs: int(300, 1_500) }
            : { kind: 'slow', delayMs: 4_000 };
    return {
      provider: pick(['kraken-embed', 'kryptogo', 'kkiapay'] as const),
      fromMs,
      toMs,
      fault,
    };
  });
  const receiverFaults = windowsOf(2 * minutes, (fromMs, toMs) => ({
    fromMs,
    toMs,
    kind: pick(['down', 'error', 'slow'] as const),
  }));
  const kills = Array.from({ length: 2 * minutes }, () => ({
    atMs: int(2_000, Math.max(2_000, runMs - 2_000)),
    process: int(0, payrecProcesses - 1),
    downMs: int(500, 3_000),
  })).sort((a, b) => a.atMs - b.atMs);
  const operatorActions = Array.from({ length: 4 * minutes }, () => ({
    atMs: int(Math.floor(runMs / 3), runMs),
    action: pick(['acknowledge', 'resolve'] as const),
    pick: int(0, 1_000),
  })).sort((a, b) => a.atMs - b.atMs);
  return {
    options,
    runMs,
    payments,
    deliveries,
    statusFaults,
    receiverFaults,
    kills,
    // The rebuild in the first half, full disks in the second: a rebuild on a full disk fails,
    // rightly, and is not what this run checks.
    rebuildAtMs: int(Math.floor(runMs * 0.15), Math.floor(runMs * 0.45)),
    diskFull: Array.from({ length: Math.max(1, Math.round(options.minutes / 5)) }, () => {
      const fromMs = int(Math.floor(runMs * 0.55), Math.floor(runMs * 0.9));
      return { fromMs, toMs: fromMs + int(3_000, 8_000) };
    }),
    operatorActions,
  };
};

/**
 * A short hex digest of the schedule: the same seed, payments and minutes give the same digest;
 * a plant is payrec's setting, not the schedule's, and leaves it as it was.
 */
export const scheduleDigest = (schedule: Schedule): string =>
  createHash('sha256')
    .update(JSON.stringify({ ...schedule, options: { ...schedule.options, plant: null } }))
    .digest('hex')
    .slice(0, 16);

/** Kinds of delivery and of fault in the schedule, for the run's figures. */
export const faultCounts = (schedule: Schedule): Readonly<Record<string, number>> => {
  const counts: Record<string, number> = {};
  const add = (name: string, by = 1) => (counts[name] = (counts[name] ?? 0) + by);
  for (const delivery of schedule.deliveries) {
    add(`delivery ${delivery.kind}`);
    if (delivery.sendsAtMs.length === 0) add('delivery dropped');
    if (delivery.sendsAtMs.length > 1) add('delivery repeated', delivery.sendsAtMs.length - 1);
  }
  for (const fault of schedule.statusFaults) {
    add(
      `status endpoint ${fault.fault.kind === 'status' ? String(fault.fault.status) : fault.fault.delayMs >= 4_000 ? 'timeout' : 'slow'}`,
    );
  }
  for (const fault of schedule.receiverFaults) add(`receiver ${fault.kind}`);
  add('kill -9', schedule.kills.length);
  add('operator action', schedule.operatorActions.length);
  add('projection rebuild');
  add('disk full', schedule.diskFull.length);
  add(
    'status endpoint changed its mind',
    schedule.payments.filter((payment) => payment.flipped).length,
  );
  return counts;
};
