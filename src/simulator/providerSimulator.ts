import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { krakenApiSign } from '../adapters/providers/krakenEmbed/krakenApiSign.js';
import { constantTimeEqual } from '../adapters/providers/shared/constantTimeEqual.js';
import type { ProviderName } from '../domain/index.js';
import { Secret } from '../secret.js';
import type { SimulatorCredentials } from './simulatorCredentials.js';

/** What the simulated provider's status endpoint says about one payment, in its own words. */
export type ProviderTruth = Readonly<{
  /** The provider's own status value: `executed`, `success`, `SUCCESS`, … */
  status: string;
  /** Decimal amount and currency as the provider writes them. */
  amount?: Readonly<{ value: string; currency: string }>;
}>;

export type ProviderSimulator = Readonly<{
  url: string;
  setTruth: (provider: ProviderName, ref: string, truth: ProviderTruth) => void;
  /** Status calls served, per provider, for tests and benchmarks. */
  calls: () => Readonly<Record<string, number>>;
  close: () => Promise<void>;
}>;

/**
 * A loopback stand-in for the four providers: Kraken Pay's JWKS, and the status endpoints of
 * Kraken Embed (`GET /b2b/quotes/{id}`, `API-Key`/`API-Nonce`/`API-Sign`), KryptoGO
 * (`GET /v1/studio/api/payment/intent/{id}`, `X-Client-ID`/`Origin`/`X-STUDIO-API-KEY`) and
 * KKiaPay (`POST /api/v1/transactions/status`, `x-api-key`/`x-private-key`/`x-secret-key`), with
 * the response shapes of shared/providers.md §2.5, §3.3 and §4.3. Binds to 127.0.0.1 only.
 */
export const startProviderSimulator = async ({
  credentials,
  port = 0,
}: Readonly<{ credentials: SimulatorCredentials; port?: number }>): Promise<ProviderSimulator> => {
  const truths = new Map<string, ProviderTruth>();
  const callCounts: Record<string, number> = {};
  const count = (name: string) => (callCounts[name] = (callCounts[name] ?? 0) + 1);
  const app = Fastify({ logger: false });

  app.get('/.well-known/pay-callback-keys.json', () => {
    count('kraken-pay-jwks');
    return { keys: [credentials.krakenPay.publicJwk] };
  });

  const header = (request: FastifyRequest, name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : '';
  };

  app.get<{ Params: { id: string } }>('/b2b/quotes/:id', (request, reply) => {
    count('kraken-embed');
    const { apiKey, apiSecret } = credentials.krakenEmbed;
    const expected = krakenApiSign({
      path: request.url,
      nonce: header(request, 'api-nonce'),
      body: '',
      secret: new Secret(apiSecret),
    });
    if (
      !constantTimeEqual(header(request, 'api-key'), apiKey) ||
      !constantTimeEqual(header(request, 'api-sign'), expected)
    ) {
      return reply.code(401).send({
        error: [
          {
            severity: 'E',
            errorClass: 'auth',
            type: 'EAPI:Invalid signature',
            errorMessage: 'EAPI:Invalid signature',
          },
        ],
      });
    }
    const truth = truths.get(`kraken-embed/${request.params.id}`);
    if (!truth) {
      return reply.code(404).send({
        error: [
          {
            severity: 'E',
            errorClass: 'nexus',
            type: 'ENexus:Quote not found',
            errorMessage: 'ENexus:Quote not found',
          },
        ],
      });
    }
    return {
      error: [],
      result: {
        quote_id: request.params.id,
        type: 'spend',
        status: truth.status,
        ...(truth.amount
          ? { spend: { asset: truth.amount.currency, amount: truth.amount.value } }
          : {}),
      },
    };
  });

  app.get<{ Params: { id: string } }>('/v1/studio/api/payment/intent/:id', (request, reply) => {
    count('kryptogo');
    if (!constantTimeEqual(header(request, 'x-client-id'), credentials.kryptogo.clientId)) {
      return reply.code(401).send({ code: 4001, message: 'invalid client_id' });
    }
    if (!constantTimeEqual(header(request, 'x-studio-api-key'), credentials.kryptogo.apiKey)) {
      return reply.code(401).send({ code: 4002, message: 'invalid API key' });
    }
    const truth = truths.get(`kryptogo/${request.params.id}`);
    if (!truth) return reply.code(404).send({ code: 4006, message: 'invalid payment_intent_id' });
    return {
      code: 0,
      data: {
        payment_intent_id: request.params.id,
        payment_chain_id: 'arb',
        symbol: 'USDT',
        fiat_amount: truth.amount?.value ?? '300.0',
        fiat_currency: truth.amount?.currency ?? 'TWD',
        status: truth.status,
      },
    };
  });

  app.post<{ Body: { transactionId?: unknown } }>(
    '/api/v1/transactions/status',
    (request, reply: FastifyReply) => {
      count('kkiapay');
      const { publicKey, privateKey, secretKey } = credentials.kkiapay;
      if (
        !constantTimeEqual(header(request, 'x-api-key'), publicKey) ||
        !constantTimeEqual(header(request, 'x-private-key'), privateKey) ||
        !constantTimeEqual(header(request, 'x-secret-key'), secretKey)
      ) {
        return reply.code(401).send({ status: 'UNAUTHORIZED' });
      }
      const id = typeof request.body.transactionId === 'string' ? request.body.transactionId : '';
      const truth = truths.get(`kkiapay/${id}`);
      if (!truth) return { status: 'TRANSACTION_NOT_FOUND' };
      return {
        transactionId: id,
        status: truth.status,
        type: 'DEBIT',
        source: 'MOBILE_MONEY',
        amount: truth.amount ? Number(truth.amount.value) : 1000,
        fees: 19,
        performed_at: new Date().toISOString(),
      };
    },
  );

  const address = await app.listen({ host: '127.0.0.1', port });
  return {
    url: address,
    setTruth: (provider, ref, truth) => {
      truths.set(`${provider}/${ref}`, truth);
    },
    calls: () => ({ ...callCounts }),
    close: () => app.close(),
  };
};
