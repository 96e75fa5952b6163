export { openStorage } from './openStorage.js';
export type { Storage } from './openStorage.js';
export { systemClock } from './systemClock.js';
export { startProjections } from './startProjections.js';
export type { Projections } from './startProjections.js';
export { createStatusEndpoints } from './statusEndpoints.js';
export type { StatusEndpoints, StatusEndpointsOptions } from './statusEndpoints.js';
export { createServiceReconciler } from './serviceReconciler.js';
export { startFulfilments } from './startFulfilments.js';
