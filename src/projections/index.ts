export type { Projection } from './projection.js';
export { paymentsProjection, paymentStateFromDocument } from './paymentsProjection.js';
export { createProjectionRunner, applyBatch } from './projectionRunner.js';
export type {
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionStatus,
} from './projectionRunner.js';
export { paymentView } from './paymentView.js';
export type { PaymentView } from './paymentView.js';
export { rebuildProjection } from './rebuildProjection.js';
export { fulfilmentsProjection } from './fulfilmentsProjection.js';
export type { FulfilmentView } from './fulfilmentsProjection.js';
export { allProjections } from './allProjections.js';
export { discrepanciesProjection } from './discrepanciesProjection.js';
export type { DiscrepancyView } from './discrepanciesProjection.js';
export { CheckpointMoved } from './projectionRunner.js';
export { catchUpProjection } from './catchUpProjection.js';
export { projectionsReady, maxReadyLagEvents } from './projectionsReady.js';
