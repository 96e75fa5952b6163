export { decide, compareRegistration } from './decidePayment.js';
export { decideClaim } from './leaseClaim.js';
export { toNewEvent, toPaymentEvent, foldRecorded } from './paymentEventCodec.js';
export {
  nextCheckAt,
  checkOffsetsSeconds,
  laterCheckEverySeconds,
  refundWatchDays,
} from './reconciliationSchedule.js';
export { fulfilmentMessageId } from './fulfilmentMessageId.js';
export { addSeconds } from './instant.js';
export { statusMoveOf } from './statusMove.js';
export { settlementFactsOf, evolveSettlementBasis } from './settlementFacts.js';
export type { SettlementFacts, SettlementBasis } from './settlementFacts.js';
export type { RegistrationComparison } from './decidePayment.js';
export { initialState, known } from './paymentState.js';
export { evolve, foldPayment } from './evolvePayment.js';
export type {
  PaymentState,
  KnownPayment,
  UnknownPayment,
  StatusOrigin,
  EvidenceMark,
  HintClaim,
} from './paymentState.js';
export type {
  PaymentEvent,
  PaymentEventType,
  PaymentRegistered,
  ProviderReportRecorded,
  PaymentStatusChanged,
  StatusMove,
  PaymentStatusCorrected,
  DiscrepancyDetected,
  DiscrepancyAcknowledged,
  DiscrepancyResolved,
  StatusCheckFailed,
  FulfilmentEvent,
  FulfilmentRequested,
  FulfilmentAttemptFailed,
  FulfilmentDelivered,
  FulfilmentExhausted,
  FulfilmentRedriven,
} from './paymentEvents.js';
export { paymentEventTypes, isPaymentEventType } from './paymentEvents.js';
export type {
  PaymentCommand,
  RegisterPayment,
  RecordProviderReport,
  RecordFulfilmentAttempt,
  RedriveFulfilment,
  RecordStatusCheckFailure,
  FlagIfOverdue,
  AcknowledgeDiscrepancy,
  ResolveDiscrepancy,
} from './paymentCommands.js';
export type { Fulfilment, FulfilmentStatus, FulfilmentRetryPolicy } from './fulfilment.js';
export {
  fulfilmentStatuses,
  needsFulfilment,
  fulfilmentKey,
  defaultFulfilmentRetryPolicy,
  retryDelaySeconds,
} from './fulfilment.js';
export type {
  Channel,
  Trust,
  Verification,
  VerificationMethod,
  Evidence,
  ProviderReport,
} from './evidence.js';
export type { ExpectedPayment } from './expectedPayment.js';
export { sameExpectedPayment } from './expectedPayment.js';
export type {
  Acknowledgement,
  AutomaticResolution,
  Discrepancy,
  DiscrepancyKind,
  OpenDiscrepancy,
  OperatorResolution,
  PreviousResolution,
} from './discrepancy.js';
export {
  discrepancyId,
  amountDisagreement,
  operatorResolutions,
  publicDiscrepancyKinds,
  publicKindOf,
  differingFieldOf,
} from './discrepancy.js';
export type { PublicDiscrepancyKind } from './discrepancy.js';
export { reportEffects } from './reportJudgement.js';
export type { ReportEffect, ReportJudgement } from './reportJudgement.js';
export type { Money, MoneyParseResult } from './money.js';
export {
  currencySchema,
  currencyExponent,
  moneyFromDecimal,
  moneyFromMinorUnits,
  formatMoney,
  sameMoney,
  decimalAmount,
} from './money.js';
export type { PaymentStatus, TerminalStatus } from './paymentStatus.js';
export { paymentStatuses, isTerminal, canTransition, precedes } from './paymentStatus.js';
export type { PaymentId, ProviderName } from './paymentId.js';
export {
  providerNameSchema,
  paymentKey,
  paymentFromKey,
  paymentRefSchema,
  paymentIdSchema,
  paymentStreamName,
  paymentStreamPrefix,
  paymentIdFromStreamName,
} from './paymentId.js';
export type { StatusVocabulary } from './statusVocabulary.js';
export { mapStatus, isKnownValue } from './statusVocabulary.js';
export {
  PayrecError,
  payrecErrorWithCode,
  EventStoreFailed,
  StoreFull,
  StoreCorrupt,
  RoleLost,
  StreamConflict,
  EventStoreClosed,
  ProviderUnavailable,
} from './errors.js';
export type { DomainError, DomainErrorCode } from './errors.js';
