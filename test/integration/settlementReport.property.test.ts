import Database from 'better-sqlite3';
import fc from 'fast-check';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { createSqliteReadModelStore } from '../../src/adapters/readModels/sqliteReadModelStore.js';
import {
  settlementChanges,
  settlementReport,
  type SettlementChange,
  type SettlementRow,
} from '../../src/application/settlementReport.js';
import {
  decide,
  decimalAmount,
  evolve,
  initialState,
  paymentKey,
  paymentStreamName,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  type PaymentStatus,
} from '../../src/domain/index.js';
import type { RecordedEvent } from '../../src/domain/ports/index.js';
import {
  applyBatch,
  readModelTables,
  settlementProjection,
  settlementProjectionName,
} from '../../src/projections/index.js';

const day = 24 * 60 * 60 * 1000;
const start = Date.parse('2026-10-01T00:00:00.000Z');
const providers = ['kraken-embed', 'kkiapay', 'kryptogo'] as const;
const currencies = ['USD', 'TWD', 'XOF', 'JPY', 'KWD'] as const;

type Random = { int: (from: number, to: number) => number; pick: <T>(items: readonly T[]) => T };

const randomFrom = (seed: number): Random => {
  const generator = xoroshiro128plus(seed);
  const int = (from: number, to: number) => uniformInt(generator, from, to);
  return { int, pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number] };
};

/** A payment's commands, at increasing instants: what providers and the merchant did. */
const lifecycle = (
  random: Random,
  index: number,
): Array<{ at: number; command: PaymentCommand }> => {
  const payment = { provider: random.pick(providers), ref: `P${index}` };
  const currency = random.pick(currencies);
  // Up to 10^13 minor units each: thousands of them sum past 2^53, where floats lose cents.
  const amount = { minor: random.int(1, 10_000_000) * random.int(1, 1_000_000), currency };
  let at = start + random.int(0, 30 * day);
  const commands: Array<{ at: number; command: PaymentCommand }> = [];
  const registers = random.int(0, 3) > 0;
  if (registers) {
    commands.push({
      at,
      command: {
        type: 'RegisterPayment',
        data: {
          payment,
          expected: { amount },
          registeredAt: new Date(at).toISOString(),
          source: 'api',
        },
      },
    });
  }
  const story = random.pick<ReadonlyArray<PaymentStatus | 'correct'>>([
    ['success'],
    ['success', 'refunded'],
    ['failed'],
    ['success', 'correct'],
    ['pending', 'success', 'success', 'pending'],
    ['expired'],
    ['cancelled', 'success'],
    [],
  ]);
  story.forEach((step, position) => {
    at += random.int(1, 3 * day);
    const authoritative = step === 'correct' || random.int(0, 2) === 0;
    const status: PaymentStatus = step === 'correct' ? 'failed' : step;
    // Now and then a report carries another amount: a discrepancy, not a success.
    const reported = random.int(0, 9) === 0 ? { ...amount, minor: amount.minor + 1 } : amount;
    commands.push({
      at,
      command: {
        type: 'RecordProviderReport',
        data: {
          payment,
          report: {
            vocabulary: 'status',
            providerStatus: status,
            status,
            ...(registers && position > 0 && random.int(0, 1) === 0 ? {} : { amount: reported }),
          },
          evidence: {
            deliveryKey: `${paymentKey(payment)}#${position}`,
            channel: authoritative ? 'poll' : 'webhook',
            receivedAt: new Date(at).toISOString(),
            verification: authoritative
              ? { method: 'status-api', trust: 'authoritative' }
              : { method: 'hmac-sha256', trust: 'verified' },
          },
        },
      },
    });
  });
  return commands;
};

/** The log of many payments' lifecycles, decided and recorded in time order. */
const generatedLog = (seed: number, payments: number): RecordedEvent[] => {
  const random = randomFrom(seed);
  const commands = Array.from({ length: payments }, (_, index) => lifecycle(random, index))
    .flat()
    .sort((a, b) => a.at - b.at);
  const states = new Map<string, PaymentState>();
  const revisions = new Map<string, number>();
  const log: RecordedEvent[] = [];
  for (const { at, command } of commands) {
    const stream = paymentStreamName(command.data.payment);
    let state = states.get(stream) ?? initialState();
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      log.push({
        id: `${stream}@${revision}`,
        type: event.type,
        data: event.data,
        metadata: null,
        streamName: stream,
        revision: BigInt(revision),
        globalPosition: BigInt(log.length + 1),
        // Recorded a moment after it happened.
        recordedAt: new Date(at + 7).toISOString(),
      });
    }
    states.set(stream, state);
  }
  return log;
};

