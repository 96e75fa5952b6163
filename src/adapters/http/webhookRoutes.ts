import type { Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inSpan, newTrace } from '../telemetry/index.js';
import type { DeliveryRecorder } from '../../application/index.js';
import { paymentKey, type ProviderName } from '../../domain/index.js';
import { RequestRejected, WebhookRejected } from '../../errors/index.js';
import type { Clock, JsonObject } from '../../domain/ports/index.js';
import type { WebhookDocumentation, WebhookVerifier } from '../providers/index.js';
import { z } from 'zod';
import type { DeliveryLog, DeliveryLogEntry } from '../deliveryLog/deliveryLog.js';
import { toErrorAnswer } from './httpErrors.js';
import type { RejectionLimiter } from './rejectionLimiter.js';

/** One provider's receiver: what its route takes, how it verifies, how it acknowledges. */
export type WebhookReceiver = Readonly<{
  provider: ProviderName;
  /** The media types its route accepts; anything else is a 415. */
  mediaTypes: readonly string[];
  acknowledgement: JsonObject;
  /** For the OpenAPI document. */
  displayName: string;
  documentation: WebhookDocumentation;
  /** `null` when the provider is not configured: its route answers 404. */
  verify: WebhookVerifier | null;
}>;

export type WebhookRoutesOptions = Readonly<{
  /** One receiver per provider module, configured or not. */
  receivers: readonly WebhookReceiver[];
  recordDelivery: DeliveryRecorder;
  deliveryLog: DeliveryLog;
  /** Told of every delivery as it is logged (metrics). */
  observe?: (entry: DeliveryLogEntry) => void;
  rejectionLimiter: RejectionLimiter;
  clock: Clock;
  /** Largest webhook body, in bytes. Default 64 KiB. */
  bodyLimit?: number;
}>;

type Logged = (entry: DeliveryLogEntry) => void;

/**
 * A route's error handler: a rejection spends the source's budget and is logged as metadata
 * only, then goes to the server's error handler for its {code, reason}. Nothing is refused before
 * it is verified: a delivery that verifies is accepted whatever its source sent before.
 */
const rejectionHandler =
  (
    provider: ProviderName,
    route: string,
    log: Logged,
    { observe, rejectionLimiter, clock }: WebhookRoutesOptions,
  ) =>
  async (error: Error, request: FastifyRequest): Promise<never> => {
    const { code, status } = toErrorAnswer(error);
    const entry = {
      provider,
      receivedAt: clock.now().toISOString(),
      outcome: 'rejected' as const,
      deliveryId: null,
      code,
      size: Number(request.headers['content-length'] ?? 0) || 0,
      sourceAddress: request.ip,
      payments: [],
    };
    // Only the sender's faults spend its budget: payrec failing (5xx) must never count
    // against a provider.
    const budget =
      status < 500 && code !== 'REQUEST_ABORTED'
        ? await rejectionLimiter.spend(route, request.ip)
        : ({ within: true } as const);
    if (!budget.within) {
      // Past its budget, a source's rejections are counted, not written one by one.
      observe?.({ ...entry, code: 'RATE_LIMITED' });
      throw new RequestRejected(
        'RATE_LIMITED',
        `Too many rejected deliveries from this address to ${route} (this one: ${code}); retry in ${budget.retryAfterSeconds} s. A delivery that verifies is always accepted.`,
        { retryAfterSeconds: budget.retryAfterSeconds },
      );
    }
    log(entry);
    if (status < 500) {
      request.log.info({ provider, code, sourceAddress: request.ip }, 'delivery rejected');
    }
    throw error;
  };

/** The route's OpenAPI description: the body is documented, never validated. */
const webhookSchema = ({
  displayName,
  documentation,
  mediaTypes,
  acknowledgement,
}: WebhookReceiver) => ({
  tags: ['webhooks'],
  summary: `Receive a ${displayName} delivery.`,
  description: `${documentation.authentication} The exact bytes are verified before anything is parsed; a forged, stale, replayed, malformed or oversized delivery is a 4xx {code, reason} and nothing is written to the payment streams. 200 only once its events are durable; a repeated delivery is 200 again and changes nothing. 404 PROVIDER_NOT_CONFIGURED while its secret is not configured.`,
  security: [],
  consumes: [...mediaTypes],
  body: documentation.body,
  response: {
    200: z
      .looseObject({})
      .describe(`The acknowledgement ${displayName} expects: ${JSON.stringify(acknowledgement)}.`),
  },
});

