export { buildHttpServer } from './buildHttpServer.js';
export type { HttpServerOptions, ReadinessCheck } from './buildHttpServer.js';
export { toErrorAnswer } from './httpErrors.js';
export type { ErrorAnswer } from './httpErrors.js';
export { registerWebhookRoutes } from './webhookRoutes.js';
export type { WebhookRoutesOptions, WebhookVerifier } from './webhookRoutes.js';
