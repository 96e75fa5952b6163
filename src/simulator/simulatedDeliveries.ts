import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { kryptogoCanonicalJson } from '../adapters/providers/kryptogo/kryptogoCanonicalJson.js';
import type { SimulatorCredentials } from './simulatorCredentials.js';

/** A delivery ready to POST to payrec: the route, the headers and the exact body. */
/** The providers the simulator stands in for. */
export const simulatedProviders = ['kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay'] as const;

export type SimulatedProvider = (typeof simulatedProviders)[number];

export type SimulatedDelivery = Readonly<{
  provider: SimulatedProvider;
  ref: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}>;

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** A Kraken Pay callback: the compact ES256 JWT as the body (docs/providers.md §1.1). */
export const krakenPayDelivery = async (
  credentials: SimulatorCredentials,
  { ref, status, at }: { ref: string; status: string; at: Date },
): Promise<SimulatedDelivery> => {
  const body = await new SignJWT({
    payload: { external_id: ref, status, customer_kraktag: 'simulator' },
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'ES256', kid: credentials.krakenPay.kid })
    .setIssuer('kraken-pay')
    .setExpirationTime(seconds(at) + 24 * 3600)
    .sign(credentials.krakenPay.privateKey);
  return {
    provider: 'kraken-pay',
    ref,
    path: '/webhooks/kraken-pay',
    headers: { 'content-type': 'application/jwt' },
    body,
  };
};

/** A Kraken Embed event signed `t=…,v1=…` (docs/providers.md §2.2). */
export const krakenEmbedDelivery = (
  credentials: SimulatorCredentials,
  {
    ref,
    eventType,
    at,
    amount,
  }: { ref: string; eventType: string; at: Date; amount?: { asset: string; amount: string } },
): SimulatedDelivery => {
  const body = JSON.stringify({
    event_type: eventType,
    iiban: 'AA00 SIMU LATO R001',
    id: ref,
    timestamp: at.toISOString(),
    ...(amount
      ? { action: { amount: { ...amount, asset_class: 'currency' }, type: 'spend' } }
      : {}),
  });
  const t = seconds(at);
  const v1 = createHmac('sha256', Buffer.from(credentials.krakenEmbed.webhookSecret, 'base64'))
    .update(`${t}.${body}`)
    .digest('hex');
  return {
    provider: 'kraken-embed',
    ref,
    path: '/webhooks/kraken-embed',
    headers: {
      'content-type': 'application/json',
      'x-signature': `t=${t},v1=${v1}`,
      'x-webhook-event': eventType,
      'x-webhook-id': 'WHSIM-00001',
    },
    body,
  };
};

/** A KryptoGO payment-intent callback, signed with payrec's canonical form or unsigned. */
export const kryptogoDelivery = (
  credentials: SimulatorCredentials,
  {
    ref,
    status,
    at,
    signed = true,
    fiatAmount = '300.0',
    fiatCurrency = 'TWD',
    orderId,
  }: {
    ref: string;
    status: string;
    at: Date;
    signed?: boolean;
    fiatAmount?: string;
    fiatCurrency?: string;
    orderId?: string;
  },
): SimulatedDelivery => {
  const unsigned = {
    payment_intent_id: ref,
    status,
    payment_chain_id: 'arb',
    symbol: 'USDT',
    fiat_amount: fiatAmount,
    fiat_currency: fiatCurrency,
    order_data: { order_id: orderId ?? `order-${ref}` },
    callback_url: 'http://127.0.0.1/webhooks/kryptogo',
    ...(signed ? { timestamp: seconds(at) } : {}),
  };
  const body = signed
    ? {
        ...unsigned,
        signature: createHmac('sha256', Buffer.from(credentials.kryptogo.callbackSecret, 'utf8'))
          .update(kryptogoCanonicalJson(unsigned), 'utf8')
          .digest('hex'),
      }
    : unsigned;
  return {
    provider: 'kryptogo',
    ref,
    path: '/webhooks/kryptogo',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
};

/** A KKiaPay transaction webhook with its hash secret in `x-kkiapay-secret` (providers.md §4.1). */
export const kkiapayDelivery = (
  credentials: SimulatorCredentials,
  { ref, success, amount = 1000, at }: { ref: string; success: boolean; amount?: number; at: Date },
): SimulatedDelivery => ({
  provider: 'kkiapay',
  ref,
  path: '/webhooks/kkiapay',
  headers: {
    'content-type': 'application/json',
    'x-kkiapay-secret': credentials.kkiapay.webhookSecret,
  },
  body: JSON.stringify({
    transactionId: ref,
    isPaymentSucces: success,
    event: success ? 'transaction.success' : 'transaction.failed',
    account: '22996000000',
    method: 'MOBILE_MONEY',
    amount,
    fees: 19,
    partnerId: `order-${ref}`,
    performedAt: at.toISOString(),
    stateData: {},
    ...(success ? {} : { failureCode: 'processing_error', failureMessage: 'processing_error' }),
  }),
});

/**
 * A forgery of `delivery` that says `lie` instead: the body is changed after signing (or, for
 * KKiaPay, whose body nothing signs, the shared secret is wrong), so payrec must refuse it.
 */
export const forgedDelivery = (delivery: SimulatedDelivery, lie: string): SimulatedDelivery => {
  const forgery = tampered(delivery, lie);
  // A "lie" that happens to be the truth changes nothing; tamper with it anyway.
  return forgery.body === delivery.body && delivery.provider !== 'kkiapay'
    ? tampered(delivery, `${lie}.forged`)
    : forgery;
};

const tampered = (delivery: SimulatedDelivery, lie: string): SimulatedDelivery => {
  switch (delivery.provider) {
    case 'kkiapay':
      return {
        ...delivery,
        headers: { ...delivery.headers, 'x-kkiapay-secret': 'a-guess-at-the-secret-0000' },
        body: delivery.body.replace(/"event":"[^"]*"/, `"event":"${lie}"`),
      };
    case 'kraken-pay': {
      const [header = '', payload = '', signature = ''] = delivery.body.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        payload: Record<string, unknown>;
      };
      claims.payload['status'] = lie;
      const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return { ...delivery, body: `${header}.${forged}.${signature}` };
    }
    case 'kraken-embed':
      return {
        ...delivery,
        body: delivery.body.replace(/"event_type":"[^"]*"/, `"event_type":"${lie}"`),
      };
    case 'kryptogo':
      return { ...delivery, body: delivery.body.replace(/"status":"[^"]*"/, `"status":"${lie}"`) };
  }
};
