import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/main.js';
import { aKrakenEmbedEvent, signedKrakenEmbedDelivery } from '../support/webhookBuilders.js';
import { startWebhookService } from '../support/webhookService.js';

const now = new Date('2026-11-24T10:00:00.000Z');
const forgedSecret = Buffer.from('not-the-secret-at-all-0000').toString('base64');

/** A delivery's source, for the rejection budget and the delivery log, behind a proxy. */
describe('PAYREC_TRUST_PROXY', () => {
  let running: { service: Service; cleanup: () => Promise<void> } | undefined;
  afterEach(async () => {
    await running?.cleanup();
    running = undefined;
  });

  const forgeryFrom = (service: Service, forwardedFor: string) => {
    const { payload, headers } = signedKrakenEmbedDelivery({
      body: aKrakenEmbedEvent({ id: 'FORGED' }),
      secret: forgedSecret,
      at: now,
    });
    return service.app.inject({
      method: 'POST',
      url: '/webhooks/kraken-embed',
      payload,
      headers: { ...headers, 'x-forwarded-for': forwardedFor },
      remoteAddress: '10.1.2.3',
    });
  };

  it('unset, trusts no proxy: every sender behind it shares the socket address', async () => {
    running = await startWebhookService({
      now: () => now,
      env: { PAYREC_REJECTIONS_PER_MINUTE: '3' },
    });
    const statuses = [];
    for (const sender of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'])
      statuses.push((await forgeryFrom(running.service, sender)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('set, takes the client from X-Forwarded-For: each sender has its own budget', async () => {
    running = await startWebhookService({
      now: () => now,
      env: {
        PAYREC_REJECTIONS_PER_MINUTE: '3',
        PAYREC_TRUST_PROXY: '10.0.0.0/8',
        // Behind a proxy payrec needs a token: a proxy is not loopback.
        PAYREC_API_TOKEN: 'proxy-test-token-0123456789abcdef',
      },
    });
    const statuses = [];
    for (let index = 0; index < 4; index += 1)
      statuses.push((await forgeryFrom(running.service, '198.51.100.1')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await forgeryFrom(running.service, '198.51.100.2')).statusCode).toBe(401);
  });

  it('refuses a value that is not a trust-proxy setting, by name', async () => {
    await expect(
      startWebhookService({ now: () => now, env: { PAYREC_TRUST_PROXY: 'the load balancer' } }),
    ).rejects.toThrow(/PAYREC_TRUST_PROXY/);
  });
});
