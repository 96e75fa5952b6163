import { Webhook } from 'standardwebhooks';
import type { FulfilmentSender } from '../../domain/ports/index.js';
import type { Secret } from '../../secret.js';
import { fetchFailure } from '../common/fetchFailure.js';

export type FulfilmentSenderOptions = Readonly<{
  url: string;
  /** `whsec_<base64>`, as Standard Webhooks writes it. */
  secret: Secret;
  timeoutMs: number;
  fetch?: typeof fetch;
}>;

/**
 * POSTs fulfilment notifications signed the Standard Webhooks way (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), with
 * the reference implementation (`standardwebhooks`). Only a 2xx is `delivered`; anything else,
 * a timeout included, is `failed` with a reason that names no secret and no URL.
 */
export const createFulfilmentSender = ({
  url,
  secret,
  timeoutMs,
  fetch: fetchImplementation = fetch,
}: FulfilmentSenderOptions): FulfilmentSender => {
  const webhook = new Webhook(secret.reveal());
  return async ({ id, body, traceparent }, at) => {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'payrec-fulfilment/1',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': webhook.sign(id, at, body),
      // W3C Trace Context: the merchant's backend continues the delivery's trace.
      ...(traceparent === undefined ? {} : { traceparent }),
    };
    try {
      const response = await fetchImplementation(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 300
        ? { kind: 'delivered', responseStatus: response.status }
        : { kind: 'failed', reason: `HTTP ${response.status}` };
    } catch (error) {
      return { kind: 'failed', reason: fetchFailure(error, timeoutMs) };
    }
  };
};
