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
const oneHolderEach = async (services: readonly RunningService[]) =>
  waitFor(async () => {
    const held = await Promise.all(services.map(rolesOf));
    const all = held.flat().sort();
    return all.join() === roles.join() ? held : undefined;
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
});
