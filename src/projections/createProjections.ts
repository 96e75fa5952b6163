import { discrepanciesProjection } from './discrepanciesProjection.js';
import { fulfilmentsProjection } from './fulfilmentsProjection.js';
import { createPaymentsProjection, type HasStatusEndpoint } from './paymentsProjection.js';
import type { AnyProjection } from './projection.js';

/**
 * Every projection payrec runs, in the order `payrec projections rebuild` takes them. The
 * payments projection schedules status checks, so it is told which providers have a status
 * endpoint (from the provider modules).
 */
export const createProjections = (
  hasStatusEndpoint: HasStatusEndpoint,
): readonly AnyProjection[] => [
  createPaymentsProjection(hasStatusEndpoint),
  fulfilmentsProjection,
  discrepanciesProjection,
];

/** The projections' names, for a command's usage without any configuration. */
export const projectionNames = ['payments', 'fulfilments', 'discrepancies'] as const;
