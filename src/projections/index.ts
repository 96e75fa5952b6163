export type { Projection, AnyProjection, ProjectedEvent, ProjectedDocument } from './projection.js';
export {
  createPaymentsProjection,
  paymentsProjectionName,
  paymentsTable,
  paymentAmount,
  paymentStateFromDocument,
  paymentStateOf,
  storedPayment,
} from './paymentsProjection.js';
export type { StoredPayment, HasStatusEndpoint } from './paymentsProjection.js';
export {
  createProjectionRunner,
  applyBatch,
  applyBatchToAll,
  decodeForProjection,
  projectionFilter,
} from './projectionRunner.js';
export type {
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionStatus,
} from './projectionRunner.js';
export { rebuildProjection } from './rebuildProjection.js';
export { fulfilmentsProjection, storedFulfilment } from './fulfilmentsProjection.js';
export type { FulfilmentView } from './fulfilmentsProjection.js';
export { createProjections, projectionNames, readModelTables } from './createProjections.js';
export {
  settlementProjection,
  settlementProjectionName,
  statusChangeOfRow,
} from './settlementProjection.js';
export type { RecordedStatusChange, SettlementSnapshot } from './settlementProjection.js';
export {
  discrepanciesProjection,
  discrepancyColumns,
  discrepancyFromStream,
  discrepancyRow,
  discrepancyKinds,
  discrepancyOfPublicId,
  discrepancyStates,
  publicDiscrepancyId,
  storedDiscrepancy,
} from './discrepanciesProjection.js';
export type {
  DiscrepancyView,
  DiscrepancyState,
  PublicDiscrepancyKind,
  Difference,
} from './discrepanciesProjection.js';
export { CheckpointMoved } from './projectionRunner.js';
export { catchUpProjection } from './catchUpProjection.js';
export { projectionsReady, maxReadyLagEvents } from './projectionsReady.js';
export {
  paymentCountsProjection,
  paymentCountRows,
  paymentCountsDocumentId,
} from './paymentCountsProjection.js';
export type { PaymentCounts } from './paymentCountsProjection.js';
