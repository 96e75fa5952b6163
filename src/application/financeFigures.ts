import type { ReadModelQueries } from '../domain/ports/index.js';
import {
  discrepanciesProjection,
  fulfilmentsProjection,
  paymentsProjectionName,
} from '../projections/index.js';
import { unresolvedByKindAndAge, type DiscrepancyAge } from './discrepancyAges.js';

/** What finance and operators alert on (the metrics `payrec_open_discrepancies` and others). */
export type FinanceFigures = Readonly<{
  /** Unresolved (open or acknowledged) discrepancies by kind and age. */
  openDiscrepancies: ReadonlyArray<Readonly<{ kind: string; age: DiscrepancyAge; count: number }>>;
  exhaustedFulfilments: number;
  /** How long the longest-waiting due status check has been due, in seconds (0: none). */
  oldestOverdueCheckSeconds: number;
  /** Hints the status endpoint has denied, ever (each a `contradicted-hint` discrepancy). */
  contradictedHints: number;
}>;

/**
 * The figures finance and operators alert on, each read from an index: unresolved
 * discrepancies by kind and age (as the console's overview counts them), exhausted
 * fulfilments, the oldest due check, denied hints.
 */
export const financeFigures = (readModels: ReadModelQueries, now: Date): FinanceFigures => {
  const openDiscrepancies = unresolvedByKindAndAge(readModels, now);
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
