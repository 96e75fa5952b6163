import { paymentStatuses, type ProviderName } from '../domain/index.js';
import type { AggregateQuery, DeliveryOutcome, ReadModelQueries } from '../domain/ports/index.js';
import {
  discrepanciesProjection,
  fulfilmentsProjection,
  paymentCountRows,
  paymentCountsDocumentId,
  paymentCountsProjection,
  type PaymentCounts,
} from '../projections/index.js';
import { discrepancyAges, unresolvedByKind, unresolvedByKindAndAge } from './discrepancyAges.js';

/** Where the projections stand: how far behind the log each is, and when it last applied. */
export type ProjectionStanding = Readonly<{
  name: string;
  running: boolean;
  /** Events behind the head of the log; `null` when the store cannot tell. */
  behind: number | null;
  appliedAt: string | null;
  error: string | null;
}>;

/** The last reconciliation cycle this process ran. */
export type CycleStanding = Readonly<{
  finishedAt: string;
  due: number;
  durationMs: number;
  results: Readonly<Record<string, number>>;
}>;

/** What the overview reads, each one query on an index (or one document). */
export type OverviewSources = Readonly<{
  readModels: ReadModelQueries;
  /** From a minute on (`YYYY-MM-DDTHH:MM`). */
  deliveriesPerMinute: (
    fromMinute: string,
  ) => ReadonlyArray<Readonly<{ minute: string; outcome: DeliveryOutcome; count: number }>>;
  projections: () => Promise<readonly ProjectionStanding[]>;
  lastCycle: () => CycleStanding | null;
  /** Who holds each role among the processes on the store, and since when. */
  roles: () => Promise<readonly RoleStanding[]>;
  /** The scheduled backups; `null` when they are off. */
  backups: () => BackupStanding | null;
}>;

/** The scheduled backups: the newest whole one, how many are kept, this process's failures. */
export type BackupStanding = Readonly<{
  dir: string;
  keep: number;
  kept: number;
  last: Readonly<{
    finishedAt: string;
    tookMs: number;
    bytes: number;
    events: number | null;
  }> | null;
  failures: number;
  lastFailure: Readonly<{ at: string; reason: string }> | null;
  running: boolean;
}>;

/** A role, its holder (`null`: none now) and since when; `here` when this process holds it. */
export type RoleStanding = Readonly<{
  role: string;
  holder: string | null;
  since: string | null;
  here: boolean;
}>;

export type OverviewFigures = Readonly<{
  payments: Readonly<{
    statuses: readonly string[];
    providers: readonly ProviderName[];
    /** `counts[status][provider]`. */
    counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
    total: number;
  }>;
  /** The last 60 minutes, oldest first. */
  /** Verified ones (new or repeats of one recorded) and rejected ones. */
  deliveries: ReadonlyArray<Readonly<{ minute: string; verified: number; rejected: number }>>;
  discrepancies: Readonly<{
    ages: readonly string[];
    /** `byKind[kind][age]`: open (or acknowledged) ones, by how long they have been open. */
    byKind: Readonly<Record<string, Readonly<Record<string, number>>>>;
    total: number;
  }>;
  exhaustedFulfilments: number;
  projections: readonly ProjectionStanding[];
  lastCycle: CycleStanding | null;
  roles: readonly RoleStanding[];
  backups: BackupStanding | null;
}>;

/** One of the overview's aggregates: the read model and the query. */
type OverviewAggregate = Readonly<{ projection: string; request: AggregateQuery }>;

const exhaustedFulfilments: OverviewAggregate = {
  projection: fulfilmentsProjection.name,
  request: { groupBy: [], where: [{ column: 'status', op: '=', value: 'exhausted' }] },
};

/**
 * The console's overview, each figure from an index alone or a few rows (docs/console.md):
 * payments by status and provider (the counts projection), deliveries per minute over the last
 * hour (counted by the delivery log as it writes), unresolved discrepancies by kind and age (an index on
 * state, kind and opening time), exhausted fulfilments (the status index), where the projections
 * stand, and the last reconciliation cycle.
 */
export const overviewFigures = async (
  { readModels, deliveriesPerMinute, projections, lastCycle, roles, backups }: OverviewSources,
  now: Date,
): Promise<OverviewFigures> => {
  const counts: Record<string, Record<string, number>> = {};
  const providers = new Set<ProviderName>();
  let total = 0;
  const document = readModels.get(
    paymentCountsProjection.name,
    paymentCountsDocumentId,
  ) as PaymentCounts | null;
  for (const row of paymentCountRows(document)) {
    (counts[row.status] ??= {})[row.provider] = row.count;
    providers.add(row.provider);
    total += row.count;
  }

  const hourAgo = new Date(now.getTime() - 59 * 60_000);
  const firstMinute = hourAgo.toISOString().slice(0, 16);
  const perMinute = new Map<string, { verified: number; rejected: number }>();
  for (let minute = 0; minute < 60; minute += 1) {
    const at = new Date(hourAgo.getTime() + minute * 60_000).toISOString().slice(0, 16);
    perMinute.set(at, { verified: 0, rejected: 0 });
  }
  for (const { minute, outcome, count } of deliveriesPerMinute(firstMinute)) {
    const slot = perMinute.get(minute);
    if (slot === undefined) continue;
    if (outcome === 'rejected') slot.rejected += count;
    else slot.verified += count;
  }

  const byKind: Record<string, Record<string, number>> = {};
  let discrepancyTotal = 0;
  for (const { kind, age, count } of unresolvedByKindAndAge(readModels, now)) {
    const label = discrepancyAges.find(({ key }) => key === age)?.label ?? age;
    (byKind[kind] ??= {})[label] = count;
    discrepancyTotal += count;
  }

  const exhausted =
    readModels.aggregate(exhaustedFulfilments.projection, exhaustedFulfilments.request)[0]?.count ??
    0;

  return {
    payments: { statuses: paymentStatuses, providers: [...providers].sort(), counts, total },
    deliveries: [...perMinute].map(([minute, slot]) => ({ minute, ...slot })),
    discrepancies: {
      ages: discrepancyAges.map(({ label }) => label),
      byKind,
      total: discrepancyTotal,
    },
    exhaustedFulfilments: exhausted,
    projections: await projections(),
    lastCycle: lastCycle(),
    roles: await roles(),
    backups: backups(),
  };
};

/** The overview's aggregates, as it runs them, for checking their plans (tests, the bench). */
export const overviewAggregates = (now: Date): readonly OverviewAggregate[] => [
  { projection: discrepanciesProjection.name, request: unresolvedByKind() },
  {
    projection: discrepanciesProjection.name,
    request: unresolvedByKind(new Date(now.getTime() - 3_600_000).toISOString()),
  },
  exhaustedFulfilments,
];
