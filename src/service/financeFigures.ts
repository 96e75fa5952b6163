import type { FinanceFigures } from '../adapters/metrics/serviceMetrics.js';
import { unresolvedByKindAndAge } from '../application/discrepancyAges.js';
import type { ReadModelQueries } from '../domain/ports/index.js';
import {
  discrepanciesProjection,
  fulfilmentsProjection,
  paymentsProjectionName,
} from '../projections/index.js';

/**
 * The figures finance and operators alert on, each one index range of a read model: open
 * discrepancies by kind and age, exhausted fulfilments, the oldest due check, denied hints.
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
