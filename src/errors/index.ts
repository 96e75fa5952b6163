export {
  WebhookRejected,
  RequestRejected,
  ConfigInvalid,
  StoreUnavailable,
  BackupFailed,
  ReadModelsBehind,
} from './edgeErrors.js';
export type { WebhookRejectionCode, RequestRejectionCode } from './edgeErrors.js';
export type { AnyPayrecError, ErrorCode } from './errorCode.js';