/** The local day of an instant in a time zone, by the runtime's own calendar (not luxon). */
const localDay = (instant: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));

/** The report computed the slow, obvious way: fold each payment's log up to `asOf`, then group. */
const foldedReport = (
  log: readonly RecordedEvent[],
  query: Readonly<{
    from: string;
    to: string;
    asOf: string | null;
    timezone: string;
    currency?: string;
  }>,
): SettlementRow[] => {
  const states = new Map<string, PaymentState>();
  for (const recorded of log) {
    if (query.asOf !== null && recorded.recordedAt > query.asOf) continue;
    const state = states.get(recorded.streamName) ?? initialState();
    states.set(
      recorded.streamName,
      evolve(state, { type: recorded.type, data: recorded.data } as PaymentEvent),
    );
  }
  const cells = new Map<
    string,
    { row: Omit<SettlementRow, 'count' | 'amountMinor' | 'amount'>; count: number; sum: bigint }
  >();
  for (const state of states.values()) {
    if (state.status === 'unknown') continue;
    const amount = state.expected?.amount ?? state.reportedAmount?.amount ?? null;
    if (query.currency !== undefined && amount?.currency !== query.currency) continue;
    const reachedOn = localDay(state.statusOrigin?.at ?? state.createdAt, query.timezone);
    if (reachedOn < query.from || reachedOn > query.to) continue;
    const row = {
      day: reachedOn,
      provider: state.payment.provider,
      currency: amount?.currency ?? null,
      status: state.status,
    };
    const key = JSON.stringify(row);
    const cell = cells.get(key) ?? { row, count: 0, sum: 0n };
    cell.count += 1;
    cell.sum += BigInt(amount?.minor ?? 0);
    cells.set(key, cell);
  }
  return [...cells.values()].map(({ row, count, sum }) => ({
    ...row,
    count,
    amountMinor: sum.toString(),
    amount: row.currency === null ? null : decimalAmount(sum, row.currency),
  }));
};

const byCell = (a: SettlementRow, b: SettlementRow) =>
  JSON.stringify([a.day, a.provider, a.currency, a.status]).localeCompare(
    JSON.stringify([b.day, b.provider, b.currency, b.status]),
  );

