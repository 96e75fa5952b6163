import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import {
  createSimulatorCredentials,
  krakenEmbedDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
} from '../../src/simulator/index.js';
import { projected } from '../support/projected.js';

const credentials = await createSimulatorCredentials();

type Row = { day: string; provider: string; status: string; count: number };

/**
 * The settlement day is the provider's: a 23:59 execution delivered or polled after midnight
 * counts on the day it happened, as in the provider's own statement; `asOf` still shows what
 * payrec knew, and the late report is listed among the changes.
 */
describe('the settlement day', () => {
  let simulator: ProviderSimulator;
  let service: Service;
  let dataDir: string;
  let now = new Date('2026-11-21T00:00:30.000Z');

  beforeAll(async () => {
    simulator = await startProviderSimulator({ credentials });
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-settlement-day-'));
    service = await createService(
      loadConfig({
        ...payrecEnvironmentFor(credentials, simulator.url),
        PAYREC_DATA_DIR: dataDir,
        PAYREC_RECONCILE_CRON: '0 0 1 1 *',
        PAYREC_REPORT_TIMEZONE: 'UTC',
      }),
      { clock: { now: () => now }, logger: createLogger({ level: 'silent' }) },
    );
  });
  afterAll(async () => {
    await service.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = async (query: string) =>
    (await service.app.inject({ url: `/reports/settlement?${query}` })).json<{ rows: Row[] }>()
      .rows;

  it('counts a Kraken Embed execution on the day of its timestamp, not of its delivery', async () => {
    const beforeDelivery = new Date().toISOString();
    // Executed at 23:59:30 (Kraken writes nanoseconds), signed and received half a minute after
    // midnight, within the signature's window.
    now = new Date('2026-11-21T00:00:30.000Z');
    const { body } = krakenEmbedDelivery(credentials, {
      ref: 'LATE-EVENING',
      eventType: 'quote.executed',
      at: now,
    });
    const executedLate = body.replace(
      /"timestamp":"[^"]+"/,
      '"timestamp":"2026-11-20T23:59:30.123456789Z"',
    );
    const response = await service.app.inject({
      method: 'POST',
      url: '/webhooks/kraken-embed',
      headers: reSign(executedLate, now),
      payload: executedLate,
    });
    expect(response.statusCode).toBe(200);
    await projected(service);
    expect(await rows('from=2026-11-20&to=2026-11-21&provider=kraken-embed')).toEqual([
      expect.objectContaining({ day: '2026-11-20', status: 'success', count: 1 }),
    ]);
    // What payrec knew before the delivery: nothing on that day; the late report is a change.
    expect(
      await rows(`from=2026-11-20&to=2026-11-21&provider=kraken-embed&asOf=${beforeDelivery}`),
    ).toEqual([]);
    const changes = (
      await service.app.inject({ url: `/reports/settlement/changes?since=${beforeDelivery}` })
    ).json<{ changes: Array<{ ref: string; to: string; at: string }> }>().changes;
    expect(changes).toContainEqual(expect.objectContaining({ ref: 'LATE-EVENING', to: 'success' }));
  });

  it('counts a KryptoGO payment the poller confirms after midnight on the day its transaction was mined', async () => {
    now = new Date('2026-11-21T00:05:00.000Z');
    const registered = await service.app.inject({
      method: 'POST',
      url: '/payments',
      payload: { provider: 'kryptogo', ref: 'pi_MIDNIGHT', amount: 30_000, currency: 'TWD' },
    });
    expect(registered.statusCode).toBe(201);
    simulator.setTruth('kryptogo', 'pi_MIDNIGHT', {
      status: 'success',
      amount: { value: '300.0', currency: 'TWD' },
      at: '2026-11-20T23:58:00.000Z',
    });
    await service.reconciler.runCycle('kryptogo');
    await projected(service);
    expect(await rows('from=2026-11-20&to=2026-11-21&provider=kryptogo')).toEqual([
      expect.objectContaining({ day: '2026-11-20', status: 'success', count: 1 }),
    ]);
    const trail = (
      await service.app.inject({ url: '/payments/kryptogo/pi_MIDNIGHT/events' })
    ).json<{ events: Array<{ type: string; data: { providerAt?: string } }> }>().events;
    expect(trail.find((event) => event.type === 'PaymentStatusChanged')).toMatchObject({
      data: { providerAt: '2026-11-20T23:58:00.000Z' },
    });
  });

  it('counts on the day payrec received it where the provider gives no time', async () => {
    now = new Date('2026-11-21T00:10:00.000Z');
    await service.app.inject({
      method: 'POST',
      url: '/payments',
      payload: { provider: 'kryptogo', ref: 'pi_NO_TIME', amount: 30_000, currency: 'TWD' },
    });
    simulator.setTruth('kryptogo', 'pi_NO_TIME', {
      status: 'success',
      amount: { value: '300.0', currency: 'TWD' },
    });
    await service.reconciler.runCycle('kryptogo');
    await projected(service);
    expect(await rows('from=2026-11-21&to=2026-11-21&provider=kryptogo')).toEqual([
      expect.objectContaining({ day: '2026-11-21', status: 'success', count: 1 }),
    ]);
  });
});

/** Kraken Embed's `X-Signature` over a body edited after signing (the simulator signs its own). */
const reSign = (body: string, at: Date): Record<string, string> => {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', Buffer.from(credentials.krakenEmbed.webhookSecret, 'base64'))
    .update(`${t}.${body}`)
    .digest('hex');
  return { 'content-type': 'application/json', 'x-signature': `t=${t},v1=${v1}` };
};
