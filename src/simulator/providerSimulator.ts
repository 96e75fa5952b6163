import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { krakenApiSign } from '../adapters/providers/krakenEmbed/krakenApiSign.js';
import { constantTimeEqual } from '../adapters/providers/common/constantTimeEqual.js';
import { z } from 'zod';
import { Secret } from '../secret.js';
import type { SimulatorCredentials } from './simulatorCredentials.js';
import { simulatedProviders, type SimulatedProvider } from './simulatedDeliveries.js';

const simulatedProviderSchema = z.enum(simulatedProviders);

/** What the simulated provider's status endpoint says about one payment, in its own words. */
export type ProviderTruth = Readonly<{
  /** The provider's own status value: `executed`, `success`, `SUCCESS`, … */
  status: string;
  /** Decimal amount and currency as the provider writes them. */
  amount?: Readonly<{ value: string; currency: string }>;
  /** Kraken Embed only: a deposit or withdrawal (listed by the funding endpoint), not a quote. */
  object?: 'deposit' | 'withdrawal';
  /**
   * When the provider says it happened (KryptoGO's `payment_tx_timestamp`, KKiaPay's
   * `performed_at`), an ISO-8601 instant; absent: KryptoGO gives none, KKiaPay says "now".
   */
  at?: string;
}>;

const truthSchema = z.strictObject({
  status: z.string().min(1).max(64),
  amount: z.strictObject({ value: z.string().max(64), currency: z.string().max(16) }).optional(),
  object: z.enum(['deposit', 'withdrawal']).optional(),
  at: z.iso.datetime().optional(),
});

/** How a status endpoint misbehaves: an error status for every call, or every answer late. */
export type StatusEndpointFault =
  Readonly<{ kind: 'status'; status: number }> | Readonly<{ kind: 'slow'; delayMs: number }>;

/** Which provider's status endpoint a request path belongs to, if any. */
const statusProviderOf = (path: string): SimulatedProvider | null =>
  path.startsWith('/b2b/quotes/') || path.startsWith('/b2b/funds/')
    ? 'kraken-embed'
    : path.startsWith('/v1/studio/api/payment/intent/')
      ? 'kryptogo'
      : path.startsWith('/api/v1/transactions/status')
        ? 'kkiapay'
        : null;

/** A registered Kraken Embed webhook, as `POST /b2b/webhooks` answered it. */
export type SimulatedWebhookRegistration = Readonly<{
  url: string;
  events: readonly string[];
  secret: string;
}>;

export type ProviderSimulator = Readonly<{
  url: string;
  setTruth: (provider: SimulatedProvider, ref: string, truth: ProviderTruth) => void;
  /** Status calls served, per provider, for tests and benchmarks (429s included). */
  calls: () => Readonly<Record<string, number>>;
  /** Calls answered 429 because they went over the rate limit, per provider. */
  throttled: () => Readonly<Record<string, number>>;
  /** Answers the provider's next `count` status calls with `status` (503, 500, 200 with junk…). */
  failNext: (provider: SimulatedProvider, count: number, status: number, body?: string) => void;
  webhookRegistrations: () => readonly SimulatedWebhookRegistration[];
  /**
   * Makes the provider's status endpoint misbehave until it is set again (`null`: behave):
   * answer every call with an HTTP status (`500`, `429`, …), or answer late (`slow`, which a
   * short enough caller timeout turns into a timeout). For the whole-system simulation.
   */
  setFault: (provider: SimulatedProvider, fault: StatusEndpointFault | null) => void;
  /** When each status call arrived (ms since the epoch), per provider, faulted ones included. */
  callTimes: () => Readonly<Record<string, readonly number[]>>;
  /**
   * Holds the provider's next status answer, made as the truth stands when the call arrives, until
   * `release` is called: `arrived` resolves when the call is in (for tests of a caller paused
   * between asking and recording, whose answer is stale by the time it reads it).
   */
  holdNext: (provider: SimulatedProvider) => Readonly<{
    arrived: Promise<void>;
    release: () => void;
  }>;
  close: () => Promise<void>;
}>;

/**
 * A loopback stand-in for the four providers: Kraken Pay's JWKS, and the status endpoints of
 * Kraken Embed (`GET /b2b/quotes/{id}`, `API-Key`/`API-Nonce`/`API-Sign`), KryptoGO
 * (`GET /v1/studio/api/payment/intent/{id}`, `X-Client-ID`/`Origin`/`X-STUDIO-API-KEY`) and
 * KKiaPay (`POST /api/v1/transactions/status`, `x-api-key`/`x-private-key`/`x-secret-key`), with
 * the response shapes of docs/providers.md §2.5, §3.3 and §4.3. Binds to 127.0.0.1 only.
 */
