import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../src/adapters/deliveryLog/deliveryLog.js';
import { openReadModelDatabase } from '../../src/adapters/readModels/readModelDatabase.js';
import type { Service } from '../../src/main.js';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from '../support/webhookBuilders.js';
import { waitFor } from '../support/waitFor.js';
import { startWebhookService, testSecrets } from '../support/webhookService.js';

const now = new Date('2026-11-24T10:00:00.000Z');
const apiToken = 'api-token-for-tests-0123456789';

describe('the delivery log and its API', () => {
  let service: Service;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ service, cleanup } = await startWebhookService({
      now: () => now,
      env: { PAYREC_API_TOKEN: apiToken },
    }));
  });
  afterEach(async () => {
    await cleanup();
  });

  const authorized = { authorization: `Bearer ${apiToken}` };
  const deliver = (
    id: string,
    secret: string = testSecrets.krakenEmbed,
    remoteAddress = '127.0.0.1',
  ) => {
    const { payload, headers } = signedKrakenEmbedDelivery({
      body: aKrakenEmbedEvent({ id }),
      secret,
      at: now,
    });
    return service.app.inject({
      method: 'POST',
      url: '/webhooks/kraken-embed',
      payload,
      headers,
      remoteAddress,
    });
  };
  const forged = Buffer.from('forged-secret-0000000000').toString('base64');

  it('lists accepted, repeated and rejected deliveries, newest first, rejected ones as metadata only', async () => {
    await deliver('P-1');
    await deliver('P-1');
    await deliver('P-2', forged);
    const response = await service.app.inject({
      method: 'GET',
      url: '/deliveries',
      headers: authorized,
    });
    expect(response.statusCode).toBe(200);
    const { items, nextCursor } = response.json<{
      items: Array<Record<string, unknown>>;
      nextCursor: string | null;
    }>();
    expect(items.map((item) => [item['outcome'], item['code']])).toEqual([
      ['rejected', 'INVALID_SIGNATURE'],
      ['repeated', null],
      ['accepted', null],
    ]);
    expect(items[0]).toEqual({
      provider: 'kraken-embed',
      receivedAt: now.toISOString(),
      outcome: 'rejected',
      deliveryId: null,
      code: 'INVALID_SIGNATURE',
      size: expect.any(Number) as number,
      sourceAddress: '127.0.0.1',
      payments: [],
    });
    expect(items[2]).toMatchObject({
      payments: ['kraken-embed/P-1'],
      deliveryId: expect.any(String) as string,
    });
    expect(items[1]?.['deliveryId']).toBe(items[2]?.['deliveryId']);
    expect(nextCursor).toBeNull();
  });

  it('filters by outcome and provider, and pages with a cursor', async () => {
    await deliver('P-1');
    await deliver('P-2');
    await deliver('P-3', forged);
    const rejected = await service.app.inject({
      method: 'GET',
      url: '/deliveries?outcome=rejected&provider=kraken-embed',
      headers: authorized,
    });
    expect(rejected.json<{ items: unknown[] }>().items).toHaveLength(1);
    const first = await service.app.inject({
      method: 'GET',
      url: '/deliveries?outcome=accepted&limit=1',
      headers: authorized,
    });
    const page1 = first.json<{ items: Array<{ payments: string[] }>; nextCursor: string }>();
    expect(page1.items[0]?.payments).toEqual(['kraken-embed/P-2']);
    const second = await service.app.inject({
      method: 'GET',
      url: `/deliveries?outcome=accepted&limit=1&cursor=${page1.nextCursor}`,
      headers: authorized,
    });
    const page2 = second.json<{
      items: Array<{ payments: string[] }>;
      nextCursor: string | null;
    }>();
    expect(page2.items[0]?.payments).toEqual(['kraken-embed/P-1']);
    expect(page2.nextCursor).toBeNull();
  });

  it('refuses bad query parameters with a reason', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/deliveries?limit=0&outcome=lost',
      headers: authorized,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'INVALID_QUERY',
      reason:
        'Check outcome "lost" is not one of accepted, repeated, rejected; limit "0" is below 1.',
    });
  });

  it('requires the bearer token from every address, loopback included', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token-0000000000' },
      { authorization: apiToken },
    ]) {
      const response = await service.app.inject({ method: 'GET', url: '/deliveries', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        code: 'UNAUTHORIZED',
        reason: 'Send "Authorization: Bearer <token>" with a configured API token.',
      });
    }
  });

  it('answers a source that keeps sending forgeries with 429, and never refuses a delivery that verifies', async () => {
    const source = '198.51.100.7';
    const statuses: number[] = [];
    for (let index = 0; index < 62; index += 1)
      statuses.push((await deliver(`F-${index}`, forged, source)).statusCode);
    expect(statuses.slice(0, 60).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429]);
    // The same address (a proxy, a provider's shared egress) also carries genuine deliveries.
    const genuine = await deliver('REAL-1', testSecrets.krakenEmbed, source);
    expect(genuine.statusCode).toBe(200);
    const limited = await deliver('F-late', forged, source);
    expect(limited.statusCode).toBe(429);
    expect(limited.json<{ code: string; reason: string }>()).toMatchObject({
      code: 'RATE_LIMITED',
      reason: expect.stringContaining('this one: INVALID_SIGNATURE') as unknown,
    });
    // Past the budget, rejections are counted but no longer written one by one.
    await waitFor(async () => {
      const log = await service.app.inject({
        method: 'GET',
        url: '/deliveries?outcome=rejected&limit=500',
        headers: authorized,
      });
      const rejected = log.json<{ items: unknown[] }>().items.length;
      return rejected === 60 ? rejected : undefined;
    });
  });
});

