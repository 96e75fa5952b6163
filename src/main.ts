import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { FetchImplementation } from 'jose';
import type { Logger } from 'pino';
import {
  SqliteEventStore,
  connectEventStoreDb,
  openSqliteEventStore,
} from './adapters/eventStore/index.js';
import { createServiceMetrics, type ServiceMetrics } from './adapters/metrics/serviceMetrics.js';
import {
  buildHttpServer,
  createApiAuth,
  createRejectionLimiter,
  registerDeliveryRoutes,
  registerDiscrepancyRoutes,
  registerFulfilmentRoutes,
  registerMetricsRoute,
  registerPaymentRoutes,
  registerWebhookRoutes,
} from './adapters/http/index.js';
import { DeliveryLog } from './adapters/readModels/deliveryLog.js';
import { openReadModelDatabase } from './adapters/readModels/readModelDatabase.js';
import {
  createSqliteReadModelStore,
  type SqliteReadModelStore,
} from './adapters/readModels/sqliteReadModelStore.js';
import { startProjectionThread } from './adapters/projectionThread/projectionThread.js';
import {
  allProjections,
  createProjectionRunner,
  projectionsReady,
  fulfilmentsProjection,
  paymentsProjection,
  type FulfilmentView,
  type ProjectionStatus,
} from './projections/index.js';
import { createVerifiers } from './adapters/providers/index.js';
import { createLogger } from './adapters/logging/createLogger.js';
import {
  createFulfilmentDispatcher,
  type FulfilmentDispatcher,
} from './adapters/fulfilment/fulfilmentDispatcher.js';
import { createFulfilmentSender } from './adapters/fulfilment/fulfilmentSender.js';
import { createFailpoints } from './failpoints.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { schedule } from 'node-cron';
import { createStatusClients } from './adapters/statusApi/createStatusClients.js';
import { createReconciler, type Reconciler } from './adapters/reconciliation/reconciler.js';
import { paymentsDue } from './adapters/reconciliation/paymentsDue.js';
import { createSqliteLease } from './adapters/readModels/sqliteLease.js';
import type Database from 'better-sqlite3';
import {
  createDeliveryRecorder,
  createPaymentCommandHandler,
  type PaymentCommandHandler,
} from './application/index.js';
import type { Config } from './config.js';
import type { Clock, EventStore } from './domain/ports/index.js';

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

/**
 * Opens the event store the configuration names; the embedded SQLite store by default. The
 * service passes `backfilledElsewhere`: its projection thread backfills the embedded log's WAL.
 */
export const openEventStore = (
  config: Config,
  { backfilledElsewhere = false }: Readonly<{ backfilledElsewhere?: boolean }> = {},
): EventStore => {
  switch (config.eventStore.kind) {
    case 'sqlite':
      return openSqliteEventStore({
        path: config.eventStore.path,
        writer: config.eventStore.writer,
        backfilledElsewhere,
      });
    case 'eventstoredb':
      return connectEventStoreDb(config.eventStore.connectionString.reveal());
  }
};

/** The running projections, wherever they run. */
export type Projections = Readonly<{ status: () => ProjectionStatus[]; stop: () => Promise<void> }>;

export type ServiceOptions = Readonly<{
  logger?: Logger;
  clock?: Clock;
  /** For tests: how outbound HTTP is made (the Kraken Pay key set). */
  fetch?: FetchImplementation;
  /** For tests: the first retry's delay of status calls. */
  statusRetryDelayMs?: number;
}>;

/**
 * The reconciler of a service or of `payrec reconcile --once`: status clients for the configured
 * providers, the payments read model's due index, and a lease in the service database so that
 * one cycle runs at a time across processes on one data directory.
 */
