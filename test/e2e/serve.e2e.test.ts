import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/waitFor.js';
import {
  postKrakenEmbedEvent,
  runCli,
  startService,
  type RunningService,
} from '../support/runningService.js';

describe('payrec serve, as a process', () => {
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service?.removeData();
    service = undefined;
  });

  it('serves /healthz and /readyz on the embedded store, with no other service', async () => {
    service = await startService();
    const health = await fetch(`${service.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    // Ready once the projection thread has reported that it runs.
    const running = service;
    const ready = await waitFor(async () => {
      const answer = await fetch(`${running.baseUrl}/readyz`);
      return answer.status === 200 ? answer : undefined;
    });
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        eventStore: 'ok',
        eventStoreWrites: 'ok',
        deliveryLog: 'ok',
        projections: 'ok',
        checkpoints: 'ok',
      },
      // Alone on its data directory, it holds every role (no fulfilment URL: no dispatcher).
      roles: ['projections', 'reconciler', 'delivery-log-repair'],
    });
    expect(existsSync(join(service.dataDir, 'events.db'))).toBe(true);
    // The start-up line says what is switched on.
    const serving = service.output.find((line) => line.includes('payrec is serving')) ?? '';
    expect(JSON.parse(serving)).toMatchObject({
      store: 'sqlite',
      providers: {
        'kraken-pay': expect.stringContaining('webhooks on') as unknown,
        'kraken-embed':
          'webhooks off (KRAKEN_EMBED_WEBHOOK_SECRET unset); status API off (KRAKEN_EMBED_API_KEY unset)',
      },
      fulfilment: 'off (PAYREC_FULFILMENT_URL unset)',
      reconcile: '* * * * *',
    });
  });

  it('stops with npm start on SIGTERM: npm does not leave the server behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payrec-e2e-npm-'));
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: join(import.meta.dirname, '../..'),
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        PAYREC_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error('npm start did not listen in 20 s'));
        }, 20_000);
        createInterface({ input: npm.stdout }).on('line', (line) => {
          const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const exited = once(npm, 'exit');
      npm.kill('SIGTERM');
      await exited;
      // Nothing listens there any more: the server went with npm.
      let stillServing = true;
      for (let attempt = 0; attempt < 50 && stillServing; attempt += 1) {
        stillServing = await fetch(`${url}/healthz`).then(
          () => true,
          () => false,
        );
        if (stillServing) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(stillServing).toBe(false);
    } finally {
      npm.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    service = await startService();
    const code = await service.stop('SIGTERM');
    expect(code).toBe(0);
    expect(service.output.join('\n')).toContain(
      'stopping: finishing in-flight requests and appends',
    );
  });

  it('refuses to start on a bad variable, naming it and not its value', async () => {
    const result = await runCli(['serve'], { PORT: '0', PAYREC_API_TOKEN: 'tiny-secret' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PAYREC_API_TOKEN');
    expect(result.stderr).not.toContain('tiny-secret');
  });

  it('exits with 1 within seconds when its port is taken, naming the address', async () => {
    service = await startService();
    const port = new URL(service.baseUrl).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'payrec-e2e-taken-'));
    const started = Date.now();
    const result = await runCli(['serve'], {
      PORT: port,
      HOST: '127.0.0.1',
      PAYREC_DATA_DIR: dataDir,
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`payrec: cannot serve: 127.0.0.1:${port} is already in use`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('exits with 1 when HOST is not an address of this machine', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payrec-e2e-host-'));
    try {
      const result = await runCli(['serve'], {
        PORT: '0',
        HOST: 'no-such-host.invalid',
        PAYREC_DATA_DIR: dataDir,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'payrec: cannot serve: HOST no-such-host.invalid is not an address of this machine.',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains an unknown command', async () => {
    const result = await runCli(['launch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "launch"');
  });

  it('runs the demo: payrec and the simulator with a realistic mix, forgeries refused', async () => {
    const temporary = mkdtempSync(join(tmpdir(), 'payrec-demo-tmp-'));
    const result = await runCli(['demo', '--payments', '10'], { TMPDIR: temporary });
    expect(result.code).toBe(0);
    // Its store lived in a temporary directory, removed at the end.
    expect(readdirSync(temporary)).toEqual([]);
    rmSync(temporary, { recursive: true });
    expect(result.stdout).toMatch(/answers: \d+ × 200, [34] × 401/);
    expect(result.stdout).toContain('kraken-pay/demoP7');
    expect(result.stdout).toMatch(/kraken-pay\/demoP7\s+failed/);
    expect(result.stdout).toMatch(
      /kkiapay\/demoK0\s+success\s+confirmed by the status endpoint; set by the status endpoint/,
    );
    // A KKiaPay success the status endpoint denies is a failure, not a success.
    expect(result.stdout).toMatch(/kkiapay\/demoK5\s+failed/);
    expect(result.stdout).toMatch(
      /kraken-embed\/demo-Q-0\s+success\s+confirmed by the status endpoint/,
    );
    expect(result.stdout).toContain('rejected and written nowhere: ');
  });

  it('runs the demo on the ports asked, and says so when one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const free = taken + 1 <= 65_535 ? taken + 1 : taken - 1;
      const result = await runCli(['demo', '--payments', '1', '--port', String(free)]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`payrec on http://127.0.0.1:${free} `);
      const busy = await runCli(['demo', '--payments', '1', '--simulator-port', String(taken)]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(
        `--simulator-port ${taken} is in use by another program; choose another, or 0 for any free one.`,
      );
      const bad = await runCli(['demo', '--port', 'eighty']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--port must be a port number from 0');
    } finally {
      blocker.close();
    }
  });

  it('shows a payment from the log and rebuilds the read models, from the command line', async () => {
    const secret = Buffer.from('e2e-kraken-embed-secret-0000').toString('base64');
    service = await startService({ KRAKEN_EMBED_WEBHOOK_SECRET: secret });
    expect(
      await postKrakenEmbedEvent(service.baseUrl, secret, {
        id: 'E2E-1',
        event_type: 'quote.executed',
      }),
    ).toBe(200);
    const dataDir = service.dataDir;
    await service.stop('SIGTERM');

    const shown = await runCli(['payments', 'show', 'kraken-embed', 'E2E-1'], {
      PAYREC_DATA_DIR: dataDir,
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('kraken-embed/E2E-1: success');
    expect(shown.stdout).toContain('reported USD 100.00');
    expect(shown.stdout).toMatch(
      /ProviderReportRecorded\s+webhook "quote.executed" \(hmac-sha256, verified\)/,
    );
    expect(shown.stdout).toContain('pending → success');
    expect(shown.stdout).toMatch(/FulfilmentRequested\s+notify pending → success/);

    const unknown = await runCli(['payments', 'show', 'kraken-embed', 'NOPE'], {
      PAYREC_DATA_DIR: dataDir,
    });
    expect(unknown.code).toBe(1);

    const rebuilt = await runCli(['projections', 'rebuild'], { PAYREC_DATA_DIR: dataDir });
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(
      /payments: rebuilt from 3 events in [\d.]+ s \([\d,]+ events\/s\), swapped in/,
    );
    expect(rebuilt.stdout).toMatch(/fulfilments: rebuilt from 3 events/);
  });

  it('replays a stored delivery, judged at its receive time, and re-runs it safely', async () => {
    const secret = Buffer.from('e2e-kraken-embed-secret-0000').toString('base64');
    // A 1-second window: by the time of the replay the signature's timestamp is long outside
    // it, so only a replay judged at the stored receive time can verify it.
    const env = {
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
      KRAKEN_EMBED_WEBHOOK_TOLERANCE_SECONDS: '1',
    };
    service = await startService(env);
    expect(
      await postKrakenEmbedEvent(service.baseUrl, secret, {
        id: 'REPLAY-1',
        event_type: 'quote.executed',
      }),
    ).toBe(200);
    const log = (await (await fetch(`${service.baseUrl}/deliveries?outcome=accepted`)).json()) as {
      items: Array<{ deliveryId: string }>;
    };
    const deliveryId = log.items[0]?.deliveryId ?? '';
    expect(deliveryId).toMatch(/^[0-9a-f]{32}$/);
    const dataDir = service.dataDir;
    await service.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    const dryRun = await runCli(['deliveries', 'replay', deliveryId, '--dry-run'], {
      ...env,
      PAYREC_DATA_DIR: dataDir,
    });
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('re-verified now, at its receive time: hmac-sha256, verified');
    expect(dryRun.stdout).toContain(
      'kraken-embed/REPLAY-1 "quote.executed" → success: nothing new (already recorded)',
    );
    expect(dryRun.stdout).toContain('dry run: nothing appended.');

    const applied = await runCli(['deliveries', 'replay', deliveryId], {
      ...env,
      PAYREC_DATA_DIR: dataDir,
    });
    expect(applied.stdout).toContain('applied: 0 event(s) appended.');

    const rotated = Buffer.from('another-kraken-embed-secret-00').toString('base64');
    const forged = await runCli(['deliveries', 'replay', deliveryId, '--dry-run'], {
      ...env,
      KRAKEN_EMBED_WEBHOOK_SECRET: rotated,
      PAYREC_DATA_DIR: dataDir,
    });
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/re-verification FAILED now: INVALID_SIGNATURE/);

    const unknown = await runCli(['deliveries', 'replay', 'f'.repeat(32)], {
      ...env,
      PAYREC_DATA_DIR: dataDir,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No stored delivery');
  });
});