describe('the settlement report is the fold of the log', () => {
  it('agrees cell by cell with folding every payment, for any instant, period and time zone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.constantFrom('UTC', 'Asia/Taipei', 'America/New_York', 'Pacific/Chatham'),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 34 }),
            fc.integer({ min: 0, max: 34 }),
            fc.option(fc.integer({ min: 0, max: 40 * 24 })),
          ),
          { minLength: 3, maxLength: 6 },
        ),
        async (seed, timezone, questions) => {
          const log = generatedLog(seed, 2_000);
          const readModels = createSqliteReadModelStore(new Database(':memory:'), readModelTables);
          for (let offset = 0; offset < log.length; offset += 500) {
            applyBatch(readModels, settlementProjection, log.slice(offset, offset + 500));
          }
          // First the whole period in every currency (from day 1: `currency` is JPY when `first` is a
          // multiple of 3).
          const asked = [[1, 34, null] as const, ...questions];
          for (const [index, [first, last, hoursIn]] of asked.entries()) {
            const from = localDay(
              new Date(start + Math.min(first, last) * day - day).toISOString(),
              'UTC',
            );
            const to = localDay(new Date(start + Math.max(first, last) * day).toISOString(), 'UTC');
            const asOf =
              hoursIn === null ? null : new Date(start + hoursIn * 3_600_000).toISOString();
            const currency = first % 3 === 0 ? 'JPY' : undefined;
            const report = await settlementReport(readModels, settlementProjectionName, {
              from,
              to,
              asOf: asOf === null ? null : new Date(asOf),
              now: new Date(),
              timezone,
              currency,
            });
            const expected = foldedReport(log, {
              from,
              to,
              asOf,
              timezone,
              ...(currency ? { currency } : {}),
            });
            if (index === 0) {
              // Not vacuous: over the whole period, the generated log reaches every kind of
              // outcome (a single day need not hold every one).
              const statuses = new Set(report.rows.map((row) => row.status));
              for (const status of ['pending', 'success', 'refunded', 'failed'] as const) {
                expect(statuses).toContain(status);
              }
            }
            expect(
              [...report.rows].sort(byCell),
              `seed ${seed}, ${timezone}, ${from}..${to} as of ${asOf ?? 'now'}`,
            ).toEqual(expected.sort(byCell));
          }
        },
      ),
      { numRuns: 4 },
    );
  }, 240_000);

  it('lists every status change of the log once, whether its snapshot is closed or current', () => {
    const log = generatedLog(7, 1_000);
    const readModels = createSqliteReadModelStore(new Database(':memory:'), readModelTables);
    for (let offset = 0; offset < log.length; offset += 500) {
      applyBatch(readModels, settlementProjection, log.slice(offset, offset + 500));
    }
    const listed: SettlementChange[] = [];
    let cursor: string | undefined;
    do {
      const page = settlementChanges(readModels, settlementProjectionName, {
        since: new Date(0),
        limit: 300,
        cursor,
      });
      listed.push(...page.changes);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const moves = log.flatMap((recorded) => {
      const event = { type: recorded.type, data: recorded.data } as PaymentEvent;
      return event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected'
        ? [
            {
              provider: event.data.payment.provider,
              ref: event.data.payment.ref,
              from: event.data.from,
              to: event.data.to,
              recordedAt: recorded.recordedAt,
              eventType: event.type,
            },
          ]
        : [];
    });
    // Not vacuous: refunds and corrections close the snapshot a success opened.
    expect(moves.filter((move) => move.to === 'refunded').length).toBeGreaterThan(10);
    expect(moves.some((move) => move.eventType === 'PaymentStatusCorrected')).toBe(true);
    const asMove = ({ at: _at, ...move }: SettlementChange) => move;
    const order = (
      a: { ref: string; recordedAt: string },
      b: { ref: string; recordedAt: string },
    ) => a.recordedAt.localeCompare(b.recordedAt) || a.ref.localeCompare(b.ref);
    expect(listed.map(asMove).sort(order)).toEqual(moves.sort(order));
  });

  it('sums a cell past 2^53 exactly, where floating point would lose units', async () => {
    const count = 1_100;
    const minor = 9_007_199_254_741; // a safe integer, ~2^53 / 1000
    const log: RecordedEvent[] = [];
    for (let index = 0; index < count; index += 1) {
      const payment = { provider: 'kraken-embed', ref: `big-${index}` };
      const at = new Date(start + index).toISOString();
      let state: PaymentState = initialState();
      const command: PaymentCommand = {
        type: 'RecordProviderReport',
        data: {
          payment,
          report: {
            vocabulary: 'status',
            providerStatus: 'success',
            status: 'success',
            amount: { minor, currency: 'USD' },
          },
          evidence: {
            deliveryKey: `big-${index}`,
            channel: 'webhook',
            receivedAt: at,
            verification: { method: 'hmac-sha256', trust: 'verified' },
          },
        },
      };
      decide(command, state).forEach((event, revision) => {
        state = evolve(state, event);
        log.push({
          id: `big-${index}@${revision}`,
          type: event.type,
          data: event.data,
          metadata: null,
          streamName: paymentStreamName(payment),
          revision: BigInt(revision),
          globalPosition: BigInt(log.length + 1),
          recordedAt: at,
        });
      });
    }
    const readModels = createSqliteReadModelStore(new Database(':memory:'), readModelTables);
    applyBatch(readModels, settlementProjection, log);
    const report = await settlementReport(readModels, settlementProjectionName, {
      from: '2026-10-01',
      to: '2026-10-01',
      asOf: null,
      now: new Date(),
      timezone: 'UTC',
    });
    const exact = BigInt(minor) * BigInt(count);
    expect(exact > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(report.rows).toEqual([
      {
        day: '2026-10-01',
        provider: 'kraken-embed',
        currency: 'USD',
        status: 'success',
        count,
        amountMinor: exact.toString(),
        amount: decimalAmount(exact, 'USD'),
      },
    ]);
    // What adding them as floating-point numbers would have said:
    let float = 0;
    for (let index = 0; index < count; index += 1) float += minor;
    expect(report.rows[0]?.amountMinor).not.toBe(String(float));
  });
});
