import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/main.js';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from '../support/webhookBuilders.js';
import {
  deliverKrakenEmbedEvent,
  startWebhookService,
  testSecrets,
} from '../support/webhookService.js';
import { waitFor } from '../support/waitFor.js';
import { foldRecorded } from '../../src/domain/index.js';
import { paymentView } from '../../src/application/index.js';

describe('the payments read model and its API', () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  const now = () => new Date();
  beforeEach(async () => {
    ({ service, cleanup } = await startWebhookService({ now }));
  });
  afterEach(async () => {
    await cleanup();
  });

  const deliver = async (event: Record<string, unknown>) => {
    expect(await deliverKrakenEmbedEvent(service, event, now())).toBe(200);
  };

  const get = (url: string) => service.app.inject({ method: 'GET', url });

  it('answers the current state once the projection has applied the delivery', async () => {
    await deliver({ id: 'Q-1', event_type: 'quote.executed' });
    const view = await waitFor(async () => {
      const response = await get('/payments/kraken-embed/Q-1');
      return response.statusCode === 200 ? response.json<Record<string, unknown>>() : undefined;
    });
    expect(view).toMatchObject({
      provider: 'kraken-embed',
      ref: 'Q-1',
      status: 'success',
      reportedAmount: { minor: 10_000, currency: 'USD' },
      currency: 'USD',
      version: 2,
      statusSource: { channel: 'webhook' },
      awaitingConfirmation: false,
      firstEvidence: { channel: 'webhook', method: 'hmac-sha256' },
      lastEvidence: { channel: 'webhook', method: 'hmac-sha256' },
      checks: 0,
      nextCheckAt: expect.any(String) as unknown,
      discrepancies: [],
    });
  });

  it('answers 404 for a payment it does not know, and 400 for a bad asOf', async () => {
    const unknown = await get('/payments/kraken-embed/NOPE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      code: 'PAYMENT_NOT_FOUND',
      reason: 'payrec knows no kraken-embed payment "NOPE".',
    });
    const badProvider = await get('/payments/stripe/abc');
    expect(badProvider.statusCode).toBe(400);
    const badAsOf = await get('/payments/kraken-embed/Q-1?asOf=yesterday');
    expect(badAsOf.statusCode).toBe(400);
    expect(badAsOf.json()).toEqual({
      code: 'INVALID_QUERY',
      reason:
        'Check asOf "yesterday" is not an ISO-8601 instant with a time zone (e.g. 2026-11-24T10:00:00Z).',
    });
  });

  it('lists the audit trail in order with sources and evidence', async () => {
    await deliver({ id: 'Q-2', event_type: 'quote.executed' });
    await deliver({
      id: 'Q-2',
      event_type: 'quote.execution_failed',
      timestamp: '2025-01-15T10:31:00Z',
    });
    const response = await get('/payments/kraken-embed/Q-2/events');
    const { events } = response.json<{
      events: Array<{ type: string; source: string; data: Record<string, unknown> }>;
    }>();
    expect(events.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'PaymentStatusChanged',
      'FulfilmentRequested',
      'ProviderReportRecorded',
      'DiscrepancyDetected',
    ]);
    expect(events.map((event) => event.source)).toEqual([
      'webhook',
      'webhook',
      'payrec',
      'webhook',
      'payrec',
    ]);
    expect(events[0]?.data).toMatchObject({
      evidence: { verification: { method: 'hmac-sha256' } },
    });
  });

  it('answers asOf any event time with the state right after that event', async () => {
    await deliver({ id: 'Q-3', event_type: 'quote.executed' });
    await new Promise((resolve) => setTimeout(resolve, 15));
    await deliver({
      id: 'Q-3',
      event_type: 'quote.execution_failed',
      timestamp: '2025-01-15T10:31:00Z',
    });
    const stored = await service.eventStore.readStream('payment-kraken-embed/Q-3');
    const first = stored[0]?.recordedAt ?? '';
    const last = stored.at(-1)?.recordedAt ?? '';
    const before = await get(
      `/payments/kraken-embed/Q-3?asOf=${new Date(Date.parse(first) - 1).toISOString()}`,
    );
    expect(before.statusCode).toBe(404);
    const atFirst = await get(`/payments/kraken-embed/Q-3?asOf=${first}`);
    expect(atFirst.json()).toMatchObject({ status: 'success', version: 2, discrepancies: [] });
    const atLast = await get(`/payments/kraken-embed/Q-3?asOf=${last}`);
    expect(atLast.json<{ discrepancies: unknown[] }>().discrepancies).toHaveLength(1);
    // At each event's time, exactly the state folded from the events up to it (events appended
    // together share their time, so the state after the whole append).
    await service.app.inject({
      method: 'POST',
      url: '/payments',
      payload: { provider: 'kraken-embed', ref: 'Q-3', orderId: 'late-registration' },
    });
    const all = await service.eventStore.readStream('payment-kraken-embed/Q-3');
    expect(new Set(all.map((event) => event.recordedAt)).size).toBeGreaterThanOrEqual(3);
    for (const event of all) {
      const upTo = all.filter((other) => other.recordedAt <= event.recordedAt);
      const state = foldRecorded(upTo);
      if (state.status === 'unknown') throw new Error('a stored event makes the payment known');
      const expected = JSON.parse(
        JSON.stringify(paymentView(state, Number(upTo.at(-1)?.revision), true)),
      ) as unknown;
      const answer = await get(`/payments/kraken-embed/Q-3?asOf=${event.recordedAt}`);
      expect(answer.json()).toEqual(expected);
    }
  });

  it('lists payments by status and provider, in pages', async () => {
    await deliver({ id: 'L-1', event_type: 'quote.executed' });
    await deliver({ id: 'L-2', event_type: 'quote.cancelled' });
    await deliver({ id: 'L-3', event_type: 'quote.executed' });
    await waitFor(async () => {
      const response = await get('/payments?provider=kraken-embed');
      return response.json<{ items: unknown[] }>().items.length === 3 ? true : undefined;
    });
    const succeeded = await get('/payments?status=success&limit=1');
    const page1 = succeeded.json<{ items: Array<{ ref: string }>; nextCursor: string }>();
    expect(page1.items.map((item) => item.ref)).toEqual(['L-1']);
    const page2 = (await get(`/payments?status=success&limit=1&cursor=${page1.nextCursor}`)).json<{
      items: Array<{ ref: string; status: string }>;
      nextCursor: string | null;
    }>();
    expect(page2.items).toMatchObject([{ ref: 'L-3', status: 'success' }]);
    expect(page2.nextCursor).toBeNull();
    const cancelled = (await get('/payments?status=cancelled')).json<{
      items: Array<{ ref: string }>;
    }>();
    expect(cancelled.items.map((item) => item.ref)).toEqual(['L-2']);
    const bad = await get('/payments?status=paid&limit=9999');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string }>().code).toBe('INVALID_QUERY');
  });

  it('says which query parameter is wrong, with its value and what it takes', async () => {
    const badStatus = await get('/payments?status=paid');
    expect(badStatus.statusCode).toBe(400);
    const { reason } = badStatus.json<{ reason: string }>();
    expect(reason).toMatch(/status/);
    expect(reason).toContain('"paid"');
    for (const status of ['pending', 'success', 'failed', 'expired', 'refunded', 'cancelled']) {
      expect(reason).toContain(status);
    }
    expect(reason).not.toMatch(/limit|cursor|provider/);

    const unknownParameter = await get('/payments?foo=1');
    expect(unknownParameter.statusCode).toBe(400);
    expect(unknownParameter.json<{ reason: string }>().reason).toMatch(/unknown.*foo|foo.*unknown/);

    const badLimit = await get('/payments?limit=0');
    expect(badLimit.json<{ reason: string }>().reason).toMatch(/limit.*"?0"?/);
  });

  it('reports the projections on /readyz: not ready until they run, then ready', async () => {
    const ready = await waitFor(async () => {
      const response = await get('/readyz');
      return response.statusCode === 200 ? response.json<unknown>() : undefined;
    });
    expect(ready).toEqual({
      status: 'ready',
      checks: {
        eventStore: 'ok',
        eventStoreWrites: 'ok',
        deliveryLog: 'ok',
        projections: 'ok',
        checkpoints: 'ok',
      },
      // A lone process holds every role.
      roles: ['projections', 'reconciler', 'delivery-log-repair'],
    });
  });
});

