import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { providerModules } from '../../src/adapters/providers/index.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import { acmePayProvider, acmePaySignature } from '../support/acmePay/acmePayProvider.js';
import { waitFor } from '../support/waitFor.js';

const webhookSecret = 'acme-pay-webhook-secret-0123';

/**
 * A fifth provider is one folder and one line in the list: here the list is the built-in one
 * plus Acme Pay, a provider module that lives in `test/`, and nothing under `src/` knows it.
 */
describe('a provider module plugged into the service', () => {
  let statusApi: FastifyInstance;
  let truth: Map<string, string>;
  let statusCalls: string[];
  let service: Service;
  let dataDir: string;

  beforeEach(async () => {
    truth = new Map();
    statusCalls = [];
    statusApi = Fastify();
    statusApi.get<{ Params: { id: string } }>('/payments/:id', (request, reply) => {
      statusCalls.push(request.params.id);
      const status = truth.get(request.params.id);
      return status === undefined
        ? reply.code(404).send({ error: 'unknown' })
        : reply.send({ id: request.params.id, status });
    });
    const statusUrl = await statusApi.listen({ host: '127.0.0.1', port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-acme-'));
    const config = loadConfig(
      {
        PAYREC_DATA_DIR: dataDir,
        PAYREC_RECONCILE_CRON: '0 0 1 1 *',
        ACME_PAY_WEBHOOK_SECRET: webhookSecret,
        ACME_PAY_API_URL: statusUrl,
      },
      [...providerModules, acmePayProvider],
    );
    service = await createService(config, {
      logger: createLogger({ level: 'silent' }),
      statusRetryDelayMs: 5,
    });
  });
  afterEach(async () => {
    await service.close();
    await statusApi.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const deliver = (body: Record<string, unknown>, signature?: string) => {
    const payload = JSON.stringify(body);
    return service.app.inject({
      method: 'POST',
      url: '/webhooks/acme-pay',
      payload,
      headers: {
        'content-type': 'application/json',
        'acme-signature': signature ?? acmePaySignature(webhookSecret, payload),
      },
    });
  };
  const payment = async (ref: string, status: string) =>
    waitFor(async () => {
      const response = await service.app.inject({
        method: 'GET',
        url: `/payments/acme-pay/${ref}`,
      });
      const body = response.json<{ status?: string; statusSource?: { channel: string } }>();
      return response.statusCode === 200 && body.status === status ? body : undefined;
    });

  it('receives its webhooks on its own route, verified its own way, acknowledged its own way', async () => {
    const response = await deliver({ id: 'A-1', status: 'paid', amount: '12.50', currency: 'USD' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, from: 'acme-pay' });
    const state = await payment('A-1', 'success');
    expect(state.statusSource?.channel).toBe('webhook');
    const events = await service.app.inject({
      method: 'GET',
      url: '/payments/acme-pay/A-1/events',
    });
    expect(events.json<{ events: { type: string }[] }>().events.map((event) => event.type)).toEqual(
      ['ProviderReportRecorded', 'PaymentStatusChanged', 'FulfilmentRequested'],
    );
  });

  it('refuses a forgery with a typed 401 and writes nothing', async () => {
    const response = await deliver({ id: 'A-2', status: 'paid' }, 'f'.repeat(64));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      code: 'INVALID_SIGNATURE',
      reason: 'The acme-signature does not match the body.',
    });
    expect(await service.eventStore.readAll({ maxCount: 10 })).toEqual([]);
  });

  it('checks its payments against its status endpoint, the source of truth', async () => {
    truth.set('A-3', 'paid');
    const registered = await service.app.inject({
      method: 'POST',
      url: '/payments',
      payload: { provider: 'acme-pay', ref: 'A-3', amount: 1250, currency: 'USD' },
    });
    expect(registered.statusCode).toBe(201);
    await payment('A-3', 'pending');
    const cycle = await service.reconciler.runCycle();
    expect(cycle.byProvider).toEqual({ 'acme-pay': 1 });
    expect(cycle.results).toEqual({ moved: 1 });
    expect(statusCalls).toEqual(['A-3']);
    const state = await payment('A-3', 'success');
    expect(state.statusSource?.channel).toBe('poll');
  });

  it('is one of the providers the query API knows, and only known ones are', async () => {
    await deliver({ id: 'A-4', status: 'open' });
    await payment('A-4', 'pending');
    const listed = await service.app.inject({ method: 'GET', url: '/payments?provider=acme-pay' });
    expect(listed.json<{ items: { ref: string }[] }>().items.map((item) => item.ref)).toEqual([
      'A-4',
    ]);
    const unknown = await service.app.inject({ method: 'GET', url: '/payments?provider=nope-pay' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ reason: string }>().reason).toContain(
      'kraken-pay, kraken-embed, kryptogo, kkiapay, acme-pay',
    );
  });
});
