import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startFulfilmentReceiver,
  testFulfilmentSecret,
  type FulfilmentReceiver,
} from '../support/fulfilmentReceiver.js';
import {
  postKrakenEmbedEvent,
  startService,
  type RunningService,
} from '../support/runningService.js';
import { waitFor } from '../support/waitFor.js';
import {
  createSimulatorCredentials,
  kryptogoDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
} from '../../src/simulator/index.js';

const secret = Buffer.from('replicas-kraken-embed-secret-00').toString('base64');
const roles = ['delivery-log-repair', 'fulfilment', 'projections', 'reconciler'];

type Ready = { roles: string[] };

const rolesOf = async (service: RunningService): Promise<string[]> =>
  ((await (await fetch(`${service.baseUrl}/readyz`)).json()) as Ready).roles;

const roleGauges = async (service: RunningService): Promise<Record<string, number>> => {
  const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^payrec_role_held\{role="([^"]+)"\} (\d)$/gm)].map(
      (match): [string, number] => [match[1] ?? '', Number(match[2])],
    ),
  );
};

/** Every role held by exactly one of `services`; resolves with who holds what. */
const oneHolderEach = async (services: readonly RunningService[], expected = roles) =>
  waitFor(async () => {
    const held = await Promise.all(services.map(rolesOf));
    const all = held.flat().sort();
    return all.join() === expected.join() ? held : undefined;
  }, 15_000);

describe('several payrec processes on one data directory', () => {
  let dataDir: string;
  let receiver: FulfilmentReceiver;
  let services: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives each role to one of three processes, sends nothing twice, and hands a killed holder’s roles over within the TTL', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-replicas-'));
    receiver = await startFulfilmentReceiver(testFulfilmentSecret);
    const env = (name: string) => ({
      PAYREC_DATA_DIR: dataDir,
      PAYREC_INSTANCE_ID: name,
      PAYREC_LEASE_TTL: '3',
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
      PAYREC_FULFILMENT_URL: receiver.url,
      PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
    });
    for (const name of ['a', 'b', 'c']) services.push(await startService(env(name)));
    const started = [...services];
    const held = await oneHolderEach(services);

    // The metrics say the same: 1 on the holder, 0 elsewhere.
    for (const [index, service] of services.entries()) {
      const gauges = await roleGauges(service);
      for (const role of roles)
        expect(gauges[role], role).toBe(held[index]?.includes(role) ? 1 : 0);
    }

    // Deliveries to every process: each success is notified once.
    const refs = Array.from({ length: 30 }, (_, index) => `R-${index}`);
    for (const [index, ref] of refs.entries()) {
      const service = services[index % services.length] as RunningService;
      expect(
        await postKrakenEmbedEvent(service.baseUrl, secret, {
          id: ref,
          event_type: 'quote.executed',
        }),
      ).toBe(200);
    }
    await waitFor(() => (receiver.effects().length === refs.length ? true : undefined), 15_000);
    expect(new Set(receiver.attempts().map((attempt) => attempt.webhookId)).size).toBe(
      receiver.attempts().length,
    );

    // Every process converges on every payment.
    for (const service of services) {
      await waitFor(async () => {
        const page = await fetch(`${service.baseUrl}/payments?status=success&limit=100`);
        return ((await page.json()) as { items: unknown[] }).items.length === refs.length
          ? true
          : undefined;
      }, 15_000);
    }

    // kill -9 of the process holding the most roles: the survivors take them within the TTL.
    const victim = held.reduce(
      (most, roles, index) => (roles.length > (held[most]?.length ?? 0) ? index : most),
      0,
    );
    const killedAt = Date.now();
    await services[victim]?.stop('SIGKILL');
    const survivors = services.filter((_, index) => index !== victim);
    await oneHolderEach(survivors);
    expect(Date.now() - killedAt).toBeLessThan(3_000 + 5_000);
    services = survivors;

    // And they keep working: a new success is notified once, by the new dispatcher.
    expect(
      await postKrakenEmbedEvent((survivors[0] as RunningService).baseUrl, secret, {
        id: 'AFTER',
        event_type: 'quote.executed',
      }),
    ).toBe(200);
    await waitFor(() => (receiver.effects().length === refs.length + 1 ? true : undefined), 15_000);
    // No two projection threads fought over the shared read models.
    for (const service of started) {
      expect(service.output.filter((line) => line.includes('projection failed'))).toEqual([]);
    }
  });

  it('confirms every hint once, through one process, within the provider’s rate limit', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-replicas-hints-'));
    receiver = await startFulfilmentReceiver(testFulfilmentSecret);
    const credentials = await createSimulatorCredentials();
    const simulator = await startProviderSimulator({ credentials, rateLimitPerSecond: 5 });
    try {
      const env = (name: string) => ({
        ...payrecEnvironmentFor(credentials, simulator.url),
        PAYREC_DATA_DIR: dataDir,
        PAYREC_INSTANCE_ID: name,
        PAYREC_LEASE_TTL: '3',
        // Five calls a second is the provider's limit for all processes together.
        KRYPTOGO_API_RATE_LIMIT: '5',
        PAYREC_RECONCILE_CRON: '0 0 1 1 *',
      });
      for (const name of ['a', 'b', 'c']) services.push(await startService(env(name)));
      // No fulfilment URL here: no dispatcher role.
      await oneHolderEach(
        services,
        roles.filter((role) => role !== 'fulfilment'),
      );
      const refs = Array.from({ length: 12 }, (_, index) => `pi_HINT${index}`);
      for (const [index, ref] of refs.entries()) {
        simulator.setTruth('kryptogo', ref, {
          status: 'success',
          amount: { value: '300.0', currency: 'TWD' },
        });
        // An unsigned callback: a hint, whichever process receives it.
        const hint = kryptogoDelivery(credentials, {
          ref,
          status: 'success',
          at: new Date(),
          signed: false,
        });
        const service = services[index % services.length] as RunningService;
        const response = await fetch(`${service.baseUrl}${hint.path}`, {
          method: 'POST',
          headers: hint.headers,
          body: hint.body,
        });
        expect(response.status).toBe(200);
      }
      // Confirmed at once (no cycle runs: the cron is yearly), each by one status call.
      for (const service of services) {
        await waitFor(async () => {
          const page = await fetch(
            `${service.baseUrl}/payments?provider=kryptogo&status=success&limit=100`,
          );
          return ((await page.json()) as { items: unknown[] }).items.length === refs.length
            ? true
            : undefined;
        }, 20_000);
      }
      expect(simulator.calls()['kryptogo']).toBe(refs.length);
      expect(simulator.throttled()['kryptogo'] ?? 0).toBe(0);
    } finally {
      await simulator.close();
    }
  });
});
