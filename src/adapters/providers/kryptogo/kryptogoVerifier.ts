import { createHmac } from 'node:crypto';
import { mapStatus, type Verification } from '../../../domain/index.js';
import { WebhookRejected } from '../../../errors/index.js';
import type { Secret } from '../../../secret.js';
import { signaturesEqual } from '../common/constantTimeEqual.js';
import { parseJsonBody } from '../common/parseJsonBody.js';
import { optionalMoney } from '../common/providerMoney.js';
import { kryptogoStatuses } from './kryptogoStatuses.js';
import { markVerified, type VerifiedDelivery } from '../../../application/index.js';
import type { WebhookRequest } from '../common/webhookRequest.js';
import { kryptogoCanonicalJson } from './kryptogoCanonicalJson.js';
import { kryptogoPayloadSchema } from './kryptogoPayload.js';

export type KryptogoVerifierOptions = Readonly<{
  callbackSecret: Secret;
  /** How far `timestamp` may be from the receive time. Default 300 s (providers.md §3.1); never off. */
  toleranceSeconds?: number;
}>;

/** The lower-case hex HMAC-SHA256 of the canonical form, keyed with the secret's UTF-8 bytes. */
export const kryptogoSignature = (
  secret: Secret,
  body: Readonly<Record<string, unknown>>,
): string =>
  createHmac('sha256', Buffer.from(secret.reveal(), 'utf8'))
    .update(kryptogoCanonicalJson(body), 'utf8')
    .digest('hex');

/**
 * Creates the KryptoGO verifier. A callback that carries a `signature` must verify, and its
 * `timestamp` must be within the window; a callback without one is accepted only as an
 * unconfirmed hint (trust `hint`), because KryptoGO's own API reference shows unsigned callbacks
 * and its payment-intent endpoint is the source of truth (providers.md §3.1). Throws
 * `WebhookRejected`.
 */
export const createKryptogoVerifier = ({
  callbackSecret,
  toleranceSeconds = 300,
}: KryptogoVerifierOptions) => {
  if (!Number.isInteger(toleranceSeconds) || toleranceSeconds < 1 || toleranceSeconds > 3600) {
    throw new TypeError(
      'createKryptogoVerifier: "toleranceSeconds" must be an integer from 1 to 3600',
    );
  }
  return (request: WebhookRequest): VerifiedDelivery => {
    const body = parseJsonBody(request.rawBody, kryptogoPayloadSchema, 'KryptoGO payment-intent');
    let verification: Verification;
    if (body.signature === undefined) {
      verification = {
        method: 'unsigned',
        trust: 'hint',
        detail: 'no signature: recorded as a hint until the payment-intent endpoint confirms it',
      };
    } else {
      if (body.timestamp === undefined) {
        throw new WebhookRejected(
          'MALFORMED_SIGNATURE',
          'A signed KryptoGO callback must carry "timestamp" (unix seconds).',
        );
      }
      const skew = Math.abs(request.receivedAt.getTime() / 1000 - body.timestamp);
      if (skew > toleranceSeconds) {
        throw new WebhookRejected(
          'TIMESTAMP_OUT_OF_WINDOW',
          `The callback timestamp is ${Math.round(skew)} s from payrec's clock; at most ${toleranceSeconds} s is accepted.`,
        );
      }
      if (!signaturesEqual(body.signature.toLowerCase(), kryptogoSignature(callbackSecret, body))) {
        throw new WebhookRejected(
          'INVALID_SIGNATURE',
          'The callback signature does not match its body. It is the hex HMAC-SHA256 of the canonical form (see the README) keyed with KRYPTOGO_CALLBACK_SECRET.',
        );
      }
      verification = {
        method: 'hmac-sha256',
        trust: 'verified',
        detail: `signature matched; timestamp=${body.timestamp}`,
      };
    }
    const money = optionalMoney(body.fiat_amount, body.fiat_currency);
    const orderId = body.order_data?.order_id;
    return markVerified({
      provider: 'kryptogo',
      // Signed and unsigned reports of one status are different evidence: a hint must not
      // swallow the signed callback that follows it.
      deliveryKey: `${verification.trust === 'hint' ? 'unsigned' : 'signed'}:${body.payment_intent_id}:${body.status}`,
      receivedAt: request.receivedAt.toISOString(),
      verification,
      reports: [
        {
          payment: { provider: 'kryptogo', ref: body.payment_intent_id },
          report: {
            vocabulary: 'status',
            providerStatus: body.status,
            status: mapStatus(kryptogoStatuses.status, body.status),
            ...(money ? { amount: money } : {}),
            ...(orderId ? { orderId } : {}),
          },
        },
      ],
      received: { body: request.rawBody.toString('utf8'), headers: {} },
    });
  };
};

export type KryptogoVerifier = ReturnType<typeof createKryptogoVerifier>;
