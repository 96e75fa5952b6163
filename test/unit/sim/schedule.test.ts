import { describe, expect, it } from 'vitest';
import { faultCounts, planSchedule, scheduleDigest } from '../../../sim/schedule.js';

const options = { seed: 7, payments: 200, minutes: 1, plant: null };

describe("the simulation's schedule", () => {
  it('is a function of the seed and options: the same seed, the same schedule and digest', () => {
    expect(planSchedule(options)).toEqual(planSchedule(options));
    expect(scheduleDigest(planSchedule(options))).toBe(scheduleDigest(planSchedule(options)));
  });

  it('differs for another seed, another size or another length', () => {
    const digest = scheduleDigest(planSchedule(options));
    expect(scheduleDigest(planSchedule({ ...options, seed: 8 }))).not.toBe(digest);
    expect(scheduleDigest(planSchedule({ ...options, payments: 201 }))).not.toBe(digest);
    expect(scheduleDigest(planSchedule({ ...options, minutes: 2 }))).not.toBe(digest);
  });

  it('is the same schedule with a plant: the plant is payrec’s, not the world’s', () => {
    expect(scheduleDigest(planSchedule({ ...options, plant: 'lose-ack' }))).toBe(
      scheduleDigest(planSchedule(options)),
    );
  });

  it('holds every kind of fault for 200 payments over a minute', () => {
    const counts = faultCounts(planSchedule(options));
    for (const kind of [
      'delivery genuine',
      'delivery lie',
      'delivery forged',
      'delivery replayed',
      'delivery stale',
      'delivery dropped',
      'delivery repeated',
      'kill -9',
      'operator action',
      'projection rebuild',
    ]) {
      expect(counts[kind], kind).toBeGreaterThan(0);
    }
    expect(Object.keys(counts).some((name) => name.startsWith('status endpoint'))).toBe(true);
    expect(Object.keys(counts).some((name) => name.startsWith('receiver'))).toBe(true);
  });

  it('spreads payments over the four providers, with refunds and deadlines', () => {
    const schedule = planSchedule(options);
    const providers = new Set(schedule.payments.map((payment) => payment.provider));
    expect([...providers].sort()).toEqual(['kkiapay', 'kraken-embed', 'kraken-pay', 'kryptogo']);
    expect(schedule.payments.some((payment) => payment.final === 'refunded')).toBe(true);
    expect(schedule.payments.some((payment) => payment.registration?.deadlineMs != null)).toBe(
      true,
    );
    // Every payment's story ends inside the run, so that convergence is about payrec alone.
    for (const payment of schedule.payments) {
      for (const truth of payment.truths) expect(truth.atMs).toBeLessThan(schedule.runMs + 10_000);
    }
  });
});
