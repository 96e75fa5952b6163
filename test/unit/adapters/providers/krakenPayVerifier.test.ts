import { createLocalJWKSet, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createKrakenPayVerifier } from '../../../../src/adapters/providers/index.js';
import { WebhookRejected } from '../../../../src/errors/index.js';
import {
  publishedKrakenPayExpiry,
  publishedKrakenPayToken,
  recoveredKrakenPayKeys,
} from '../../../vectors/krakenPay.js';

const beforeExpiry = new Date(publishedKrakenPayExpiry.getTime() - 60_000);

const verifierWith = (key: JWK) =>
  createKrakenPayVerifier({ keys: createLocalJWKSet({ keys: [key] }) });

const request = (token: string, receivedAt = beforeExpiry) => ({
  rawBody: Buffer.from(token),
  headers: { 'content-type': 'text/plain' },
  receivedAt,
});

const rejectionOf = async (promise: Promise<unknown>): Promise<WebhookRejected> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WebhookRejected) return error;
    throw error;
  }
  throw new Error('expected a rejection');
};

describe('Kraken Pay verifier against the published test vector', () => {
  it.each(recoveredKrakenPayKeys.map((key, index) => [index === 0 ? 'A' : 'B', key] as const))(
    'verifies the published token under recovered key %s, with the clock before its exp',
    async (_name, key) => {
      const delivery = await verifierWith({ ...key })(request(publishedKrakenPayToken));
      expect(delivery.reports).toEqual([
        {
          payment: { provider: 'kraken-pay', ref: 'GSoAAAAAAAA' },
          report: { vocabulary: 'payload.status', providerStatus: 'success', status: 'success' },
        },
      ]);
      expect(delivery.verification).toMatchObject({ method: 'es256-jwt', trust: 'verified' });
    },
  );

  it.each(recoveredKrakenPayKeys.map((key, index) => [index === 0 ? 'A' : 'B', key] as const))(
    'refuses the token with one payload byte flipped under key %s',
    async (_name, key) => {
      const [header = '', payload = '', signature = ''] = publishedKrakenPayToken.split('.');
      const flipped = `${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}`;
      const rejection = await rejectionOf(
        verifierWith({ ...key })(request(`${header}.${flipped}.${signature}`)),
      );
      expect(rejection.code).toBe('INVALID_SIGNATURE');
    },
  );

  it('refuses the published token once its exp has passed', async () => {
    const afterExpiry = new Date(publishedKrakenPayExpiry.getTime() + 3_600_000);
    const rejection = await rejectionOf(
      verifierWith({ ...recoveredKrakenPayKeys[0] })(request(publishedKrakenPayToken, afterExpiry)),
    );
    expect(rejection.code).toBe('TOKEN_EXPIRED');
  });
});
