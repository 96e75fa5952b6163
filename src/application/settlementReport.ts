import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  currencySchema,
  decimalAmount,
  type PaymentStatus,
  type ProviderName,
} from '../domain/index.js';
import type { ColumnFilter, ReadModelQueries } from '../domain/ports/index.js';
import { RequestRejected } from '../errors/index.js';
import { statusChangeOfRow } from '../projections/index.js';
import { documentPage } from './documentPage.js';
import { instantDate } from './isoInstant.js';
import { knownProvider } from './knownProvider.js';

/** One cell of the settlement report: a day × provider × currency × status, counted and summed. */
export type SettlementRow = Readonly<{
  /** The local day (`YYYY-MM-DD`, in the report's time zone) the payments reached `status`. */
  day: string;
  provider: string;
  /** `null` for payments whose amount payrec does not know (counted, summed as 0). */
  currency: string | null;
  status: PaymentStatus;
  count: number;
  /** The exact sum in minor units, as an integer string. */
  amountMinor: string;
  /** The same as a decimal string with the currency's exponent (`null` without a currency). */
  amount: string | null;
}>;

export type SettlementReport = Readonly<{
  timezone: string;
  /** The instant the report is as of. */
  asOf: string;
  from: string;
  to: string;
  rows: SettlementRow[];
}>;

export type SettlementQuery = Readonly<{
  /** First and last local day, inclusive (`YYYY-MM-DD`). */
  from: string;
  to: string;
  /** The instant to report as of; `null`: now (the current facts). */
  asOf: Date | null;
  now: Date;
  timezone: string;
  provider?: string | undefined;
  currency?: string | undefined;
}>;

/** The longest period one report covers, in days. */
export const maxReportDays = 366;

/** Why a report cannot be made as asked: `INVALID_QUERY` (a 400 on HTTP, a usage error on the command line). */
const invalidQuery = (reason: string) => new RequestRejected('INVALID_QUERY', reason);

/** The settlement report's columns, in the order CSV and NDJSON give them. */
export const settlementColumns = [
  'day',
  'provider',
  'currency',
  'status',
  'count',
  'amountMinor',
  'amount',
] as const;

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const day = z.string().regex(dayPattern, 'must be a day written YYYY-MM-DD');

/** What a settlement report takes: the API's query and the command's options alike. */
export const settlementQuerySchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    from: day,
    to: day,
    asOf: instantDate.optional(),
    provider: knownProvider(providers).optional(),
    currency: currencySchema.optional(),
  });

const dayMs = 86_400_000;

/**
 * The UTC instants (ISO, as payrec writes them) at which each local day of [from, to] begins and
 * ends. Luxon's zone says each day's offset; where a day begins at midnight and tomorrow has its
 * offset, tomorrow begins 24 hours later, and otherwise Luxon finds where tomorrow begins.
 * (Adding every day with Luxon took 12–59 ms for 366 days, on the event loop of every report;
 * one offset a day takes 1–4 ms.)
 */
export const localDays = (
  from: string,
  to: string,
  timezone: string,
): Array<Readonly<{ day: string; start: string; end: string }>> => {
  const first = DateTime.fromISO(from, { zone: timezone });
  const last = DateTime.fromISO(to, { zone: timezone });
  if (!first.isValid || !last.isValid || !dayPattern.test(from) || !dayPattern.test(to)) {
    throw invalidQuery('from and to must be days written YYYY-MM-DD.');
  }
  if (last < first) throw invalidQuery('to must not be before from.');
  const zone = first.zone;
  const lastStart = last.toMillis();
  const days: Array<Readonly<{ day: string; start: string; end: string }>> = [];
  // From the day before: where a clock goes back across midnight (Casey, 8 March 2020) midnight
  // comes twice, and Luxon's start of that day is the second; the day before ends at the first.
  let start = first.minus({ days: 1 }).startOf('day').toMillis();
  let offset = zone.offset(start);
  let dayBefore = true;
  while (start <= lastStart) {
    if (days.length >= maxReportDays) {
      throw invalidQuery(`A report covers at most ${maxReportDays} days.`);
    }
    // A day whose midnight a clock change skipped begins later (Santiago's spring, at midnight).
    const local = start + offset * 60_000;
    const atMidnight = local - Math.floor(local / dayMs) * dayMs === 0;
    const sameOffsetTomorrow = atMidnight && zone.offset(start + dayMs) === offset;
    const end = sameOffsetTomorrow
      ? start + dayMs
      : DateTime.fromMillis(start, { zone }).plus({ days: 1 }).startOf('day').toMillis();
    if (!dayBefore)
      days.push({
        day: new Date(local).toISOString().slice(0, 10),
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
      });
    start = end;
    offset = sameOffsetTomorrow ? offset : zone.offset(start);
    dayBefore = false;
  }
  return days;
};

