import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startFulfilmentReceiver,
  testFulfilmentSecret,
  type FulfilmentReceiver,
} from '../support/fulfilmentReceiver.js';
import {
  postKrakenEmbedEvent,
  startService,
  type RunningService,
} from '../support/runningService.js';
import { waitFor } from '../support/waitFor.js';

const webhookSecret = Buffer.from('kraken-embed-e2e-secret-123456').toString('base64');

/**
 * The crash tests of fulfilment: payrec is killed (SIGKILL, through a fail point) at the two
 * places where a naive outbox loses or doubles a notification, then started again on the same
 * data. The receiving server counts attempts and effects (distinct verified `webhook-id`s).
 */
describe('fulfilment across a crash', () => {
  let dataDir: string;
  let receiver: FulfilmentReceiver;
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (failpoints: string) => ({
    PAYREC_DATA_DIR: dataDir,
    KRAKEN_EMBED_WEBHOOK_SECRET: webhookSecret,
    PAYREC_FULFILMENT_URL: receiver.url,
    PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
    PAYREC_FAILPOINTS: failpoints,
  });

  const deliverSuccess = async (baseUrl: string) => {
    expect(
      await postKrakenEmbedEvent(baseUrl, webhookSecret, {
        id: 'CRASH-1',
        event_type: 'quote.executed',
      }),
    ).toBe(200);
  };

  const crashThenRestart = async (failpoint: string) => {
    dataDir = mkdtempSync(join(tmpdir(), 'payrec-crash-'));
    receiver = await startFulfilmentReceiver(testFulfilmentSecret);
    const first = await startService(env(failpoint));
    const exited = once(first.process, 'exit');
    await deliverSuccess(first.baseUrl);
    const [code, signal] = (await exited) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    const attemptsBeforeRestart = receiver.attempts().length;
    service = await startService(env(''));
    const running = service;
    const events = await waitFor(async () => {
      const response = await fetch(`${running.baseUrl}/payments/kraken-embed/CRASH-1/events`);
      const { events: all } = (await response.json()) as { events: Array<{ type: string }> };
      return all.some((event) => event.type === 'FulfilmentDelivered') ? all : undefined;
    }, 10_000);
    // Nothing is left to send (the dispatcher sends only requested fulfilments), then a clean stop
    // waits for anything in flight: the receiver has seen every attempt this payrec makes.
    await waitFor(async () => {
      const waiting = await fetch(`${running.baseUrl}/fulfilments?status=requested`);
      return ((await waiting.json()) as { items: unknown[] }).items.length === 0 ? true : undefined;
    }, 10_000);
    expect(await running.stop('SIGTERM')).toBe(0);
    return { attemptsBeforeRestart, events };
  };

  it('sends after a restart when killed between the read-model write and the call', async () => {
    const { attemptsBeforeRestart, events } = await crashThenRestart('fulfilment-before-call');
    expect(attemptsBeforeRestart).toBe(0);
    expect(receiver.attempts()).toHaveLength(1);
    expect(receiver.effects()).toHaveLength(1);
    expect(events.filter((event) => event.type === 'FulfilmentRequested')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'FulfilmentDelivered')).toHaveLength(1);
  });

  it('has one effect when killed between a 2xx and recording it delivered', async () => {
    const { attemptsBeforeRestart, events } = await crashThenRestart('fulfilment-after-call');
    expect(attemptsBeforeRestart).toBe(1);
    // The restarted payrec sends again (it never recorded the 2xx), with the same webhook-id,
    // which the receiver drops as a repeat: two attempts, one effect.
    expect(receiver.attempts()).toHaveLength(2);
    expect(new Set(receiver.attempts().map((attempt) => attempt.webhookId)).size).toBe(1);
    expect(receiver.effects()).toHaveLength(1);
    expect(events.filter((event) => event.type === 'FulfilmentDelivered')).toHaveLength(1);
  });
});
