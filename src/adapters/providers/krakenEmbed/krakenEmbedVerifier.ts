import { optionalInstant } from '../common/providerInstant.js';
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { mapStatus } from '../../../domain/index.js';
import { WebhookRejected } from '../../../errors/index.js';
import type { Secret } from '../../../secret.js';
import { signaturesEqual } from '../common/constantTimeEqual.js';
import { parseJsonBody } from '../common/parseJsonBody.js';
import { optionalMoney } from '../common/providerMoney.js';
import { krakenEmbedStatuses } from './krakenEmbedStatuses.js';
import { markVerified, type VerifiedDelivery } from '../../../application/index.js';
import { headerValue, type WebhookRequest } from '../common/webhookRequest.js';
import { krakenEmbedPayloadSchema, paymentEventFamilies } from './krakenEmbedPayload.js';
import { parseKrakenEmbedSignature } from './krakenEmbedSignatureHeader.js';

export type KrakenEmbedVerifierOptions = Readonly<{
  /** The current webhook secret first, then a previous one during a rotation (base64, as issued). */
  secrets: readonly Secret[];
  /** How far `t` may be from the receive time, either way. Default 300 s; never off. */
  toleranceSeconds?: number;
}>;

/** The HMAC key: the base64-decoded webhook secret (providers.md §2.2). */
export const krakenEmbedKey = (secret: Secret): KeyObject =>
  createSecretKey(Buffer.from(secret.reveal(), 'base64'));

/** `HMAC-SHA256(key, t + "." + rawBody)` as lower-case hex (providers.md §2.2). */
export const krakenEmbedSignature = (key: KeyObject, timestamp: number, rawBody: Buffer): string =>
  createHmac('sha256', key).update(`${timestamp}.`).update(rawBody).digest('hex');

/**
 * Creates the Kraken Embed verifier. It checks, in order: the `X-Signature` header's form, the
 * timestamp window, the HMAC over the exact raw bytes (any `v1` against any configured secret),
 * then the body's schema. Throws `WebhookRejected`; returns a `VerifiedDelivery`.
 *
 * @example
 * const verify = createKrakenEmbedVerifier({ secrets: [current, previous] });
 * const delivery = verify({ rawBody, headers, receivedAt: new Date() });
 */
export const createKrakenEmbedVerifier = ({
  secrets,
  toleranceSeconds = 300,
}: KrakenEmbedVerifierOptions) => {
  if (secrets.length === 0)
    throw new TypeError('createKrakenEmbedVerifier: "secrets" must name at least one secret');
  if (!Number.isInteger(toleranceSeconds) || toleranceSeconds < 1 || toleranceSeconds > 3600) {
    throw new TypeError(
      'createKrakenEmbedVerifier: "toleranceSeconds" must be an integer from 1 to 3600',
    );
  }
  // Keys are imported once, not on every delivery.
  const keys = secrets.map(krakenEmbedKey);
  return (request: WebhookRequest): VerifiedDelivery => {
    const signatureHeader = headerValue(request, 'x-signature');
    const { timestamp, signatures } = parseKrakenEmbedSignature(signatureHeader);
    const skew = Math.abs(request.receivedAt.getTime() / 1000 - timestamp);
    if (skew > toleranceSeconds) {
      throw new WebhookRejected(
        'TIMESTAMP_OUT_OF_WINDOW',
        `The X-Signature timestamp is ${Math.round(skew)} s from payrec's clock; at most ${toleranceSeconds} s is accepted. Check the sender's clock, or whether this is a replay.`,
      );
    }
    const matched = keys.findIndex((key) => {
      const expected = krakenEmbedSignature(key, timestamp, request.rawBody);
      return signatures.some((candidate) => signaturesEqual(candidate, expected));
    });
    if (matched < 0) {
      throw new WebhookRejected(
        'INVALID_SIGNATURE',
        'The X-Signature does not match the body. Sign "t.rawBody" with the base64-decoded webhook secret (KRAKEN_EMBED_WEBHOOK_SECRET), over the exact bytes sent.',
      );
    }
    const body = parseJsonBody(request.rawBody, krakenEmbedPayloadSchema, 'Kraken Embed');
    const concernsPayment = paymentEventFamilies.some((family) =>
      body.event_type.startsWith(family),
    );
    const amount = body.action?.amount;
    const money = optionalMoney(amount?.amount, amount?.asset);
    const webhookEvent = headerValue(request, 'x-webhook-event');
    const webhookId = headerValue(request, 'x-webhook-id');
    return markVerified({
      provider: 'kraken-embed',
      // X-Webhook-ID names the webhook configuration, not the event (providers.md §0.3).
      deliveryKey: `${body.event_type}:${body.id}:${body.timestamp}`,
      receivedAt: request.receivedAt.toISOString(),
      verification: {
        method: 'hmac-sha256',
        trust: 'verified',
        detail: `X-Signature v1 matched the ${matched === 0 ? 'current' : 'previous'} webhook secret; t=${timestamp}`,
      },
      reports: concernsPayment
        ? [
            {
              payment: { provider: 'kraken-embed', ref: body.id },
              report: {
                vocabulary: 'event_type',
                providerStatus:
                  body.status === undefined
                    ? body.event_type
                    : `${body.event_type} (${body.status})`,
                status: mapStatus(krakenEmbedStatuses.event_type, body.event_type),
                object: body.event_type.slice(0, body.event_type.indexOf('.')),
                ...(money ? { amount: money } : {}),
                ...optionalInstant(body.timestamp),
              },
            },
          ]
        : [],
      received: {
        body: request.rawBody.toString('utf8'),
        headers: {
          'x-signature': signatureHeader ?? '',
          ...(webhookEvent ? { 'x-webhook-event': webhookEvent } : {}),
          ...(webhookId ? { 'x-webhook-id': webhookId } : {}),
        },
      },
    });
  };
};

export type KrakenEmbedVerifier = ReturnType<typeof createKrakenEmbedVerifier>;
