export { createPaymentCommandHandler } from './handlePaymentCommand.js';
export type {
  HandledPaymentCommand,
  PaymentCommandHandler,
  PaymentCommandHandlerOptions,
} from './handlePaymentCommand.js';
export { toNewEvent, toPaymentEvent, foldRecorded } from './paymentEventCodec.js';
export { createDeliveryRecorder, deliveryIdOf } from './recordDelivery.js';
export type { DeliveryRecorder, RecordedDelivery } from './recordDelivery.js';
export { markVerified } from './verifiedDelivery.js';
export type { VerifiedDelivery, DeliveredReport, ReceivedDelivery } from './verifiedDelivery.js';
export {
  fulfilmentMessageId,
  fulfilmentEventType,
  fulfilmentPayload,
} from './fulfilmentMessage.js';
export type { FulfilmentPayload } from './fulfilmentMessage.js';
export { reportCommandsOf } from './recordDelivery.js';
export { findStoredDelivery } from './storedDelivery.js';
export type { StoredDelivery } from './storedDelivery.js';
export { nextCheckAt } from './reconciliationSchedule.js';
export { paymentRegistrationSchema, registerPaymentCommand } from './paymentRegistration.js';
export type { PaymentRegistration } from './paymentRegistration.js';
export { confirmHintsAtOnce } from './confirmHints.js';
export { explainTrail } from './explainTrail.js';
export type { ExplainedEvent } from './explainTrail.js';
export { workDiscrepancy } from './workDiscrepancy.js';
export type { DiscrepancyAction, DiscrepancyWorked } from './workDiscrepancy.js';
export { describeVerification, replayDelivery } from './replayDelivery.js';
export type { DeliveryReverifier, ReplayDecision, ReplayOutcome } from './replayDelivery.js';