describe('registering an expected payment', () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  const now = new Date('2026-11-24T10:00:00.000Z');
  beforeEach(async () => {
    ({ service, cleanup } = await startWebhookService({ now: () => now }));
  });
  afterEach(async () => {
    await cleanup();
  });

  const register = (body: Record<string, unknown>) =>
    service.app.inject({ method: 'POST', url: '/payments', payload: body });
  const expected = {
    provider: 'kryptogo',
    ref: 'pi_reg_1',
    amount: 30_000,
    currency: 'TWD',
    orderId: 'uid_1',
  };

  it('answers 201 for a new registration, 200 for the identical one, 409 for a different one', async () => {
    const created = await register(expected);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      provider: 'kryptogo',
      ref: 'pi_reg_1',
      status: 'pending',
      expectedAmount: { minor: 30_000, currency: 'TWD' },
      orderId: 'uid_1',
      version: 0,
      createdAt: now.toISOString(),
    });
    const again = await register(expected);
    expect(again.statusCode).toBe(200);
    const conflicting = await register({ ...expected, amount: 29_999 });
    expect(conflicting.statusCode).toBe(409);
    expect(conflicting.json()).toEqual({
      code: 'PAYMENT_CONFLICT',
      reason:
        'A different expectation is already registered for kryptogo payment "pi_reg_1"; it is not changed.',
    });
    expect(await service.eventStore.readStream('payment-kryptogo/pi_reg_1')).toHaveLength(1);
  });

  it('refuses a body without the currency of its amount, or with a non-integer amount', async () => {
    for (const body of [
      { provider: 'kryptogo', ref: 'x', amount: 100 },
      { provider: 'kryptogo', ref: 'x', amount: 1.5, currency: 'USD' },
      { provider: 'kryptogo', ref: 'x', amount: 100, currency: 'USDT' },
      { provider: 'paypal', ref: 'x' },
    ]) {
      const response = await register(body);
      expect(response.statusCode).toBe(400);
      expect(response.json<{ code: string }>().code).toBe('INVALID_BODY');
    }
    expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
  });

  it('makes a later success for a different amount a discrepancy, not a success', async () => {
    await register({ provider: 'kraken-embed', ref: 'Q-REG', amount: 5_000, currency: 'USD' });
    const { payload, headers } = signedKrakenEmbedDelivery({
      body: aKrakenEmbedEvent({ id: 'Q-REG', event_type: 'quote.executed' }),
      secret: testSecrets.krakenEmbed,
      at: now,
    });
    await service.app.inject({ method: 'POST', url: '/webhooks/kraken-embed', payload, headers });
    const asOfNow = await service.app.inject({
      method: 'GET',
      url: `/payments/kraken-embed/Q-REG?asOf=${new Date(Date.now() + 60_000).toISOString()}`,
    });
    expect(asOfNow.json()).toMatchObject({
      status: 'pending',
      discrepancies: [{ kind: 'amount-mismatch', ours: 'USD 50.00', theirs: 'USD 100.00' }],
    });
  });
});

