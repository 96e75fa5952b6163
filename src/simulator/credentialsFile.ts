import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import { createSimulatorCredentials, type SimulatorCredentials } from './simulatorCredentials.js';

const fileSchema = z.object({
  krakenPay: z.object({
    kid: z.string(),
    privateJwk: z.looseObject({}),
    publicJwk: z.looseObject({}),
  }),
  krakenEmbed: z.object({ webhookSecret: z.string(), apiKey: z.string(), apiSecret: z.string() }),
  kryptogo: z.object({ callbackSecret: z.string(), clientId: z.string(), apiKey: z.string() }),
  kkiapay: z.object({
    webhookSecret: z.string(),
    publicKey: z.string(),
    privateKey: z.string(),
    secretKey: z.string(),
  }),
});

/**
 * Loads the simulator's credentials from `path`, or makes new ones and saves them there (mode
 * 0600), so `payrec simulate serve` and `payrec simulate send` agree across processes.
 */
export const loadOrCreateCredentials = async (path: string): Promise<SimulatorCredentials> => {
  if (existsSync(path)) {
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path} is not a payrec simulator credentials file`);
    const { krakenPay, ...rest } = parsed.data;
    const privateKey = (await importJWK(krakenPay.privateJwk as JWK, 'ES256')) as CryptoKey;
    return {
      ...rest,
      krakenPay: { kid: krakenPay.kid, privateKey, publicJwk: krakenPay.publicJwk },
    };
  }
  const credentials = await createSimulatorCredentials();
  const { krakenPay, ...rest } = credentials;
  const file = {
    ...rest,
    krakenPay: {
      kid: krakenPay.kid,
      privateJwk: await exportJWK(krakenPay.privateKey),
      publicJwk: krakenPay.publicJwk,
    },
  };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return credentials;
};