/**
 * The route's handler: verify the exact bytes, record, log, then acknowledge. One trace a
 * delivery: a `payrec.delivery` span, with `payrec.verify`, then the decision and the append (the
 * wiring's spans) inside it; the projections and the fulfilment continue it from the events'
 * metadata. Its attributes name the provider, the refs, the delivery id and the outcome, never a
 * header's value or the body.
 */
const deliveryHandler = (
  { provider, verify, acknowledgement }: WebhookReceiver,
  log: Logged,
  { recordDelivery, clock }: WebhookRoutesOptions,
) => {
  const accept = async (
    request: FastifyRequest,
    reply: FastifyReply,
    span: Span,
  ): Promise<FastifyReply> => {
    if (verify === null) {
      throw new WebhookRejected(
        'PROVIDER_NOT_CONFIGURED',
        `The ${provider} receiver is not configured: set its webhook secret (docs/configuration.md).`,
      );
    }
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const delivery = await inSpan('payrec.verify', { 'payrec.provider': provider }, async () =>
      verify({ rawBody, headers: request.headers, receivedAt: clock.now() }),
    );
    const recorded = await recordDelivery(delivery);
    if (span.isRecording())
      span.setAttributes({
        'payrec.outcome': recorded.repeated ? 'repeated' : 'accepted',
        'payrec.delivery.id': recorded.deliveryId,
        'payrec.refs': delivery.reports.map(({ payment }) => payment.ref),
      });
    log({
      provider,
      receivedAt: delivery.receivedAt,
      outcome: recorded.repeated ? 'repeated' : 'accepted',
      deliveryId: recorded.deliveryId,
      code: null,
      size: rawBody.length,
      sourceAddress: request.ip,
      payments: delivery.reports.map(({ payment }) => paymentKey(payment)),
    });
    request.log.info(
      {
        provider,
        deliveryId: recorded.deliveryId,
        appended: recorded.appended,
        repeated: recorded.repeated,
      },
      'delivery accepted',
    );
    return reply.code(200).send(acknowledgement);
  };
  return (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    inSpan(
      'payrec.delivery',
      { 'payrec.provider': provider },
      async (span) => {
        try {
          return await accept(request, reply, span);
        } catch (error) {
          span.setAttributes({
            'payrec.outcome': 'rejected',
            'payrec.code': toErrorAnswer(error).code,
          });
          throw error;
        }
      },
      // A new trace, never the sender's: a `traceparent` header is not covered by the signature,
      // and the trace id would be written into the events' metadata.
      newTrace(),
    );
};

/**
 * Registers `POST /webhooks/{provider}` for each provider module. Each route checks size and media
 * type first (Fastify, before the handler runs), keeps the body as the exact raw bytes, verifies
 * them, and answers `200` only once the delivery's events are durable. A rejection writes
 * nothing and leaves as `{code, reason}` through the server's error handler.
 */
export const registerWebhookRoutes = async (
  app: FastifyInstance,
  options: WebhookRoutesOptions,
): Promise<void> => {
  const { deliveryLog, observe, bodyLimit = 64 * 1024 } = options;
  const log: Logged = (entry) => {
    deliveryLog.record(entry);
    observe?.(entry);
  };
  for (const receiver of options.receivers) {
    const route = `/webhooks/${receiver.provider}`;
    await app.register((scope, _options, done) => {
      scope.setErrorHandler(rejectionHandler(receiver.provider, route, log, options));
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        [...receiver.mediaTypes],
        { parseAs: 'buffer', bodyLimit },
        (_request, body, parsed) => {
          parsed(null, body);
        },
      );
      // Verified on its exact bytes first, and parsed by the provider's module only once it
      // verifies: the body is never validated here.
      scope.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
      scope.post(
        route,
        { schema: webhookSchema(receiver) },
        deliveryHandler(receiver, log, options),
      );
      done();
    });
  }
};
