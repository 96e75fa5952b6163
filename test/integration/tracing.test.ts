import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { paymentStreamName } from '../../src/domain/index.js';
import { createService, type Service } from '../../src/main.js';
import {
  createSimulatorCredentials,
  kkiapayDelivery,
  krakenEmbedDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
  type SimulatedDelivery,
  type SimulatorCredentials,
} from '../../src/simulator/index.js';
import { waitFor } from '../support/waitFor.js';

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** A server that keeps what it is sent: the merchant's backend, or an OTLP/JSON collector. */
const startRecorder = async () => {
  const received: Array<
    Readonly<{ url: string; headers: IncomingMessage['headers']; body: string }>
  > = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
};

type OtlpSpan = Readonly<{
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: ReadonlyArray<{ key: string; value: Record<string, unknown> }>;
}>;

/** The spans an OTLP/JSON collector received (the projection thread's, which run elsewhere). */
const otlpSpans = (bodies: readonly string[]): OtlpSpan[] =>
  bodies.flatMap((body) => {
    const parsed = JSON.parse(body) as {
      resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
    };
    return (parsed.resourceSpans ?? []).flatMap((resource) =>
      (resource.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []),
    );
  });

const named = (spans: readonly ReadableSpan[], name: string) =>
  spans.filter((span) => span.name === name);

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('traces (OpenTelemetry), when the OTEL_* variables ask for them', () => {
  const exporter = new InMemorySpanExporter();
  let service: Service;
  let simulator: ProviderSimulator;
  let credentials: SimulatorCredentials;
  let merchant: Awaited<ReturnType<typeof startRecorder>>;
  let collector: Awaited<ReturnType<typeof startRecorder>>;
  let dataDir: string;
  const saved = { ...process.env };

  const send = async (delivery: SimulatedDelivery) => {
    const answer = await service.app.inject({
      method: 'POST',
      url: delivery.path,
      headers: delivery.headers,
      payload: delivery.body,
    });
    return answer.statusCode;
  };

  beforeAll(async () => {
    credentials = await createSimulatorCredentials();
    simulator = await startProviderSimulator({ credentials });
    merchant = await startRecorder();
    collector = await startRecorder();
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-traces-'));
    // The projection thread starts an SDK of its own from the same variables: its spans reach
    // the collector as OTLP/JSON, a tenth of a second after they end.
    process.env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] = 'http/json';
    process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] = `${collector.url}/v1/traces`;
    process.env['OTEL_BSP_SCHEDULE_DELAY'] = '100';
    const config = loadConfig({
      ...payrecEnvironmentFor(credentials, simulator.url),
      PAYREC_DATA_DIR: dataDir,
      PAYREC_FULFILMENT_URL: `${merchant.url}/payrec`,
      PAYREC_FULFILMENT_SECRET: `whsec_${Buffer.from('a fulfilment secret of 32 bytes!').toString('base64')}`,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces`,
    });
    expect(config.tracing).toBe(true);
    service = await createService(config, {
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
  }, 60_000);

  afterAll(async () => {
    await service.close();
    await simulator.close();
    await merchant.close();
    await collector.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.env = saved;
  });

  it('makes a delivery one trace: received, verified, decided, appended, projected, fulfilled', async () => {
    const delivery = krakenEmbedDelivery(credentials, {
      ref: 'T-1',
      eventType: 'quote.executed',
      at: new Date(),
    });
    expect(await send(delivery)).toBe(200);

    // The SDK exports a span once the resource's detectors have answered: soon, not at once.
    const spans = await waitFor(() => {
      const finished = exporter.getFinishedSpans();
      return named(finished, 'payrec.append').length > 0 ? finished : undefined;
    });
    const [received] = named(spans, 'payrec.delivery');
    expect(received?.attributes).toMatchObject({
      'payrec.provider': 'kraken-embed',
      'payrec.outcome': 'accepted',
      'payrec.refs': ['T-1'],
    });
    expect(received?.attributes['payrec.delivery.id']).toMatch(/^[0-9a-f]{32}$/);
    const traceId = received?.spanContext().traceId;
    const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
    const [verify] = named(inTrace, 'payrec.verify');
    const [decide] = named(inTrace, 'payrec.decide');
    const [append] = named(inTrace, 'payrec.append');
    expect(parentOf(verify as ReadableSpan)).toBe(received?.spanContext().spanId);
    expect(parentOf(decide as ReadableSpan)).toBe(received?.spanContext().spanId);
    expect(parentOf(append as ReadableSpan)).toBe(decide?.spanContext().spanId);
    expect(decide?.attributes).toMatchObject({
      'payrec.command': 'RecordProviderReport',
      'payrec.ref': 'T-1',
    });

    // The trace travels with the events: each carries the append's traceparent.
    const events = await service.eventStore.readStream(
      paymentStreamName({ provider: 'kraken-embed', ref: 'T-1' }),
    );
    expect(events.length).toBeGreaterThan(1);
    for (const event of events.filter((one) => one.type !== 'PaymentRegistered')) {
      expect(event.metadata?.['traceparent']).toBe(
        `00-${traceId ?? ''}-${append?.spanContext().spanId ?? ''}-01`,
      );
    }

    // The projection thread continues it, from the events' metadata.
    const projected = await waitFor(() => {
      const found = otlpSpans(collector.received.map((request) => request.body)).filter(
        (span) => span.name === 'payrec.project' && span.traceId === traceId,
      );
      return found.length >= events.length - 1 ? found : undefined;
    }, 15_000);
    expect(projected.every((span) => span.parentSpanId === append?.spanContext().spanId)).toBe(
      true,
    );

    // The fulfilment: a span in the same trace, and the merchant's backend gets its traceparent.
    const notified = await waitFor(
      () => merchant.received.find((request) => request.url === '/payrec'),
      15_000,
    );
    const fulfil = await waitFor(() =>
      named(exporter.getFinishedSpans(), 'payrec.fulfil').find(
        (span) => span.spanContext().traceId === traceId,
      ),
    );
    expect(fulfil.attributes['payrec.outcome']).toBe('delivered');
    expect(notified.headers['traceparent']).toBe(
      `00-${traceId ?? ''}-${fulfil.spanContext().spanId}-01`,
    );
  }, 60_000);

  it('traces a rejected delivery with its code, and writes nothing', async () => {
    const forged = {
      ...krakenEmbedDelivery(credentials, {
        ref: 'T-2',
        eventType: 'quote.executed',
        at: new Date(),
      }),
    };
    const tampered = { ...forged, body: forged.body.replace('T-2', 'T-3') };
    expect(await send(tampered)).toBe(401);
    const rejected = await waitFor(() =>
      named(exporter.getFinishedSpans(), 'payrec.delivery').find(
        (span) => span.attributes['payrec.outcome'] === 'rejected',
      ),
    );
    expect(rejected.attributes['payrec.code']).toBe('INVALID_SIGNATURE');
    expect(rejected.status.code).toBe(2); // ERROR
    expect(named(exporter.getFinishedSpans(), 'payrec.verify').at(-1)?.status.code).toBe(2);
  });

  it('starts a trace of its own for each delivery, whatever traceparent the sender adds', async () => {
    const foreign = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const delivery = krakenEmbedDelivery(credentials, {
      ref: 'T-4',
      eventType: 'quote.executed',
      at: new Date(),
    });
    expect(
      await send({ ...delivery, headers: { ...delivery.headers, traceparent: foreign } }),
    ).toBe(200);
    const received = await waitFor(() =>
      named(exporter.getFinishedSpans(), 'payrec.delivery').find(
        (span) => (span.attributes['payrec.refs'] as string[] | undefined)?.[0] === 'T-4',
      ),
    );
    expect(received.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(received.parentSpanContext).toBeUndefined();
    const events = await service.eventStore.readStream(
      paymentStreamName({ provider: 'kraken-embed', ref: 'T-4' }),
    );
    expect(JSON.stringify(events.map((event) => event.metadata))).not.toContain(
      '0af7651916cd43dd8448eb211c80319c',
    );
  });

  it('makes each status-API call a span, inside the hint confirmation it serves', async () => {
    simulator.setTruth('kkiapay', 'TK1', {
      status: 'SUCCESS',
      amount: { value: '1000', currency: 'XOF' },
    });
    expect(
      await send(kkiapayDelivery(credentials, { ref: 'TK1', success: true, at: new Date() })),
    ).toBe(200);
    const call = await waitFor(
      () =>
        named(exporter.getFinishedSpans(), 'payrec.status-call').find(
          (span) => span.attributes['payrec.provider'] === 'kkiapay',
        ),
      15_000,
    );
    expect(call.attributes['http.request.method']).toBe('POST');
    expect(call.attributes['http.response.status_code']).toBe(200);
  }, 30_000);

  it('never puts a secret, a signature or a body in a span', () => {
    const everything = JSON.stringify(
      exporter.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes })),
    ).concat(JSON.stringify(otlpSpans(collector.received.map((request) => request.body))));
    const secrets = Object.values(payrecEnvironmentFor(credentials, simulator.url)).filter(
      (value) => !value.startsWith('http') && value.length >= 16,
    );
    expect(secrets.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('quote.executed');
    expect(everything).not.toMatch(/v1=[0-9a-f]{64}/);
  });
});

describe('traces are off unless the OTEL_* variables ask for them', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, false],
  ])('%o → tracing %s', (env, on) => {
    expect(loadConfig({ ...env, PAYREC_DATA_DIR: '/tmp/unused' }).tracing).toBe(on);
  });
});
