export { startTelemetry } from './startTelemetry.js';
export type { Telemetry } from './startTelemetry.js';
export { contextOf, currentTraceparent, inSpan, recordProjected } from './tracing.js';
