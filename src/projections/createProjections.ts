import { discrepanciesProjection } from './discrepanciesProjection.js';
import { fulfilmentsProjection } from './fulfilmentsProjection.js';
import {
  createPaymentsProjection,
  paymentsProjectionName,
  paymentsTable,
  type HasStatusEndpoint,
} from './paymentsProjection.js';
import { paymentCountsProjection } from './paymentCountsProjection.js';
import type { AnyProjection } from './projection.js';
import {
  settlementProjection,
  settlementProjectionSkippingRefunds,
} from './settlementProjection.js';
import type { ReadModelTable } from '../domain/ports/index.js';

/**
 * Every projection payrec runs, in the order `payrec projections rebuild` takes them. The
 * payments projection schedules status checks, so it is told which providers have a status
 * endpoint (from the provider modules).
 */
export const createProjections = (
  hasStatusEndpoint: HasStatusEndpoint,
  {
    plantRefundsDropped = false,
  }: Readonly<{
    /** The simulation's `drop-refund-from-report` plant: the settlement projection skips refunds. */
    plantRefundsDropped?: boolean;
  }> = {},
): readonly AnyProjection[] => [
  createPaymentsProjection(hasStatusEndpoint),
  fulfilmentsProjection,
  discrepanciesProjection,
  plantRefundsDropped ? settlementProjectionSkippingRefunds : settlementProjection,
  paymentCountsProjection,
];

/** The projections' names, for a command's usage without any configuration. */
export const projectionNames = [
  'payments',
  'fulfilments',
  'discrepancies',
  'settlement',
  'payment_counts',
] as const;

/**
 * Each projection's table: its own columns and indexes, for the read-model store to create
 * (the payments projection's is fixed, whatever the providers).
 */
export const readModelTables: Readonly<Record<string, ReadModelTable>> = {
  [paymentsProjectionName]: paymentsTable,
  [fulfilmentsProjection.name]: { columns: {}, indexes: [] },
  [discrepanciesProjection.name]: discrepanciesProjection.table ?? { columns: {}, indexes: [] },
  [settlementProjection.name]: settlementProjection.table ?? { columns: {}, indexes: [] },
  [paymentCountsProjection.name]: { columns: {}, indexes: [] },
};
