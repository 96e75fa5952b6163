import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/main.js';
import { startWebhookService, testSecrets } from '../support/webhookService.js';

/** A raw HTTP answer: its status and its body, parsed as JSON. */
type RawAnswer = Readonly<{ status: number; body: unknown; closedAfterMs: number }>;

/** Sends raw bytes (in parts, with pauses) and reads until the server closes the connection. */
const exchange = async (
  port: number,
  parts: readonly (string | Readonly<{ pauseMs: number }>)[],
): Promise<RawAnswer> => {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const closed = once(socket, 'close');
  socket.on('error', () => undefined);
  void (async () => {
    for (const part of parts) {
      if (socket.destroyed) return;
      if (typeof part === 'string') socket.write(part);
      else await new Promise((resolve) => setTimeout(resolve, part.pauseMs));
    }
  })();
  await closed;
  const [head = '', body = ''] = received.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  return { status, body: parsed, closedAfterMs: Date.now() - started };
};

const expectAnswer = (answer: RawAnswer, status: number, code: string) => {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({ code, reason: expect.any(String) as unknown });
};

describe('answers made before any handler runs, over a raw socket', () => {
  let running: { service: Service; cleanup: () => Promise<void> } | undefined;
  let port = 0;
  const start = async (env: Record<string, string> = {}, logger?: pino.Logger) => {
    running = await startWebhookService({
      now: () => new Date(),
      env,
      ...(logger ? { logger } : {}),
    });
    await running.service.app.listen({ host: '127.0.0.1', port: 0 });
    const address = running.service.app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  };
  afterEach(async () => {
    await running?.cleanup();
    running = undefined;
  });

  it('is {code, reason} for a request that is not HTTP', async () => {
    await start();
    expectAnswer(await exchange(port, ['NOT HTTP AT ALL\r\n\r\n']), 400, 'MALFORMED_REQUEST');
  });

  it('is {code, reason} for Content-Length together with chunked encoding', async () => {
    await start();
    const answer = await exchange(port, [
      'POST /webhooks/kkiapay HTTP/1.1\r\nHost: payrec\r\nContent-Type: application/json\r\n' +
        'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ]);
    expectAnswer(answer, 400, 'MALFORMED_REQUEST');
  });

  it('is {code, reason} for a chunk size that is not hex', async () => {
    await start();
    const answer = await exchange(port, [
      'POST /webhooks/kkiapay HTTP/1.1\r\nHost: payrec\r\nContent-Type: application/json\r\n' +
        `x-kkiapay-secret: ${testSecrets.kkiapay}\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
    ]);
    expectAnswer(answer, 400, 'MALFORMED_REQUEST');
  });

  it('is 431 {code, reason} for headers past the limit', async () => {
    await start();
    const answer = await exchange(port, [
      `GET /healthz HTTP/1.1\r\nHost: payrec\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`,
    ]);
    expectAnswer(answer, 431, 'HEADERS_TOO_LARGE');
  });

  it('is 414 {code, reason} for a path segment longer than any ref', async () => {
    await start();
    const answer = await exchange(port, [
      `GET /payments/kkiapay/${'a'.repeat(4_000)} HTTP/1.1\r\nHost: payrec\r\nConnection: close\r\n\r\n`,
    ]);
    expectAnswer(answer, 414, 'URI_TOO_LONG');
  });

  it('is 400 {code, reason} for a URL that is not validly percent-encoded', async () => {
    await start();
    const answer = await exchange(port, [
      'GET /payments/kkiapay/%E0%A4%A HTTP/1.1\r\nHost: payrec\r\nConnection: close\r\n\r\n',
    ]);
    expectAnswer(answer, 400, 'MALFORMED_URL');
  });

  it('cuts off a client that dribbles its body past the request timeout', async () => {
    await start({ PAYREC_REQUEST_TIMEOUT_MS: '2000', PAYREC_HEADERS_TIMEOUT_MS: '2000' });
    const dribble = Array.from({ length: 40 }, () => [{ pauseMs: 250 }, 'x']).flat();
    const answer = await exchange(port, [
      'POST /webhooks/kkiapay HTTP/1.1\r\nHost: payrec\r\nContent-Type: application/json\r\n' +
        `x-kkiapay-secret: ${testSecrets.kkiapay}\r\nContent-Length: 100\r\n\r\n`,
      ...dribble,
    ]);
    expectAnswer(answer, 408, 'REQUEST_TIMEOUT');
    // The timeout, plus at most one connection check (every second).
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(1_900);
    expect(answer.closedAfterMs).toBeLessThan(4_500);
  });

  it('cuts off a client that dribbles its headers', async () => {
    await start({ PAYREC_REQUEST_TIMEOUT_MS: '2000', PAYREC_HEADERS_TIMEOUT_MS: '2000' });
    const dribble = Array.from({ length: 40 }, () => [{ pauseMs: 250 }, 'X-Slow: 1\r\n']).flat();
    const answer = await exchange(port, ['GET /healthz HTTP/1.1\r\nHost: payrec\r\n', ...dribble]);
    expect([408, 0]).toContain(answer.status);
    expect(answer.closedAfterMs).toBeLessThan(4_500);
  });

  it('logs a client that aborts mid-body at debug, never as an error', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    await start({}, pino({ level: 'debug' }, sink));
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /webhooks/kkiapay HTTP/1.1\r\nHost: payrec\r\nContent-Type: application/json\r\n' +
        `x-kkiapay-secret: ${testSecrets.kkiapay}\r\nContent-Length: 100\r\n\r\n{"transac`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    expect(lines.some((line) => line.level === 20 && /abort/.test(line.msg))).toBe(true);
  });
});
