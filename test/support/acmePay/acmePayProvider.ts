import { createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  defineProvider,
  headerValue,
  jsonOf,
  parseJsonBody,
  signaturesEqual,
  unreadable,
  type WebhookRequest,
} from '../../../src/adapters/providers/index.js';
import { markVerified } from '../../../src/application/index.js';
import { mapStatus, moneyFromDecimal } from '../../../src/domain/index.js';
import { httpUrl, optional, secret } from '../../../src/envSchemas.js';
import { WebhookRejected } from '../../../src/errors/index.js';
import type { Secret } from '../../../src/secret.js';

/**
 * Acme Pay, a provider that exists only in the tests: a fifth provider module, written the way a
 * contributor would add one, that the service takes without any change under `src/`. Its
 * webhook is `acme-signature: <hex HMAC-SHA256 of the raw body>`; its status endpoint is
 * `GET /payments/{id}` answering `{"status": …}`.
 */
export const acmePayStatuses = {
  status: { open: 'pending', paid: 'success', failed: 'failed', refunded: 'refunded' },
} as const;

const acmePaySettings = z
  .object({
    ACME_PAY_WEBHOOK_SECRET: optional(secret(16)),
    ACME_PAY_API_URL: optional(httpUrl),
  })
  .transform((env) => ({
    webhookSecret: env.ACME_PAY_WEBHOOK_SECRET ?? null,
    apiUrl: env.ACME_PAY_API_URL ?? null,
  }));

const acmePayload = z.looseObject({
  id: z.string().min(1).max(64),
  status: z.string().min(1).max(32),
  amount: z.string().max(32).optional(),
  currency: z.string().max(8).optional(),
});

export const acmePaySignature = (secretValue: string, rawBody: Buffer | string): string =>
  createHmac('sha256', secretValue).update(rawBody).digest('hex');

const acmeVerifier = (webhookSecret: Secret) => (request: WebhookRequest) => {
  const presented = headerValue(request, 'acme-signature');
  if (presented === undefined) {
    throw new WebhookRejected('MISSING_SIGNATURE', 'The acme-signature header is missing.');
  }
  if (!signaturesEqual(presented, acmePaySignature(webhookSecret.reveal(), request.rawBody))) {
    throw new WebhookRejected('INVALID_SIGNATURE', 'The acme-signature does not match the body.');
  }
  const body = parseJsonBody(request.rawBody, acmePayload, 'Acme Pay');
  const money =
    body.amount !== undefined && body.currency !== undefined
      ? moneyFromDecimal(body.amount, body.currency)
      : null;
  return markVerified({
    provider: 'acme-pay',
    deliveryKey: `${body.id}:${body.status}`,
    receivedAt: request.receivedAt.toISOString(),
    verification: { method: 'hmac-sha256', trust: 'verified', detail: 'acme-signature matched' },
    reports: [
      {
        payment: { provider: 'acme-pay', ref: body.id },
        report: {
          vocabulary: 'status',
          providerStatus: body.status,
          status: mapStatus(acmePayStatuses.status, body.status),
          ...(money?.ok ? { amount: money.money } : {}),
        },
      },
    ],
    received: { body: request.rawBody.toString('utf8'), headers: { 'acme-signature': presented } },
  });
};

export const acmePayProvider = defineProvider({
  name: 'acme-pay',
  displayName: 'Acme Pay',
  settings: acmePaySettings,
  webhook: {
    mediaTypes: ['application/json'],
    acknowledgement: { ok: true, from: 'acme-pay' },
    sendsHints: false,
    documentation: {
      authentication: 'An HMAC-SHA256 of the body in `acme-signature`.',
      body: z.looseObject({ id: z.string(), status: z.string() }),
    },
    verifier: ({ webhookSecret }) => (webhookSecret === null ? null : acmeVerifier(webhookSecret)),
  },
  statusVocabularies: acmePayStatuses,
  statusApi: {
    client: ({ apiUrl }, http) => {
      if (apiUrl === null) return null;
      const api = http({ baseUrl: apiUrl, ratePerSecond: 50 });
      return async ({ ref }) => {
        const response = await api({
          method: 'GET',
          path: `/payments/${encodeURIComponent(ref)}`,
          headers: () => ({ accept: 'application/json' }),
        });
        const parsed = z.object({ status: z.string() }).safeParse(jsonOf(response));
        if (response.status !== 200 || !parsed.success) {
          return unreadable(response, `HTTP ${response.status}`);
        }
        return {
          kind: 'report',
          report: {
            vocabulary: 'status',
            providerStatus: parsed.data.status,
            status: mapStatus(acmePayStatuses.status, parsed.data.status),
          },
          response,
        };
      };
    },
  },
  describe: ({ webhookSecret, apiUrl }) =>
    `webhooks ${webhookSecret ? 'on' : 'off'}; status API ${apiUrl ? 'on' : 'off'}`,
});
