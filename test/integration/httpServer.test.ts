import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../src/adapters/http/index.js';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { EventStoreClosed } from '../../src/domain/index.js';

/** A logger whose lines the test can read back. */
const capturingLogger = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
};

describe('the HTTP server', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  const build = async (ready: boolean) => {
    const { logger, lines } = capturingLogger();
    const app = await buildHttpServer({
      logger,
      readiness: [{ name: 'eventStore', check: () => Promise.resolve(ready) }],
    });
    close = () => app.close();
    return { app, lines };
  };

  it('answers /healthz', async () => {
    const { app } = await build(true);
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with each check', async () => {
    const { app } = await build(true);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { eventStore: 'ok' }, roles: [] });
  });

  it('answers 503 on /readyz when the store does not answer', async () => {
    const { app } = await build(false);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not ready',
      checks: { eventStore: 'failing' },
      roles: [],
    });
  });

  it('answers unknown routes with a code and a reason', async () => {
    const { app } = await build(true);
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: 'ROUTE_NOT_FOUND', reason: 'No route GET /nowhere.' });
  });

  it('turns a store that is closing into a 503 with a generic reason, and logs the details', async () => {
    const { app, lines } = await build(true);
    app.get('/closing', () => {
      throw new EventStoreClosed('The event store is closed.');
    });
    const response = await app.inject({ method: 'GET', url: '/closing' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      code: 'EVENT_STORE_CLOSED',
      reason: 'payrec is not ready to record this now; retry later.',
    });
    expect(lines.join('')).toContain('The event store is closed.');
  });

  it('hides unexpected errors behind a generic 500', async () => {
    const { app } = await build(true);
    app.get('/boom', () => {
      throw new Error('database password is hunter2');
    });
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      code: 'INTERNAL_ERROR',
      reason: 'payrec could not handle the request; the details are in its log.',
    });
    expect(response.body).not.toContain('hunter2');
  });

  it('refuses bodies over the limit with 413 before any handler runs', async () => {
    const { app } = await build(true);
    let handled = false;
    app.post('/echo', () => {
      handled = true;
      return {};
    });
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(70 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(handled).toBe(false);
  });

  it('keeps secrets and signatures out of the log', async () => {
    const { app, lines } = await build(true);
    app.log.info(
      { delivery: { signature: 'sig_value_abc', secret: 'hash_secret', token: 'tok_secret' } },
      'probe',
    );
    await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { authorization: 'Bearer tok_secret', 'x-kkiapay-secret': 'hash_secret' },
    });
    const logged = lines.join('');
    expect(logged).toContain('"signature":"[redacted]"');
    for (const leaked of ['sig_value_abc', 'hash_secret', 'tok_secret'])
      expect(logged).not.toContain(leaked);
  });
});
