import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli, startService, type RunningService } from '../support/runningService.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The simulator as a user runs it: `payrec simulate serve` in one process, payrec in another,
 * `payrec simulate send --simulator` in a third; payrec's hint confirmations and poller find the
 * truth the sender told the simulator.
 */
describe('payrec simulate, as processes beside payrec serve', () => {
  it('confirms hints and reconciles against the simulator the sender briefed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'payrec-simulate-e2e-'));
    let service: RunningService | undefined;
    const simulator = spawn(
      process.execPath,
      [
        cliPath,
        'simulate',
        'serve',
        '--credentials',
        join(directory, 'credentials.json'),
        '--rate-limit',
        '50',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const env: Record<string, string> = {};
      let simulatorUrl = '';
      await new Promise<void>((resolve) => {
        createInterface({ input: simulator.stdout }).on('line', (line) => {
          const url = /^payrec simulator on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
          if (url?.[1]) simulatorUrl = url[1];
          const variable = /^export (\w+)='(.*)'$/.exec(line);
          if (variable?.[1] && variable[2] !== undefined) env[variable[1]] = variable[2];
          if (variable?.[1] === 'KKIAPAY_API_URL') resolve();
        });
      });
      service = await startService({
        ...env,
        PAYREC_DATA_DIR: join(directory, 'data'),
        PAYREC_RECONCILE_CRON: '* * * * * *',
      });
      const sent = await runCli([
        'simulate',
        'send',
        '--credentials',
        join(directory, 'credentials.json'),
        '--target',
        service.baseUrl,
        '--simulator',
        simulatorUrl,
        '--payments',
        '3',
        '--seed',
        '5',
      ]);
      expect(sent.code).toBe(0);
      const running = service;
      const statusOf = async (provider: string, ref: string) =>
        (await (await fetch(`${running.baseUrl}/payments/${provider}/${ref}`)).json()) as {
          status?: string;
          checks?: number;
        };
      // A KKiaPay success is a hint until the status endpoint confirms it.
      const kkiapay = await waitFor(async () => {
        const view = await statusOf('kkiapay', 's5K0');
        return view.status === 'success' ? view : undefined;
      }, 10_000);
      expect(kkiapay.checks).toBeGreaterThan(0);
      const embed = await waitFor(async () => {
        const view = await statusOf('kraken-embed', 's5-Q-0');
        return (view.checks ?? 0) > 0 ? view : undefined;
      }, 10_000);
      expect(embed.status).toBe('success');
    } finally {
      await service?.stop('SIGTERM');
      simulator.kill('SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
