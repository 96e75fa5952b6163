import type { FastifyInstance } from 'fastify';
import type { DeliveryRecorder } from '../../application/index.js';
import { paymentKey, type ProviderName } from '../../domain/index.js';
import { WebhookRejected } from '../../errors/index.js';
import type { Clock, JsonObject } from '../../domain/ports/index.js';
import type { WebhookVerifier } from '../providers/index.js';
import type { DeliveryLog, DeliveryLogEntry } from '../deliveryLog/deliveryLog.js';
import { toErrorAnswer } from './httpErrors.js';
import type { RejectionLimiter } from './rejectionLimiter.js';

/** One provider's receiver: what its route takes, how it verifies, how it acknowledges. */
export type WebhookReceiver = Readonly<{
  provider: ProviderName;
  /** The media types its route accepts; anything else is a 415. */
  mediaTypes: readonly string[];
  acknowledgement: JsonObject;
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

/**
 * Registers `POST /webhooks/{provider}` for each provider module. Each route checks size and media
 * type first (Fastify, before the handler runs), keeps the body as the exact raw bytes, verifies
 * them, and answers `200` only once the delivery's events are durable. A rejection writes
 * nothing and leaves as `{code, reason}` through the server's error handler.
 */
export const registerWebhookRoutes = async (
  app: FastifyInstance,
  {
    receivers,
    recordDelivery,
    deliveryLog,
    observe,
    rejectionLimiter,
    clock,
    bodyLimit = 64 * 1024,
  }: WebhookRoutesOptions,
): Promise<void> => {
  const log = (entry: DeliveryLogEntry) => {
    deliveryLog.record(entry);
    observe?.(entry);
  };
  for (const { provider, mediaTypes, acknowledgement, verify } of receivers) {
    const route = `/webhooks/${provider}`;
    await app.register((scope, _options, done) => {
      // A source that keeps sending rejected deliveries is refused before its bytes are verified.
      scope.addHook('onRequest', (request) => rejectionLimiter.check(route, request.ip));
      // Rejections are logged as metadata only, spend the source's budget, then go to the
      // server's error handler for their {code, reason}.
      scope.setErrorHandler(async (error, request) => {
        const { code, status } = toErrorAnswer(error);
        // Only the sender's faults spend its budget: payrec failing (5xx) must never lock a
        // provider out once payrec recovers.
        if (status < 500 && code !== 'RATE_LIMITED')
          await rejectionLimiter.spend(route, request.ip);
        log({
          provider,
          receivedAt: clock.now().toISOString(),
          outcome: 'rejected',
          deliveryId: null,
          code,
          size: Number(request.headers['content-length'] ?? 0) || 0,
          sourceAddress: request.ip,
          payments: [],
        });
        throw error;
      });
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        [...mediaTypes],
        { parseAs: 'buffer', bodyLimit },
        (_request, body, parsed) => {
          parsed(null, body);
        },
      );
      scope.post(route, async (request, reply) => {
        if (verify === null) {
          throw new WebhookRejected(
            'PROVIDER_NOT_CONFIGURED',
            `The ${provider} receiver is not configured: set its webhook secret (docs/configuration.md).`,
          );
        }
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const delivery = await verify({
          rawBody,
          headers: request.headers,
          receivedAt: clock.now(),
        });
        const recorded = await recordDelivery(delivery);
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
      });
      done();
    });
  }
};