export const createServiceReconciler = (
  config: Config,
  {
    readModelStore,
    serviceDb,
    handlePaymentCommand,
    clock,
    logger,
    metrics,
    statusRetryDelayMs,
  }: Readonly<{
    readModelStore: SqliteReadModelStore;
    serviceDb: Database.Database;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    logger: Logger;
    metrics?: ServiceMetrics;
    statusRetryDelayMs?: number;
  }>,
): Reconciler => {
  const due = paymentsDue(readModelStore);
  return createReconciler({
    selectDue: due.selectDue,
    objectOf: due.objectOf,
    statusClients: createStatusClients(config, {
      ...(statusRetryDelayMs === undefined ? {} : { retryDelayMs: statusRetryDelayMs }),
      onAttempt: (provider, outcome, seconds) => {
        metrics?.recordStatusCall(provider, outcome, seconds);
      },
    }),
    handlePaymentCommand,
    clock,
    logger,
    lock: createSqliteLease(serviceDb, {
      name: 'reconcile-cycle',
      holder: `${hostname()}:${process.pid}:${randomUUID()}`,
      ttlMs: 60_000,
    }),
    batch: config.reconciliation.batch,
    onCheck: (provider, result) => {
      metrics?.recordCheck(provider, result);
    },
  });
};

const systemClock: Clock = { now: () => new Date() };

/**
 * On the embedded store, projections run on their own thread with their own connections, so
 * projecting never takes the event loop that serves webhooks; on EventStoreDB they run here, on
 * the client's subscription.
 */
const startProjections = (
  config: Config,
  {
    eventStore,
    readModelStore,
    readModelPath,
    serviceDatabasePath,
    logger,
  }: Readonly<{
    eventStore: EventStore;
    readModelStore: SqliteReadModelStore;
    readModelPath: string;
    serviceDatabasePath: string;
    logger: Logger;
  }>,
): Projections => {
  if (config.eventStore.kind === 'sqlite') {
    return startProjectionThread({
      eventStorePath: config.eventStore.path,
      readModelPath,
      serviceDatabasePath,
      pollIntervalMs: 20,
      onError: (err) => {
        logger.error({ err }, 'the projection thread failed; restarting it from its checkpoints');
      },
    });
  }
  const runner = createProjectionRunner({
    eventStore,
    readModels: readModelStore,
    projections: allProjections,
    onError: (name, err) => {
      logger.error({ err, projection: name }, 'projection failed; restarting from its checkpoint');
    },
  });
  runner.start();
  return runner;
};

/** The fulfilment dispatcher, when `PAYREC_FULFILMENT_URL` is set. */
const startFulfilments = (
  config: Config,
  {
    readModelStore,
    eventStore,
    handlePaymentCommand,
    clock,
    logger,
    onAttempt,
  }: Readonly<{
    readModelStore: SqliteReadModelStore;
    eventStore: EventStore;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    logger: Logger;
    onAttempt: (outcome: 'delivered' | 'failed') => void;
  }>,
): FulfilmentDispatcher | null => {
  if (config.fulfilment === null) return null;
  const dispatcher = createFulfilmentDispatcher({
    dueIds: (dueBy, limit) =>
      readModelStore.due(fulfilmentsProjection.name, { dueBy, limit }).map((row) => row.id),
    load: (id) =>
      readModelStore.get(fulfilmentsProjection.name, id) as unknown as FulfilmentView | null,
    eventStore,
    handlePaymentCommand,
    send: createFulfilmentSender({
      url: config.fulfilment.url,
      secret: config.fulfilment.secret,
      timeoutMs: config.fulfilment.timeoutMs,
    }),
    retry: config.fulfilment.retry,
    clock,
    logger,
    failpoints: createFailpoints(config.failpoints),
    onAttempt,
  });
  dispatcher.start();
  return dispatcher;
};

/**
 * The composition root: the one place adapters are wired to ports. Builds the service without
 * listening, so tests can drive it with `app.inject()`. Throws the adapters' errors (an
 * unreadable data directory, a corrupt database).
 */
