import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService } from '../../src/main.js';
import { cliPath } from '../support/runningService.js';

/**
 * `payrec … | head -1`: the reader closes the pipe after a line. A closed pipe is a normal end:
 * exit 0, nothing on stderr (it used to be an EPIPE stack trace and exit 1).
 */
describe('the command line in a pipe that closes early', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-pipes-'));
    const service = await createService(loadConfig({ PAYREC_DATA_DIR: dataDir }), {
      logger: createLogger({ level: 'silent' }),
    });
    for (let index = 0; index < 400; index += 1) {
      const created = await service.app.inject({
        method: 'POST',
        url: '/payments',
        payload: { provider: 'kkiapay', ref: `PIPE-${index}`, amount: 1000, currency: 'XOF' },
      });
      expect(created.statusCode).toBe(201);
    }
    await service.close();
  }, 60_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const args of [
    ['export', 'payments', '--format', 'csv'],
    ['payments', 'list'],
    ['payments', 'show', 'kkiapay', 'PIPE-7'],
  ]) {
    it(`payrec ${args.join(' ')} | head -1 ends with 0 and no error`, async () => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        env: { PATH: process.env['PATH'] ?? '', PAYREC_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      // Like head -1: read the first chunk, then close our end of the pipe.
      child.stdout.once('data', () => {
        child.stdout.destroy();
      });
      const [code] = (await once(child, 'exit')) as [number | null];
      // Nothing but what the command says on a normal end: when it wrote its page before the
      // reader closed, `payments list` still says how many it left out (a race, not an error).
      expect(stderr.replace(/^\d+ of \d+ payments shown, .*\n$/, '')).toBe('');
      expect(stderr).not.toMatch(/EPIPE|Error/);
      expect(code).toBe(0);
    });
  }
});
