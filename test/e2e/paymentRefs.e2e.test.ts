import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentRefSchema } from '../../src/domain/index.js';
import type { Service } from '../../src/main.js';
import { runCli } from '../support/runningService.js';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from '../support/webhookBuilders.js';
import { waitFor } from '../support/waitFor.js';
import { startWebhookService, testSecrets } from '../support/webhookService.js';

/** Characters that break naïve handling: separators, escapes, dots, astral and lone surrogates. */
const awkward = fc.constantFrom(
  '/',
  '?',
  '#',
  '%',
  '%2F',
  ' ',
  '.',
  '..',
  '-',
  '+',
  '\\',
  '"',
  '😀',
);
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u));
const aRef = fc
  .array(fc.oneof({ weight: 4, arbitrary: anyCodePoint }, awkward, loneSurrogate), {
    minLength: 0,
    maxLength: 140,
  })
  .map((parts) => parts.join(''));

/**
 * One rule for a payment ref: whatever a route accepts, `GET /payments/{p}/{ref}`, its `/events`
 * and `payrec payments show` read back; whatever they could not, the route refuses with a 400.
 */
describe('a payment ref, on every route', () => {
  let service: Service;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  const accepted = new Map<string, string>();

  beforeAll(async () => {
    ({ service, dataDir, cleanup } = await startWebhookService({ now: () => new Date() }));
  });
  afterAll(async () => {
    await cleanup();
  });

  const readBack = async (provider: string, ref: string) => {
    const path = `/payments/${provider}/${encodeURIComponent(ref)}`;
    const state = await waitFor(async () => {
      const response = await service.app.inject({ method: 'GET', url: path });
      return response.statusCode === 200
        ? response.json<{ provider: string; ref: string }>()
        : undefined;
    });
    expect(state).toMatchObject({ provider, ref });
    const events = await service.app.inject({ method: 'GET', url: `${path}/events` });
    expect(events.statusCode).toBe(200);
    expect(events.json<{ events: unknown[] }>().events.length).toBeGreaterThan(0);
  };

  const routes = {
    'POST /webhooks/kkiapay': {
      provider: 'kkiapay',
      maxLength: 128,
      send: (ref: string) =>
        service.app.inject({
          method: 'POST',
          url: '/webhooks/kkiapay',
          payload: JSON.stringify({
            transactionId: ref,
            event: 'transaction.success',
            amount: 100,
          }),
          headers: { 'content-type': 'application/json', 'x-kkiapay-secret': testSecrets.kkiapay },
        }),
    },
    'POST /webhooks/kraken-embed': {
      provider: 'kraken-embed',
      maxLength: 256,
      send: (ref: string) => {
        const { payload, headers } = signedKrakenEmbedDelivery({
          body: aKrakenEmbedEvent({ id: ref }),
          secret: testSecrets.krakenEmbed,
          at: new Date(),
        });
        return service.app.inject({
          method: 'POST',
          url: '/webhooks/kraken-embed',
          payload,
          headers,
        });
      },
    },
    'POST /payments': {
      provider: 'kryptogo',
      maxLength: 256,
      send: (ref: string) =>
        service.app.inject({
          method: 'POST',
          url: '/payments',
          payload: { provider: 'kryptogo', ref },
        }),
    },
  } as const;

  it.each(Object.entries(routes))(
    'accepts on %s exactly the refs the query API can read back',
    async (_name, route) => {
      const { provider } = route;
      await fc.assert(
        fc.asyncProperty(aRef, async (ref) => {
          const response = await route.send(ref);
          const acceptable = paymentRefSchema.max(route.maxLength).safeParse(ref).success;
          if (!acceptable) {
            expect(response.statusCode, JSON.stringify(ref)).toBe(400);
            expect(response.json<{ code: string }>().code).toMatch(
              /^(SCHEMA_INVALID|INVALID_BODY)$/,
            );
            return;
          }
          expect([200, 201], JSON.stringify(ref)).toContain(response.statusCode);
          await readBack(provider, ref);
          if (accepted.size < 12) accepted.set(ref, provider);
        }),
        { numRuns: 40 },
      );
    },
  );

  it('reads every accepted ref back with payrec payments show', async () => {
    expect(accepted.size).toBeGreaterThan(0);
    for (const [ref, provider] of accepted) {
      const result = await runCli(['payments', 'show', provider, '--', ref], {
        PAYREC_DATA_DIR: dataDir,
      });
      expect(result.stderr, JSON.stringify(ref)).toBe('');
      expect(result.code, JSON.stringify(ref)).toBe(0);
      expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^${provider}/`));
      expect(result.stdout).toContain(`${provider}/${ref}:`);
    }
  });
});
