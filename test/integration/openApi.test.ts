import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../src/adapters/http/index.js';
import { conformanceOf, openApiPath, type OpenApiDocument } from '../support/openApiConformance.js';
import { startOperatorScenario, type OperatorScenario } from '../support/operatorScenario.js';

/** Routes that are not the API: the console's pages (docs/console.md) and the viewer's files. */
const notTheApi = (url: string): boolean =>
  url.startsWith('/console') || url === '/docs' || url.startsWith('/docs/');

describe('the OpenAPI document', () => {
  let scenario: OperatorScenario;
  let document: OpenApiDocument;

  beforeAll(async () => {
    scenario = await startOperatorScenario();
    const answer = await scenario.service.app.inject({ url: '/openapi.json' });
    expect(answer.statusCode).toBe(200);
    document = answer.json<OpenApiDocument>();
  }, 60_000);
  afterAll(async () => {
    await scenario.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the server has, webhooks included', () => {
    const routes = routesOf(scenario.service.app).filter(
      ({ method, url }) => method !== 'HEAD' && !notTheApi(url),
    );
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter(
      ({ method, url }) => document.paths[openApiPath(url)]?.[method.toLowerCase()] === undefined,
    );
    expect(missing).toEqual([]);
    for (const provider of ['kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay']) {
      const webhook = document.paths[`/webhooks/${provider}`]?.['post'] as
        { requestBody?: unknown; security?: unknown[] } | undefined;
      expect(webhook?.requestBody, provider).toBeDefined();
      expect(webhook?.security, provider).toEqual([]);
    }
  });

  it('is served without a token, and browsable at /docs', async () => {
    const guarded = await startOperatorScenario({
      PAYREC_API_TOKEN: 'a-token-of-32-characters-or-so!!',
    });
    try {
      const { app } = guarded.service;
      expect((await app.inject({ url: '/payments' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
      const viewer = await app.inject({ url: '/docs/' });
      expect(viewer.statusCode).toBe(200);
      expect(viewer.headers['content-type']).toMatch(/text\/html/);
      expect(viewer.body).toContain('swagger-ui');
    } finally {
      await guarded.close();
    }
  }, 60_000);

  it("describes the API's real answers, successes and refusals alike", async () => {
    const { app } = scenario.service;
    const check = conformanceOf(document);
    const problems: string[] = [];
    const discrepancy = (await app.inject({ url: '/discrepancies?kind=amount-mismatch' })).json<{
      items: Array<{ id: string }>;
    }>().items[0];
    const fulfilment = (await app.inject({ url: '/fulfilments?status=exhausted' })).json<{
      items: Array<{ id: string; payment: { provider: string; ref: string } }>;
    }>().items[0];
    expect(discrepancy).toBeDefined();
    expect(fulfilment).toBeDefined();
    const calls: Array<[string, string, string, Record<string, unknown>?]> = [
      ['GET', '/healthz', '/healthz'],
      ['GET', '/readyz', '/readyz'],
      ['GET', '/metrics', '/metrics'],
      ['GET', '/openapi.json', '/openapi.json'],
      ['GET', '/payments', '/payments?status=success&sort=created'],
      ['GET', '/payments', '/payments?amountMin=x'],
      ['GET', '/payments/{provider}/{ref}', '/payments/kraken-embed/A-1'],
      ['GET', '/payments/{provider}/{ref}', '/payments/kraken-embed/A-1?asOf=2020-01-01T00:00:00Z'],
      ['GET', '/payments/{provider}/{ref}', '/payments/nowhere/A-1'],
      ['GET', '/payments/{provider}/{ref}/events', '/payments/kraken-embed/B-2/events'],
      ['GET', '/payments/{provider}/{ref}/events', '/payments/kkiapay/K-1/events'],
      [
        'POST',
        '/payments',
        '/payments',
        { provider: 'kkiapay', ref: 'N-1', amount: 5, currency: 'XOF' },
      ],
      [
        'POST',
        '/payments',
        '/payments',
        { provider: 'kkiapay', ref: 'N-1', amount: 5, currency: 'XOF' },
      ],
      [
        'POST',
        '/payments',
        '/payments',
        { provider: 'kkiapay', ref: 'N-1', amount: 6, currency: 'XOF' },
      ],
      ['POST', '/payments', '/payments', { provider: 'kkiapay' }],
      ['GET', '/deliveries', '/deliveries'],
      ['GET', '/deliveries', '/deliveries?outcome=rejected'],
      ['GET', '/fulfilments', '/fulfilments'],
      ['POST', '/fulfilments/redrive', '/fulfilments/redrive', { reason: 'checking' }],
      ['POST', '/fulfilments/redrive', '/fulfilments/redrive', {}],
      [
        'POST',
        '/payments/{provider}/{ref}/fulfilments/{webhookId}/redrive',
        `/payments/${fulfilment?.payment.provider ?? ''}/${fulfilment?.payment.ref ?? ''}/fulfilments/${fulfilment?.id ?? ''}/redrive`,
      ],
      ['GET', '/discrepancies', '/discrepancies'],
      ['GET', '/discrepancies', '/discrepancies?state=resolved'],
      ['GET', '/discrepancies/{id}', `/discrepancies/${discrepancy?.id ?? ''}`],
      ['GET', '/discrepancies/{id}', '/discrepancies/unknown'],
      [
        'POST',
        '/discrepancies/{id}/acknowledge',
        `/discrepancies/${discrepancy?.id ?? ''}/acknowledge`,
        { note: 'looking' },
      ],
      [
        'POST',
        '/discrepancies/{id}/resolve',
        `/discrepancies/${discrepancy?.id ?? ''}/resolve`,
        { resolution: 'accepted-provider', note: 'the customer paid 90.00' },
      ],
      [
        'POST',
        '/discrepancies/{id}/resolve',
        `/discrepancies/${discrepancy?.id ?? ''}/resolve`,
        { resolution: 'accepted-provider', note: 'again' },
      ],
      ['GET', '/reports/settlement', '/reports/settlement?from=2020-01-01&to=2030-01-01'],
      [
        'GET',
        '/reports/settlement',
        '/reports/settlement?from=2020-01-01&to=2030-01-01&format=csv',
      ],
      ['GET', '/reports/settlement', '/reports/settlement?from=nope&to=2030-01-01'],
      [
        'GET',
        '/reports/settlement/changes',
        '/reports/settlement/changes?since=2020-01-01T00:00:00Z',
      ],
      ['GET', '/exports/payments', '/exports/payments?format=csv'],
      ['GET', '/exports/events', '/exports/events?format=ndjson'],
      ['GET', '/exports/discrepancies', '/exports/discrepancies?format=csv'],
      ['GET', '/exports/deliveries', '/exports/deliveries?format=ndjson'],
      ['POST', '/webhooks/kkiapay', '/webhooks/kkiapay', { transactionId: 'forged' }],
    ];
    const statuses = new Set<number>();
    for (const [method, path, url, payload] of calls) {
      const answer = await app.inject({
        method: method as 'GET' | 'POST',
        url,
        ...(payload === undefined ? {} : { payload }),
      });
      statuses.add(answer.statusCode);
      problems.push(...check(method, path, answer));
    }
    expect(problems).toEqual([]);
    // The calls reach successes and refusals of every kind the document promises.
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining([200, 201, 202, 400, 401, 404, 409]),
    );
  });

  it('still answers {code, reason} when a request fails validation', async () => {
    const answer = await scenario.service.app.inject({ url: '/payments?limit=9999&colour=red' });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({
      code: 'INVALID_QUERY',
      // Each parameter that failed, with its value and what it takes; an unknown one called so.
      reason: 'Check limit "9999" is above 500; colour is an unknown parameter.',
    });
  });
});
