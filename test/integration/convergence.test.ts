import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/createLogger.js';
import { loadConfig } from '../../src/config.js';
import {
  kkiapayStatuses,
  krakenEmbedStatuses,
  kryptogoStatuses,
} from '../../src/adapters/providers/index.js';
import { mapStatus, type PaymentStatus, type ProviderName } from '../../src/domain/index.js';
import { createService } from '../../src/main.js';
import { projectionsReady } from '../../src/projections/index.js';
import {
  createSimulatorCredentials,
  forgedDelivery,
  kkiapayDelivery,
  krakenEmbedDelivery,
  krakenPayDelivery,
  kryptogoDelivery,
  payrecEnvironmentFor,
  planDeliveries,
  startProviderSimulator,
  type SimulatedDelivery,
} from '../../src/simulator/index.js';
import { startFulfilmentReceiver, testFulfilmentSecret } from '../support/fulfilmentReceiver.js';
import { waitFor } from '../support/waitFor.js';

/** The seed: a failure prints it, and `CONVERGENCE_SEED=<n>` replays that run exactly. */
const seed = Number(process.env['CONVERGENCE_SEED'] ?? 20261124);
const perProvider = Number(process.env['CONVERGENCE_PAYMENTS'] ?? 500);

type Payment = Readonly<{
  provider: ProviderName;
  ref: string;
  /** The provider's own final word, as its status endpoint gives it (none for Kraken Pay). */
  truth: string | null;
  expected: PaymentStatus | null;
  deliveries: SimulatedDelivery[];
  forgeries: SimulatedDelivery[];
  register: Record<string, unknown> | null;
}>;

/**
 * The convergence test of the reconciliation issue: thousands of payments across the four
 * providers, their webhooks dropped, repeated, reordered and forged at random from one seed,
 * and some signed webhooks that are simply wrong. After the poller has run, every payment with
 * a status endpoint equals the simulator's truth, no forgery changed anything, and every
 * success was notified exactly once.
 */
