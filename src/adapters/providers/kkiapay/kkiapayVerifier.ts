import { optionalInstant } from '../common/providerInstant.js';
import { createHash } from 'node:crypto';
import { mapStatus } from '../../../domain/index.js';
import { WebhookRejected } from '../../../errors/index.js';
import type { Secret } from '../../../secret.js';
import { constantTimeEqual } from '../common/constantTimeEqual.js';
import { parseJsonBody } from '../common/parseJsonBody.js';
import { kkiapayStatuses } from './kkiapayStatuses.js';
import { markVerified, type VerifiedDelivery } from '../../../application/index.js';
import { headerValue, type WebhookRequest } from '../common/webhookRequest.js';
import { kkiapayPayloadSchema } from './kkiapayPayload.js';

export type KkiapayVerifierOptions = Readonly<{ webhookSecret: Secret }>;

/**
 * Creates the KKiaPay verifier. KKiaPay sends its hash secret itself in `x-kkiapay-secret`
 * (docs/providers.md §4.1), compared here in constant time. The secret travels with every
 * request and nothing is timestamped, so a delivery is authenticated but replayable: it is
 * recorded as a hint (trust `hint`), and only KKiaPay's status endpoint makes its status final.
 * Throws `WebhookRejected`.
 */
export const createKkiapayVerifier =
  ({ webhookSecret }: KkiapayVerifierOptions) =>
  (request: WebhookRequest): VerifiedDelivery => {
    const presented = headerValue(request, 'x-kkiapay-secret');
    if (presented === undefined || presented === '') {
      throw new WebhookRejected(
        'MISSING_SECRET',
        'The x-kkiapay-secret header is missing; KKiaPay sends the webhook hash secret in it.',
      );
    }
    if (!constantTimeEqual(presented, webhookSecret.reveal())) {
      throw new WebhookRejected(
        'INVALID_SECRET',
        'The x-kkiapay-secret header does not match KKIAPAY_WEBHOOK_SECRET.',
      );
    }
    const body = parseJsonBody(request.rawBody, kkiapayPayloadSchema, 'KKiaPay transaction');
    const event = body.event ?? '(no event)';
    const bodyDigest = createHash('sha256').update(request.rawBody).digest('hex').slice(0, 16);
    return markVerified({
      provider: 'kkiapay',
      deliveryKey: `${body.transactionId}:${event}:${bodyDigest}`,
      receivedAt: request.receivedAt.toISOString(),
      verification: {
        method: 'shared-secret',
        trust: 'hint',
        detail: 'x-kkiapay-secret matched; replayable, so confirmed against the status endpoint',
      },
      reports: [
        {
          payment: { provider: 'kkiapay', ref: body.transactionId },
          report: {
            vocabulary: 'event',
            providerStatus: event,
            status: body.event === undefined ? null : mapStatus(kkiapayStatuses.event, body.event),
            ...optionalInstant(body.performedAt),
          },
        },
      ],
      received: { body: request.rawBody.toString('utf8'), headers: {} },
    });
  };

export type KkiapayVerifier = ReturnType<typeof createKkiapayVerifier>;
