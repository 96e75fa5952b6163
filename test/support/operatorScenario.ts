import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import { createService, type Service } from '../../src/main.js';
import {
  createSimulatorCredentials,
  kkiapayDelivery,
  krakenEmbedDelivery,
  payrecEnvironmentFor,
  startProviderSimulator,
  type ProviderSimulator,
} from '../../src/simulator/index.js';
import { testFulfilmentSecret } from './fulfilmentReceiver.js';
import { waitFor } from './waitFor.js';
import { projected as allProjected } from './projected.js';

export type OperatorScenario = Readonly<{
  service: Service;
  /** The `Authorization` header the scenario used (none without a token). */
  headers: Record<string, string>;
  dataDir: string;
  simulator: ProviderSimulator;
  /** Waits until every read model holds every event of the log. */
  projected: () => Promise<void>;
  close: () => Promise<void>;
}>;

/**
 * A service with something of everything an operator looks at, over the provider simulator:
 * - `kraken-embed/A-1` registered for 100.00 USD and settled as registered: success;
 * - `kraken-embed/B-2` registered for 100.00 USD, settled for 90.00: an open amount mismatch;
 * - `kraken-embed/C-3` registered and still pending, announced by a signed webhook (replayable);
 * - `kkiapay/K-1` announced by a webhook and confirmed by the status API;
 * - a forged KKiaPay delivery, rejected;
 * - fulfilments for each success, exhausted at once (the merchant's backend is down).
 */
export const startOperatorScenario = async (
  environment: Record<string, string> = {},
): Promise<OperatorScenario> => {
  const credentials = await createSimulatorCredentials();
  const simulator = await startProviderSimulator({ credentials });
  const dataDir = mkdtempSync(join(tmpdir(), 'payrec-operator-'));
  const service = await createService(
    loadConfig({
      ...payrecEnvironmentFor(credentials, simulator.url),
      PAYREC_DATA_DIR: dataDir,
      PAYREC_RECONCILE_CRON: '0 0 1 1 *',
      PAYREC_STATUS_TIMEOUT_MS: '2000',
      // Nothing listens on the discard port: every notification fails, and one try exhausts it.
      PAYREC_FULFILMENT_URL: 'http://127.0.0.1:9/payrec',
      PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
      PAYREC_FULFILMENT_MAX_ATTEMPTS: '1',
      PAYREC_FULFILMENT_TIMEOUT_MS: '500',
      ...environment,
    }),
    { logger: createLogger({ level: 'silent' }), statusRetryDelayMs: 5 },
  );
  const token = environment['PAYREC_API_TOKEN'];
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  const projected = async () => {
    await allProjected(service);
  };
  const register = async (ref: string) => {
    const registered = await service.app.inject({
      method: 'POST',
      url: '/payments',
      headers,
      payload: { provider: 'kraken-embed', ref, amount: 10_000, currency: 'USD' },
    });
    if (registered.statusCode !== 201) throw new Error(`registering ${ref}: ${registered.body}`);
  };
  await register('A-1');
  await register('B-2');
  await register('C-3');
  simulator.setTruth('kraken-embed', 'A-1', {
    status: 'executed',
    amount: { value: '100.00', currency: 'USD' },
  });
  simulator.setTruth('kraken-embed', 'B-2', {
    status: 'executed',
    amount: { value: '90.00', currency: 'USD' },
  });
  simulator.setTruth('kraken-embed', 'C-3', {
    status: 'new',
    amount: { value: '100.00', currency: 'USD' },
  });
  simulator.setTruth('kkiapay', 'K-1', {
    status: 'SUCCESS',
    amount: { value: '1000', currency: 'XOF' },
  });
  const delivery = kkiapayDelivery(credentials, { ref: 'K-1', success: true, at: new Date() });
  const deliver = (secret: string) =>
    service.app.inject({
      method: 'POST',
      url: delivery.path,
      headers: { ...delivery.headers, 'x-kkiapay-secret': secret },
      payload: delivery.body,
    });
  if ((await deliver(credentials.kkiapay.webhookSecret)).statusCode !== 200) {
    throw new Error('the KKiaPay delivery was refused');
  }
  if ((await deliver('f'.repeat(40))).statusCode !== 401) {
    throw new Error('the forged KKiaPay delivery was not refused');
  }
  const announced = krakenEmbedDelivery(credentials, {
    ref: 'C-3',
    eventType: 'quote.created',
    at: new Date(),
  });
  const announcedAnswer = await service.app.inject({
    method: 'POST',
    url: announced.path,
    headers: announced.headers,
    payload: announced.body,
  });
  if (announcedAnswer.statusCode !== 200) {
    throw new Error(`the Kraken Embed delivery was refused: ${announcedAnswer.body}`);
  }
  await projected();
  await service.reconciler.runCycle();
  await projected();
  await waitFor(async () => {
    const exhausted = await service.app.inject({ url: '/fulfilments?status=exhausted', headers });
    return exhausted.json<{ items: unknown[] }>().items.length >= 2 ? true : undefined;
  }, 15_000);
  return {
    service,
    headers,
    dataDir,
    simulator,
    projected,
    close: async () => {
      await service.close();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
