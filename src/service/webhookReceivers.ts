import type { FastifyInstance } from 'fastify';
import type { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import { createRejectionLimiter, registerWebhookRoutes } from '../adapters/http/index.js';
import type { ServiceMetrics } from '../adapters/metrics/serviceMetrics.js';
import type { VerifierContext } from '../adapters/providers/index.js';
import {
  createDeliveryRecorder,
  deliveryIdOf,
  type DeliveryRecorder,
  type PaymentCommandHandler,
} from '../application/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/ports/index.js';
import { createFailpoints } from '../failpoints.js';

/**
 * `POST /webhooks/{name}` for every configured provider module (404 when not configured): each
 * delivery verified its module's way, recorded and logged. A recorded hint is confirmed at once
 * against the status endpoint by the reconciler role's holder (`watchHints`).
 */
export const registerWebhookReceivers = (
  app: FastifyInstance,
  config: Config,
  {
    handlePaymentCommand,
    deliveryLog,
    metrics,
    clock,
    verifierContext,
  }: Readonly<{
    handlePaymentCommand: PaymentCommandHandler;
    deliveryLog: DeliveryLog;
    metrics: ServiceMetrics;
    clock: Clock;
    verifierContext: VerifierContext;
  }>,
): Promise<void> =>
  registerWebhookRoutes(app, {
    receivers: config.providers.map((provider) => ({
      provider: provider.name,
      mediaTypes: provider.mediaTypes,
      acknowledgement: provider.acknowledgement,
      displayName: provider.displayName,
      documentation: provider.documentation,
      verify: provider.verifier(verifierContext),
    })),
    // A hint's immediate status check is the reconciler role's (`watchHints`): one process, one
    // rate limit, whichever process received it.
    recordDelivery: withLostAcks(
      createDeliveryRecorder({ handlePaymentCommand }),
      createFailpoints(config.failpoints).planted('lose-ack'),
    ),
    deliveryLog,
    observe: (entry) => {
      metrics.recordDelivery(entry.provider, entry.outcome, entry.code);
    },
    rejectionLimiter: createRejectionLimiter({ rejections: config.rejectionsPerMinute }),
    clock,
  });

/**
 * The `lose-ack` plant (the simulation's proof that it sees a lost delivery): one delivery in
 * sixteen, by its id, is answered as accepted and never recorded. Off, the recorder unchanged.
 */
const withLostAcks = (record: DeliveryRecorder, planted: boolean): DeliveryRecorder =>
  planted
    ? async (delivery) => {
        const deliveryId = deliveryIdOf(delivery);
        return deliveryId.startsWith('0')
          ? { deliveryId, appended: 0, repeated: false }
          : record(delivery);
      }
    : record;
