export { openStorage } from './openStorage.js';
export type { Storage } from './openStorage.js';
export { systemClock } from './systemClock.js';
export { projectionsAsRole, startProjections } from './startProjections.js';
export { bothOf, createRoleKeeper, roleNames } from './roleKeeper.js';
export { watchHints } from './watchHints.js';
export { deadLocalProcess } from './deadLocalProcess.js';
export type { RoleKeeper, RoleName, RoleState, RoleWork } from './roleKeeper.js';
export type { Projections } from './startProjections.js';
export { createStatusEndpoints } from './statusEndpoints.js';
export type { StatusEndpoints, StatusEndpointsOptions } from './statusEndpoints.js';
export {
  createServiceReconciler,
  cycleHolderName,
  reconcileCycleLease,
} from './serviceReconciler.js';
export { startFulfilments } from './startFulfilments.js';
export { registerApiRoutes } from './registerApiRoutes.js';
export { scheduleReconciliation } from './scheduleReconciliation.js';
export { registerWebhookReceivers } from './webhookReceivers.js';
export { serviceMetricsFor } from './serviceMetricsFor.js';
export { readinessChecks } from './readinessChecks.js';
export { repairDeliveryLog } from './repairDeliveryLog.js';
export { openDeliveryLog } from './openDeliveryLog.js';
export { startDeliveryLogRepair } from './scheduleDeliveryLogRepair.js';
export type { DeliveryLogRepair } from './repairDeliveryLog.js';
export { observeWrites, writeFailureStaleMs } from './observedEventStore.js';
export type { WriteHealth } from './observedEventStore.js';
export { reverifierOf } from './reverifierOf.js';
export { backUpStore, backupSourcesOf, backupStoreOf, restoreTargetsOf } from './backupFiles.js';
export { scheduleBackups } from './scheduleBackups.js';
export type { BackupStatus, ScheduledBackups } from './scheduleBackups.js';
export { digestOfLog, migrateEvents } from './migrateEvents.js';
export type { LogDigest, MigrationCheckpoint, MigrationProgress } from './migrateEvents.js';
