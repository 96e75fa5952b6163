import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/runningService.js';
import { waitFor } from '../support/waitFor.js';
import {
  createSimulatorCredentials,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
} from '../../src/simulator/index.js';

const rolesOf = async (service: RunningService): Promise<string[]> =>
  ((await (await fetch(`${service.baseUrl}/readyz`)).json()) as { roles: string[] }).roles;

type StoredEvent = { type: string; instance: string | null; position: number };

/** The payment's events as the log holds them, with the process that wrote each. */
const eventsOf = (dataDir: string, stream: string): StoredEvent[] => {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    return db
      .prepare<[string], { event_type: string; metadata: string | null; global_position: number }>(
        'SELECT event_type, metadata, global_position FROM events WHERE stream_name = ? ORDER BY stream_revision',
      )
      .all(stream)
      .map((row) => ({
        type: row.event_type,
        instance:
          row.metadata === null
            ? null
            : ((JSON.parse(row.metadata) as { instance?: string }).instance ?? null),
        position: row.global_position,
      }));
  } finally {
    db.close();
  }
};

describe('a role holder paused past its lease', () => {
  let dataDir: string;
  let simulator: ProviderSimulator | null = null;
  let services: RunningService[] = [];
  afterEach(async () => {
    for (const service of services) service.process.kill('SIGCONT');
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await simulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes nothing under its old token once another process took the role (SIGSTOP, then SIGCONT)', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-fencing-'));
    const credentials = await createSimulatorCredentials();
    simulator = await startProviderSimulator({ credentials });
    const env = (name: string) => ({
      ...payrecEnvironmentFor(credentials, simulator?.url ?? ''),
      PAYREC_DATA_DIR: dataDir,
      PAYREC_INSTANCE_ID: name,
      PAYREC_LEASE_TTL: '3',
      PAYREC_RECONCILE_CRON: '* * * * * *',
      // The held answer must reach a, not its timeout (which would record nothing anyway).
      PAYREC_STATUS_TIMEOUT_MS: '60000',
    });
    const a = await startService(env('a'));
    services.push(a);
    await waitFor(async () => ((await rolesOf(a)).includes('reconciler') ? true : undefined));
    const b = await startService(env('b'));
    services.push(b);

    // a asks KryptoGO about a new payment; the answer (success, as it stands then) is held.
    const ref = 'pi_FENCED';
    simulator.setTruth('kryptogo', ref, {
      status: 'success',
      amount: { value: '300.0', currency: 'TWD' },
    });
    const held = simulator.holdNext('kryptogo');
    const registered = await fetch(`${a.baseUrl}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'kryptogo', ref, amount: 30_000, currency: 'TWD' }),
    });
    expect(registered.status).toBe(201);
    await held.arrived;

    // a stops between asking and recording; its answer arrives while it sleeps, and goes stale:
    // the payment expires at the provider, and b, which takes the role, records that.
    a.process.kill('SIGSTOP');
    held.release();
    simulator.setTruth('kryptogo', ref, {
      status: 'expired',
      amount: { value: '300.0', currency: 'TWD' },
    });
    await waitFor(
      async () => ((await rolesOf(b)).includes('reconciler') ? true : undefined),
      15_000,
    );
    await waitFor(async () => {
      const payment = await fetch(`${b.baseUrl}/payments/kryptogo/${ref}`);
      return payment.status === 200 &&
        ((await payment.json()) as { status: string }).status === 'expired'
        ? true
        : undefined;
    }, 15_000);
    const taken = eventsOf(dataDir, `payment-kryptogo/${ref}`);
    const firstByB = taken.find((event) => event.instance === 'b');
    expect(firstByB).toBeDefined();

    // a wakes up with its stale "success" in hand: the append under its old token is refused.
    a.process.kill('SIGCONT');
    const staleByA = () =>
      eventsOf(dataDir, `payment-kryptogo/${ref}`).filter(
        (event) => event.instance === 'a' && event.position > (firstByB?.position ?? 0),
      );
    await waitFor(
      () =>
        a.output.some((line) => line.includes('role lost: check not recorded')) ||
        staleByA().length > 0
          ? true
          : undefined,
      15_000,
    );
    const after = eventsOf(dataDir, `payment-kryptogo/${ref}`);
    expect(
      after.filter((event) => event.instance === 'a' && event.position > (firstByB?.position ?? 0)),
    ).toEqual([]);
    expect(after.map((event) => event.type)).not.toContain('PaymentStatusCorrected');
    const payment = (await (await fetch(`${b.baseUrl}/payments/kryptogo/${ref}`)).json()) as {
      status: string;
    };
    expect(payment.status).toBe('expired');
  }, 60_000);
});
