export { createReconciler } from './reconciler.js';
export type {
  Reconciler,
  ReconcilerOptions,
  CheckResult,
  CycleSummary,
  LastCycle,
  DuePayment,
} from './reconciler.js';
export { paymentsDue } from './paymentsDue.js';
export { createFulfilmentDispatcher } from './fulfilmentDispatcher.js';
export type { FulfilmentDispatcher, FulfilmentDispatcherOptions } from './fulfilmentDispatcher.js';
