import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/main.js';
import {
  startFulfilmentReceiver,
  testFulfilmentSecret,
  type FulfilmentReceiver,
} from '../support/fulfilmentReceiver.js';
import { projected } from '../support/projected.js';
import { waitFor } from '../support/waitFor.js';
import { deliverKrakenEmbedEvent, startWebhookService } from '../support/webhookService.js';

describe('fulfilment triggers', () => {
  let service: Service;
  let receiver: FulfilmentReceiver;
  let cleanup: () => Promise<void>;

  const start = async (env: Record<string, string> = {}) => {
    receiver = await startFulfilmentReceiver(testFulfilmentSecret);
    ({ service, cleanup } = await startWebhookService({
      now: () => new Date(),
      env: {
        PAYREC_FULFILMENT_URL: receiver.url,
        PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
        PAYREC_FULFILMENT_RETRY_BASE_SECONDS: '0.05',
        ...env,
      },
    }));
  };
  afterEach(async () => {
    await cleanup();
    await receiver.close();
  });

  const deliver = async (id: string, eventType: string, timestamp = `${id}-${eventType}`) => {
    expect(await deliverKrakenEmbedEvent(service, { id, event_type: eventType, timestamp })).toBe(
      200,
    );
  };

  const streamTypes = async (ref: string) =>
    (await service.eventStore.readStream(`payment-kraken-embed/${ref}`)).map((event) => event.type);
  /**
   * The dispatcher has nothing left to do: every event is projected and no fulfilment waits to
   * be sent (it sends only those), so nothing more will reach the receiver.
   */
  const quiet = async () => {
    await projected(service);
    await waitFor(async () => {
      const waiting = await service.app.inject({ url: '/fulfilments?status=requested' });
      return waiting.json<{ items: unknown[] }>().items.length === 0 ? true : undefined;
    });
  };
  /** …and then stopped, waiting for any send in flight: the receiver has seen all it will. */
  const quietThenStopped = async () => {
    await quiet();
    await service.close();
  };

  describe('with a receiver that answers', () => {
    beforeEach(async () => {
      await start();
    });

    it('notifies a success once, signed the Standard Webhooks way, however often it is repeated', async () => {
      await deliver('F-1', 'quote.executed');
      await deliver('F-1', 'quote.executed');
      await deliver('F-1', 'quote.executed', 'a later retry of the same event');
      await waitFor(() => (receiver.effects().length === 1 ? true : undefined));
      await waitFor(async () =>
        (await streamTypes('F-1')).includes('FulfilmentDelivered') ? true : undefined,
      );
      const delivered = (await streamTypes('F-1')).filter((type) => type === 'FulfilmentDelivered');
      await quietThenStopped();
      expect(receiver.attempts()).toHaveLength(1);
      expect(delivered).toHaveLength(1);
      const [notification] = receiver.effects();
      expect(notification?.verified).toBe(true);
      expect(notification?.webhookId).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
      expect(notification?.body).toMatchObject({
        type: 'payment.succeeded',
        data: {
          id: notification?.webhookId,
          provider: 'kraken-embed',
          ref: 'F-1',
          status: 'success',
          previousStatus: 'pending',
          amount: { minor: 10_000, currency: 'USD' },
        },
      });
    });

    it('notifies a refund after the success as a second transition, and nothing for a plain failure', async () => {
      await deliver('F-2', 'quote.executed');
      await waitFor(() => (receiver.effects().length === 1 ? true : undefined));
      const { handlePaymentCommand } = service;
      await handlePaymentCommand({
        type: 'RecordProviderReport',
        data: {
          payment: { provider: 'kraken-embed', ref: 'F-2' },
          report: { vocabulary: 'test', providerStatus: 'refunded', status: 'refunded' },
          evidence: {
            deliveryKey: 'refund-1',
            channel: 'poll',
            receivedAt: new Date().toISOString(),
            verification: { method: 'status-api', trust: 'authoritative' },
          },
        },
      });
      await deliver('F-3', 'quote.cancelled');
      await waitFor(() => (receiver.effects().length === 2 ? true : undefined));
      await quietThenStopped();
      expect(
        receiver
          .effects()
          .map((effect) => [effect.body['type'], (effect.body['data'] as { ref: string }).ref]),
      ).toEqual([
        ['payment.succeeded', 'F-2'],
        ['payment.refunded', 'F-2'],
      ]);
    });
  });

  describe('with a receiver that fails', () => {
    it('retries with backoff and records delivered only after a 2xx', async () => {
      await start();
      receiver.failNext(2);
      await deliver('F-4', 'quote.executed');
      await waitFor(() => (receiver.effects().length === 1 ? true : undefined), 10_000);
      await waitFor(async () =>
        (await streamTypes('F-4')).includes('FulfilmentDelivered') ? true : undefined,
      );
      const types = await streamTypes('F-4');
      expect(types.slice(types.indexOf('FulfilmentRequested'))).toEqual([
        'FulfilmentRequested',
        'FulfilmentAttemptFailed',
        'FulfilmentAttemptFailed',
        'FulfilmentDelivered',
      ]);
      const ids = new Set(receiver.attempts().map((attempt) => attempt.webhookId));
      expect(receiver.attempts()).toHaveLength(3);
      expect(ids.size).toBe(1);
      const failed = (await service.eventStore.readStream('payment-kraken-embed/F-4')).filter(
        (event) => event.type === 'FulfilmentAttemptFailed',
      );
      expect(failed[0]?.data).toMatchObject({ attempt: 1, reason: 'HTTP 503' });
    });

    it('exhausts the budget visibly, and an operator re-drives it', async () => {
      await start({ PAYREC_FULFILMENT_MAX_ATTEMPTS: '2' });
      receiver.failNext(2);
      await deliver('F-5', 'quote.executed');
      const exhausted = await waitFor(async () => {
        const response = await service.app.inject({
          method: 'GET',
          url: '/fulfilments?status=exhausted',
        });
        const { items } = response.json<{
          items: Array<{ id: string; attempts: number; lastError: string }>;
        }>();
        return items.length === 1 ? items[0] : undefined;
      }, 10_000);
      expect(exhausted).toMatchObject({ attempts: 2, lastError: 'HTTP 503' });
      expect(receiver.effects()).toHaveLength(0);
      const tooSoon = await service.app.inject({
        method: 'POST',
        url: '/payments/kraken-embed/F-5/fulfilments/msg_AAAAAAAAAAAAAAAAAAAAAA/redrive',
      });
      expect(tooSoon.statusCode).toBe(404);
      const redriven = await service.app.inject({
        method: 'POST',
        url: `/payments/kraken-embed/F-5/fulfilments/${exhausted.id}/redrive`,
      });
      expect(redriven.statusCode).toBe(202);
      await waitFor(() => (receiver.effects().length === 1 ? true : undefined), 10_000);
      const again = await waitFor(async () => {
        const response = await service.app.inject({
          method: 'POST',
          url: `/payments/kraken-embed/F-5/fulfilments/${exhausted.id}/redrive`,
        });
        return response.statusCode === 409 ? response.json<{ code: string }>() : undefined;
      });
      expect(again.code).toBe('NOT_EXHAUSTED');
      expect(receiver.effects()[0]?.webhookId).toBe(exhausted.id);
    });

    it('re-drives exhausted fulfilments in bulk, counting them first, with the reason recorded', async () => {
      await start({ PAYREC_FULFILMENT_MAX_ATTEMPTS: '1' });
      receiver.failNext(2);
      await deliver('F-6', 'quote.executed');
      await deliver('F-7', 'quote.executed');
      const bulk = (payload: Record<string, unknown>) =>
        service.app.inject({ method: 'POST', url: '/fulfilments/redrive', payload });
      const preview = await waitFor(async () => {
        const response = await bulk({ reason: 'receiver was down 10:00-10:20' });
        const body = response.json<{ preview: boolean; matching: number; redriven: number }>();
        return body.matching === 2 ? { status: response.statusCode, body } : undefined;
      }, 10_000);
      expect(preview).toEqual({ status: 200, body: { preview: true, matching: 2, redriven: 0 } });
      await quiet();
      expect(receiver.effects()).toHaveLength(0);
      expect((await bulk({ confirm: true })).statusCode).toBe(400);
      expect((await bulk({ reason: 'x', provider: 'acme', confirm: true })).statusCode).toBe(400);
      const none = await bulk({ reason: 'x', provider: 'kkiapay', confirm: true });
      expect(none.json()).toMatchObject({ matching: 0, redriven: 0 });
      const acted = await bulk({ reason: 'receiver was down 10:00-10:20', confirm: true });
      expect(acted.statusCode).toBe(202);
      expect(acted.json()).toEqual({ preview: false, matching: 2, redriven: 2, more: false });
      await waitFor(() => (receiver.effects().length === 2 ? true : undefined), 10_000);
      for (const ref of ['F-6', 'F-7']) {
        const redriven = (await service.eventStore.readStream(`payment-kraken-embed/${ref}`)).find(
          (event) => event.type === 'FulfilmentRedriven',
        );
        expect(redriven?.data).toMatchObject({
          actor: 'loopback',
          reason: 'receiver was down 10:00-10:20',
        });
      }
    });
  });
});
