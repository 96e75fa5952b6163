export { WebhookRejected, RequestRejected, ConfigInvalid } from './edgeErrors.js';
export type { WebhookRejectionCode, RequestRejectionCode } from './edgeErrors.js';
export type { AnyPayrecError, ErrorCode } from './errorCode.js';
