export type { Projection, AnyProjection, ProjectedEvent, ProjectedDocument } from './projection.js';
export {
  createPaymentsProjection,
  paymentsProjectionName,
  paymentStateFromDocument,
  storedPayment,
} from './paymentsProjection.js';
export type { StoredPayment, HasStatusEndpoint } from './paymentsProjection.js';
export {
  createProjectionRunner,
  applyBatch,
  decodeForProjection,
  projectionFilter,
} from './projectionRunner.js';
export type {
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionStatus,
} from './projectionRunner.js';
export { paymentView } from './paymentView.js';
export type { PaymentView } from './paymentView.js';
export { rebuildProjection } from './rebuildProjection.js';
export { fulfilmentsProjection, storedFulfilment } from './fulfilmentsProjection.js';
export type { FulfilmentView } from './fulfilmentsProjection.js';
export { createProjections, projectionNames } from './createProjections.js';
export { discrepanciesProjection } from './discrepanciesProjection.js';
export type { DiscrepancyView } from './discrepanciesProjection.js';
export { CheckpointMoved } from './projectionRunner.js';
export { catchUpProjection } from './catchUpProjection.js';
export { projectionsReady, maxReadyLagEvents } from './projectionsReady.js';
