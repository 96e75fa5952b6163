import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSimulatorCredentials,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
} from '../../src/simulator/index.js';
import { cliPath, runCli, startService } from '../support/runningService.js';

const credentials = await createSimulatorCredentials();

describe('reconciliation and Kraken Embed registration, from the command line', () => {
  let simulator: ProviderSimulator;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    simulator = await startProviderSimulator({ credentials });
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-reconcile-e2e-'));
    env = {
      ...payrecEnvironmentFor(credentials, simulator.url),
      PAYREC_DATA_DIR: dataDir,
      PAYREC_RECONCILE_CRON: '0 0 1 1 *',
    };
  });
  afterAll(async () => {
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs one cycle with reconcile --once, with payrec serve running and without it', async () => {
    const service = await startService(env);
    for (const ref of ['K-E2E-1', 'K-E2E-2']) {
      const registered = await fetch(`${service.baseUrl}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'kkiapay', ref, amount: 1000, currency: 'XOF' }),
      });
      expect(registered.status).toBe(201);
    }
    simulator.setTruth('kkiapay', 'K-E2E-1', {
      status: 'SUCCESS',
      amount: { value: '1000', currency: 'XOF' },
    });
    const beside = await runCli(['reconcile', '--once', '--provider', 'kkiapay'], env);
    expect(beside.code).toBe(0);
    expect(beside.stdout).toMatch(
      /^reconciled 2 due payment\(s\) \(kkiapay 2\) in [\d.]+ s \(due set selected in [\d.]+ ms\): /,
    );
    expect(beside.stdout).toContain('moved 1');
    expect(beside.stdout).toContain('unchanged 1');
    await service.stop('SIGTERM');

    simulator.setTruth('kkiapay', 'K-E2E-2', { status: 'REVERTED' });
    // Without serve: registered from the command line, then one cycle, which brings the read
    // model up to date itself. K-E2E-2 (not found last time) is due again only after a minute.
    const registered = await runCli(
      ['payments', 'register', 'kryptogo', 'pi_cli', '--amount', '30000', '--currency', 'TWD'],
      env,
    );
    expect(registered.stdout).toBe('registered kryptogo/pi_cli (version 0)\n');
    simulator.setTruth('kryptogo', 'pi_cli', {
      status: 'success',
      amount: { value: '300.0', currency: 'TWD' },
    });
    const alone = await runCli(['reconcile', '--once'], env);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^reconciled 1 due payment\(s\) \(kryptogo 1\).*: moved 1/);
    const shown = await runCli(['payments', 'show', 'kkiapay', 'K-E2E-1'], env);
    expect(shown.stdout).toContain('kkiapay/K-E2E-1: success');
    expect(shown.stdout).toMatch(
      /ProviderReportRecorded\s+poll "SUCCESS" \(status-api, authoritative\)/,
    );
  });

  it('says whose cycle is running and what is still due, and waits for it with --wait', async () => {
    // Another process's cycle, as its lease says: taken 2 s ago, held for 4 s more.
    const registered = await runCli(
      ['payments', 'register', 'kkiapay', 'K-BUSY-1', '--amount', '1000', '--currency', 'XOF'],
      env,
    );
    expect(registered.code).toBe(0);
    const db = new Database(join(dataDir, 'payrec.db'));
    const now = Date.now();
    db.prepare(
      `INSERT INTO leases (name, holder, expires_at, taken_at) VALUES ('reconcile-cycle', ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, taken_at = excluded.taken_at`,
    ).run('payrec-a:4242 1d3f', now + 4_000, now - 2_000);
    db.close();
    const refused = await runCli(['reconcile', '--once'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^payrec: another reconciliation cycle is running on this store \(payrec-a:4242 since \S+Z \([23] s ago\)\); \d+ payment\(s\) still due\. Try again when it ends, or wait for it with --wait\.\n$/,
    );
    const waited = await runCli(['reconcile', '--once', '--wait'], env);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toContain('payrec: waiting: another reconciliation cycle is running');
    expect(waited.stdout).toMatch(/^reconciled \d+ due payment\(s\)/);
  });

  it('draws its progress on a terminal', async () => {
    for (const ref of ['K-BAR-1', 'K-BAR-2', 'K-BAR-3']) {
      await runCli(
        ['payments', 'register', 'kkiapay', ref, '--amount', '1000', '--currency', 'XOF'],
        env,
      );
    }
    const child = spawn(
      'script',
      ['-qec', `${process.execPath} ${cliPath} reconcile --once`, '/dev/null'],
      {
        env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, output).toBe(0);
    expect(output).toMatch(/reconciling \[[█░]+\] \d+\/\d+ payments/);
    expect(output).toMatch(/reconciled \d+ due payment\(s\)/);
  });

  it("the service's node-cron poller checks what is due on its own", async () => {
    const service = await startService({ ...env, PAYREC_RECONCILE_CRON: '* * * * * *' });
    try {
      simulator.setTruth('kryptogo', 'pi_cron', { status: 'expired' });
      const registered = await fetch(`${service.baseUrl}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'kryptogo', ref: 'pi_cron' }),
      });
      expect(registered.status).toBe(201);
      const deadline = Date.now() + 10_000;
      let status = 'pending';
      while (status === 'pending' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const view = (await (
          await fetch(`${service.baseUrl}/payments/kryptogo/pi_cron`)
        ).json()) as {
          status: string;
        };
        status = view.status;
      }
      expect(status).toBe('expired');
    } finally {
      await service.stop('SIGTERM');
    }
  });

  it('registers the Kraken Embed webhook and prints its secret once', async () => {
    const registered = await runCli(
      ['kraken-embed', 'register-webhook', '--url', 'https://payrec.example/webhooks/kraken-embed'],
      env,
    );
    expect(registered.code).toBe(0);
    expect(registered.stdout).toContain(
      `KRAKEN_EMBED_WEBHOOK_SECRET=${credentials.krakenEmbed.webhookSecret}`,
    );
    expect(simulator.webhookRegistrations()).toEqual([
      expect.objectContaining({
        url: 'https://payrec.example/webhooks/kraken-embed',
        events: expect.arrayContaining(['quote.executed', 'deposit.status_updated']) as unknown,
      }),
    ]);
    const again = await runCli(
      ['kraken-embed', 'register-webhook', '--url', 'https://payrec.example/webhooks/kraken-embed'],
      env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a webhook');
    const plainHttp = await runCli(
      ['kraken-embed', 'register-webhook', '--url', 'http://payrec.example/hook'],
      env,
    );
    expect(plainHttp.code).toBe(2);
    expect(plainHttp.stderr).toContain('must be an https URL');
  });
});
