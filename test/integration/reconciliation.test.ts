import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import {
  createSimulatorCredentials,
  kkiapayDelivery,
  krakenEmbedDelivery,
  kryptogoDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
  type SimulatedDelivery,
} from '../../src/simulator/index.js';
import { waitFor } from '../support/waitFor.js';

const credentials = await createSimulatorCredentials();

describe('reconciliation against the status endpoints', () => {
  let simulator: ProviderSimulator;
  let service: Service;
  let dataDir: string;
  let now: Date;

  beforeAll(async () => {
    simulator = await startProviderSimulator({ credentials });
  });
  afterAll(async () => {
    await simulator.close();
  });
  beforeEach(async () => {
    now = new Date();
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-reconcile-'));
    service = await createService(
      loadConfig({
        ...payrecEnvironmentFor(credentials, simulator.url),
        PAYREC_DATA_DIR: dataDir,
        PAYREC_RECONCILE_CRON: '0 0 1 1 *',
        PAYREC_STATUS_TIMEOUT_MS: '2000',
      }),
      {
        clock: { now: () => now },
        logger: createLogger({ level: 'silent' }),
        statusRetryDelayMs: 5,
      },
    );
  });
  afterEach(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const register = async (body: Record<string, unknown>) => {
    const response = await service.app.inject({ method: 'POST', url: '/payments', payload: body });
    expect(response.statusCode).toBe(201);
  };
  const deliver = async (delivery: SimulatedDelivery) => {
    const response = await service.app.inject({
      method: 'POST',
      url: delivery.path,
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(response.statusCode).toBe(200);
  };
  const payment = async (provider: string, ref: string) =>
    (await service.app.inject({ method: 'GET', url: `/payments/${provider}/${ref}` })).json<{
      status: string;
      version: number;
      discrepancies: Array<{ kind: string; ours: string; theirs: string }>;
    }>();
  const events = async (provider: string, ref: string) =>
    (await service.eventStore.readStream(`payment-${provider}/${ref}`)).map((event) => event);
  /** The read model has every event of the stream (so the due index is current). */
  const projected = async (provider: string, ref: string) => {
    const version = (await events(provider, ref)).length - 1;
    await waitFor(async () =>
      (await payment(provider, ref)).version === version ? true : undefined,
    );
  };

  it('fills in the state of a registered payment whose webhook never came, at once', async () => {
    await register({ provider: 'kkiapay', ref: 'K-1', amount: 1000, currency: 'XOF' });
    simulator.setTruth('kkiapay', 'K-1', {
      status: 'SUCCESS',
      amount: { value: '1000', currency: 'XOF' },
    });
    await projected('kkiapay', 'K-1');
    const before = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(before).toContain('payrec_reconcile_payments_due 1');
    expect(before).toContain('payrec_payments_open{provider="kkiapay"} 1');
    const summary = await service.reconciler.runCycle();
    expect(summary).toMatchObject({ ran: true, due: 1, results: { moved: 1 } });
    const stored = await events('kkiapay', 'K-1');
    expect(stored.map((event) => event.type)).toEqual([
      'PaymentRegistered',
      'ProviderReportRecorded',
      'PaymentStatusChanged',
      'FulfilmentRequested',
    ]);
    expect(stored[1]?.data).toMatchObject({
      report: { vocabulary: 'status', providerStatus: 'SUCCESS', status: 'success' },
      evidence: {
        channel: 'poll',
        verification: { method: 'status-api', trust: 'authoritative' },
        received: { body: expect.stringContaining('"SUCCESS"') as unknown },
      },
    });
    // Confirmed by the source of truth: no longer due.
    await projected('kkiapay', 'K-1');
    expect(await service.reconciler.runCycle()).toMatchObject({ ran: true, due: 0 });
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('payrec_status_calls_total{provider="kkiapay",outcome="ok"} 1');
    expect(metrics).toContain('payrec_reconcile_checks_total{provider="kkiapay",result="moved"} 1');
    expect(metrics).toMatch(/payrec_status_call_duration_seconds_count\{provider="kkiapay"\} 1/);
    expect(metrics).toContain('payrec_reconcile_payments_due 0');
    expect(metrics).not.toContain('payrec_payments_open{provider="kkiapay"}');
  });

  it('asks about a confirmed success again a day later, and finds a reversal no webhook reported', async () => {
    await register({ provider: 'kkiapay', ref: 'K-rev', amount: 1000, currency: 'XOF' });
    simulator.setTruth('kkiapay', 'K-rev', {
      status: 'SUCCESS',
      amount: { value: '1000', currency: 'XOF' },
    });
    await projected('kkiapay', 'K-rev');
    expect((await service.reconciler.runCycle()).results).toEqual({ moved: 1 });
    await projected('kkiapay', 'K-rev');
    expect((await service.reconciler.runCycle()).due).toBe(0);
    simulator.setTruth('kkiapay', 'K-rev', { status: 'REVERTED' });
    now = new Date(now.getTime() + 24 * 60 * 60 * 1000 + 1_000);
    expect((await service.reconciler.runCycle()).results).toEqual({ moved: 1 });
    await projected('kkiapay', 'K-rev');
    expect((await payment('kkiapay', 'K-rev')).status).toBe('refunded');
    const types = (await events('kkiapay', 'K-rev')).map((event) => event.type);
    expect(types.filter((type) => type === 'FulfilmentRequested')).toHaveLength(2);
  });

  it('corrects a state the provider denies with a new event naming what it corrects', async () => {
    const webhook = krakenEmbedDelivery(credentials, {
      ref: 'Q-1',
      eventType: 'quote.executed',
      at: now,
    });
    await deliver(webhook);
    simulator.setTruth('kraken-embed', 'Q-1', { status: 'execution_failed' });
    await projected('kraken-embed', 'Q-1');
    const summary = await service.reconciler.runCycle();
    expect(summary.results).toEqual({ corrected: 1 });
    const stored = await events('kraken-embed', 'Q-1');
    const correction = stored.find((event) => event.type === 'PaymentStatusCorrected');
    expect(correction?.data).toMatchObject({
      from: 'success',
      to: 'failed',
      channel: 'poll',
      correctsDeliveryKey: expect.stringContaining('quote.executed:Q-1') as unknown,
    });
    // The original success is still there, unedited, and the backend hears of the reversal.
    expect(stored.filter((event) => event.type === 'PaymentStatusChanged')).toHaveLength(1);
    expect(stored.filter((event) => event.type === 'FulfilmentRequested')).toHaveLength(2);
  });

  it('confirms an unsigned KryptoGO hint by an immediate status call, not the next cycle', async () => {
    simulator.setTruth('kryptogo', 'pi_hint', {
      status: 'success',
      amount: { value: '300.0', currency: 'TWD' },
    });
    await deliver(
      kryptogoDelivery(credentials, { ref: 'pi_hint', status: 'success', at: now, signed: false }),
    );
    const confirmed = await waitFor(async () => {
      const view = await payment('kryptogo', 'pi_hint');
      return view.status === 'success' ? view : undefined;
    });
    expect(confirmed.status).toBe('success');
    const stored = await events('kryptogo', 'pi_hint');
    expect(stored.map((event) => event.type)).toContain('PaymentStatusChanged');
    expect(stored.find((event) => event.type === 'PaymentStatusChanged')?.data).toMatchObject({
      channel: 'poll',
    });
  });

  it('does not let a KKiaPay hint that the provider denies move the payment', async () => {
    simulator.setTruth('kkiapay', 'K-denied', { status: 'FAILED' });
    await deliver(kkiapayDelivery(credentials, { ref: 'K-denied', success: true, at: now }));
    const view = await waitFor(async () => {
      const current = await payment('kkiapay', 'K-denied');
      return current.status === 'failed' ? current : undefined;
    });
    expect(view.status).toBe('failed');
    const types = (await events('kkiapay', 'K-denied')).map((event) => event.type);
    expect(types).not.toContain('FulfilmentRequested');
  });

  it('records a different amount as a discrepancy naming both sides, not a success', async () => {
    await register({ provider: 'kraken-embed', ref: 'Q-short', amount: 10_000, currency: 'USD' });
    simulator.setTruth('kraken-embed', 'Q-short', {
      status: 'executed',
      amount: { value: '90.00', currency: 'USD' },
    });
    await projected('kraken-embed', 'Q-short');
    await service.reconciler.runCycle();
    await projected('kraken-embed', 'Q-short');
    const view = await payment('kraken-embed', 'Q-short');
    expect(view.status).toBe('pending');
    expect(view.discrepancies).toMatchObject([
      { kind: 'amount-mismatch', ours: 'USD 100.00', theirs: 'USD 90.00' },
    ]);
    // Finance's list, with the evidence on both sides.
    const listed = await waitFor(async () => {
      const response = await service.app.inject({ method: 'GET', url: '/discrepancies' });
      const { items } = response.json<{ items: Array<Record<string, unknown>> }>();
      return items.length === 1 ? items[0] : undefined;
    });
    expect(listed).toMatchObject({
      payment: { provider: 'kraken-embed', ref: 'Q-short' },
      kind: 'amount-mismatch',
      state: 'open',
      differences: [{ field: 'amount', payrec: 'USD 100.00', provider: 'USD 90.00' }],
      evidence: { provider: expect.stringMatching(/^poll:/) as unknown, payrec: null },
      status: 'open',
    });
    const resolved = await service.app.inject({
      method: 'GET',
      url: '/discrepancies?status=resolved',
    });
    expect(resolved.json<{ items: unknown[] }>().items).toEqual([]);
    const bad = await service.app.inject({ method: 'GET', url: '/discrepancies?status=closed' });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps a payment due, recording nothing, while the provider is unavailable', async () => {
    await register({ provider: 'kryptogo', ref: 'pi_down' });
    simulator.setTruth('kryptogo', 'pi_down', { status: 'success' });
    simulator.failNext('kryptogo', 4, 503);
    await projected('kryptogo', 'pi_down');
    expect((await service.reconciler.runCycle()).results).toEqual({ unavailable: 1 });
    expect(await events('kryptogo', 'pi_down')).toHaveLength(1);
    expect((await service.reconciler.runCycle()).results).toEqual({ moved: 1 });
  });

  it('retries a 429 or 503 within the check, with backoff', async () => {
    await register({ provider: 'kryptogo', ref: 'pi_flaky' });
    simulator.setTruth('kryptogo', 'pi_flaky', { status: 'expired' });
    simulator.failNext('kryptogo', 2, 429);
    await projected('kryptogo', 'pi_flaky');
    expect((await service.reconciler.runCycle()).results).toEqual({ moved: 1 });
    await projected('kryptogo', 'pi_flaky');
    expect((await payment('kryptogo', 'pi_flaky')).status).toBe('expired');
    expect(simulator.calls()['kryptogo']).toBeGreaterThanOrEqual(3);
  });

  it('keeps an answer it cannot read as evidence and guesses nothing', async () => {
    await register({ provider: 'kraken-embed', ref: 'Q-junk' });
    simulator.failNext('kraken-embed', 1, 200, '{"result":{"state":"done"}}');
    await projected('kraken-embed', 'Q-junk');
    expect((await service.reconciler.runCycle()).results).toEqual({ unreadable: 1 });
    const stored = await events('kraken-embed', 'Q-junk');
    expect(stored.map((event) => event.type)).toEqual(['PaymentRegistered', 'StatusCheckFailed']);
    expect(stored[1]?.data).toMatchObject({
      code: 'UNEXPECTED_RESPONSE',
      reason: 'not a quote: result.status',
      response: { status: 200, body: '{"result":{"state":"done"}}' },
    });
    expect((await payment('kraken-embed', 'Q-junk')).status).toBe('pending');
  });

  it('records a transaction the provider does not know as evidence, not a failure', async () => {
    await register({ provider: 'kkiapay', ref: 'K-unknown' });
    await projected('kkiapay', 'K-unknown');
    expect((await service.reconciler.runCycle()).results).toEqual({ unchanged: 1 });
    const stored = await events('kkiapay', 'K-unknown');
    expect(stored[1]?.data).toMatchObject({
      report: { providerStatus: 'TRANSACTION_NOT_FOUND', status: null },
    });
    expect((await payment('kkiapay', 'K-unknown')).status).toBe('pending');
  });

  it('flags a Kraken Pay payment open past its deadline for a person, never expiring it', async () => {
    const deadline = new Date(now.getTime() + 60_000).toISOString();
    await register({ provider: 'kraken-pay', ref: 'PAY-1', expiresAt: deadline });
    await projected('kraken-pay', 'PAY-1');
    expect((await service.reconciler.runCycle()).due).toBe(0);
    now = new Date(now.getTime() + 61_000);
    expect((await service.reconciler.runCycle()).results).toEqual({ 'flagged-overdue': 1 });
    await projected('kraken-pay', 'PAY-1');
    const view = await payment('kraken-pay', 'PAY-1');
    expect(view.status).toBe('pending');
    expect(view.discrepancies).toMatchObject([
      { kind: 'overdue', ours: 'pending', theirs: `no final status by ${deadline}` },
    ]);
    expect((await service.reconciler.runCycle()).due).toBe(0);
  });

  it('checks a payment again on its schedule, then finally at its deadline', async () => {
    const deadline = new Date(now.getTime() + 10 * 60_000).toISOString();
    await register({ provider: 'kryptogo', ref: 'pi_slow', expiresAt: deadline });
    simulator.setTruth('kryptogo', 'pi_slow', { status: 'pending' });
    const dueAfter = async (minutes: number) => {
      now = new Date(now.getTime() + minutes * 60_000);
      await projected('kryptogo', 'pi_slow');
      return (await service.reconciler.runCycle()).due;
    };
    expect(await dueAfter(0)).toBe(1); // at once
    expect(await dueAfter(0.5)).toBe(0);
    expect(await dueAfter(0.6)).toBe(1); // after 1 min
    expect(await dueAfter(3)).toBe(0);
    expect(await dueAfter(1.5)).toBe(1); // after 5 min
    expect(await dueAfter(4)).toBe(0);
    expect(await dueAfter(1.1)).toBe(1); // at the deadline, not at 15 min
    expect(await dueAfter(60)).toBe(0); // done: left to the overdue discrepancy
    const view = await payment('kryptogo', 'pi_slow');
    expect(view.discrepancies.map((open) => open.kind)).toEqual(['overdue']);
  });

  it('runs one cycle at a time', async () => {
    await register({ provider: 'kryptogo', ref: 'pi_lock' });
    simulator.setTruth('kryptogo', 'pi_lock', { status: 'success' });
    await projected('kryptogo', 'pi_lock');
    const [first, second] = await Promise.all([
      service.reconciler.runCycle(),
      service.reconciler.runCycle(),
    ]);
    expect([first.ran, second.ran].sort()).toEqual([false, true]);
  });
});

describe('a reconciliation cycle cut short', () => {
  it('loses nothing: the next cycle, in a new process on the same store, checks the rest', async () => {
    const credentials = await createSimulatorCredentials();
    const simulator = await startProviderSimulator({ credentials });
    const dataDir = mkdtempSync(join(tmpdir(), 'payrec-cut-short-'));
    const config = loadConfig({
      ...payrecEnvironmentFor(credentials, simulator.url),
      PAYREC_DATA_DIR: dataDir,
      PAYREC_RECONCILE_CRON: '0 0 1 1 *',
      KKIAPAY_API_RATE_LIMIT: '20',
    });
    const start = () => createService(config, { logger: createLogger({ level: 'silent' }) });
    try {
      const first = await start();
      for (let index = 0; index < 30; index += 1) {
        simulator.setTruth('kkiapay', `CUT-${index}`, { status: 'SUCCESS' });
        await first.app.inject({
          method: 'POST',
          url: '/payments',
          payload: { provider: 'kkiapay', ref: `CUT-${index}` },
        });
      }
      await waitFor(async () => {
        const response = await first.app.inject({ method: 'GET', url: '/payments?limit=100' });
        return response.json<{ items: unknown[] }>().items.length === 30 ? true : undefined;
      });
      // At 20 calls/s the cycle needs 1.5 s; the process stops as soon as the provider has
      // answered a first check: the checks under way finish, the others are not started.
      const before = simulator.calls()['kkiapay'] ?? 0;
      const cycle = first.reconciler.runCycle();
      await waitFor(() => ((simulator.calls()['kkiapay'] ?? 0) > before ? true : undefined));
      await first.reconciler.stop();
      const cut = await cycle;
      await first.close();
      expect(cut.results['stopped'] ?? 0).toBeGreaterThan(0);
      const done = cut.results['moved'] ?? 0;
      expect(done).toBeGreaterThan(0);

      const second = await start();
      try {
        await waitFor(async () => {
          const response = await second.app.inject({
            method: 'GET',
            url: '/payments?status=success&limit=100',
          });
          return response.json<{ items: unknown[] }>().items.length === done ? true : undefined;
        });
        const rest = await second.reconciler.runCycle();
        expect(rest.due).toBe(30 - done);
        expect(rest.results).toEqual({ moved: 30 - done });
      } finally {
        await second.close();
      }
    } finally {
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
