import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One notification as the merchant's backend received it. */
export type Receipt = Readonly<{
  webhookId: string;
  /** The transition it tells of: the payload's own id (one per payment and transition). */
  transition: string;
  provider: string;
  ref: string;
  status: string;
  previousStatus: string;
}>;

export type ReceiverMode = 'up' | 'down' | 'error' | 'slow';

export type FulfilmentReceiver = Readonly<{
  url: string;
  setMode: (mode: ReceiverMode) => void;
  /** Notifications answered 2xx (what the merchant's backend acted on). */
  receipts: () => readonly Receipt[];
  close: () => Promise<void>;
}>;

type Payload = {
  data?: { id?: string; provider?: string; ref?: string; status?: string; previousStatus?: string };
};

/**
 * The merchant's backend: records every notification it accepts, and can be down (the connection
 * is cut), failing (`500`) or slow (3 s), as the simulation says.
 */
export const startFulfilmentReceiver = async (): Promise<FulfilmentReceiver> => {
  let mode: ReceiverMode = 'up';
  const receipts: Receipt[] = [];
  const server: Server = createServer((request, response) => {
    if (mode === 'down') {
      request.socket.destroy();
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const answer = () => {
        if (mode === 'error') {
          response.writeHead(500).end('simulated failure');
          return;
        }
        const payload = JSON.parse(body) as Payload;
        receipts.push({
          webhookId: String(request.headers['webhook-id'] ?? ''),
          transition: payload.data?.id ?? '',
          provider: payload.data?.provider ?? '',
          ref: payload.data?.ref ?? '',
          status: payload.data?.status ?? '',
          previousStatus: payload.data?.previousStatus ?? '',
        });
        response.writeHead(204).end();
      };
      if (mode === 'slow') setTimeout(answer, 3_000);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/payrec`,
    setMode: (next) => (mode = next),
    receipts: () => [...receipts],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
};
