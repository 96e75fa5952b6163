export { createPaymentCommandHandler } from './handlePaymentCommand.js';
export type {
  HandledPaymentCommand,
  PaymentCommandHandler,
  PaymentCommandHandlerOptions,
} from './handlePaymentCommand.js';
export { createDeliveryRecorder, deliveryIdOf } from './recordDelivery.js';
export type { DeliveryRecorder, RecordedDelivery } from './recordDelivery.js';
export { markVerified } from './verifiedDelivery.js';
export type { VerifiedDelivery, DeliveredReport, ReceivedDelivery } from './verifiedDelivery.js';
export { fulfilmentEventType, fulfilmentPayload } from './fulfilmentMessage.js';
export type { FulfilmentPayload } from './fulfilmentMessage.js';
export { reportCommandsOf } from './recordDelivery.js';
export { findStoredDelivery } from './storedDelivery.js';
export type { StoredDelivery } from './storedDelivery.js';
export { paymentView } from './paymentView.js';
export type { PaymentView } from './paymentView.js';
export { paymentRegistrationSchema, registerPaymentCommand } from './paymentRegistration.js';
export type { PaymentRegistration } from './paymentRegistration.js';
export { confirmHintsAtOnce } from './confirmHints.js';
export { explainTrail } from './explainTrail.js';
export type { ExplainedEvent } from './explainTrail.js';
export { workDiscrepancy } from './workDiscrepancy.js';
export type { DiscrepancyAction, DiscrepancyWorked } from './workDiscrepancy.js';
export { describeVerification, replayDelivery } from './replayDelivery.js';
export type { DeliveryReverifier, ReplayDecision, ReplayOutcome } from './replayDelivery.js';
export { requireOperate } from './actor.js';
export type { Actor, ActorRole } from './actor.js';
export { createUseCases } from './useCases.js';
export type { UseCases, UseCaseDependencies } from './useCases.js';
export { knownProvider, providerList } from './knownProvider.js';
export { documentPage, equalTo } from './documentPage.js';
export type { DocumentPageQuery } from './documentPage.js';
export { paymentFiltersHelp, paymentFiltersSchemaFor, paymentQueryOf } from './paymentFilters.js';
export type { PaymentFilters } from './paymentFilters.js';
export {
  discrepancyConditions,
  discrepancyFiltersHelp,
  discrepancyFiltersSchemaFor,
  discrepancyWithAge,
} from './discrepancyFilters.js';
export type { DiscrepancyFilters } from './discrepancyFilters.js';
export { alreadyParsed, deliveryColumns, exportKindNames, exportKindsFor } from './exportKinds.js';
export type { ExportKind, ExportKindName, ExportStores, FilterParser } from './exportKinds.js';
export { rowOf } from './exports.js';
export {
  settlementColumns,
  settlementQuerySchemaFor,
  settlementReport,
} from './settlementReport.js';
export { bulkRedriveSchemaFor, maxBulkRedrive, webhookIdSchema } from './fulfilmentUseCases.js';
export type { BulkRedrive, BulkRedriveAnswer } from './fulfilmentUseCases.js';
export {
  acknowledgementSchema,
  createDiscrepancyUseCases,
  resolutionSchema,
} from './discrepancyUseCases.js';
export { createDeliveryUseCases, deliveryIdSchema, deliveryOutcomes } from './deliveryUseCases.js';
export type { ReplayReport } from './deliveryUseCases.js';
export { listQueriesFor, paymentIdSchemaFor } from './listQueries.js';
export type { ListQueries } from './listQueries.js';
export { invalidInput, parseInput } from './parseInput.js';
export { inputProblems } from './inputProblems.js';
export type { FieldNamer } from './inputProblems.js';
export { overviewFigures, overviewAggregates } from './overviewFigures.js';
export type { OverviewFigures, OverviewSources } from './overviewFigures.js';
export { createPaymentUseCases } from './paymentUseCases.js';
export type { TrailEntry } from './paymentUseCases.js';
export { isoInstant, isoInstantRule, utcInstant, instantDate } from './isoInstant.js';
export { differenceInWords } from './discrepancyWords.js';
