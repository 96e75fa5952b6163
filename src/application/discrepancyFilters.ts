import { z } from 'zod';
import type { ProviderName } from '../domain/index.js';
import type { ColumnFilter } from '../domain/ports/index.js';
import { discrepancyKinds, discrepancyStates, type DiscrepancyView } from '../projections/index.js';
import { equalTo } from './documentPage.js';
import { utcInstant } from './isoInstant.js';
import { knownProvider, providerList } from './knownProvider.js';

/** The filters of `GET /discrepancies` and `GET /exports/discrepancies`. */
export const discrepancyFiltersSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    state: z.enum(discrepancyStates).optional(),
    /** The older two-state filter: `open` is open or acknowledged. */
    status: z.enum(['open', 'resolved']).optional(),
    kind: z.enum(discrepancyKinds).optional(),
    provider: knownProvider(providers).optional(),
    /** Opened before this instant. */
    olderThan: utcInstant.optional(),
  });

export type DiscrepancyFilters = z.output<ReturnType<typeof discrepancyFiltersSchemaFor>>;

export const discrepancyFiltersHelp = (providers: readonly ProviderName[]): string =>
  `state is open, acknowledged or resolved; kind one of ${discrepancyKinds.join(', ')}; provider one of ${providerList(providers)}; olderThan an ISO-8601 instant with a time zone.`;

/** The read-model conditions of the filters (neither `state` nor `status`: every state). */
export const discrepancyConditions = (filters: DiscrepancyFilters): ColumnFilter[] => [
  ...equalTo({ status: filters.state, kind: filters.kind, provider: filters.provider }),
  ...(filters.status === undefined
    ? []
    : filters.status === 'resolved'
      ? [{ column: 'status', op: '=' as const, value: 'resolved' }]
      : [{ column: 'status', op: 'in' as const, values: ['open', 'acknowledged'] }]),
  ...(filters.olderThan === undefined
    ? []
    : [{ column: 'openedAt', op: '<' as const, value: filters.olderThan }]),
];

/** A discrepancy as the API and the console show it: with its age while it is not resolved. */
export const discrepancyWithAge = (view: DiscrepancyView, now: Date) => ({
  ...view,
  ageSeconds:
    view.state === 'resolved'
      ? null
      : Math.max(0, Math.floor((now.getTime() - Date.parse(view.openedAt)) / 1000)),
});