describe('the query API without a token', () => {
  it('serves loopback clients only', async () => {
    const { service, cleanup } = await startWebhookService({ now: () => now });
    try {
      const local = await service.app.inject({
        method: 'GET',
        url: '/deliveries',
        remoteAddress: '127.0.0.1',
      });
      expect(local.statusCode).toBe(200);
      const remote = await service.app.inject({
        method: 'GET',
        url: '/deliveries',
        remoteAddress: '203.0.113.9',
      });
      expect(remote.statusCode).toBe(403);
      expect(remote.json()).toEqual({
        code: 'LOOPBACK_ONLY',
        reason:
          'The query API answers only loopback clients while no API token is configured; set PAYREC_API_TOKEN or PAYREC_API_TOKENS_FILE to serve other addresses.',
      });
    } finally {
      await cleanup();
    }
  });
});

describe('the rejected part of the delivery log', () => {
  let directory: string;
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('is bounded: the oldest rejections go first, accepted deliveries stay', () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-log-'));
    const db = openReadModelDatabase(join(directory, 'payrec.db'));
    const log = new DeliveryLog(db, { maxRejected: 10 });
    const entry = (outcome: 'accepted' | 'rejected', index: number) => ({
      provider: 'kkiapay' as const,
      receivedAt: new Date(now.getTime() + index).toISOString(),
      outcome,
      deliveryId: outcome === 'accepted' ? `d-${index}` : null,
      code: outcome === 'rejected' ? 'INVALID_SECRET' : null,
      size: 100,
      sourceAddress: '198.51.100.7',
      payments: [],
    });
    log.record(entry('accepted', 0));
    for (let index = 1; index <= 1_000; index += 1) log.record(entry('rejected', index));
    log.flush();
    const rejected = log.list({ outcome: 'rejected', limit: 500 });
    expect(rejected?.items.length).toBeLessThanOrEqual(11);
    expect(rejected?.items[0]?.receivedAt).toBe(new Date(now.getTime() + 1_000).toISOString());
    expect(log.list({ outcome: 'accepted', limit: 10 })?.items).toHaveLength(1);
    db.close();
  });

  it('still counts every delivery per minute for the chart, trimmed ones included', () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-log-'));
    const db = openReadModelDatabase(join(directory, 'payrec.db'));
    const log = new DeliveryLog(db, { maxRejected: 10 });
    const minute = '2026-11-20T10:00';
    const at = (second: number) => `${minute}:${String(second).padStart(2, '0')}.000Z`;
    for (let second = 0; second < 60; second += 1) {
      log.record({
        provider: 'kkiapay',
        receivedAt: at(second),
        outcome: second % 3 === 0 ? 'accepted' : 'rejected',
        deliveryId: null,
        code: null,
        size: 1,
        sourceAddress: '198.51.100.7',
        payments: [],
      });
      if (second % 7 === 0) log.flush();
    }
    log.record({
      provider: 'kkiapay',
      receivedAt: '2026-11-20T10:01:00.000Z',
      outcome: 'accepted',
      deliveryId: null,
      code: null,
      size: 1,
      sourceAddress: '198.51.100.7',
      payments: [],
    });
    log.flush();
    expect(
      [...log.perMinute(minute)].sort((a, b) =>
        `${a.minute}${a.outcome}`.localeCompare(`${b.minute}${b.outcome}`),
      ),
    ).toEqual([
      { minute, outcome: 'accepted', count: 20 },
      { minute, outcome: 'rejected', count: 40 },
      { minute: '2026-11-20T10:01', outcome: 'accepted', count: 1 },
    ]);
    expect(log.perMinute('2026-11-20T10:01')).toEqual([
      { minute: '2026-11-20T10:01', outcome: 'accepted', count: 1 },
    ]);
    db.close();
  });
});

