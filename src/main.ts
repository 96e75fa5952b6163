import type { FastifyInstance } from 'fastify';
import type { FetchImplementation } from 'jose';
import type { Logger } from 'pino';
import { DeliveryLog } from './adapters/deliveryLog/deliveryLog.js';
import {
  buildHttpServer,
  createRejectionLimiter,
  registerWebhookRoutes,
} from './adapters/http/index.js';
import { createLogger } from './adapters/logging/createLogger.js';
import { createServiceMetrics } from './adapters/metrics/serviceMetrics.js';
import {
  confirmHintsAtOnce,
  createDeliveryRecorder,
  createPaymentCommandHandler,
  type PaymentCommandHandler,
} from './application/index.js';
import type { Config } from './config.js';
import type { Clock, EventStore } from './domain/ports/index.js';
import { paymentsDue, type Reconciler } from './processors/index.js';
import { paymentsProjectionName } from './projections/index.js';
import {
  createServiceReconciler,
  createStatusEndpoints,
  openStorage,
  readinessChecks,
  registerApiRoutes,
  scheduleReconciliation,
  startFulfilments,
  startProjections,
  systemClock,
  webhookReceivers,
  type Projections,
} from './service/index.js';

/** The wired service: what `payrec serve` runs, and what integration tests start in-process. */
export type Service = Readonly<{
  app: FastifyInstance;
  eventStore: EventStore;
  handlePaymentCommand: PaymentCommandHandler;
  projections: Projections;
  reconciler: Reconciler;
  logger: Logger;
  /** Stops accepting requests, lets in-flight ones finish, flushes appends, closes the store. */
  close: () => Promise<void>;
}>;

export type ServiceOptions = Readonly<{
  logger?: Logger;
  clock?: Clock;
  /** For tests: how outbound HTTP is made (the Kraken Pay key set). */
  fetch?: FetchImplementation;
  /** For tests: the first retry's delay of status calls. */
  statusRetryDelayMs?: number;
}>;

/**
 * The composition root: the one place adapters are wired to ports. Builds the service without
 * listening, so tests can drive it with `app.inject()`. The providers are the configuration's
 * (`loadConfig(env, modules)`): their routes, status clients and vocabularies come from there.
 * Throws the adapters' errors (an unreadable data directory, a corrupt database).
 */
export const createService = async (
  config: Config,
  options: ServiceOptions = {},
): Promise<Service> => {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  // On the embedded store the projection thread backfills the WALs, so that the event loop's
  // commits seldom stop to checkpoint.
  const storage = openStorage(config, { backfilledElsewhere: config.eventStore.kind === 'sqlite' });
  const { eventStore, readModels } = storage;
  const deliveryLog = new DeliveryLog(storage.serviceDb);
  const statusEndpoints = createStatusEndpoints(config, {
    onAttempt: (provider, outcome, seconds) => {
      metrics.recordStatusCall(provider, outcome, seconds);
    },
    ...(options.statusRetryDelayMs === undefined
      ? {}
      : { retryDelayMs: options.statusRetryDelayMs }),
  });
  const { hasStatusEndpoint } = statusEndpoints;
  const projections = startProjections(config, { storage, hasStatusEndpoint, logger });
  const metrics = createServiceMetrics({
    projections: () => projections.status(),
    eventsAfter: (position) => eventStore.eventsAfter(position),
    paymentsDue: () => paymentsDue(readModels).countDue(clock.now().toISOString()),
    paymentsOpen: () => readModels.countByProvider(paymentsProjectionName, 'pending'),
  });
  const handlePaymentCommand = createPaymentCommandHandler({ eventStore });
  const reconciler = createServiceReconciler(config, {
    storage,
    statusEndpoints,
    handlePaymentCommand,
    clock,
    logger,
    onCheck: (provider, result) => {
      metrics.recordCheck(provider, result);
    },
  });
  const cycle = scheduleReconciliation(config, { reconciler, logger });
  const app = buildHttpServer({ logger, readiness: readinessChecks(eventStore, projections) });
  await registerWebhookRoutes(app, {
    receivers: webhookReceivers(config, options.fetch ? { fetch: options.fetch } : {}),
    recordDelivery: confirmHintsAtOnce(
      createDeliveryRecorder({ handlePaymentCommand }),
      (payment) => {
        reconciler.checkNow(payment);
      },
    ),
    deliveryLog,
    observe: (entry) => {
      metrics.recordDelivery(entry.provider, entry.outcome, entry.code);
    },
    rejectionLimiter: createRejectionLimiter({ rejections: config.rejectionsPerMinute }),
    clock,
  });
  registerApiRoutes(app, config, {
    storage,
    deliveryLog,
    metrics,
    hasStatusEndpoint,
    handlePaymentCommand,
    clock,
  });
  const fulfilments = startFulfilments(config, {
    storage,
    handlePaymentCommand,
    clock,
    logger,
    onAttempt: (outcome) => {
      metrics.recordFulfilmentAttempt(outcome);
    },
  });
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await cycle.stop();
      await reconciler.stop();
      await fulfilments?.stop();
      await projections.stop();
      deliveryLog.flush();
      await storage.close();
    })();
    return closing;
  };
  return { app, eventStore, handlePaymentCommand, projections, reconciler, logger, close };
};
