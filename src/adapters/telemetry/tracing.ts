import {
  context,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { RecordedEvent } from '../../domain/ports/index.js';

/**
 * payrec's spans, through the OpenTelemetry API: without an SDK registered (the default, see
 * `startTelemetry`) every call here is a no-op that costs a few function calls. Attributes name
 * providers, refs, ids and outcomes; never a secret, a signature or a body.
 */
const tracer = () => trace.getTracer('payrec');

const w3c = new W3CTraceContextPropagator();

const carrierSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};
const carrierGetter = {
  get: (carrier: Readonly<Record<string, string>>, key: string) => carrier[key],
  keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
};

/** The W3C `traceparent` of the active span, or `null` when no span records (tracing off). */
export const currentTraceparent = (): string | null => {
  if (trace.getActiveSpan()?.isRecording() !== true) return null;
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, carrierSetter);
  return carrier['traceparent'] ?? null;
};

/** The context a stored or received `traceparent` names (the root context when it names none). */
export const contextOf = (traceparent: string | null | undefined): Context =>
  typeof traceparent === 'string'
    ? w3c.extract(ROOT_CONTEXT, { traceparent }, carrierGetter)
    : context.active();

/** An error's code (`INVALID_SIGNATURE`), or its class's name: never its message. */
const errorKind = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'error';
};

/** The context of a new trace: spans started in it are roots. */
export const newTrace = (): Context => ROOT_CONTEXT;

/**
 * Runs `work` in a span named `name`, a child of `parent` (the active context by default): a
 * failure marks the span as an error, with the error's type only (a message can quote input),
 * and is thrown on.
 */
export const inSpan = async <T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> =>
  tracer().startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorKind(error) });
      throw error;
    } finally {
      span.end();
    }
  });

/**
 * A `payrec.project` span for each event of a committed batch that was appended in a trace (its
 * metadata's `traceparent`), in that trace: from when the batch began to now.
 */
export const recordProjected = (events: readonly RecordedEvent[], startedAt: number): void => {
  const end = Date.now();
  for (const event of events) {
    const traceparent = event.metadata?.['traceparent'];
    if (typeof traceparent !== 'string') continue;
    tracer()
      .startSpan(
        'payrec.project',
        {
          startTime: startedAt,
          attributes: {
            'payrec.event': event.type,
            'payrec.stream': event.streamName,
            'payrec.position': event.globalPosition.toString(),
          },
        },
        contextOf(traceparent),
      )
      .end(end);
  }
};
