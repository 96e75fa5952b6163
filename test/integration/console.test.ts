import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../src/apiTokens.js';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import { testFulfilmentSecret } from '../support/fulfilmentReceiver.js';
import { overviewAggregates } from '../../src/application/overviewFigures.js';
import { DeliveryLog } from '../../src/adapters/deliveryLog/deliveryLog.js';
import { createSqliteReadModelStore } from '../../src/adapters/readModels/sqliteReadModelStore.js';
import {
  paymentCountRows,
  paymentCountsDocumentId,
  paymentCountsProjection,
  paymentsProjectionName,
  readModelTables,
  type PaymentCounts,
} from '../../src/projections/index.js';
import { waitFor } from '../support/waitFor.js';
import { startOperatorScenario, type OperatorScenario } from '../support/operatorScenario.js';

const operatorToken = 'console-operate-token-0123456789abcdef';

describe('the console over HTTP', () => {
  let scenario: OperatorScenario;

  beforeAll(async () => {
    const tokensFile = join(tmpdir(), `payrec-console-int-${process.pid}`);
    writeFileSync(tokensFile, `ops operate ${tokenHash(operatorToken)}\n`);
    scenario = await startOperatorScenario({
      PAYREC_API_TOKENS_FILE: tokensFile,
      PAYREC_API_TOKEN: 'scenario-token-0123456789abcdef0123',
      PAYREC_TRUST_PROXY: '1',
    });
  }, 60_000);
  afterAll(async () => {
    await scenario.close();
  });

  const app = () => scenario.service.app;

  /** Signs in as a browser would: the form's CSRF token, then the token. */
  const signIn = async (headers: Record<string, string> = {}) => {
    const form = await app().inject({ url: '/console/sign-in', headers });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrfCookie = form.cookies.find((cookie) => cookie.name === 'payrec_csrf');
    const signedIn = await app().inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: {
        ...headers,
        cookie: `payrec_csrf=${csrfCookie?.value ?? ''}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({
        _csrf: csrf,
        token: operatorToken,
        next: 'https://evil.example/',
      }).toString(),
    });
    return Object.assign(signedIn, { csrfCookie: csrfCookie?.value ?? '' });
  };

  it('sends everyone not signed in to sign in, and keeps no token in the session cookie', async () => {
    const page = await app().inject({ url: '/console/payments?status=success' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(
      '/console/sign-in?next=%2Fconsole%2Fpayments%3Fstatus%3Dsuccess',
    );
    const signedIn = await signIn();
    expect(signedIn.statusCode).toBe(303);
    // Never an open redirect: a foreign `next` lands on the overview.
    expect(signedIn.headers.location).toBe('/console');
    const session = signedIn.cookies.find((cookie) => cookie.name === 'payrec_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(session?.secure).toBeFalsy();
    expect(session?.value).not.toContain(operatorToken);
  });

  it('marks the session cookie Secure behind TLS', async () => {
    const signedIn = await signIn({ 'x-forwarded-proto': 'https' });
    const session = signedIn.cookies.find((cookie) => cookie.name === 'payrec_session');
    expect(session?.secure).toBe(true);
  });

  it('refuses a wrong token without a session, and a forged session cookie', async () => {
    const form = await app().inject({ url: '/console/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrfCookie = form.cookies.find((cookie) => cookie.name === 'payrec_csrf');
    const refused = await app().inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: {
        cookie: `payrec_csrf=${csrfCookie?.value ?? ''}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ _csrf: csrf, token: 'not-a-token' }).toString(),
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.cookies.find((cookie) => cookie.name === 'payrec_session')).toBeUndefined();
    const forged = await app().inject({
      url: '/console',
      headers: { cookie: `payrec_session=${encodeURIComponent(`${Date.now() + 1e9}:ops`)}` },
    });
    expect(forged.statusCode).toBe(303);
  });

  it('keeps sessions in the event store without reading as projection lag', async () => {
    await signIn();
    const head = (await scenario.service.eventStore.readAll({ maxCount: 100_000 })).at(-1);
    expect(head?.streamName).toMatch(/^console-session-[0-9a-f]{64}$/);
    expect(JSON.stringify(head?.data)).not.toContain(operatorToken);
    await waitFor(async () => {
      const metrics = await app().inject({ url: '/metrics', headers: scenario.headers });
      const lags = [...metrics.body.matchAll(/^payrec_projection_lag_events\{[^}]*\} (\d+)$/gm)];
      return lags.length > 0 && lags.every((lag) => lag[1] === '0') ? true : undefined;
    });
  });

  it('shows on the overview who holds each role, and since when', async () => {
    const session = (await signIn()).cookies.find((cookie) => cookie.name === 'payrec_session');
    const page = await app().inject({
      url: '/console',
      headers: { cookie: `payrec_session=${session?.value ?? ''}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Roles: work that runs in one process at a time');
    const instance = scenario.service.roles.status()[0];
    for (const role of ['projections', 'reconciler', 'fulfilment', 'delivery-log-repair']) {
      expect(page.body).toMatch(
        new RegExp(`<th scope="row">${role}</th><td>[^<]+ \\(this process\\)</td><td>\\d{4}-`),
      );
    }
    expect(instance?.held).toBe(true);
  });

  it('serves its pages with a strict Content-Security-Policy and no caching', async () => {
    const session = (await signIn()).cookies.find((cookie) => cookie.name === 'payrec_session');
    const page = await app().inject({
      url: '/console',
      headers: { cookie: `payrec_session=${session?.value ?? ''}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none';style-src 'self';img-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none'",
    );
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).not.toMatch(/<script/i);
    const slashed = await app().inject({
      url: '/console/',
      headers: { cookie: `payrec_session=${session?.value ?? ''}` },
    });
    expect(slashed.statusCode).toBe(200);
    // The overview's figures: open discrepancies by kind and age, and payments by status.
    const cells = (row: string) =>
      [
        ...(
          new RegExp(`<tr><th scope="row"><a [^>]*>${row}</a></th>([\\s\\S]*?)</tr>`).exec(
            page.body,
          )?.[1] ?? ''
        ).matchAll(/<td class="num">([^<]*)<\/td>/g),
      ].map((match) => match[1]);
    expect(cells('amount-mismatch')).toEqual(['1', '0', '0', '0']);
    expect(cells('success')).toEqual(['1', '1', '2']);
    expect(cells('pending')).toEqual(['0', '2', '2']);
  });

  it('counts payments by status and provider exactly as the payments read model holds them', async () => {
    await scenario.projected();
    const db = new Database(join(scenario.dataDir, 'readmodels.db'), { readonly: true });
    try {
      const readModels = createSqliteReadModelStore(db, readModelTables);
      const counted = paymentCountRows(
        readModels.get(paymentCountsProjection.name, paymentCountsDocumentId) as PaymentCounts,
      );
      const grouped = readModels.aggregate(paymentsProjectionName, {
        groupBy: ['status', 'provider'],
      });
      expect(counted.length).toBeGreaterThan(1);
      expect(
        [...counted].sort((a, b) =>
          `${a.status}${a.provider}`.localeCompare(`${b.status}${b.provider}`),
        ),
      ).toEqual(
        grouped
          .map((group) => ({
            status: group.key['status'],
            provider: group.key['provider'],
            count: group.count,
          }))
          .sort((a, b) =>
            `${String(a.status)}${String(a.provider)}`.localeCompare(
              `${String(b.status)}${String(b.provider)}`,
            ),
          ),
      );
      // The overview's other queries read an index alone.
      for (const { projection, request } of overviewAggregates(new Date())) {
        const plan = readModels.explainAggregate(projection, request).join(' | ');
        expect(plan, projection).toMatch(/USING COVERING INDEX/);
        expect(plan, projection).not.toMatch(/SCAN [a-z_]+( |$)(?!USING)/);
      }
    } finally {
      db.close();
    }
    const serviceDb = new Database(join(scenario.dataDir, 'payrec.db'), { readonly: true });
    try {
      const plan = new DeliveryLog(serviceDb).explainPerMinute().join(' | ');
      expect(plan).toMatch(/SEARCH delivery_log_minutes USING PRIMARY KEY \(minute>\?\)/);
    } finally {
      serviceDb.close();
    }
  });

  it("shows the API's refusal of a form it would not take, and records nothing", async () => {
    const signedIn = await signIn();
    const { csrfCookie } = signedIn;
    const session = signedIn.cookies.find((cookie) => cookie.name === 'payrec_session')?.value;
    const cookie = `payrec_csrf=${csrfCookie}; payrec_session=${session ?? ''}`;
    const payment = await app().inject({
      url: '/console/payments/kraken-embed/B-2',
      headers: { cookie },
    });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(payment.body)?.[1] ?? '';
    const action = /action="(\/console\/discrepancies\/[^"]+\/resolve)"/.exec(payment.body)?.[1];
    expect(action).toBeDefined();
    const before = (await scenario.service.eventStore.eventsAfter(0n)) ?? 0;
    const refused = await app().inject({
      method: 'POST',
      url: action ?? '',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, resolution: 'shrugged', note: '' }).toString(),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('INVALID_BODY');
    // The field, the value it had and what it takes; a blank note is a missing one.
    expect(refused.body).toMatch(
      /Check resolution (&quot;|&#34;|")shrugged(&quot;|&#34;|") is not one of accepted-provider, refunded-outside, written-off, other; note is required\./,
    );
    expect((await scenario.service.eventStore.eventsAfter(0n)) ?? 0).toBe(before);
  });

  it('lists payments the newest first for a person, saying how many match in all', async () => {
    const signedIn = await signIn();
    const session = signedIn.cookies.find((cookie) => cookie.name === 'payrec_session')?.value;
    const headers = { cookie: `payrec_session=${session ?? ''}` };
    const api = (
      await app().inject({ url: '/payments?sort=created&order=desc', headers: scenario.headers })
    ).json<{ items: Array<{ ref: string }>; matching: { count: number } }>();
    expect(api.items.length).toBeGreaterThan(2);
    const page = await app().inject({ url: '/console/payments?sort=created&limit=2', headers });
    expect(page.statusCode).toBe(200);
    const caption = /<caption>([^<]*)/.exec(page.body)?.[1] ?? '';
    expect(caption).toBe(`2 of ${api.matching.count} payments, the newest created first · `);
    expect(page.body).toContain('>next page</a>');
    const shown = [...page.body.matchAll(/href="\/console\/payments\/[^/]+\/([^"]+)"/g)].map(
      (match) => decodeURIComponent(match[1] ?? ''),
    );
    expect(shown).toEqual(api.items.slice(0, 2).map((item) => item.ref));
    // A person who asks for the oldest first gets them.
    const oldest = await app().inject({
      url: '/console/payments?sort=created&order=asc&limit=2',
      headers,
    });
    expect(/<caption>([^<]*)/.exec(oldest.body)?.[1]).toContain('the oldest created first');
  });

  it('says on a reopened discrepancy how it was resolved before', async () => {
    const signedIn = await signIn();
    const session = signedIn.cookies.find((cookie) => cookie.name === 'payrec_session')?.value;
    const cookie = `payrec_session=${session ?? ''}`;
    // B-2 settled for 90.00 against 100.00: finance writes it off…
    const open = (
      await app().inject({
        url: '/discrepancies?provider=kraken-embed&kind=amount-mismatch',
        headers: scenario.headers,
      })
    ).json<{ items: Array<{ id: string; payment: { ref: string } }> }>();
    const b2 = open.items.find((item) => item.payment.ref === 'B-2');
    expect(b2).toBeDefined();
    const resolved = await app().inject({
      method: 'POST',
      url: `/discrepancies/${encodeURIComponent(b2?.id ?? '')}/resolve`,
      headers: scenario.headers,
      payload: { resolution: 'written-off', note: 'ten dollars, not worth chasing' },
    });
    expect(resolved.statusCode).toBe(200);
    // …and then the provider says 80.00: a new figure opens it again.
    scenario.simulator.setTruth('kraken-embed', 'B-2', {
      status: 'executed',
      amount: { value: '80.00', currency: 'USD' },
    });
    await scenario.service.reconciler.checkOne({ provider: 'kraken-embed', ref: 'B-2' });
    await waitFor(async () => {
      const page = await app().inject({
        url: '/console/payments/kraken-embed/B-2',
        headers: { cookie },
      });
      return page.body.includes('Resolved before as written-off') ? page.body : undefined;
    });
    // The list reads the discrepancies read model, which may lag the payment's own stream.
    const list = await waitFor(async () => {
      const page = await app().inject({
        url: '/console/discrepancies?provider=kraken-embed&kind=amount-mismatch',
        headers: { cookie },
      });
      return page.body.includes('resolved before') ? page.body : undefined;
    });
    expect(list).toMatch(/open \(resolved before as written-off by [^)]+\)/);
  });

  it('replays a stored delivery through the API: a dry run, then applied on request', async () => {
    const { items } = (
      await app().inject({
        url: '/deliveries?provider=kraken-embed&outcome=accepted',
        headers: scenario.headers,
      })
    ).json<{ items: Array<{ deliveryId: string }> }>();
    const id = items[0]?.deliveryId ?? '';
    const replay = (payload: object) =>
      app().inject({
        method: 'POST',
        url: `/deliveries/${id}/replay`,
        headers: scenario.headers,
        payload,
      });
    const dryRun = (await replay({})).json<Record<string, unknown>>();
    expect(dryRun).toMatchObject({
      outcome: 'replayed',
      provider: 'kraken-embed',
      appended: null,
      decisions: [{ payment: 'kraken-embed/C-3', events: [] }],
    });
    expect((await replay({ apply: true })).json()).toMatchObject({ appended: 0 });
    const unknown = await app().inject({
      method: 'POST',
      url: `/deliveries/${'0'.repeat(32)}/replay`,
      headers: scenario.headers,
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the console and whether fulfilment is on', () => {
  /** A tokenless service (the console serves loopback), with the environment given. */
  const withService = async (
    env: Record<string, string>,
    use: (service: Service) => Promise<void>,
  ) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payrec-console-fulfilment-'));
    const service = await createService(loadConfig({ PAYREC_DATA_DIR: dataDir, ...env }), {
      logger: createLogger({ level: 'silent' }),
    });
    try {
      await use(service);
    } finally {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  it('says on the overview and the fulfilments page that it is off, and what the rows mean', async () => {
    await withService({}, async (service) => {
      const page = await service.app.inject({ url: '/console/fulfilments' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Fulfilment is off');
      expect(page.body).toMatch(
        /rows stay (&quot;|&#34;|")requested(&quot;|&#34;|") with 0 attempts/,
      );
      const overview = await service.app.inject({ url: '/console' });
      expect(overview.body).toMatch(/<dt>Fulfilment<\/dt>\s*<dd>off: PAYREC_FULFILMENT_URL/);
    });
  });

  it('says nothing of the kind when it is on', async () => {
    await withService(
      {
        PAYREC_FULFILMENT_URL: 'http://127.0.0.1:9/payrec',
        PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
      },
      async (service) => {
        const page = await service.app.inject({ url: '/console/fulfilments' });
        expect(page.statusCode).toBe(200);
        expect(page.body).not.toContain('Fulfilment is off');
        const overview = await service.app.inject({ url: '/console' });
        expect(overview.body).toMatch(/<dt>Fulfilment<\/dt>\s*<dd>on<\/dd>/);
      },
    );
  });
});
