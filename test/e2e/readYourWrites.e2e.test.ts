import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../support/runningService.js';

const token = 'read-your-writes-token-0123456789';
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

describe('what you write, you read (a real payrec process)', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ PAYREC_API_TOKEN: token });
  });
  afterAll(async () => {
    await running.stop();
    running.removeData();
  });

  it('lists every registered payment by its order id in the very next request', async () => {
    const missed: string[] = [];
    for (let index = 0; index < 60; index += 1) {
      const orderId = `ORDER-${index}`;
      const created = await fetch(`${running.baseUrl}/payments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          provider: 'kkiapay',
          ref: `RYW-${index}`,
          amount: 1000,
          currency: 'XOF',
          orderId,
        }),
      });
      expect(created.status).toBe(201);
      const listed = await fetch(`${running.baseUrl}/payments?orderId=${orderId}`, { headers });
      const { items } = (await listed.json()) as { items: Array<{ ref: string }> };
      if (items.map((item) => item.ref).join() !== `RYW-${index}`) missed.push(orderId);
    }
    expect(missed).toEqual([]);
  });
});