describe("a delivery's payments, for replay", () => {
  let directory: string;
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('are found in the log without an index by delivery id, which an older log loses on opening', () => {
    directory = mkdtempSync(join(tmpdir(), 'payrec-log-'));
    const path = join(directory, 'payrec.db');
    const older = openReadModelDatabase(path);
    older.exec(`
      CREATE TABLE delivery_log (
        id INTEGER PRIMARY KEY, provider TEXT NOT NULL, received_at TEXT NOT NULL,
        outcome TEXT NOT NULL, delivery_id TEXT, code TEXT, size INTEGER NOT NULL,
        source_address TEXT NOT NULL, payments TEXT NOT NULL);
      CREATE INDEX delivery_log_by_delivery ON delivery_log (delivery_id)
        WHERE delivery_id IS NOT NULL;
    `);
    older.close();

    const db = openReadModelDatabase(path);
    try {
      const log = new DeliveryLog(db);
      const indexes = db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery_log'`,
        )
        .all();
      expect(indexes).not.toContainEqual({ name: 'delivery_log_by_delivery' });
      const entry = (outcome: 'accepted' | 'repeated', deliveryId: string, payments: string[]) => ({
        provider: 'kraken-embed' as const,
        receivedAt: now.toISOString(),
        outcome,
        deliveryId,
        code: null,
        size: 100,
        sourceAddress: '198.51.100.7',
        payments,
      });
      log.record(entry('accepted', 'a'.repeat(32), ['kraken-embed/Q-1']));
      for (let index = 0; index < 500; index += 1) {
        log.record(
          entry('accepted', index.toString(16).padStart(32, '0'), [`kraken-embed/${index}`]),
        );
      }
      log.record(entry('repeated', 'a'.repeat(32), ['kraken-embed/Q-1']));

      expect(log.paymentsOf('a'.repeat(32))).toEqual(['kraken-embed/Q-1']);
      expect(log.paymentsOf((42).toString(16).padStart(32, '0'))).toEqual(['kraken-embed/42']);
      expect(log.paymentsOf('f'.repeat(32))).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('the rejection budget', () => {
  it('is not spent when payrec itself fails (5xx)', async () => {
    const { service, cleanup } = await startWebhookService({ now: () => now });
    try {
      await service.eventStore.close();
      const statuses: number[] = [];
      for (let index = 0; index < 65; index += 1) {
        const { payload, headers } = signedKrakenEmbedDelivery({
          body: aKrakenEmbedEvent({ id: `DOWN-${index}` }),
          secret: testSecrets.krakenEmbed,
          at: now,
        });
        const response = await service.app.inject({
          method: 'POST',
          url: '/webhooks/kraken-embed',
          payload,
          headers,
        });
        statuses.push(response.statusCode);
      }
      expect(new Set(statuses)).toEqual(new Set([503]));
    } finally {
      await cleanup();
    }
  });
});
