import type { FastifyInstance } from 'fastify';
import type { DeliveryRecorder, VerifiedDelivery } from '../../application/index.js';
import { WebhookRejected, type ProviderName } from '../../domain/index.js';
import type { Clock } from '../../domain/ports/index.js';
import type { WebhookRequest } from '../providers/shared/webhookRequest.js';
import type { DeliveryLog, DeliveryLogEntry } from '../readModels/deliveryLog.js';
import { toErrorAnswer } from './httpErrors.js';
import type { RejectionLimiter } from './rejectionLimiter.js';

export type WebhookVerifier = (
  request: WebhookRequest,
) => VerifiedDelivery | Promise<VerifiedDelivery>;

export type WebhookRoutesOptions = Readonly<{
  /** The configured providers; a provider without a verifier answers 404 on its route. */
  verifiers: Readonly<Partial<Record<ProviderName, WebhookVerifier>>>;
  recordDelivery: DeliveryRecorder;
  deliveryLog: DeliveryLog;
  /** Told of every delivery as it is logged (metrics). */
  observe?: (entry: DeliveryLogEntry) => void;
  rejectionLimiter: RejectionLimiter;
  clock: Clock;
  /** Largest webhook body, in bytes. Default 64 KiB. */
  bodyLimit?: number;
}>;

/** Media types each route takes (INTERFACE.md, "Webhook receivers"); anything else is a 415. */
const mediaTypes: Readonly<Record<ProviderName, readonly string[]>> = {
  'kraken-pay': ['text/plain', 'application/jwt', 'application/json'],
  'kraken-embed': ['application/json'],
  kryptogo: ['application/json'],
  kkiapay: ['application/json'],
};

const acknowledgement = (provider: ProviderName) =>
  provider === 'kraken-pay' ? { code: 'Success' } : { received: true };

/**
 * Registers `POST /webhooks/{provider}` for the four providers. Each route checks size and media
 * type first (Fastify, before the handler runs), keeps the body as the exact raw bytes, verifies
 * them, and answers `200` only once the delivery's events are durable. A rejection writes
 * nothing and leaves as `{code, reason}` through the server's error handler.
 */
export const registerWebhookRoutes = async (
  app: FastifyInstance,
  {
    verifiers,
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
  for (const provider of Object.keys(mediaTypes) as ProviderName[]) {
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
        [...mediaTypes[provider]],
        { parseAs: 'buffer', bodyLimit },
        (_request, body, parsed) => {
          parsed(null, body);
        },
      );
      scope.post(route, async (request, reply) => {
        const verify = verifiers[provider];
        if (verify === undefined) {
          throw new WebhookRejected(
            'PROVIDER_NOT_CONFIGURED',
            `The ${provider} receiver is not configured: set its webhook secret (see the README).`,
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
          payments: delivery.reports.map(({ payment }) => `${payment.provider}/${payment.ref}`),
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
        return reply.code(200).send(acknowledgement(provider));
      });
      done();
    });
  }
};
