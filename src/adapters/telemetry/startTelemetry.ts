import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export type Telemetry = Readonly<{ shutdown: () => Promise<void> }>;

/**
 * Starts OpenTelemetry's Node SDK when tracing is on (`Config['telemetry']`: the standard
 * `OTEL_*` variables ask for it), and returns `null` when it is off, so that payrec's spans stay
 * no-ops. The SDK reads the exporter, endpoint, headers, sampler and resource from the standard
 * variables itself (OTLP over HTTP by default); `spanProcessors` replace its exporter (tests).
 * Only traces: payrec's metrics are Prometheus's (`/metrics`) and its logs pino's.
 */
export const startTelemetry = ({
  on,
  version,
  spanProcessors,
}: Readonly<{
  on: boolean;
  version: string;
  spanProcessors?: SpanProcessor[];
}>): Telemetry | null => {
  if (!on) return null;
  const sdk = new NodeSDK({
    serviceName: 'payrec',
    // Merged with what the standard detectors find (OTEL_RESOURCE_ATTRIBUTES, the host, the process).
    resource: resourceFromAttributes({ 'service.version': version }),
    ...(spanProcessors === undefined ? {} : { spanProcessors }),
    // No automatic instrumentation: the spans payrec makes say what a delivery went through,
    // and a metric or log exporter would duplicate /metrics and the log.
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
};
