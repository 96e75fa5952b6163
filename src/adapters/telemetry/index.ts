export { startTelemetry } from './startTelemetry.js';
export type { Telemetry } from './startTelemetry.js';
export { contextOf, currentTraceparent, inSpan, newTrace, recordProjected } from './tracing.js';
