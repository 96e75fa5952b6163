import { createHmac } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A Kraken Embed delivery signed as Kraken signs (docs/providers.md §2.2), with test secrets. */
export const signedKrakenEmbedDelivery = ({
  body,
  secret,
  at,
  signatureAt = at,
}: {
  body: Record<string, unknown> | string;
  /** The base64 secret, as Kraken issues it. */
  secret: string;
  at: Date;
  /** The `t` in the header, when it should differ from the receive time. */
  signatureAt?: Date;
}) => {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const t = Math.floor(signatureAt.getTime() / 1000);
  const v1 = createHmac('sha256', Buffer.from(secret, 'base64'))
    .update(`${t}.${payload}`)
    .digest('hex');
  return {
    payload,
    headers: {
      'content-type': 'application/json',
      'x-signature': `t=${t},v1=${v1}`,
      'x-webhook-event': typeof body === 'string' ? 'unknown' : String(body['event_type']),
      'x-webhook-id': 'WHTEST-XXXXX-EXAMPLE',
    },
  };
};

export const aKrakenEmbedEvent = (overrides: Record<string, unknown> = {}) => ({
  event_type: 'custom_order.executed',
  iiban: 'AA00 TEST EXAM PLE1',
  id: 'AEGXGV-JZ4I2-6QXEJS',
  timestamp: '2025-01-15T10:30:00.000000000Z',
  action: {
    amount: { asset: 'USD', amount: '100.00', asset_class: 'currency' },
    quote: { asset: 'BTC' },
    type: 'spend',
  },
  ...overrides,
});

/** A KryptoGO callback signed with payrec's canonical form (docs/webhooks.md). */
export const signedKryptogoCallback = ({
  body,
  secret,
  at,
}: {
  body: Record<string, unknown>;
  secret: string;
  at: Date;
}): string => {
  const withTimestamp = { ...body, timestamp: Math.floor(at.getTime() / 1000) };
  const canonical = JSON.stringify(sortKeys(withTimestamp));
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(canonical)
    .digest('hex');
  return JSON.stringify({ ...withTimestamp, signature });
};

/** Sorts keys the way JSON.stringify then writes them in order (test-side, independent of payrec's). */
const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => [key, sortKeys(item)]),
    );
  }
  return value;
};

export const aKryptogoCallback = (overrides: Record<string, unknown> = {}) => ({
  payment_intent_id: 'pi_0h39QkYfZps7AUD1',
  status: 'success',
  payment_chain_id: 'arb',
  symbol: 'USDT',
  fiat_amount: '300.0',
  fiat_currency: 'TWD',
  order_data: { order_id: 'uid_12345' },
  ...overrides,
});

export const aKkiapayWebhook = (overrides: Record<string, unknown> = {}) => ({
  transactionId: '3iH6wjHJ3',
  isPaymentSucces: true,
  event: 'transaction.success',
  account: '22996000000',
  method: 'MOBILE_MONEY',
  amount: 1000,
  fees: 19,
  partnerId: 'order-42',
  performedAt: '2024-01-01T00:00:00.000Z',
  stateData: {},
  ...overrides,
});

/** A Kraken Pay signing key of the tests' own, its JWKS, and a token signer. */
export const krakenPayTestKeys = async (kid = 'test-kid-1') => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = ({
    externalId = 'GSoAAAAAAAA',
    status = 'success',
    exp,
    issuer = 'kraken-pay',
    signingKid = kid,
  }: {
    externalId?: string;
    status?: string;
    exp: Date;
    issuer?: string;
    signingKid?: string;
  }) =>
    new SignJWT({ payload: { external_id: externalId, status, customer_kraktag: 'bob' } })
      .setProtectedHeader({ typ: 'JWT', alg: 'ES256', kid: signingKid })
      .setIssuer(issuer)
      .setExpirationTime(Math.floor(exp.getTime() / 1000))
      .sign(privateKey);
  return { jwks: { keys: [jwk] }, sign, publicJwk: jwk };
};

/** A fetch that serves a JWKS and counts how often it was asked. */
export const countingJwksFetch = (jwks: { keys: readonly JWK[] }) => {
  const calls: string[] = [];
  const fetch = (url: string) => {
    calls.push(url);
    return Promise.resolve(
      new Response(JSON.stringify(jwks), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  return { fetch, calls };
};
