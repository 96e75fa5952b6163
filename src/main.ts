import type { FastifyInstance } from 'fastify';
import type { FetchImplementation } from 'jose';
import type { Logger } from 'pino';
import { buildHttpServer } from './adapters/http/index.js';
import { createLogger } from './adapters/logging/createLogger.js';
import { startTelemetry } from './adapters/telemetry/index.js';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  createPaymentCommandHandler,
  type PaymentCommandHandler,
  type UseCases,
} from './application/index.js';
import type { Config } from './config.js';
import type { Clock, EventStore } from './domain/ports/index.js';
import { createFailpoints } from './failpoints.js';
import { packageVersion } from './packageVersion.js';
import type { Reconciler } from './processors/index.js';
import {
  bothOf,
  deadLocalProcess,
  createRoleKeeper,
  createServiceReconciler,
  createStatusEndpoints,
  openDeliveryLog,
  openStorage,
  projectionsAsRole,
  readinessChecks,
  registerApiRoutes,
  registerWebhookReceivers,
  scheduleReconciliation,
  serviceMetricsFor,
  startFulfilments,
  startProjections,
  systemClock,
  watchHints,
  type Projections,
  scheduleBackups,
  type RoleKeeper,
  type ScheduledBackups,
} from './service/index.js';
import { projectionNames } from './projections/index.js';
import { tracedAppends, tracedCommands } from './service/tracedWrites.js';

/** The wired service: what `payrec serve` runs, and what integration tests start in-process. */
export type Service = Readonly<{
  app: FastifyInstance;
  eventStore: EventStore;
  handlePaymentCommand: PaymentCommandHandler;
  /** What the API, the console and the command line call: every action and query. */
  useCases: UseCases;
  projections: Projections;
  reconciler: Reconciler;
  /** The roles this process holds among those sharing its store. */
  roles: RoleKeeper;
  /** The scheduled backups (`PAYREC_BACKUP_DIR`), or `null` when off. */
  backups: ScheduledBackups | null;
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
  /** For tests, with tracing on: where spans go instead of the exporter the variables name. */
  spanProcessors?: SpanProcessor[];
}>;

/**
 * The composition root: the one place adapters are wired to ports. Builds the service without
 * listening, so tests can drive it in process (Fastify's `inject`). The providers are the configuration's
 * (`loadConfig(env, modules)`): their routes, status clients and vocabularies come from there.
 * Throws the adapters' errors (an unreadable data directory, a corrupt database).
 */
