import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { krakenPayProvider, providerModules } from '../../src/adapters/providers/index.js';
import { kkiapaySettings } from '../../src/adapters/providers/kkiapay/kkiapayProvider.js';
import { krakenEmbedSettings } from '../../src/adapters/providers/krakenEmbed/krakenEmbedProvider.js';
import { krakenPaySettings } from '../../src/adapters/providers/krakenPay/krakenPayProvider.js';
import { loadConfig } from '../../src/config.js';
import { ConfigInvalid } from '../../src/errors/index.js';
import { Secret } from '../../src/secret.js';

const failureOf = (env: Record<string, string>): ConfigInvalid => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigInvalid) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
};

describe('loadConfig', () => {
  it('runs on the embedded store with the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      port: 8080,
      host: '0.0.0.0',
      trustProxy: false,
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 20_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(config.eventStore).toEqual({
      kind: 'sqlite',
      path: './data/events.db',
      writer: 'inline',
    });
    expect(config.reconcileCron).toBe('* * * * *');
    expect(config.apiTokens).toEqual([]);
    expect(config.fulfilment).toBeNull();
    expect(config.storage).toEqual({
      dataDir: './data',
      events: './data/events.db',
      service: './data/payrec.db',
      readModels: './data/readmodels.db',
    });
    expect(config.providers.map((provider) => provider.name)).toEqual([
      'kraken-pay',
      'kraken-embed',
      'kryptogo',
      'kkiapay',
    ]);
    expect(krakenPaySettings.parse({}).jwksUrl).toBe(
      'https://www.kraken.com/.well-known/pay-callback-keys.json',
    );
    expect(krakenEmbedSettings.parse({}).apiUrl).toBe('https://nexus.kraken.com');
    // Kraken Pay needs no secret; the others are off until theirs is set.
    const verifiers = config.providers.map((provider) => provider.verifier({}) !== null);
    expect(verifiers).toEqual([true, false, false, false]);
  });

  it('refuses a status API configured by halves, naming what is missing', () => {
    const error = failureOf({ KRYPTOGO_API_KEY: 'studio-key-0123' });
    expect(error.message).toContain('KRYPTOGO_CLIENT_ID');
    expect(error.message).toContain('KRYPTOGO_ORIGIN');
    expect(error.message).not.toContain('studio-key-0123');
    expect(failureOf({ KKIAPAY_PUBLIC_KEY: 'pk' }).message).toContain('KKIAPAY_SECRET_KEY');
    expect(failureOf({ KRAKEN_EMBED_API_KEY: 'k' }).message).toContain('KRAKEN_EMBED_API_SECRET');
  });

  it('refuses two provider modules with one name', () => {
    expect(() => loadConfig({}, [...providerModules, krakenPayProvider])).toThrow(
      /two provider modules are named "kraken-pay"/,
    );
  });

  it('selects EventStoreDB when EVENTSTORE_CONNECTION_STRING is set', () => {
    const config = loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' });
    expect(config.eventStore.kind).toBe('eventstoredb');
  });

  it('keeps the data directory where PAYREC_DATA_DIR says', () => {
    expect(loadConfig({ PAYREC_DATA_DIR: '/var/lib/payrec/' }).eventStore).toEqual({
      kind: 'sqlite',
      path: '/var/lib/payrec/events.db',
      writer: 'inline',
    });
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ PORT: '', PAYREC_API_TOKEN: '', EVENTSTORE_CONNECTION_STRING: '' });
    expect(config.http.port).toBe(8080);
    expect(config.apiTokens).toEqual([]);
    expect(config.eventStore.kind).toBe('sqlite');
  });

  it('reports every bad variable at once, by name, without its value', () => {
    const leakedValue = 'not-base64-SUPERSECRET!!';
    const error = failureOf({
      PORT: 'eighty',
      PAYREC_RECONCILE_CRON: 'every minute',
      KRAKEN_EMBED_WEBHOOK_SECRET: leakedValue,
      PAYREC_API_TOKEN: 'short',
      EVENTSTORE_CONNECTION_STRING: 'postgres://user:SUPERSECRET@db',
    });
    expect(error.code).toBe('CONFIG_INVALID');
    for (const name of [
      'PORT',
      'PAYREC_RECONCILE_CRON',
      'KRAKEN_EMBED_WEBHOOK_SECRET',
      'PAYREC_API_TOKEN',
      'EVENTSTORE_CONNECTION_STRING',
    ]) {
      expect(error.message).toContain(name);
    }
    expect(error.message).not.toContain('SUPERSECRET');
    expect(error.message).not.toContain('short');
  });

  it('requires the fulfilment URL and secret together', () => {
    const error = failureOf({ PAYREC_FULFILMENT_URL: 'https://shop.example/hooks/payrec' });
    expect(error.message).toContain('PAYREC_FULFILMENT_SECRET');
  });

  it('takes the fulfilment secret only in its whsec_ form', () => {
    const error = failureOf({
      PAYREC_FULFILMENT_URL: 'https://shop.example/hooks/payrec',
      PAYREC_FULFILMENT_SECRET: 'plain-secret',
    });
    expect(error.message).toContain('whsec_');
    expect(error.message).not.toContain('plain-secret');
  });
});

describe('Secret', () => {
  it('never prints its value', () => {
    const secret = new Secret('sk_live_do_not_print');
    const printed = [
      String(secret),
      secret.toString(),
      JSON.stringify({ secret }),
      inspect({ secret }),
    ];
    for (const text of printed) expect(text).not.toContain('do_not_print');
    expect(secret.reveal()).toBe('sk_live_do_not_print');
  });

  it('keeps configured secrets wrapped', () => {
    const config = loadConfig({ KKIAPAY_WEBHOOK_SECRET: 'kkiapay-hash-secret-0123' });
    expect(JSON.stringify(config)).not.toContain('kkiapay-hash-secret-0123');
    expect(inspect(config, { depth: 10 })).not.toContain('kkiapay-hash-secret-0123');
    expect(
      kkiapaySettings
        .parse({ KKIAPAY_WEBHOOK_SECRET: 'kkiapay-hash-secret-0123' })
        .webhookSecret?.reveal(),
    ).toBe('kkiapay-hash-secret-0123');
  });
});
