import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenHash } from '../../src/apiTokens.js';
import { runCli, startService, type RunningService } from '../support/runningService.js';

const operatorToken = 'operator-token-0123456789abcdef';
const readerToken = 'reader-token-0123456789abcdef';
const consoleSecret = 'console-secret-0123456789abcdef0123456789';

type Answer = Readonly<{ status: number; headers: Record<string, string>; body: string }>;

/** One request on a real socket, with exactly these headers (Host included). */
const send = (
  baseUrl: string,
  path: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          flat[name] = Array.isArray(value) ? value.join('\n') : String(value);
        }
        resolve({ status: response.statusCode ?? 0, headers: flat, body: text });
      });
    });
    request.on('error', reject);
    request.end(body);
  });

const cookieValue = (answer: Answer, name: string): string =>
  new RegExp(`(?:^|\\n)${name}=([^;]*)`).exec(answer.headers['set-cookie'] ?? '')?.[1] ?? '';

const csrfOf = (page: Answer): string => /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Signs in to the console as a browser would; resolves with the cookies a browser would keep. */
const signIn = async (baseUrl: string, token: string) => {
  const page = await send(baseUrl, '/console/sign-in');
  const csrfCookie = cookieValue(page, 'payrec_csrf');
  const answer = await send(baseUrl, '/console/sign-in', {
    method: 'POST',
    headers: {
      cookie: `payrec_csrf=${csrfCookie}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form({ _csrf: csrfOf(page), token }),
  });
  return {
    answer,
    cookie: `payrec_csrf=${csrfCookie}; payrec_session=${cookieValue(answer, 'payrec_session')}`,
  };
};

const tokensFileIn = (dir: string, lines: readonly string[]): string => {
  const file = join(dir, 'tokens');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

describe('access, on real processes and sockets', () => {
  let dir: string;
  let running: RunningService | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payrec-access-e2e-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start when a name stands for two tokens, naming the name and never a hash', async () => {
    const file = tokensFileIn(dir, [`default read ${tokenHash(readerToken)}`]);
    const started = await runCli(['serve'], {
      PAYREC_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      PAYREC_API_TOKENS_FILE: file,
      PAYREC_API_TOKEN: operatorToken,
    });
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain('the token name "default" is given twice');
    expect(started.stderr).toContain('PAYREC_API_TOKEN');
    expect(started.stderr).not.toContain(tokenHash(readerToken));
    expect(started.stderr).not.toContain(operatorToken);
  });

  it('refuses to start when one token stands under two names', async () => {
    const file = tokensFileIn(dir, [
      `finance read ${tokenHash(readerToken)}`,
      `ops operate ${tokenHash(readerToken)}`,
    ]);
    const started = await runCli(['serve'], {
      PAYREC_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      PAYREC_API_TOKENS_FILE: file,
    });
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain('one token is configured under two names, "finance"');
    expect(started.stderr).not.toContain(tokenHash(readerToken));
  });

  it('refuses to start behind a trusted proxy without a token: a proxy is not loopback', async () => {
    const started = await runCli(['serve'], {
      PAYREC_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      PAYREC_TRUST_PROXY: 'loopback',
    });
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain('PAYREC_TRUST_PROXY: set only with PAYREC_API_TOKEN');
  });

  it('without a token, serves loopback names only: a rebound Host is refused', async () => {
    running = await startService({ PAYREC_DATA_DIR: join(dir, 'data') });
    const rebound = await send(running.baseUrl, '/payments', {
      headers: { host: 'attacker.example' },
    });
    expect(rebound.status).toBe(403);
    const refusal = JSON.parse(rebound.body) as { code: string; reason: string };
    expect(refusal.code).toBe('LOOPBACK_ONLY');
    expect(refusal.reason).toContain('loopback name');
    const registered = await send(running.baseUrl, '/payments', {
      method: 'POST',
      headers: { host: 'attacker.example:8080', 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'kkiapay', ref: 'REBOUND-1' }),
    });
    expect(registered.status).toBe(403);
    const console = await send(running.baseUrl, '/console/payments', {
      headers: { host: 'attacker.example' },
    });
    expect(console.status).toBe(403);
    for (const host of [
      'localhost',
      `localhost:${new URL(running.baseUrl).port}`,
      '127.0.0.1',
      '[::1]:80',
    ]) {
      expect((await send(running.baseUrl, '/payments', { headers: { host } })).status, host).toBe(
        200,
      );
    }
    const stillAbsent = await send(running.baseUrl, '/payments/kkiapay/REBOUND-1');
    expect(stillAbsent.status).toBe(404);
  });

  it('throttles wrong tokens and failed sign-ins from one source with 429 and Retry-After, never a valid token', async () => {
    running = await startService({
      PAYREC_DATA_DIR: join(dir, 'data'),
      PAYREC_API_TOKEN: operatorToken,
    });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const answer = await send(running.baseUrl, '/payments', {
        headers: { authorization: `Bearer guess-${attempt}-0123456789abcdef` },
      });
      statuses.push(answer.status);
    }
    expect(new Set(statuses)).toEqual(new Set([401]));
    const throttled = await send(running.baseUrl, '/payments', {
      headers: { authorization: 'Bearer one-more-guess-0123456789abcdef' },
    });
    expect(throttled.status).toBe(429);
    expect(JSON.parse(throttled.body)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(60);
    const signInRefused = await signIn(running.baseUrl, 'still-guessing-0123456789abcdef');
    expect(signInRefused.answer.status).toBe(429);
    const valid = await send(running.baseUrl, '/payments', {
      headers: { authorization: `Bearer ${operatorToken}` },
    });
    expect(valid.status).toBe(200);
    const signedIn = await signIn(running.baseUrl, operatorToken);
    expect(signedIn.answer.status).toBe(303);
    const warnings = running.output.filter((line) =>
      line.includes('too many failed authentications'),
    );
    expect(warnings).toHaveLength(1);
    expect(running.output.join('\n')).not.toContain(operatorToken);
  });

  it('ends a session on sign-out for every copy of its cookie, keeps it across a restart, and ends it with its token line', async () => {
    const dataDir = join(dir, 'data');
    const file = tokensFileIn(dir, [
      `alice operate ${tokenHash(operatorToken)}`,
      `finance read ${tokenHash(readerToken)}`,
    ]);
    const env = {
      PAYREC_DATA_DIR: dataDir,
      PAYREC_API_TOKENS_FILE: file,
      PAYREC_CONSOLE_SECRET: consoleSecret,
    };
    running = await startService(env);
    const alice = await signIn(running.baseUrl, operatorToken);
    expect(alice.answer.status).toBe(303);
    const copy = alice.cookie;
    expect(
      (await send(running.baseUrl, '/console/payments', { headers: { cookie: copy } })).status,
    ).toBe(200);

    // A restart forgets no session.
    await running.stop();
    running = await startService(env);
    const page = await send(running.baseUrl, '/console/payments', {
      headers: { cookie: alice.cookie },
    });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/alice <span class="role">\(operate\)<\/span>/);

    // Signing out ends it for the copy too.
    const signedOut = await send(running.baseUrl, '/console/sign-out', {
      method: 'POST',
      headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ _csrf: csrfOf(page) }),
    });
    expect(signedOut.status).toBe(303);
    const replayed = await send(running.baseUrl, '/console/payments', {
      headers: { cookie: copy },
    });
    expect(replayed.status).toBe(303);
    expect(replayed.headers['location']).toContain('/console/sign-in');

    // A token whose line is removed (or changed) takes its sessions with it.
    const finance = await signIn(running.baseUrl, readerToken);
    expect(
      (await send(running.baseUrl, '/console/payments', { headers: { cookie: finance.cookie } }))
        .status,
    ).toBe(200);
    await running.stop();
    writeFileSync(
      file,
      `alice operate ${tokenHash(operatorToken)}\nfinance read ${tokenHash('a-new-reader-token-0123456789')}\n`,
    );
    running = await startService(env);
    const orphan = await send(running.baseUrl, '/console/payments', {
      headers: { cookie: finance.cookie },
    });
    expect(orphan.status).toBe(303);
  });
});