describe('GET /metrics', () => {
  it('counts deliveries by provider and outcome and shows each projection, in Prometheus text', async () => {
    const { service, cleanup } = await startWebhookService({ now: () => new Date() });
    try {
      const { payload, headers } = signedKrakenEmbedDelivery({
        body: aKrakenEmbedEvent({ id: 'M-1' }),
        secret: testSecrets.krakenEmbed,
        at: new Date(),
      });
      await service.app.inject({ method: 'POST', url: '/webhooks/kraken-embed', payload, headers });
      await service.app.inject({ method: 'POST', url: '/webhooks/kraken-embed', payload, headers });
      await service.app.inject({
        method: 'POST',
        url: '/webhooks/kraken-embed',
        payload,
        headers: { ...headers, 'x-signature': 't=1,v1=00' },
      });
      const text = await waitFor(async () => {
        const response = await service.app.inject({ method: 'GET', url: '/metrics' });
        return response.body.includes('payrec_projection_running{projection="payments"} 1')
          ? response
          : undefined;
      });
      expect(text.headers['content-type']).toContain('text/plain');
      expect(text.body).toContain(
        'payrec_webhook_deliveries_total{provider="kraken-embed",outcome="accepted",code=""} 1',
      );
      expect(text.body).toContain(
        'payrec_webhook_deliveries_total{provider="kraken-embed",outcome="repeated",code=""} 1',
      );
      expect(text.body).toContain(
        'payrec_webhook_deliveries_total{provider="kraken-embed",outcome="rejected",code="MALFORMED_SIGNATURE"} 1',
      );
      expect(text.body).toMatch(/payrec_projection_lag_events\{projection="payments"\} \d+/);
    } finally {
      await cleanup();
    }
  });
});