/* eslint-disable max-lines-per-function -- the composition root: what starts, in the order it starts, one call a step */
export const createService = async (
  config: Config,
  options: ServiceOptions = {},
): Promise<Service> => {
  const logger =
    options.logger ??
    createLogger({ level: config.logLevel, instance: config.instanceId, format: config.logFormat });
  const clock = options.clock ?? systemClock;
  // Before anything that could be traced; off (null) unless the OTEL_* variables ask for traces.
  const telemetry = startTelemetry({
    on: config.tracing,
    version: packageVersion(),
    ...(options.spanProcessors === undefined ? {} : { spanProcessors: options.spanProcessors }),
  });
  // On the embedded store the projection thread backfills the WALs, so that the event loop's
  // commits seldom stop to checkpoint.
  const storage = openStorage(config, {
    backfilledElsewhere: config.eventStore.kind === 'sqlite',
    onCorrupt: (err) => {
      logger.error({ err }, 'the event log is damaged: payrec answers 503; run payrec check');
    },
  });
  const { eventStore } = storage;
  const {
    deliveryLog,
    repair: deliveryLogRepair,
    close: closeDeliveryLog,
  } = openDeliveryLog(storage, {
    clock,
    logger,
    failpoints: createFailpoints(config.failpoints),
    retentionDays: config.deliveryLogRetentionDays,
    ...(config.topology === 'own-data-dir' ? { sharing: { instance: config.instanceId } } : {}),
  });
  const statusEndpoints = createStatusEndpoints(config, {
    sharedSlots: storage.statusSlots,
    onAttempt: (provider, outcome, seconds) => {
      metrics.recordStatusCall(provider, outcome, seconds);
    },
    ...(options.statusRetryDelayMs === undefined
      ? {}
      : { retryDelayMs: options.statusRetryDelayMs }),
  });
  const { hasStatusEndpoint } = statusEndpoints;
  const startHere = () => startProjections(config, { storage, hasStatusEndpoint, logger });
  // On one data directory the read models and the delivery log are shared: one process projects
  // and one repairs (roles). With a data directory each (EventStoreDB), every process projects
  // into read models of its own and keeps its own delivery log.
  const dataDirShared = config.topology === 'shared-data-dir';
  const projectionsRole = dataDirShared
    ? projectionsAsRole({ startHere, readModels: storage.readModels, names: projectionNames })
    : null;
  const projections = projectionsRole?.projections ?? startHere();
  const metrics = serviceMetricsFor({ storage, deliveryLog, projections, clock });
  const handleUntraced = createPaymentCommandHandler({
    eventStore: config.tracing ? tracedAppends(eventStore) : eventStore,
    instance: config.instanceId,
  });
  const handlePaymentCommand = config.tracing ? tracedCommands(handleUntraced) : handleUntraced;
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
  const fulfilments = startFulfilments(config, {
    storage,
    handlePaymentCommand,
    clock,
    logger,
    onAttempt: (outcome) => {
      metrics.recordFulfilmentAttempt(outcome);
    },
  });
  const backups =
    config.backups === null
      ? null
      : scheduleBackups(config, config.backups, {
          logger,
          clock,
          onFailure: () => {
            metrics.recordBackupFailure();
          },
        });
  if (backups !== null) {
    metrics.watchBackups(() => {
      const status = backups.status();
      return {
        lastSuccessSeconds: status.last === null ? null : Date.parse(status.last.finishedAt) / 1000,
        lastDurationSeconds: status.last === null ? null : status.last.tookMs / 1000,
        lastBytes: status.last?.bytes ?? null,
        kept: status.kept,
        running: status.running,
      };
    });
  }
  // Work that must run once across every process on the store: each is a role under a lease.
  const roles = createRoleKeeper({
    leases: eventStore.leases,
    instanceId: config.instanceId,
    ttlMs: config.leaseTtlMs,
    clock,
    logger,
    isDead: deadLocalProcess,
    work: {
      ...(projectionsRole === null ? {} : { projections: projectionsRole.work }),
      reconciler: bothOf(
        cycle,
        watchHints({
          eventStore,
          reconciler,
          logger,
          providers: config.providers.filter((p) => p.sendsHints).map((p) => p.name),
        }),
      ),
      ...(fulfilments === null
        ? {}
        : {
            fulfilment: {
              start: (fence) => {
                fulfilments.start(fence);
              },
              stop: () => fulfilments.stop(),
            },
          }),
      ...(dataDirShared ? { 'delivery-log-repair': deliveryLogRepair } : {}),
      ...(backups === null ? {} : { backup: backups }),
    },
  });
  if (!dataDirShared) deliveryLogRepair.start();
  metrics.watchRoles(roles);
  const verifierContext = options.fetch ? { fetch: options.fetch } : {};
  const app = await buildHttpServer({
    logger,
    readiness: readinessChecks({
      eventStore,
      writesFailing: storage.writes.failing,
      deliveryLog,
      projections,
    }),
    roles: () =>
      roles
        .status()
        .filter((role) => role.held)
        .map((role) => role.role),
    ...config.http,
    version: packageVersion(),
  });
  await registerWebhookReceivers(app, config, {
    handlePaymentCommand,
    deliveryLog,
    metrics,
    clock,
    verifierContext,
  });
  const parts = { storage, deliveryLog, metrics, hasStatusEndpoint, handlePaymentCommand, clock };
  const useCases = await registerApiRoutes(app, config, {
    ...parts,
    projections,
    reconciler,
    roles,
    backups,
    verifierContext,
  });
  await roles.start();
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      // Stops every role's work here (the cycle, the dispatcher, the projections, the repair)
      // and hands the roles over at once.
      await roles.stop();
      await reconciler.stop();
      await projections.stop();
      await closeDeliveryLog();
      await storage.close();
      // Last: the spans of everything above are exported before the process ends.
      await telemetry?.shutdown().catch((err: unknown) => {
        logger.warn({ err }, 'traces could not all be exported');
      });
    })();
    return closing;
  };
  return {
    app,
    eventStore,
    handlePaymentCommand,
    useCases,
    projections,
    reconciler,
    roles,
    backups,
    logger,
    close,
  };
};
/* eslint-enable max-lines-per-function */
