import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from '../support/webhookBuilders.js';
import { deliverKrakenEmbedEvent, testSecrets } from '../support/webhookService.js';
import { consoleCookie } from '../support/consoleSignIn.js';
import { waitFor } from '../support/waitFor.js';

const apiToken = 'own-data-dirs-token-0123456789abcdef';

/**
 * Two hosts over one event store, each with a data directory of its own: the EventStoreDB
 * topology. No EventStoreDB server runs here, so both share one embedded event log through its
 * path while everything else (read models, delivery log) is each one's own, as on two hosts:
 * what runs is the code that topology runs, over the port.
 */
describe('several hosts over one event store, each with its own data directory', () => {
  const now = () => new Date();
  const directories: string[] = [];
  let hostA: Service;
  let hostB: Service;

  const configFor = (instanceId: string, eventsPath?: string): Config => {
    const dataDir = mkdtempSync(join(tmpdir(), `payrec-${instanceId}-`));
    directories.push(dataDir);
    const config = loadConfig({
      PAYREC_DATA_DIR: dataDir,
      PAYREC_INSTANCE_ID: instanceId,
      PAYREC_API_TOKEN: apiToken,
      PAYREC_CONSOLE_SECRET: 'one-console-secret-for-every-host-0123456789',
      PAYREC_RECONCILE_CRON: '0 0 1 1 *',
      KRAKEN_PAY_JWKS_URL: 'http://127.0.0.1:9/.well-known/pay-callback-keys.json',
      KRAKEN_EMBED_WEBHOOK_SECRET: testSecrets.krakenEmbed,
    });
    if (config.eventStore.kind !== 'sqlite') throw new Error('the test needs the embedded store');
    return {
      ...config,
      topology: 'own-data-dir',
      eventStore: { ...config.eventStore, path: eventsPath ?? config.eventStore.path },
    };
  };

  beforeAll(async () => {
    const a = configFor('host-a');
    hostA = await createService(a, { logger: createLogger({ level: 'silent' }) });
    hostB = await createService(
      configFor('host-b', a.eventStore.kind === 'sqlite' ? a.eventStore.path : undefined),
      { logger: createLogger({ level: 'silent' }) },
    );
  }, 30_000);
  afterAll(async () => {
    await hostB.close();
    await hostA.close();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  const headers = { authorization: `Bearer ${apiToken}` };
  type Deliveries = {
    items: Array<{
      outcome: string;
      code: string | null;
      sourceAddress: string;
      payments: string[];
    }>;
  };
  const deliveriesOn = async (host: Service) =>
    (await host.app.inject({ url: '/deliveries?limit=50', headers })).json<Deliveries>().items;

  it('answers the same on every host: payments, the delivery log, a console session', async () => {
    // Host A accepts a delivery; host B rejects a forged one.
    expect(
      await deliverKrakenEmbedEvent(hostA, { id: 'HOSTS-1', event_type: 'quote.executed' }, now()),
    ).toBe(200);
    const forged = signedKrakenEmbedDelivery({
      body: aKrakenEmbedEvent({ id: 'HOSTS-2', event_type: 'quote.executed' }),
      secret: Buffer.from('not-the-secret').toString('base64'),
      at: now(),
    });
    const rejected = await hostB.app.inject({
      method: 'POST',
      url: '/webhooks/kraken-embed',
      payload: forged.payload,
      headers: forged.headers,
    });
    expect(rejected.statusCode).toBe(401);

    // Each host projects the payment into read models of its own.
    for (const host of [hostA, hostB]) {
      const payment = await waitFor(async () => {
        const answer = await host.app.inject({ url: '/payments/kraken-embed/HOSTS-1', headers });
        return answer.statusCode === 200 ? answer.json<{ status: string }>() : undefined;
      });
      expect(payment.status).toBe('success');
    }

    // Each delivery log holds both deliveries: its own as received, the other's through the store.
    const onB = await waitFor(async () => {
      const items = await deliveriesOn(hostB);
      return items.some((item) => item.outcome === 'accepted') ? items : undefined;
    }, 15_000);
    expect(onB.find((item) => item.outcome === 'accepted')).toMatchObject({
      payments: ['kraken-embed/HOSTS-1'],
      sourceAddress: '(received by host-a)',
    });
    expect(onB.filter((item) => item.outcome === 'rejected')).toHaveLength(1);
    const onA = await waitFor(async () => {
      const items = await deliveriesOn(hostA);
      return items.some((item) => item.outcome === 'rejected') ? items : undefined;
    }, 15_000);
    expect(onA.find((item) => item.outcome === 'rejected')).toMatchObject({
      code: 'INVALID_SIGNATURE',
    });
    expect(onA.filter((item) => item.outcome === 'accepted')).toHaveLength(1);
    // Nothing a forged delivery carried reached a payment stream.
    expect(
      (await hostA.app.inject({ url: '/payments/kraken-embed/HOSTS-2', headers })).statusCode,
    ).toBe(404);

    // A console session signed in on one host is valid on the other.
    const cookie = await consoleCookie(hostA.app, apiToken);
    const page = await hostB.app.inject({
      url: '/console/payments/kraken-embed/HOSTS-1',
      headers: { cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('HOSTS-1');
  }, 40_000);

  it('runs the work that must run once as roles, and the rest on every host', async () => {
    const rolesOf = async (host: Service) =>
      (await host.app.inject({ url: '/readyz' })).json<{ roles: string[] }>().roles;
    const held = [...(await rolesOf(hostA)), ...(await rolesOf(hostB))].sort();
    // Projections and the delivery log's repair are each host's own here, not roles.
    expect(held).toEqual(['reconciler']);
  });
});
