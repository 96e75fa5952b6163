export { buildHttpServer } from './buildHttpServer.js';
export type { HttpServerOptions, ReadinessCheck } from './buildHttpServer.js';
export { toErrorAnswer } from './httpErrors.js';
export type { ErrorAnswer } from './httpErrors.js';
