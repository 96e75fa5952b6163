import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceivedNotification = Readonly<{
  webhookId: string;
  body: Record<string, unknown>;
  /** Whether the Standard Webhooks signature verified with the shared secret. */
  verified: boolean;
}>;

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The merchant's backend, as a test sees it: verifies each notification's Standard Webhooks
 * signature, drops repeats by `webhook-id` as a receiver should, and counts both attempts and
 * effects. `failNext(n)` answers the next `n` attempts with 503.
 */
export const startFulfilmentReceiver = async (secret: string) => {
  const webhook = new Webhook(secret);
  const attempts: ReceivedNotification[] = [];
  const effects = new Map<string, ReceivedNotification>();
  let failures = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const header = (name: string) => String(request.headers[name] ?? '');
      let verified = true;
      try {
        webhook.verify(body, {
          'webhook-id': header('webhook-id'),
          'webhook-timestamp': header('webhook-timestamp'),
          'webhook-signature': header('webhook-signature'),
        });
      } catch {
        verified = false;
      }
      const notification: ReceivedNotification = {
        webhookId: header('webhook-id'),
        body: JSON.parse(body) as Record<string, unknown>,
        verified,
      };
      attempts.push(notification);
      if (failures > 0) {
        failures -= 1;
        response.writeHead(503).end();
        return;
      }
      if (verified && !effects.has(notification.webhookId)) {
        effects.set(notification.webhookId, notification);
      }
      response.writeHead(204).end();
    })();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/payrec`,
    attempts: () => [...attempts],
    /** One entry per distinct notification that took effect (a verified 2xx). */
    effects: () => [...effects.values()],
    failNext: (count: number) => {
      failures = count;
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
};

export type FulfilmentReceiver = Awaited<ReturnType<typeof startFulfilmentReceiver>>;

/** A Standard Webhooks secret for tests: `whsec_` and 24 base64 bytes. */
export const testFulfilmentSecret = `whsec_${Buffer.from('payrec-fulfilment-test-key!').toString('base64')}`;
