import type { DiscrepancyAgeBucket, FinanceFigures } from '../adapters/metrics/serviceMetrics.js';
import type { ReadModelQueries } from '../domain/ports/index.js';
import {
  discrepanciesProjection,
  fulfilmentsProjection,
  paymentsProjectionName,
} from '../projections/index.js';

const hour = 3_600_000;

/** Each age bucket's bounds: opened after `newerThan` ms ago and at most `olderThan` ms ago. */
const buckets: ReadonlyArray<
  Readonly<{ age: DiscrepancyAgeBucket; from: number; to: number | null }>
> = [
  { age: 'under_1h', from: 0, to: hour },
  { age: '1h_to_1d', from: hour, to: 24 * hour },
  { age: '1d_to_7d', from: 24 * hour, to: 7 * 24 * hour },
  { age: 'over_7d', from: 7 * 24 * hour, to: null },
];

/**
 * The figures finance and operators alert on, each one index range of a read model: open
 * discrepancies by kind and age, exhausted fulfilments, the oldest due check, denied hints.
 */
export const financeFigures = (readModels: ReadModelQueries, now: Date): FinanceFigures => {
  const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  const unresolved = { column: 'status', op: 'in' as const, values: ['open', 'acknowledged'] };
  const openDiscrepancies = buckets.flatMap(({ age, from, to }) =>
    readModels
      .aggregate(discrepanciesProjection.name, {
        groupBy: ['kind'],
        where: [
          unresolved,
          { column: 'openedAt', op: '<=', value: at(from) },
          ...(to === null ? [] : [{ column: 'openedAt', op: '>' as const, value: at(to) }]),
        ],
      })
      .map((group) => ({ kind: String(group.key['kind']), age, count: group.count })),
  );
  const count = (
    projection: string,
    where: Parameters<ReadModelQueries['aggregate']>[1]['where'],
  ) =>
    readModels.aggregate(projection, { groupBy: [], ...(where ? { where } : {}) })[0]?.count ?? 0;
  const [oldest] = readModels.due(paymentsProjectionName, { dueBy: now.toISOString(), limit: 1 });
  return {
    openDiscrepancies,
    exhaustedFulfilments: count(fulfilmentsProjection.name, [
      { column: 'status', op: '=', value: 'exhausted' },
    ]),
    oldestOverdueCheckSeconds:
      oldest === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest.dueAt)) / 1000),
    contradictedHints: count(discrepanciesProjection.name, [
      { column: 'kind', op: '=', value: 'contradicted-hint' },
    ]),
  };
};
