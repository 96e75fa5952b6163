import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from '../support/webhookBuilders.js';
import { cliPath, postKrakenEmbedEvent, startService } from '../support/runningService.js';

const secret = Buffer.from('logs-kraken-embed-secret-0123456').toString('base64');

/** The JSON lines a service wrote, parsed (a line that is not JSON fails the test). */
const entries = (output: readonly string[]) =>
  output.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("payrec's logs", () => {
  it('at info: a line per delivery outcome, no line per request, JSON in a pipe', async () => {
    const service = await startService({
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
      PAYREC_LOG_LEVEL: 'info',
    });
    try {
      expect(
        await postKrakenEmbedEvent(service.baseUrl, secret, {
          id: 'LOG-1',
          event_type: 'quote.executed',
        }),
      ).toBe(200);
      const forged = signedKrakenEmbedDelivery({
        body: aKrakenEmbedEvent({ id: 'LOG-2' }),
        secret: Buffer.from('not-the-secret').toString('base64'),
        at: new Date(),
      });
      const refused = await fetch(`${service.baseUrl}/webhooks/kraken-embed`, {
        method: 'POST',
        headers: forged.headers,
        body: forged.payload,
      });
      expect(refused.status).toBe(401);
      await fetch(`${service.baseUrl}/healthz`);
    } finally {
      await service.stop();
      service.removeData();
    }
    const logged = entries(service.output);
    expect(logged.filter((entry) => entry['msg'] === 'delivery accepted')).toHaveLength(1);
    expect(logged.find((entry) => entry['msg'] === 'delivery rejected')).toMatchObject({
      provider: 'kraken-embed',
      code: 'INVALID_SIGNATURE',
    });
    expect(logged.filter((entry) => entry['msg'] === 'request completed')).toEqual([]);
    expect(service.output.join('\n')).not.toContain('x-signature');
  }, 30_000);

  it('at debug: every request too, with its route, answer and time, never a header', async () => {
    const service = await startService({
      KRAKEN_EMBED_WEBHOOK_SECRET: secret,
      PAYREC_LOG_LEVEL: 'debug',
    });
    try {
      expect(
        await postKrakenEmbedEvent(service.baseUrl, secret, {
          id: 'LOG-3',
          event_type: 'quote.executed',
        }),
      ).toBe(200);
    } finally {
      await service.stop();
      service.removeData();
    }
    const completed = entries(service.output).find(
      (entry) => entry['msg'] === 'request completed' && entry['url'] === '/webhooks/kraken-embed',
    );
    expect(completed).toMatchObject({ method: 'POST', statusCode: 200 });
    expect(typeof completed?.['ms']).toBe('number');
    expect(service.output.join('\n')).not.toMatch(/x-signature|t=\d+,v1=/);
  }, 30_000);

  it('on a terminal: coloured lines a person reads', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payrec-logs-'));
    const child = spawn('script', ['-qec', `${process.execPath} ${cliPath} serve`, '/dev/null'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        TERM: 'xterm',
        PORT: '0',
        HOST: '127.0.0.1',
        PAYREC_DATA_DIR: dataDir,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no "Server listening" within 15 s:\n${output}`));
        }, 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('Server listening at')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      child.stdin.write('\u0003');
      await once(child, 'exit');
      rmSync(dataDir, { recursive: true, force: true });
    }
    const line = output.split('\n').find((candidate) => candidate.includes('Server listening at'));
    expect(line).toBeDefined();
    expect(line).toMatch(new RegExp(`${String.fromCharCode(27)}\\[3\\dm`)); // a colour
    expect(line).toContain('INFO');
    expect(line?.trimStart().startsWith('{')).toBe(false); // not JSON
  }, 30_000);
});
