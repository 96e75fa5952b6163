import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { parseApiTokens, tokenHash } from '../../src/apiTokens.js';
import { loadConfig } from '../../src/config.js';
import { ConfigInvalid } from '../../src/errors/index.js';
import { createService, type Service } from '../../src/main.js';

const readerToken = 'reader-token-0123456789abcdef';
const operatorToken = 'operator-token-0123456789abcdef';
const legacyToken = 'legacy-token-0123456789abcdef';

describe('named API tokens with roles', () => {
  let dataDir: string;
  let service: Service;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-access-'));
    const tokensFile = join(dataDir, 'tokens');
    writeFileSync(
      tokensFile,
      [
        '# name role sha256(token)',
        `finance-dashboard read ${tokenHash(readerToken)}`,
        '',
        `alice operate ${tokenHash(operatorToken)}`,
      ].join('\n'),
    );
    service = await createService(
      loadConfig({
        PAYREC_DATA_DIR: dataDir,
        PAYREC_API_TOKENS_FILE: tokensFile,
        PAYREC_API_TOKEN: legacyToken,
        KKIAPAY_WEBHOOK_SECRET: 'k'.repeat(32),
      }),
      { logger: createLogger({ level: 'silent' }) },
    );
  });
  afterEach(async () => {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', url: string, token: string | null, payload?: object) =>
    service.app.inject({
      method,
      url,
      ...(token === null ? {} : { headers: { authorization: `Bearer ${token}` } }),
      ...(payload === undefined ? {} : { payload }),
    });

  it('lets a read token read, and refuses it every POST with 403 FORBIDDEN', async () => {
    for (const url of ['/payments', '/discrepancies', '/metrics', '/exports/payments?format=csv']) {
      expect((await call('GET', url, readerToken)).statusCode, url).toBe(200);
    }
    const refused = await call('POST', '/payments', readerToken, {
      provider: 'kkiapay',
      ref: 'R1',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.json<{ reason: string }>().reason).toContain('finance-dashboard');
    expect(await service.eventStore.readStream('payment-kkiapay/R1')).toEqual([]);
  });

  it("records the operate token's name as the actor of what it does", async () => {
    const created = await call('POST', '/payments', operatorToken, {
      provider: 'kkiapay',
      ref: 'R2',
    });
    expect(created.statusCode).toBe(201);
    const [registered] = await service.eventStore.readStream('payment-kkiapay/R2');
    expect(registered?.data).toMatchObject({ actor: 'alice', source: 'api' });
  });

  it('keeps PAYREC_API_TOKEN working as the operate token named default', async () => {
    const created = await call('POST', '/payments', legacyToken, {
      provider: 'kkiapay',
      ref: 'R3',
    });
    expect(created.statusCode).toBe(201);
    const [registered] = await service.eventStore.readStream('payment-kkiapay/R3');
    expect(registered?.data).toMatchObject({ actor: 'default' });
  });

  it('refuses a missing or unknown token with 401, from loopback too', async () => {
    expect((await call('GET', '/payments', null)).statusCode).toBe(401);
    expect((await call('GET', '/payments', 'not-a-configured-token-at-all')).statusCode).toBe(401);
  });
});

describe('the tokens file', () => {
  it('reads names, roles and hashes, skipping comments and blank lines', () => {
    expect(
      parseApiTokens(`# tokens\n\nops operate ${'A'.repeat(64)}\nbi read ${'b'.repeat(64)}\n`),
    ).toEqual({
      ok: true,
      tokens: [
        { name: 'ops', role: 'operate', sha256: 'a'.repeat(64) },
        { name: 'bi', role: 'read', sha256: 'b'.repeat(64) },
      ],
    });
  });

  it('names each bad line by number, never its content, and a name given twice', () => {
    const result = parseApiTokens(
      `ops admin ${'a'.repeat(64)}\nbi read my-secret-token\nops read ${'c'.repeat(64)}\nops operate ${'d'.repeat(64)}`,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        'line 1 is not "<name> <read|operate> <sha256 hex of the token>"',
        'line 2 is not "<name> <read|operate> <sha256 hex of the token>"',
        'the token name "ops" is given twice (line 3 and line 4): a name must stand for one token',
      ],
    });
  });

  it('refuses one token under two names, naming the names and never the hash', () => {
    const result = parseApiTokens(`bi read ${'a'.repeat(64)}\nops operate ${'A'.repeat(64)}`);
    expect(result).toEqual({
      ok: false,
      problems: [
        'one token is configured under two names, "bi" (line 1) and "ops" (line 2): give each name its own token',
      ],
    });
  });

  it('refuses a file token named default beside PAYREC_API_TOKEN: a read token must never pass for the operate one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrec-tokens-'));
    try {
      const file = join(dir, 'tokens');
      writeFileSync(file, `default read ${tokenHash(readerToken)}\n`);
      const load = () =>
        loadConfig({ PAYREC_API_TOKENS_FILE: file, PAYREC_API_TOKEN: operatorToken });
      expect(load).toThrow(ConfigInvalid);
      expect(load).toThrow(/the token name "default" is given twice .*PAYREC_API_TOKEN/);
      expect(load).not.toThrow(new RegExp(tokenHash(readerToken)));
      writeFileSync(file, `ops operate ${tokenHash(operatorToken)}\n`);
      expect(() =>
        loadConfig({ PAYREC_API_TOKENS_FILE: file, PAYREC_API_TOKEN: operatorToken }),
      ).toThrow(/one token is configured under two names, "ops"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses PAYREC_TRUST_PROXY without a token: behind a proxy every client would be loopback', () => {
    expect(() => loadConfig({ PAYREC_TRUST_PROXY: 'loopback' })).toThrow(
      /PAYREC_TRUST_PROXY: set only with PAYREC_API_TOKEN or PAYREC_API_TOKENS_FILE/,
    );
    expect(() =>
      loadConfig({ PAYREC_TRUST_PROXY: 'loopback', PAYREC_API_TOKEN: operatorToken }),
    ).not.toThrow();
  });

  it('stops start-up naming the file when it is missing or wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrec-tokens-'));
    try {
      const wrong = join(dir, 'tokens');
      writeFileSync(wrong, 'bi read my-secret-token\n');
      expect(() => loadConfig({ PAYREC_API_TOKENS_FILE: wrong })).toThrow(ConfigInvalid);
      expect(() => loadConfig({ PAYREC_API_TOKENS_FILE: wrong })).toThrow(/tokens: line 1/);
      expect(() => loadConfig({ PAYREC_API_TOKENS_FILE: wrong })).not.toThrow(/my-secret-token/);
      expect(() => loadConfig({ PAYREC_API_TOKENS_FILE: join(dir, 'absent') })).toThrow(
        /cannot read .*absent \(ENOENT\)/,
      );
      writeFileSync(wrong, '# nobody\n');
      expect(() => loadConfig({ PAYREC_API_TOKENS_FILE: wrong })).toThrow(/names no token/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
