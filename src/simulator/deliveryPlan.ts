import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { SimulatedDelivery } from './simulatedDeliveries.js';

export type DeliveryPlanOptions = Readonly<{
  /** The same seed gives the same plan, so a failure reproduces. */
  seed: number;
  /** Share of deliveries sent again (0–1). */
  repeatRate?: number;
  /** Share of deliveries never sent (0–1). */
  dropRate?: number;
  /** Shuffle the order deliveries go out in. */
  reorder?: boolean;
  /** Each send waits up to this long. */
  maxDelayMs?: number;
}>;

export type PlannedDelivery = Readonly<{ delivery: SimulatedDelivery; delayMs: number }>;

export type DeliveryPlan = Readonly<{
  sends: readonly PlannedDelivery[];
  dropped: readonly SimulatedDelivery[];
}>;

const rate = (name: string, value: number) => {
  if (!(value >= 0 && value <= 1))
    throw new TypeError(`planDeliveries: "${name}" must be between 0 and 1`);
  return Math.round(value * 1_000_000);
};

/**
 * What a misbehaving provider does to its deliveries: drops some, repeats some, reorders and
 * delays them, all drawn from a seeded generator (pure-rand).
 */
export const planDeliveries = (
  deliveries: readonly SimulatedDelivery[],
  { seed, repeatRate = 0, dropRate = 0, reorder = false, maxDelayMs = 0 }: DeliveryPlanOptions,
): DeliveryPlan => {
  const rng = xoroshiro128plus(seed);
  const chance = (millionths: number) =>
    millionths > 0 && uniformInt(rng, 1, 1_000_000) <= millionths;
  const repeat = rate('repeatRate', repeatRate);
  const drop = rate('dropRate', dropRate);
  const delay = () => (maxDelayMs > 0 ? uniformInt(rng, 0, maxDelayMs) : 0);
  const sends: PlannedDelivery[] = [];
  const dropped: SimulatedDelivery[] = [];
  for (const delivery of deliveries) {
    if (chance(drop)) {
      dropped.push(delivery);
      continue;
    }
    sends.push({ delivery, delayMs: delay() });
    if (chance(repeat)) sends.push({ delivery, delayMs: delay() });
  }
  if (reorder) {
    for (let index = sends.length - 1; index > 0; index -= 1) {
      const other = uniformInt(rng, 0, index);
      const here = sends[index];
      const there = sends[other];
      if (here && there) {
        sends[index] = there;
        sends[other] = here;
      }
    }
  }
  return { sends, dropped };
};

export type SendResult = Readonly<{ delivery: SimulatedDelivery; status: number; body: string }>;

/** Sends planned deliveries to payrec at `target`, at most `concurrency` at a time. */
export const sendDeliveries = async (
  target: string,
  sends: readonly PlannedDelivery[],
  {
    concurrency = 8,
    onSent,
  }: Readonly<{
    concurrency?: number;
    /** After each answer, with how many are done. */ onSent?: (done: number) => void;
  }> = {},
): Promise<SendResult[]> => {
  let done = 0;
  const results: SendResult[] = new Array<SendResult>(sends.length);
  let next = 0;
  const worker = async () => {
    while (next < sends.length) {
      const index = next++;
      const planned = sends[index];
      if (!planned) continue;
      if (planned.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, planned.delayMs));
      const response = await fetch(new URL(planned.delivery.path, target), {
        method: 'POST',
        headers: planned.delivery.headers,
        body: planned.delivery.body,
      });
      results[index] = {
        delivery: planned.delivery,
        status: response.status,
        body: await response.text(),
      };
      done += 1;
      onSent?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
};
