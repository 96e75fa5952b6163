import { discrepanciesProjection } from './discrepanciesProjection.js';
import { fulfilmentsProjection } from './fulfilmentsProjection.js';
import { paymentsProjection } from './paymentsProjection.js';
import type { Projection } from './projection.js';

/** Every projection payrec runs, in the order `payrec projections rebuild` takes them. */
export const allProjections: readonly Projection[] = [
  paymentsProjection,
  fulfilmentsProjection,
  discrepanciesProjection,
];
