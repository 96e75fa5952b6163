import type { FastifyInstance } from 'fastify';
import type { DeliveryRecorder, VerifiedDelivery } from '../../application/index.js';
import { WebhookRejected, type ProviderName } from '../../domain/index.js';
import type { Clock } from '../../domain/ports/index.js';
import type { WebhookRequest } from '../providers/shared/webhookRequest.js';

export type WebhookVerifier = (
  request: WebhookRequest,
) => VerifiedDelivery | Promise<VerifiedDelivery>;

export type WebhookRoutesOptions = Readonly<{
  /** The configured providers; a provider without a verifier answers 404 on its route. */
  verifiers: Readonly<Partial<Record<ProviderName, WebhookVerifier>>>;
  recordDelivery: DeliveryRecorder;
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
  { verifiers, recordDelivery, clock, bodyLimit = 64 * 1024 }: WebhookRoutesOptions,
): Promise<void> => {
  for (const provider of Object.keys(mediaTypes) as ProviderName[]) {
    await app.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        [...mediaTypes[provider]],
        { parseAs: 'buffer', bodyLimit },
        (_request, body, parsed) => {
          parsed(null, body);
        },
      );
      scope.post(`/webhooks/${provider}`, async (request, reply) => {
        const verify = verifiers[provider];
        if (verify === undefined) {
          throw new WebhookRejected(
            'PROVIDER_NOT_CONFIGURED',
            `The ${provider} receiver is not configured: set its webhook secret (see the README).`,
          );
        }
        const delivery = await verify({
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          headers: request.headers,
          receivedAt: clock.now(),
        });
        const recorded = await recordDelivery(delivery);
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
