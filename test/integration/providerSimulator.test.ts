import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { krakenApiSign } from '../../src/adapters/providers/index.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import { Secret } from '../../src/secret.js';
import {
  createSimulatorCredentials,
  payrecEnvironmentFor,
  planDeliveries,
  realisticMix,
  sendDeliveries,
  startProviderSimulator,
  type ProviderSimulator,
  type SimulatorCredentials,
} from '../../src/simulator/index.js';

describe('the provider simulator', () => {
  let credentials: SimulatorCredentials;
  let simulator: ProviderSimulator;
  let service: Service;
  let target: string;
  let dataDir: string;

  beforeAll(async () => {
    credentials = await createSimulatorCredentials();
    simulator = await startProviderSimulator({ credentials });
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-sim-'));
    const config = loadConfig({
      ...payrecEnvironmentFor(credentials, simulator.url),
      PAYREC_DATA_DIR: dataDir,
    });
    service = await createService(config, { logger: createLogger({ level: 'silent' }) });
    target = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await service.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('produces deliveries payrec accepts for all four providers, through the real server', async () => {
    const deliveries = await realisticMix(credentials, {
      count: 10,
      at: new Date(),
      prefix: 'mix',
    });
    const results = await sendDeliveries(target, planDeliveries(deliveries, { seed: 7 }).sends);
    expect(results.map((result) => result.status).every((status) => status === 200)).toBe(true);
    expect(new Set(results.map((result) => result.delivery.provider))).toEqual(
      new Set(['kraken-pay', 'kraken-embed', 'kryptogo', 'kkiapay']),
    );
    expect(simulator.calls()['kraken-pay-jwks']).toBe(1);
    const embed = await service.eventStore.readStream('payment-kraken-embed/mix-Q-0');
    expect(embed.map((event) => event.type)).toEqual([
      'ProviderReportRecorded',
      'PaymentStatusChanged',
      'FulfilmentRequested',
    ]);
  });

  it('serves the Kraken Embed quote endpoint behind API-Key, API-Nonce and API-Sign', async () => {
    simulator.setTruth('kraken-embed', 'Q-9', {
      status: 'executed',
      amount: { value: '100.00', currency: 'USD' },
    });
    const path = '/b2b/quotes/Q-9';
    const nonce = '1716000000000';
    const sign = krakenApiSign({
      path,
      nonce,
      body: '',
      secret: new Secret(credentials.krakenEmbed.apiSecret),
    });
    const ok = await fetch(`${simulator.url}${path}`, {
      headers: { 'API-Key': credentials.krakenEmbed.apiKey, 'API-Nonce': nonce, 'API-Sign': sign },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      error: [],
      result: { quote_id: 'Q-9', status: 'executed' },
    });
    const forged = await fetch(`${simulator.url}${path}`, {
      headers: { 'API-Key': credentials.krakenEmbed.apiKey, 'API-Nonce': '1', 'API-Sign': sign },
    });
    expect(forged.status).toBe(401);
    const unknown = await fetch(`${simulator.url}/b2b/quotes/NOPE`, {
      headers: {
        'API-Key': credentials.krakenEmbed.apiKey,
        'API-Nonce': nonce,
        'API-Sign': krakenApiSign({
          path: '/b2b/quotes/NOPE',
          nonce,
          body: '',
          secret: new Secret(credentials.krakenEmbed.apiSecret),
        }),
      },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: [{ errorMessage: 'ENexus:Quote not found' }],
    });
  });

  it('serves the KryptoGO payment-intent endpoint behind X-Client-ID and X-STUDIO-API-KEY', async () => {
    simulator.setTruth('kryptogo', 'pi_1', {
      status: 'success',
      amount: { value: '300.0', currency: 'TWD' },
    });
    const headers = {
      'X-Client-ID': credentials.kryptogo.clientId,
      Origin: 'https://merchant.example',
      'X-STUDIO-API-KEY': credentials.kryptogo.apiKey,
    };
    const ok = await fetch(`${simulator.url}/v1/studio/api/payment/intent/pi_1`, { headers });
    expect(await ok.json()).toMatchObject({
      code: 0,
      data: { payment_intent_id: 'pi_1', status: 'success', fiat_amount: '300.0' },
    });
    const wrongKey = await fetch(`${simulator.url}/v1/studio/api/payment/intent/pi_1`, {
      headers: { ...headers, 'X-STUDIO-API-KEY': 'nope' },
    });
    expect(await wrongKey.json()).toEqual({ code: 4002, message: 'invalid API key' });
  });

  it('serves the KKiaPay status endpoint behind its three keys', async () => {
    simulator.setTruth('kkiapay', 'T1', { status: 'REVERTED' });
    const headers = {
      'content-type': 'application/json',
      'x-api-key': credentials.kkiapay.publicKey,
      'x-private-key': credentials.kkiapay.privateKey,
      'x-secret-key': credentials.kkiapay.secretKey,
    };
    const status = (transactionId: string, extra: Record<string, string> = {}) =>
      fetch(`${simulator.url}/api/v1/transactions/status`, {
        method: 'POST',
        headers: { ...headers, ...extra },
        body: JSON.stringify({ transactionId }),
      });
    expect(await (await status('T1')).json()).toMatchObject({
      transactionId: 'T1',
      status: 'REVERTED',
    });
    expect(await (await status('T404')).json()).toEqual({ status: 'TRANSACTION_NOT_FOUND' });
    expect((await status('T1', { 'x-secret-key': 'wrong' })).status).toBe(401);
  });
});

describe('delivery plans', () => {
  const deliveries = Array.from({ length: 200 }, (_, index) => ({
    provider: 'kkiapay' as const,
    ref: `T${index}`,
    path: '/webhooks/kkiapay',
    headers: {},
    body: String(index),
  }));

  it('are the same for the same seed, so a failing run reproduces', () => {
    const options = { seed: 1234, repeatRate: 0.3, dropRate: 0.2, reorder: true, maxDelayMs: 50 };
    expect(planDeliveries(deliveries, options)).toEqual(planDeliveries(deliveries, options));
    expect(planDeliveries(deliveries, { ...options, seed: 1235 })).not.toEqual(
      planDeliveries(deliveries, options),
    );
  });

  it('drop, repeat and reorder about as often as asked', () => {
    const plan = planDeliveries(deliveries, {
      seed: 99,
      repeatRate: 0.5,
      dropRate: 0.25,
      reorder: true,
    });
    expect(plan.dropped.length).toBeGreaterThan(25);
    expect(plan.dropped.length).toBeLessThan(75);
    const sent = plan.sends.length;
    expect(sent).toBeGreaterThan(200 - plan.dropped.length);
    expect(new Set(plan.sends.map((send) => send.delivery.ref)).size).toBe(
      200 - plan.dropped.length,
    );
    const order = plan.sends.map((send) => Number(send.delivery.body));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('refuse rates outside 0 to 1', () => {
    expect(() => planDeliveries(deliveries, { seed: 1, dropRate: 1.5 })).toThrow(TypeError);
  });
});