/** The conditions for the snapshots valid at `asOf` (the current ones when it is `null`). */
const validAt = (asOf: string | null): ColumnFilter[] =>
  asOf === null
    ? [{ column: 'validTo', op: 'null' }]
    : [
        { column: 'validFrom', op: '<=', value: asOf },
        { column: 'validTo', op: '>', value: asOf, orNull: true },
      ];

/**
 * The settlement report (docs/http.md `GET /reports/settlement`): for each local day of the
 * period, provider, currency and status, how many payments reached that status that day and had
 * it at `asOf`, and their exact sum. Read from the settlement projection's snapshots, one index
 * range per day, all from one snapshot and off the caller's event loop (`aggregateAll`); sums
 * are SQLite's integer sums (exact, or an error past 64 bits), never floats.
 */
export const settlementReport = async (
  readModels: ReadModelQueries,
  projection: string,
  query: SettlementQuery,
): Promise<SettlementReport> => {
  const asOf = query.asOf === null ? null : query.asOf.toISOString();
  const days = localDays(query.from, query.to, query.timezone);
  const filters: ColumnFilter[] = [
    ...validAt(asOf),
    ...(query.provider === undefined
      ? []
      : [{ column: 'provider', op: '=' as const, value: query.provider }]),
    ...(query.currency === undefined
      ? []
      : [{ column: 'currency', op: '=' as const, value: query.currency }]),
  ];
  const groupsByDay = await readModels.aggregateAll(
    projection,
    days.map(({ start, end }) => ({
      groupBy: ['provider', 'currency', 'status'],
      sum: 'amountMinor',
      where: [
        { column: 'statusAt', op: '>=', value: start },
        { column: 'statusAt', op: '<', value: end },
        ...filters,
      ],
    })),
  );
  const rows = days.flatMap(({ day }, index) =>
    (groupsByDay[index] ?? [])
      .map((group): SettlementRow => {
        const currency = typeof group.key['currency'] === 'string' ? group.key['currency'] : null;
        return {
          day,
          provider: String(group.key['provider']),
          currency,
          status: String(group.key['status']) as PaymentStatus,
          count: group.count,
          amountMinor: group.sum.toString(),
          amount: currency === null ? null : decimalAmount(group.sum, currency),
        };
      })
      .sort(
        (a, b) =>
          a.provider.localeCompare(b.provider) ||
          (a.currency ?? '').localeCompare(b.currency ?? '') ||
          a.status.localeCompare(b.status),
      ),
  );
  return {
    timezone: query.timezone,
    asOf: asOf ?? query.now.toISOString(),
    from: query.from,
    to: query.to,
    rows,
  };
};

/** One status change recorded in a period, with the event that made it. */
export type SettlementChange = Readonly<{
  provider: string;
  ref: string;
  from: string;
  to: string;
  /** When the payment reached `to` (the report's day is taken from it). */
  at: string;
  /** When payrec recorded the change. */
  recordedAt: string;
  eventType: string;
}>;

/**
 * A page of the status changes recorded after `since` (and up to `asOf`), oldest first, for
 * `GET /reports/settlement/changes`.
 */
export const settlementChanges = (
  readModels: ReadModelQueries,
  projection: string,
  {
    since,
    asOf,
    limit,
    cursor,
  }: Readonly<{ since: Date; asOf?: Date | undefined; limit: number; cursor?: string | undefined }>,
): Readonly<{ changes: SettlementChange[]; nextCursor: string | null }> => {
  const page = documentPage(
    readModels,
    projection,
    {
      limit,
      cursor,
      orderBy: 'validFrom',
      where: [
        { column: 'fromStatus', op: 'not-null' },
        { column: 'validFrom', op: '>', value: since.toISOString() },
        ...(asOf === undefined
          ? []
          : [{ column: 'validFrom', op: '<=' as const, value: asOf.toISOString() }]),
      ],
    },
    (row): SettlementChange[] => {
      const change = statusChangeOfRow(row);
      return change === null
        ? []
        : [
            {
              provider: change.payment.provider,
              ref: change.payment.ref,
              from: change.from,
              to: change.to,
              at: change.at,
              recordedAt: change.recordedAt,
              eventType: change.eventType,
            },
          ];
    },
  );
  return { changes: page.items, nextCursor: page.nextCursor };
};
