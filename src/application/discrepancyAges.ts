import type { AggregateQuery, ReadModelQueries } from '../domain/ports/index.js';
import { discrepanciesProjection } from '../projections/index.js';

/**
 * How long unresolved discrepancies have been open: under an hour, a day, a week, or longer.
 * `key` is the metrics' `age` label, `label` the console's column.
 */
export const discrepancyAges = [
  { key: 'under_1h', label: 'under 1 h', seconds: 0 },
  { key: '1h_to_1d', label: '1 h – 1 d', seconds: 3_600 },
  { key: '1d_to_7d', label: '1 d – 7 d', seconds: 86_400 },
  { key: 'over_7d', label: 'over 7 d', seconds: 7 * 86_400 },
] as const;

export type DiscrepancyAge = (typeof discrepancyAges)[number]['key'];

/** Unresolved discrepancies by kind: all of them, or those opened after an instant. */
export const unresolvedByKind = (openedAfter?: string): AggregateQuery => ({
  groupBy: ['kind'],
  where: [
    { column: 'status', op: 'in', values: ['open', 'acknowledged'] },
    ...(openedAfter === undefined
      ? []
      : [{ column: 'openedAt', op: '>' as const, value: openedAfter }]),
  ],
});

/**
 * Unresolved discrepancies by kind and age, for the console's overview and the metrics alike.
 * All of them by kind once, then only the young ones past each bound (a short range of the
 * index, where most are old): older than a bound is the total less the younger.
 */
export const unresolvedByKindAndAge = (
  readModels: ReadModelQueries,
  now: Date,
): ReadonlyArray<Readonly<{ kind: string; age: DiscrepancyAge; count: number }>> => {
  const counted = (request: AggregateQuery) =>
    new Map(
      readModels
        .aggregate(discrepanciesProjection.name, request)
        .map((group) => [String(group.key['kind']), group.count] as const),
    );
  const all = counted(unresolvedByKind());
  const olderThan = discrepancyAges.map(({ seconds }) => {
    if (seconds === 0) return all;
    const younger = counted(
      unresolvedByKind(new Date(now.getTime() - seconds * 1000).toISOString()),
    );
    return new Map([...all].map(([kind, count]) => [kind, count - (younger.get(kind) ?? 0)]));
  });
  return [...all.keys()].flatMap((kind) =>
    discrepancyAges.map(({ key }, index) => ({
      kind,
      age: key,
      count: (olderThan[index]?.get(kind) ?? 0) - (olderThan[index + 1]?.get(kind) ?? 0),
    })),
  );
};
