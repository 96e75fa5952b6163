import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/main.js';
import {
  aKkiapayWebhook,
  aKrakenEmbedEvent,
  aKryptogoCallback,
  countingJwksFetch,
  krakenPayTestKeys,
  signedKrakenEmbedDelivery,
  signedKryptogoCallback,
} from '../support/webhookBuilders.js';
import { startWebhookService, testSecrets } from '../support/webhookService.js';

const now = new Date('2026-11-24T10:00:00.000Z');
const seconds = (n: number) => new Date(now.getTime() + n * 1000);

describe('webhook receivers', () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  let keys: Awaited<ReturnType<typeof krakenPayTestKeys>>;
  let jwksFetch: ReturnType<typeof countingJwksFetch>;

  beforeEach(async () => {
    keys = await krakenPayTestKeys();
    jwksFetch = countingJwksFetch(keys.jwks);
    ({ service, cleanup } = await startWebhookService({ now: () => now, fetch: jwksFetch.fetch }));
  });
  afterEach(async () => {
    await cleanup();
  });

  const post = (provider: string, payload: string, headers: Record<string, string>) =>
    service.app.inject({ method: 'POST', url: `/webhooks/${provider}`, payload, headers });

  const streamTypes = async (stream: string) =>
    (await service.eventStore.readStream(stream)).map((event) => event.type);

  const everything = () => service.eventStore.readAll({ maxCount: 1_000 });

  /** Every rejection: the status, the exact `{code, reason}`, and not one event anywhere. */
  const expectRejected = async (
    response: LightMyRequestResponse,
    status: number,
    code: string,
    reason?: string,
  ) => {
    expect(response.statusCode).toBe(status);
    const body = response.json<{ code: string; reason: string }>();
    expect(body.code).toBe(code);
    if (reason !== undefined) expect(body.reason).toBe(reason);
    expect(typeof body.reason).toBe('string');
    expect(await everything()).toEqual([]);
  };

  describe('Kraken Embed', () => {
    const embed = (
      body: Record<string, unknown> | string,
      options: { secret?: string; signatureAt?: Date } = {},
    ) =>
      signedKrakenEmbedDelivery({
        body,
        secret: options.secret ?? testSecrets.krakenEmbed,
        at: now,
        ...(options.signatureAt ? { signatureAt: options.signatureAt } : {}),
      });

    it('records a signed delivery and moves the payment, answering only once it is stored', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent());
      const response = await post('kraken-embed', payload, headers);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: true });
      const stored = await service.eventStore.readStream(
        'payment-kraken-embed/AEGXGV-JZ4I2-6QXEJS',
      );
      expect(stored.map((event) => event.type)).toEqual([
        'ProviderReportRecorded',
        'PaymentStatusChanged',
        'FulfilmentRequested',
      ]);
      expect(stored[0]?.data).toMatchObject({
        report: {
          providerStatus: 'custom_order.executed',
          status: 'success',
          amount: { minor: 10_000, currency: 'USD' },
        },
        evidence: {
          deliveryKey: 'custom_order.executed:AEGXGV-JZ4I2-6QXEJS:2025-01-15T10:30:00.000000000Z',
          channel: 'webhook',
          receivedAt: now.toISOString(),
          verification: { method: 'hmac-sha256', trust: 'verified' },
          received: { body: payload, headers: { 'x-signature': headers['x-signature'] } },
        },
      });
    });

    it('answers a repeated delivery with 200 and appends nothing', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent());
      await post('kraken-embed', payload, headers);
      const repeat = await post('kraken-embed', payload, headers);
      expect(repeat.statusCode).toBe(200);
      expect(await everything()).toHaveLength(3);
    });

    it('accepts the previous secret during a rotation, and any of several v1 values', async () => {
      const previous = embed(aKrakenEmbedEvent({ id: 'ROTATED-1' }), {
        secret: testSecrets.krakenEmbedPrevious,
      });
      expect((await post('kraken-embed', previous.payload, previous.headers)).statusCode).toBe(200);
      const signed = embed(aKrakenEmbedEvent({ id: 'ROTATED-2' }));
      const header = signed.headers['x-signature'].replace('v1=', `v1=${'0'.repeat(64)},v1=`);
      expect(
        (await post('kraken-embed', signed.payload, { ...signed.headers, 'x-signature': header }))
          .statusCode,
      ).toBe(200);
    });

    it('applies two deliveries for one payment that arrive together', async () => {
      const failed = embed(aKrakenEmbedEvent({ event_type: 'quote.execution_failed', id: 'Q-1' }));
      const executed = embed(
        aKrakenEmbedEvent({
          event_type: 'quote.executed',
          id: 'Q-1',
          timestamp: '2025-01-15T10:31:00Z',
        }),
      );
      const responses = await Promise.all([
        post('kraken-embed', failed.payload, failed.headers),
        post('kraken-embed', executed.payload, executed.headers),
      ]);
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
      const types = await streamTypes('payment-kraken-embed/Q-1');
      expect(types.filter((type) => type === 'ProviderReportRecorded')).toHaveLength(2);
    });

    it('refuses a delivery without X-Signature', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent());
      const { 'x-signature': _dropped, ...unsigned } = headers;
      await expectRejected(
        await post('kraken-embed', payload, unsigned),
        401,
        'MISSING_SIGNATURE',
        'The X-Signature header is missing; expected "X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>".',
      );
    });

    it('refuses a malformed X-Signature', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent());
      await expectRejected(
        await post('kraken-embed', payload, { ...headers, 'x-signature': 'sha256=abc' }),
        401,
        'MALFORMED_SIGNATURE',
        'The X-Signature header is malformed; expected "X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>".',
      );
    });

    const invalidSignature =
      'The X-Signature does not match the body. Sign "t.rawBody" with the base64-decoded webhook secret (KRAKEN_EMBED_WEBHOOK_SECRET), over the exact bytes sent.';

    it('refuses a delivery signed with another key (forged)', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent(), {
        secret: Buffer.from('attacker-secret-000000').toString('base64'),
      });
      await expectRejected(
        await post('kraken-embed', payload, headers),
        401,
        'INVALID_SIGNATURE',
        invalidSignature,
      );
    });

    it('refuses a valid signature over a different body', async () => {
      const { headers } = embed(aKrakenEmbedEvent());
      const tampered = JSON.stringify(aKrakenEmbedEvent({ event_type: 'custom_order.cancelled' }));
      await expectRejected(
        await post('kraken-embed', tampered, headers),
        401,
        'INVALID_SIGNATURE',
        invalidSignature,
      );
    });

    it.each([
      ['stale', -301],
      ['future', 301],
    ])('refuses a %s timestamp', async (_label, offset) => {
      const { payload, headers } = embed(aKrakenEmbedEvent(), { signatureAt: seconds(offset) });
      await expectRejected(
        await post('kraken-embed', payload, headers),
        401,
        'TIMESTAMP_OUT_OF_WINDOW',
        `The X-Signature timestamp is 301 s from payrec's clock; at most 300 s is accepted. Check the sender's clock, or whether this is a replay.`,
      );
    });

    it('refuses signed bytes that are not JSON', async () => {
      const { payload, headers } = embed('{"event_type": ');
      await expectRejected(
        await post('kraken-embed', payload, headers),
        400,
        'MALFORMED_BODY',
        'The body is not valid JSON; Kraken Embed sends a JSON object.',
      );
    });

    it('refuses signed JSON of the wrong shape, naming the fields', async () => {
      const { payload, headers } = embed({ event_type: 'quote.executed' });
      await expectRejected(
        await post('kraken-embed', payload, headers),
        400,
        'SCHEMA_INVALID',
        'The body is not a Kraken Embed delivery: check id, timestamp.',
      );
    });

    it('refuses an oversized body before verifying anything', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent({ padding: 'x'.repeat(70 * 1024) }));
      await expectRejected(await post('kraken-embed', payload, headers), 413, 'BODY_TOO_LARGE');
    });

    it('refuses a body that is not JSON by its media type', async () => {
      const { payload, headers } = embed(aKrakenEmbedEvent());
      await expectRejected(
        await post('kraken-embed', payload, { ...headers, 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  describe('Kraken Pay', () => {
    const exp = seconds(3600);

    it('records a verified token and answers {"code":"Success"}', async () => {
      const token = await keys.sign({ exp });
      const response = await post('kraken-pay', token, { 'content-type': 'application/jwt' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ code: 'Success' });
      expect(await streamTypes('payment-kraken-pay/GSoAAAAAAAA')).toEqual([
        'ProviderReportRecorded',
        'PaymentStatusChanged',
        'FulfilmentRequested',
      ]);
    });

    it('takes the token as text/plain or as a JSON string', async () => {
      const plain = await keys.sign({ exp, externalId: 'PLAIN' });
      const json = await keys.sign({ exp, externalId: 'JSONSTR' });
      expect((await post('kraken-pay', plain, { 'content-type': 'text/plain' })).statusCode).toBe(
        200,
      );
      expect(
        (await post('kraken-pay', JSON.stringify(json), { 'content-type': 'application/json' }))
          .statusCode,
      ).toBe(200);
    });

    it('maps declined to failed', async () => {
      const token = await keys.sign({ exp, externalId: 'DECLINED', status: 'declined' });
      await post('kraken-pay', token, { 'content-type': 'text/plain' });
      const stored = await service.eventStore.readStream('payment-kraken-pay/DECLINED');
      expect(stored[1]?.data).toMatchObject({ from: 'pending', to: 'failed' });
    });

    it('fetches the key set once, and a flood of unknown kids at most once per cooldown', async () => {
      await post('kraken-pay', await keys.sign({ exp }), { 'content-type': 'text/plain' });
      const before = await everything();
      for (let index = 0; index < 20; index += 1) {
        const forged = await keys.sign({ exp, signingKid: `made-up-${index}` });
        const response = await post('kraken-pay', forged, { 'content-type': 'text/plain' });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ code: 'UNKNOWN_KEY' });
      }
      expect(await everything()).toEqual(before);
      expect(jwksFetch.calls.length).toBeLessThanOrEqual(2);
    });

    it('refuses an expired token', async () => {
      const token = await keys.sign({ exp: seconds(-3600) });
      await expectRejected(
        await post('kraken-pay', token, { 'content-type': 'text/plain' }),
        401,
        'TOKEN_EXPIRED',
        'The Kraken Pay token has expired (its exp has passed); Kraken says an expired callback can be ignored.',
      );
    });

    it('refuses a token from another issuer', async () => {
      const token = await keys.sign({ exp, issuer: 'kraken-pay-evil' });
      await expectRejected(
        await post('kraken-pay', token, { 'content-type': 'text/plain' }),
        401,
        'WRONG_ISSUER',
        'The token was not issued by "kraken-pay".',
      );
    });

    it('refuses alg confusion: an HS256 token keyed with the public key', async () => {
      const { SignJWT } = await import('jose');
      const token = await new SignJWT({ payload: { external_id: 'HS', status: 'success' } })
        .setProtectedHeader({ alg: 'HS256', kid: keys.publicJwk.kid ?? '' })
        .setIssuer('kraken-pay')
        .setExpirationTime(Math.floor(exp.getTime() / 1000))
        .sign(Buffer.from(JSON.stringify(keys.publicJwk)));
      await expectRejected(
        await post('kraken-pay', token, { 'content-type': 'text/plain' }),
        401,
        'INVALID_TOKEN',
        'Only ES256 tokens are accepted from Kraken Pay.',
      );
    });

    it('refuses an unsigned token (alg none)', async () => {
      const { UnsecuredJWT } = await import('jose');
      const token = new UnsecuredJWT({ payload: { external_id: 'NONE', status: 'success' } })
        .setIssuer('kraken-pay')
        .setExpirationTime(Math.floor(exp.getTime() / 1000))
        .encode();
      const response = await post('kraken-pay', `${token}AAAA`, { 'content-type': 'text/plain' });
      await expectRejected(response, 401, 'INVALID_TOKEN');
    });

    it('refuses a token with one flipped byte', async () => {
      const token = await keys.sign({ exp });
      const [header, payload = '', signature] = token.split('.');
      const flipped = `${header}.${payload.slice(0, 12)}${payload[12] === 'A' ? 'B' : 'A'}${payload.slice(13)}.${signature}`;
      const response = await post('kraken-pay', flipped, { 'content-type': 'text/plain' });
      expect(response.statusCode).toBe(401);
      expect(['INVALID_SIGNATURE', 'INVALID_TOKEN']).toContain(
        response.json<{ code: string }>().code,
      );
      expect(await everything()).toEqual([]);
    });

    it('answers 503 KEYS_UNAVAILABLE while the key set cannot be fetched, and writes nothing', async () => {
      const outages = {
        refused: () =>
          Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })),
        'HTTP 500': () => Promise.resolve(new Response('oops', { status: 500 })),
        'not a key set': () => Promise.resolve(new Response('<html>', { status: 200 })),
      };
      for (const [outage, fetch] of Object.entries(outages)) {
        const down = await startWebhookService({ now: () => now, fetch });
        try {
          const response = await down.service.app.inject({
            method: 'POST',
            url: '/webhooks/kraken-pay',
            payload: await keys.sign({ exp }),
            headers: { 'content-type': 'text/plain' },
          });
          expect(response.statusCode, outage).toBe(503);
          expect(response.json(), outage).toEqual({
            code: 'KEYS_UNAVAILABLE',
            reason: 'The provider key set could not be fetched; retry the delivery later.',
          });
          expect(await down.service.eventStore.readAll({ maxCount: 10 }), outage).toEqual([]);
        } finally {
          await down.cleanup();
        }
      }
    });

    it('takes the same token with its signature written another way as a repeat', async () => {
      const token = await keys.sign({ exp, externalId: 'REENCODED' });
      const [header = '', payload = '', signature = ''] = token.split('.');
      // 64 signature bytes take 86 base64url characters: the last one carries 4 unused bits.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(signature.slice(-1));
      const otherPadding = `${signature.slice(0, -1)}${alphabet[last ^ 1] ?? ''}`;
      // ECDSA accepts (r, n − s) wherever it accepts (r, s).
      const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
      const bytes = Buffer.from(signature, 'base64url');
      const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
      const highS = Buffer.concat([
        bytes.subarray(0, 32),
        Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'),
      ]).toString('base64url');
      const stream = 'payment-kraken-pay/REENCODED';
      expect((await post('kraken-pay', token, { 'content-type': 'text/plain' })).statusCode).toBe(
        200,
      );
      const recorded = await streamTypes(stream);
      for (const variant of [otherPadding, highS]) {
        expect(variant).not.toBe(signature);
        const response = await post('kraken-pay', `${header}.${payload}.${variant}`, {
          'content-type': 'text/plain',
        });
        expect(response.statusCode).toBe(200);
        expect(await streamTypes(stream)).toEqual(recorded);
      }
    });

    it('refuses a body that is not a JWT', async () => {
      await expectRejected(
        await post('kraken-pay', '{"external_id":"x"}', { 'content-type': 'text/plain' }),
        400,
        'MALFORMED_BODY',
        'The body is not a compact JWT. Kraken Pay posts the signed token itself (header.payload.signature), or a JSON string holding it.',
      );
    });

    it('refuses an unsupported media type', async () => {
      await expectRejected(
        await post('kraken-pay', await keys.sign({ exp }), { 'content-type': 'text/html' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  describe('KryptoGO', () => {
    it('records a signed callback and moves the payment', async () => {
      const payload = signedKryptogoCallback({
        body: aKryptogoCallback(),
        secret: testSecrets.kryptogo,
        at: now,
      });
      const response = await post('kryptogo', payload, { 'content-type': 'application/json' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: true });
      const stored = await service.eventStore.readStream('payment-kryptogo/pi_0h39QkYfZps7AUD1');
      expect(stored.map((event) => event.type)).toEqual([
        'ProviderReportRecorded',
        'PaymentStatusChanged',
        'FulfilmentRequested',
      ]);
      expect(stored[0]?.data).toMatchObject({
        report: { amount: { minor: 30_000, currency: 'TWD' }, orderId: 'uid_12345' },
      });
    });

    it('accepts an unsigned callback only as a hint that moves nothing', async () => {
      const response = await post('kryptogo', JSON.stringify(aKryptogoCallback()), {
        'content-type': 'application/json',
      });
      expect(response.statusCode).toBe(200);
      const stored = await service.eventStore.readStream('payment-kryptogo/pi_0h39QkYfZps7AUD1');
      expect(stored.map((event) => event.type)).toEqual(['ProviderReportRecorded']);
      expect(stored[0]?.data).toMatchObject({
        evidence: { verification: { method: 'unsigned', trust: 'hint' } },
      });
    });

    it('does not let an earlier unsigned hint swallow the signed callback', async () => {
      await post('kryptogo', JSON.stringify(aKryptogoCallback()), {
        'content-type': 'application/json',
      });
      const signed = signedKryptogoCallback({
        body: aKryptogoCallback(),
        secret: testSecrets.kryptogo,
        at: now,
      });
      await post('kryptogo', signed, { 'content-type': 'application/json' });
      expect(await streamTypes('payment-kryptogo/pi_0h39QkYfZps7AUD1')).toContain(
        'PaymentStatusChanged',
      );
    });

    it('refuses a signature that does not verify (a forgery, not a hint)', async () => {
      const payload = signedKryptogoCallback({
        body: aKryptogoCallback(),
        secret: 'not-the-secret-0123456789',
        at: now,
      });
      await expectRejected(
        await post('kryptogo', payload, { 'content-type': 'application/json' }),
        401,
        'INVALID_SIGNATURE',
        'The callback signature does not match its body. It is the hex HMAC-SHA256 of the canonical form (see the README) keyed with KRYPTOGO_CALLBACK_SECRET.',
      );
    });

    it('refuses a valid signature over a different body', async () => {
      const payload = JSON.parse(
        signedKryptogoCallback({
          body: aKryptogoCallback(),
          secret: testSecrets.kryptogo,
          at: now,
        }),
      ) as Record<string, unknown>;
      const tampered = JSON.stringify({ ...payload, fiat_amount: '3.0' });
      await expectRejected(
        await post('kryptogo', tampered, { 'content-type': 'application/json' }),
        401,
        'INVALID_SIGNATURE',
      );
    });

    it.each([
      ['stale', -301],
      ['future', 301],
    ])('refuses a %s timestamp', async (_label, offset) => {
      const payload = signedKryptogoCallback({
        body: aKryptogoCallback(),
        secret: testSecrets.kryptogo,
        at: seconds(offset),
      });
      await expectRejected(
        await post('kryptogo', payload, { 'content-type': 'application/json' }),
        401,
        'TIMESTAMP_OUT_OF_WINDOW',
        "The callback timestamp is 301 s from payrec's clock; at most 300 s is accepted.",
      );
    });

    it('refuses malformed JSON', async () => {
      await expectRejected(
        await post('kryptogo', '{"payment_intent_id":', { 'content-type': 'application/json' }),
        400,
        'MALFORMED_BODY',
        'The body is not valid JSON; KryptoGO payment-intent sends a JSON object.',
      );
    });
  });

  describe('KKiaPay', () => {
    it('records a delivery with the right secret as a hint awaiting the status endpoint', async () => {
      const response = await post('kkiapay', JSON.stringify(aKkiapayWebhook()), {
        'content-type': 'application/json',
        'x-kkiapay-secret': testSecrets.kkiapay,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: true });
      const stored = await service.eventStore.readStream('payment-kkiapay/3iH6wjHJ3');
      expect(stored.map((event) => event.type)).toEqual(['ProviderReportRecorded']);
      expect(stored[0]?.data).toMatchObject({
        report: { providerStatus: 'transaction.success', status: 'success' },
        evidence: {
          verification: { method: 'shared-secret', trust: 'hint' },
          received: { headers: {} },
        },
      });
      expect(JSON.stringify(stored.map((event) => event.data))).not.toContain(testSecrets.kkiapay);
    });

    it('refuses a delivery without the secret header', async () => {
      await expectRejected(
        await post('kkiapay', JSON.stringify(aKkiapayWebhook()), {
          'content-type': 'application/json',
        }),
        401,
        'MISSING_SECRET',
        'The x-kkiapay-secret header is missing; KKiaPay sends the webhook hash secret in it.',
      );
    });

    it('refuses a wrong secret without echoing either', async () => {
      const response = await post('kkiapay', JSON.stringify(aKkiapayWebhook()), {
        'content-type': 'application/json',
        'x-kkiapay-secret': 'guessed-secret-value',
      });
      await expectRejected(
        response,
        401,
        'INVALID_SECRET',
        'The x-kkiapay-secret header does not match KKIAPAY_WEBHOOK_SECRET.',
      );
      expect(response.body).not.toContain('guessed-secret-value');
      expect(response.body).not.toContain(testSecrets.kkiapay);
    });
  });
});

describe('limits every receiver checks before verifying', () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ service, cleanup } = await startWebhookService({ now: () => now }));
  });
  afterEach(async () => {
    await cleanup();
  });

  const providers = ['kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay'] as const;
  const authHeaders: Record<(typeof providers)[number], Record<string, string>> = {
    'kraken-pay': {},
    'kraken-embed': {},
    kryptogo: {},
    kkiapay: { 'x-kkiapay-secret': testSecrets.kkiapay },
  };

  it.each(providers)(
    '%s refuses an oversized body with 413 and writes nothing',
    async (provider) => {
      const response = await service.app.inject({
        method: 'POST',
        url: `/webhooks/${provider}`,
        payload: JSON.stringify({ padding: 'x'.repeat(65 * 1024) }),
        headers: { 'content-type': 'application/json', ...authHeaders[provider] },
      });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({
        code: 'BODY_TOO_LARGE',
        reason: 'The request body is larger than this route accepts.',
      });
      expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
    },
  );

  it.each(providers)(
    '%s refuses an unsupported media type with 415 and writes nothing',
    async (provider) => {
      const response = await service.app.inject({
        method: 'POST',
        url: `/webhooks/${provider}`,
        payload: '<xml/>',
        headers: { 'content-type': 'application/xml', ...authHeaders[provider] },
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        reason: 'This route does not accept that Content-Type.',
      });
      expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
    },
  );

  describe('bounded structure, before anything parses or recurses', () => {
    // About 5 KB each: small enough for any body limit, hostile to anything that recurses.
    const deep = `${'['.repeat(2_500)}${']'.repeat(2_500)}`;
    const wide = `[${Array.from({ length: 2_500 }, () => '0').join(',')}]`;
    const bodyOf = (nested: string) =>
      `{"payment_intent_id":"PI-DEEP","transactionId":"T-DEEP","event_type":"quote.executed","id":"Q-DEEP","timestamp":"2026-11-24T10:00:00Z","status":"success","order_data":${nested}}`;
    const requestFor = (provider: (typeof providers)[number], body: string) => {
      switch (provider) {
        case 'kraken-embed':
          return signedKrakenEmbedDelivery({ body, secret: testSecrets.krakenEmbed, at: now });
        case 'kraken-pay': {
          const header = Buffer.from('{"alg":"ES256","kid":"k"}').toString('base64url');
          const claims = Buffer.from(body).toString('base64url');
          return { payload: `${header}.${claims}.c2ln`, headers: { 'content-type': 'text/plain' } };
        }
        default:
          return {
            payload: body,
            headers: { 'content-type': 'application/json', ...authHeaders[provider] },
          };
      }
    };

    const hostile = [
      ['nested 2,500 levels deep', deep, 'deeper than 32 levels'],
      ['of 2,500 values', wide, 'more than 2048 values'],
    ] as const;
    it.each(providers.flatMap((provider) => hostile.map((body) => [provider, ...body] as const)))(
      '%s refuses a body %s with a typed 400 and writes nothing',
      async (provider, _shape, nested, reason) => {
        const { payload, headers } = requestFor(provider, bodyOf(nested));
        const response = await service.app.inject({
          method: 'POST',
          url: `/webhooks/${provider}`,
          payload,
          headers,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json<{ code: string }>().code).toBe('BODY_TOO_COMPLEX');
        expect(response.json<{ reason: string }>().reason).toContain(reason);
        expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
      },
    );
  });

  it('kkiapay refuses malformed JSON sent with the right secret', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/webhooks/kkiapay',
      payload: '{"transactionId":',
      headers: { 'content-type': 'application/json', ...authHeaders.kkiapay },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'MALFORMED_BODY',
      reason: 'The body is not valid JSON; KKiaPay transaction sends a JSON object.',
    });
    expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
  });
});

describe('a provider that is not configured', () => {
  it('answers 404 on its route and writes nothing', async () => {
    const { service, cleanup } = await startWebhookService({
      now: () => now,
      env: { KKIAPAY_WEBHOOK_SECRET: '' },
    });
    try {
      const response = await service.app.inject({
        method: 'POST',
        url: '/webhooks/kkiapay',
        payload: JSON.stringify(aKkiapayWebhook()),
        headers: { 'content-type': 'application/json', 'x-kkiapay-secret': testSecrets.kkiapay },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        code: 'PROVIDER_NOT_CONFIGURED',
        reason:
          'The kkiapay receiver is not configured: set its webhook secret (docs/configuration.md).',
      });
      expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
