import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

/**
 * The simulator's own keys and secrets for all four providers: an ES256 key served as Kraken
 * Pay's JWKS, HMAC secrets, and status-API credentials. Fresh and random on every start; never a
 * real provider's.
 */
export type SimulatorCredentials = Readonly<{
  krakenPay: Readonly<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }>;
  krakenEmbed: Readonly<{ webhookSecret: string; apiKey: string; apiSecret: string }>;
  kryptogo: Readonly<{ callbackSecret: string; clientId: string; apiKey: string }>;
  kkiapay: Readonly<{
    webhookSecret: string;
    publicKey: string;
    privateKey: string;
    secretKey: string;
  }>;
}>;

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export const createSimulatorCredentials = async (): Promise<SimulatorCredentials> => {
  const kid = `simulator-${token(6)}`;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    krakenPay: {
      kid,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    },
    krakenEmbed: {
      webhookSecret: randomBytes(32).toString('base64'),
      apiKey: token(24),
      apiSecret: randomBytes(64).toString('base64'),
    },
    kryptogo: { callbackSecret: token(32), clientId: token(16), apiKey: token(32) },
    kkiapay: {
      webhookSecret: token(32),
      publicKey: token(24),
      privateKey: token(24),
      secretKey: token(24),
    },
  };
};

/** The environment that points payrec at a simulator on `baseUrl` with these credentials. */
export const payrecEnvironmentFor = (
  credentials: SimulatorCredentials,
  baseUrl: string,
): Record<string, string> => ({
  KRAKEN_PAY_JWKS_URL: `${baseUrl}/.well-known/pay-callback-keys.json`,
  KRAKEN_EMBED_WEBHOOK_SECRET: credentials.krakenEmbed.webhookSecret,
  KRAKEN_EMBED_API_KEY: credentials.krakenEmbed.apiKey,
  KRAKEN_EMBED_API_SECRET: credentials.krakenEmbed.apiSecret,
  KRAKEN_EMBED_API_URL: baseUrl,
  KRYPTOGO_CALLBACK_SECRET: credentials.kryptogo.callbackSecret,
  KRYPTOGO_API_KEY: credentials.kryptogo.apiKey,
  KRYPTOGO_API_URL: baseUrl,
  KRYPTOGO_CLIENT_ID: credentials.kryptogo.clientId,
  KRYPTOGO_ORIGIN: 'https://merchant.example',
  KKIAPAY_WEBHOOK_SECRET: credentials.kkiapay.webhookSecret,
  KKIAPAY_PUBLIC_KEY: credentials.kkiapay.publicKey,
  KKIAPAY_PRIVATE_KEY: credentials.kkiapay.privateKey,
  KKIAPAY_SECRET_KEY: credentials.kkiapay.secretKey,
  KKIAPAY_API_URL: baseUrl,
});