describe(`convergence on the providers' truth (seed ${seed})`, () => {
  it(
    'ends with every payment equal to the truth, forgeries refused, each success fulfilled once',
    { timeout: 120_000 },
    async () => {
      const rng = xoroshiro128plus(seed);
      const pick = <T>(values: readonly T[]): T =>
        values[uniformInt(rng, 0, values.length - 1)] as T;
      const chance = (percent: number) => uniformInt(rng, 1, 100) <= percent;
      const credentials = await createSimulatorCredentials();
      const simulator = await startProviderSimulator({ credentials });
      const receiver = await startFulfilmentReceiver(testFulfilmentSecret);
      const dataDir = mkdtempSync(join(tmpdir(), 'payrec-convergence-'));
      const at = new Date();
      const service = await createService(
        loadConfig({
          ...payrecEnvironmentFor(credentials, simulator.url),
          PAYREC_DATA_DIR: dataDir,
          PAYREC_RECONCILE_CRON: '0 0 1 1 *',
          PAYREC_FULFILMENT_URL: receiver.url,
          PAYREC_FULFILMENT_SECRET: testFulfilmentSecret,
          PAYREC_FULFILMENT_RETRY_BASE_SECONDS: '0.05',
          KRAKEN_EMBED_API_RATE_LIMIT: '2000',
          KRYPTOGO_API_RATE_LIMIT: '2000',
          KKIAPAY_API_RATE_LIMIT: '2000',
          // Every forgery here comes from the providers' own address (one process sends all).
          PAYREC_REJECTIONS_PER_MINUTE: '100000',
        }),
        { logger: createLogger({ level: 'silent' }), statusRetryDelayMs: 5 },
      );
      try {
        const payments: Payment[] = [];
        for (let index = 0; index < perProvider; index += 1) {
          // Kraken Embed: a quote, sometimes with a signed webhook that is wrong.
          const quote = pick([
            'executed',
            'executed',
            'execution_failed',
            'cancelled',
            'expired',
            'new',
          ]);
          const embedEvent = {
            executed: 'quote.executed',
            execution_failed: 'quote.execution_failed',
            cancelled: 'quote.cancelled',
          }[quote as 'executed'] as string | undefined;
          const wrongEvent =
            quote === 'execution_failed' && chance(20) ? 'quote.executed' : embedEvent;
          const embedRef = `Q-${index}`;
          const embedAmount = { asset: 'USD', amount: '100.00' };
          const embed = wrongEvent
            ? [
                krakenEmbedDelivery(credentials, {
                  ref: embedRef,
                  eventType: wrongEvent,
                  at,
                  amount: embedAmount,
                }),
              ]
            : [];
          payments.push({
            provider: 'kraken-embed',
            ref: embedRef,
            truth: quote,
            expected: mapStatus(krakenEmbedStatuses['quote.status'], quote) ?? 'pending',
            deliveries: embed,
            forgeries:
              embed.length > 0 && chance(30)
                ? [forgedDelivery(embed[0] as SimulatedDelivery, 'quote.cancelled')]
                : [],
            register: { provider: 'kraken-embed', ref: embedRef, amount: 10_000, currency: 'USD' },
          });
          simulator.setTruth('kraken-embed', embedRef, {
            status: quote,
            amount: { value: '100.00', currency: 'USD' },
          });

          // KryptoGO: signed or unsigned callbacks.
          const intent = pick([
            'success',
            'success',
            'expired',
            'insufficient_refunded',
            'pending',
          ]);
          const intentRef = `pi_${index}`;
          const callback =
            intent === 'pending'
              ? []
              : [
                  kryptogoDelivery(credentials, {
                    ref: intentRef,
                    status: intent,
                    at,
                    signed: chance(50),
                  }),
                ];
          payments.push({
            provider: 'kryptogo',
            ref: intentRef,
            truth: intent,
            expected: mapStatus(kryptogoStatuses.status, intent),
            deliveries: callback,
            forgeries: [
              forgedDelivery(
                kryptogoDelivery(credentials, { ref: intentRef, status: 'pending', at }),
                'success',
              ),
            ].filter(() => chance(30)),
            register: { provider: 'kryptogo', ref: intentRef, amount: 30_000, currency: 'TWD' },
          });
          simulator.setTruth('kryptogo', intentRef, {
            status: intent,
            amount: { value: '300.0', currency: 'TWD' },
          });

          // KKiaPay: every webhook is a hint; sometimes one that the status API denies.
          const transaction = pick(['SUCCESS', 'SUCCESS', 'FAILED', 'PENDING']);
          const transactionRef = `K-${index}`;
          const claimsSuccess =
            transaction === 'SUCCESS' || (transaction === 'FAILED' && chance(20));
          const hint =
            transaction === 'PENDING'
              ? []
              : [kkiapayDelivery(credentials, { ref: transactionRef, success: claimsSuccess, at })];
          payments.push({
            provider: 'kkiapay',
            ref: transactionRef,
            truth: transaction,
            expected: mapStatus(kkiapayStatuses.status, transaction),
            deliveries: hint,
            forgeries:
              hint.length > 0 && chance(30)
                ? [forgedDelivery(hint[0] as SimulatedDelivery, 'transaction.success')]
                : [],
            register: { provider: 'kkiapay', ref: transactionRef, amount: 1000, currency: 'XOF' },
          });
          simulator.setTruth('kkiapay', transactionRef, {
            status: transaction,
            amount: { value: '1000', currency: 'XOF' },
          });

          // Kraken Pay: no status endpoint; only forgeries are checked.
          const payRef = `PAY${index}`;
          const pay = [
            await krakenPayDelivery(credentials, {
              ref: payRef,
              status: pick(['success', 'failed', 'cancelled']),
              at,
            }),
          ];
          payments.push({
            provider: 'kraken-pay',
            ref: payRef,
            truth: null,
            expected: null,
            deliveries: pay,
            forgeries: chance(30) ? [forgedDelivery(pay[0] as SimulatedDelivery, 'expired')] : [],
            register: chance(50) ? { provider: 'kraken-pay', ref: payRef } : null,
          });
        }

        for (const payment of payments) {
          if (payment.register === null) continue;
          const response = await service.app.inject({
            method: 'POST',
            url: '/payments',
            payload: payment.register,
          });
          expect(response.statusCode).toBe(201);
        }
        const plan = planDeliveries(
          payments.flatMap((payment) => payment.deliveries),
          { seed, repeatRate: 0.2, dropRate: 0.2, reorder: true },
        );
        const forgeries = payments.flatMap((payment) => payment.forgeries);
        const sends = [...plan.sends.map((send) => send.delivery), ...forgeries];
        for (let index = sends.length - 1; index > 0; index -= 1) {
          const other = uniformInt(rng, 0, index);
          [sends[index], sends[other]] = [
            sends[other] as SimulatedDelivery,
            sends[index] as SimulatedDelivery,
          ];
        }
        const forged = new Set(forgeries);
        for (const delivery of sends) {
          const response = await service.app.inject({
            method: 'POST',
            url: delivery.path,
            headers: delivery.headers,
            payload: delivery.body,
          });
          const isUnsignedKryptogo =
            delivery.provider === 'kryptogo' && !delivery.body.includes('"signature"');
          expect(response.statusCode, `${delivery.provider} ${delivery.ref}`).toBe(
            forged.has(delivery) && !isUnsignedKryptogo ? 401 : 200,
          );
        }

        // The poller: cycles until nothing is due now (the first takes everything registered).
        const caughtUp = async () => {
          const { eventStore } = service;
          await waitFor(
            async () =>
              (await projectionsReady(
                service.projections.status(),
                (at) => eventStore.eventsAfter(at),
                0,
              ))
                ? true
                : undefined,
            30_000,
          );
        };
        let cycles = 0;
        for (;;) {
          await caughtUp();
          const summary = await service.reconciler.runCycle();
          cycles += 1;
          if (summary.due === 0 || cycles > 5) break;
        }
        expect(cycles).toBeLessThanOrEqual(3);

        const disagreements: string[] = [];
        for (const payment of payments.filter((candidate) => candidate.expected !== null)) {
          const response = await service.app.inject({
            method: 'GET',
            url: `/payments/${payment.provider}/${payment.ref}`,
          });
          const { status } = response.json<{ status: string }>();
          if (status !== payment.expected)
            disagreements.push(
              `${payment.provider}/${payment.ref}: ${status}, truth ${String(payment.truth)}`,
            );
        }
        expect(disagreements).toEqual([]);

        // No forgery reached a stream: no recorded body is a forged one.
        // (A KKiaPay forgery may carry a genuine body under a wrong secret: only bodies that no
        // genuine delivery sent count.)
        const genuineBodies = new Set(
          payments.flatMap((payment) => payment.deliveries.map((delivery) => delivery.body)),
        );
        const forgedBodies = new Set(
          forgeries
            .filter(
              (delivery) =>
                delivery.provider !== 'kryptogo' || delivery.body.includes('"signature"'),
            )
            .map((delivery) => delivery.body)
            .filter((body) => !genuineBodies.has(body)),
        );
        expect(forgedBodies.size).toBeGreaterThan(perProvider / 2);
        const recorded = await service.eventStore.readAll({ after: 0n, maxCount: 1_000_000 });
        const reachedAStream = recorded.filter((event) => {
          const received = (event.data['evidence'] as { received?: { body?: string } } | undefined)
            ?.received;
          return received?.body !== undefined && forgedBodies.has(received.body);
        });
        expect(reachedAStream).toEqual([]);

        // Every payment that ever became a success was notified exactly once as such.
        const succeeded = new Set(
          recorded
            .filter(
              (event) =>
                (event.type === 'PaymentStatusChanged' ||
                  event.type === 'PaymentStatusCorrected') &&
                event.data['to'] === 'success',
            )
            .map((event) => event.streamName.slice('payment-'.length)),
        );
        await waitFor(async () => {
          const pending = await service.app.inject({
            method: 'GET',
            url: '/fulfilments?status=requested&limit=1',
          });
          return pending.json<{ items: unknown[] }>().items.length === 0 ? true : undefined;
        }, 60_000);
        const notified = new Map<string, number>();
        for (const effect of receiver.effects()) {
          const data = effect.body['data'] as { provider: string; ref: string };
          if (effect.body['type'] !== 'payment.succeeded') continue;
          const key = `${data.provider}/${data.ref}`;
          notified.set(key, (notified.get(key) ?? 0) + 1);
        }
        expect(succeeded.size).toBeGreaterThan(perProvider);
        expect([...notified.keys()].sort()).toEqual([...succeeded].sort());
        expect([...notified.values()].every((count) => count === 1)).toBe(true);
        expect(receiver.effects().every((effect) => effect.verified)).toBe(true);
        // And nothing was sent twice to a receiver that always answered: one attempt per effect.
        expect(receiver.attempts()).toHaveLength(receiver.effects().length);
      } finally {
        await service.close();
        await simulator.close();
        await receiver.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