export const createService = async (
  config: Config,
  options: ServiceOptions = {},
): Promise<Service> => {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true });
  // On the embedded store, the projection thread backfills the WAL of the event log and of the
  // service database (startProjections), so the event loop's commits seldom stop to checkpoint.
  const backfilledElsewhere = config.eventStore.kind === 'sqlite';
  const eventStore = openEventStore(config, { backfilledElsewhere });
  const serviceDatabasePath = join(config.dataDir, 'payrec.db');
  const readModels = openReadModelDatabase(serviceDatabasePath, { backfilledElsewhere });
  const deliveryLog = new DeliveryLog(readModels);
  // Read models live in their own file: the projection thread writes it, the API only reads it.
  const readModelPath = join(config.dataDir, 'readmodels.db');
  const readModelDb = openReadModelDatabase(readModelPath);
  const readModelStore = createSqliteReadModelStore(readModelDb);
  const projections = startProjections(config, {
    eventStore,
    readModelStore,
    readModelPath,
    serviceDatabasePath,
    logger,
  });
  const due = paymentsDue(readModelStore);
  const metrics = createServiceMetrics({
    projections: () => projections.status(),
    paymentsDue: () => due.countDue(clock.now().toISOString()),
    paymentsOpen: () => readModelStore.countByProvider(paymentsProjection.name, 'pending'),
    ...(eventStore instanceof SqliteEventStore
      ? { headPosition: () => eventStore.headPosition() }
      : {}),
  });
  const handlePaymentCommand = createPaymentCommandHandler({ eventStore });
  const reconciler = createServiceReconciler(config, {
    readModelStore,
    serviceDb: readModels,
    handlePaymentCommand,
    clock,
    logger,
    metrics,
    ...(options.statusRetryDelayMs === undefined
      ? {}
      : { statusRetryDelayMs: options.statusRetryDelayMs }),
  });
  const recordDelivery = createDeliveryRecorder({ handlePaymentCommand });
  const cycle = schedule(
    config.reconcileCron,
    async () => {
      const summary = await reconciler.runCycle();
      if (summary.ran && summary.due > 0) {
        logger.info({ ...summary }, 'reconciliation cycle done');
      }
    },
    { name: 'reconcile', noOverlap: true },
  );
  const app = buildHttpServer({
    logger,
    readiness: [
      { name: 'eventStore', check: () => eventStore.ping() },
      {
        name: 'projections',
        check: () =>
          Promise.resolve(
            projectionsReady(
              projections.status(),
              eventStore instanceof SqliteEventStore ? eventStore.headPosition() : null,
            ),
          ),
      },
    ],
  });
  await registerWebhookRoutes(app, {
    verifiers: createVerifiers(config.providers, options.fetch ? { fetch: options.fetch } : {}),
    // A hint (an unsigned KryptoGO callback, a KKiaPay delivery) is confirmed by the provider's
    // status endpoint at once, not at the next cron tick.
    recordDelivery: async (delivery) => {
      const recorded = await recordDelivery(delivery);
      if (delivery.verification.trust === 'hint' && recorded.appended > 0) {
        for (const { payment } of delivery.reports) reconciler.checkNow(payment);
      }
      return recorded;
    },
    deliveryLog,
    observe: (entry) => {
      metrics.recordDelivery(entry.provider, entry.outcome, entry.code);
    },
    rejectionLimiter: createRejectionLimiter({ rejections: config.rejectionsPerMinute }),
    clock,
  });
  const auth = createApiAuth(config.apiToken);
  registerDeliveryRoutes(app, { deliveryLog, auth });
  registerMetricsRoute(app, { registry: metrics.registry, auth });
  registerPaymentRoutes(app, {
    eventStore,
    readModels: readModelStore,
    auth,
    handlePaymentCommand,
    clock,
  });
  registerFulfilmentRoutes(app, { readModels: readModelStore, handlePaymentCommand, clock, auth });
  registerDiscrepancyRoutes(app, { readModels: readModelStore, auth });
  const fulfilments = startFulfilments(config, {
    readModelStore,
    eventStore,
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
      await eventStore.close();
      deliveryLog.flush();
      readModels.close();
      readModelDb.close();
    })();
    return closing;
  };
  return { app, eventStore, handlePaymentCommand, projections, reconciler, logger, close };
};