/* eslint-disable max-lines-per-function -- a test double's server: one short handler per provider endpoint, over the same truths and faults */
export const startProviderSimulator = async ({
  credentials,
  port = 0,
  rateLimitPerSecond,
}: Readonly<{
  credentials: SimulatorCredentials;
  port?: number;
  /** Status calls per second per provider before answering 429 (none by default). */
  rateLimitPerSecond?: number;
}>): Promise<ProviderSimulator> => {
  const truths = new Map<string, ProviderTruth>();
  const setTruth = (provider: SimulatedProvider, ref: string, truth: ProviderTruth) => {
    truths.set(`${provider}/${ref}`, truth);
  };
  const callCounts: Record<string, number> = {};
  const throttledCounts: Record<string, number> = {};
  const windows = new Map<string, { second: number; calls: number }>();
  const failures = new Map<string, { count: number; status: number; body: string }>();
  const registrations: SimulatedWebhookRegistration[] = [];
  const holds = new Map<string, { arrive: () => void; released: Promise<void> }>();
  /** Waits, if a test holds this provider's next answer, until the test releases it. */
  const held = async (provider: string): Promise<void> => {
    const hold = holds.get(provider);
    if (hold === undefined) return;
    holds.delete(provider);
    hold.arrive();
    await hold.released;
  };
  const count = (name: string) => (callCounts[name] = (callCounts[name] ?? 0) + 1);
  const app = Fastify({ logger: false });
  const faults = new Map<SimulatedProvider, StatusEndpointFault>();
  const arrivals: Record<string, number[]> = {};
  app.addHook('onRequest', async (request, reply) => {
    const provider = statusProviderOf(request.url);
    if (provider === null) return;
    (arrivals[provider] ??= []).push(Date.now());
    const fault = faults.get(provider);
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'status') {
      if (fault.status === 429) void reply.header('retry-after', '1');
      await reply.code(fault.status).type('application/json').send('{"error":["simulated"]}');
    }
  });

  /** Counts a status call; answers it (429, or an injected failure) when it should not pass. */
  const gate = (provider: string, reply: FastifyReply): boolean => {
    count(provider);
    if (rateLimitPerSecond !== undefined) {
      const second = Math.floor(Date.now() / 1000);
      const window = windows.get(provider);
      const current = window?.second === second ? window : { second, calls: 0 };
      current.calls += 1;
      windows.set(provider, current);
      if (current.calls > rateLimitPerSecond) {
        throttledCounts[provider] = (throttledCounts[provider] ?? 0) + 1;
        void reply.code(429).send({ error: ['EAPI:Rate limit exceeded'] });
        return false;
      }
    }
    const failure = failures.get(provider);
    if (failure && failure.count > 0) {
      failure.count -= 1;
      void reply.code(failure.status).type('application/json').send(failure.body);
      return false;
    }
    return true;
  };

  app.get('/.well-known/pay-callback-keys.json', () => {
    count('kraken-pay-jwks');
    return { keys: [credentials.krakenPay.publicJwk] };
  });

  const header = (request: FastifyRequest, name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : '';
  };

  /** Whether a Kraken Embed request carries a valid `API-Key`/`API-Nonce`/`API-Sign`. */
  const signedByPayrec = (request: FastifyRequest, body: string) => {
    const { apiKey, apiSecret } = credentials.krakenEmbed;
    const expected = krakenApiSign({
      path: request.url,
      nonce: header(request, 'api-nonce'),
      body,
      secret: new Secret(apiSecret),
    });
    return (
      constantTimeEqual(header(request, 'api-key'), apiKey) &&
      constantTimeEqual(header(request, 'api-sign'), expected)
    );
  };
  const invalidSignature = {
    error: [
      {
        severity: 'E',
        errorClass: 'auth',
        type: 'EAPI:Invalid signature',
        errorMessage: 'EAPI:Invalid signature',
      },
    ],
  };

  app.get<{ Params: { id: string } }>('/b2b/quotes/:id', (request, reply) => {
    if (!gate('kraken-embed', reply)) return reply;
    if (!signedByPayrec(request, '')) return reply.code(401).send(invalidSignature);
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

  app.get<{ Querystring: { type?: string; cursor?: string; page_size?: string } }>(
    '/b2b/funds/transactions',
    (request, reply) => {
      if (!gate('kraken-embed', reply)) return reply;
      if (!signedByPayrec(request, '')) return reply.code(401).send(invalidSignature);
      const type = request.query.type ?? 'deposit';
      const items = [...truths.entries()]
        .filter(([key, truth]) => key.startsWith('kraken-embed/') && truth.object === type)
        .map(([key, truth]) => ({
          type,
          date: '2026-11-24T10:00:00Z',
          asset: truth.amount?.currency ?? 'USD',
          amount: truth.amount?.value ?? '100.00',
          status: truth.status,
          ref_id: key.slice(key.indexOf('/') + 1),
        }));
      return { error: [], result: { items, next_cursor: null } };
    },
  );

  // payrec signs the JSON it sends, and sends JSON.stringify's output, which re-serialising the
  // parsed body reproduces.
  app.post('/b2b/webhooks', (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    if (!signedByPayrec(request, body)) return reply.code(401).send(invalidSignature);
    const parsed = request.body as { url?: unknown; events?: unknown; enabled?: unknown };
    if (typeof parsed.url !== 'string' || !parsed.url.startsWith('https://')) {
      return reply.code(400).send({ error: ['EGeneral:Invalid arguments:url'] });
    }
    if (registrations.some((registration) => registration.url === parsed.url)) {
      return reply.code(409).send({ error: ['ENexus:Webhook already exists'] });
    }
    const events = Array.isArray(parsed.events) ? parsed.events.map(String) : [];
    const registration = { url: parsed.url, events, secret: credentials.krakenEmbed.webhookSecret };
    registrations.push(registration);
    return {
      error: [],
      result: {
        webhook: {
          id: `wh_${registrations.length}`,
          url: parsed.url,
          enabled: parsed.enabled === true,
          subscribed_events: events,
          created_at: '2026-11-24T10:00:00Z',
          updated_at: '2026-11-24T10:00:00Z',
        },
        secret: registration.secret,
      },
    };
  });

  app.get<{ Params: { id: string } }>(
    '/v1/studio/api/payment/intent/:id',
    async (request, reply) => {
      if (!gate('kryptogo', reply)) return reply;
      if (!constantTimeEqual(header(request, 'x-client-id'), credentials.kryptogo.clientId)) {
        return reply.code(401).send({ code: 4001, message: 'invalid client_id' });
      }
      if (!constantTimeEqual(header(request, 'x-studio-api-key'), credentials.kryptogo.apiKey)) {
        return reply.code(401).send({ code: 4002, message: 'invalid API key' });
      }
      const truth = truths.get(`kryptogo/${request.params.id}`);
      if (!truth) return reply.code(404).send({ code: 4006, message: 'invalid payment_intent_id' });
      const answer = {
        code: 0,
        data: {
          payment_intent_id: request.params.id,
          payment_chain_id: 'arb',
          symbol: 'USDT',
          fiat_amount: truth.amount?.value ?? '300.0',
          fiat_currency: truth.amount?.currency ?? 'TWD',
          status: truth.status,
          ...(truth.at === undefined
            ? {}
            : { payment_tx_timestamp: Math.floor(Date.parse(truth.at) / 1000) }),
        },
      };
      await held('kryptogo');
      return answer;
    },
  );

  app.post<{ Body: { transactionId?: unknown } }>(
    '/api/v1/transactions/status',
    (request, reply: FastifyReply) => {
      if (!gate('kkiapay', reply)) return reply;
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
        performed_at: truth.at ?? new Date().toISOString(),
      };
    },
  );

  // The simulator's own control route, for `payrec simulate send --simulator URL` in another
  // process: what a status endpoint should say about a payment. Loopback only, like the rest.
  app.put<{ Params: { provider: string; ref: string }; Body: unknown }>(
    '/_simulator/truths/:provider/:ref',
    (request, reply) => {
      const provider = simulatedProviderSchema.safeParse(request.params.provider);
      const truth = truthSchema.safeParse(request.body);
      if (!provider.success || !truth.success) {
        return reply.code(400).send({
          code: 'INVALID_TRUTH',
          reason:
            'PUT /_simulator/truths/{provider}/{ref} with {status, amount?: {value, currency}, object?, at?}',
        });
      }
      const { amount, object, status, at } = truth.data;
      setTruth(provider.data, request.params.ref, {
        status,
        ...(amount ? { amount } : {}),
        ...(object ? { object } : {}),
        ...(at ? { at } : {}),
      });
      return reply.code(204).send();
    },
  );

  const address = await app.listen({ host: '127.0.0.1', port });
  return {
    url: address,
    setTruth,
    calls: () => ({ ...callCounts }),
    holdNext: (provider) => {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(provider, { arrive, released });
      return { arrived, release };
    },
    throttled: () => ({ ...throttledCounts }),
    failNext: (provider, failCount, status, body = '{}') => {
      failures.set(provider, { count: failCount, status, body });
    },
    webhookRegistrations: () => [...registrations],
    setFault: (provider, fault) => {
      if (fault === null) faults.delete(provider);
      else faults.set(provider, fault);
    },
    callTimes: () =>
      Object.fromEntries(Object.entries(arrivals).map(([key, at]) => [key, [...at]])),
    close: () => app.close(),
  };
};
/* eslint-enable max-lines-per-function */
