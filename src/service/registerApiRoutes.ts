import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';
import {
  createApiAuth,
  registerDeliveryRoutes,
  registerDiscrepancyRoutes,
  registerExportRoutes,
  registerFulfilmentRoutes,
  registerMetricsRoute,
  registerPaymentRoutes,
  registerReportRoutes,
} from '../adapters/http/index.js';
import { createAuthFailureLimiter } from '../adapters/http/authFailureLimiter.js';
import { createConsoleSessionStore } from '../adapters/http/console/consoleSessionStore.js';
import { newConsoleKey, registerConsole } from '../adapters/http/console/registerConsole.js';
import type { VerifierContext } from '../adapters/providers/index.js';
import type { Reconciler } from '../processors/index.js';
import type { Projections } from './startProjections.js';
import { readYourWrites } from './readYourWrites.js';
import { reverifierOf } from './reverifierOf.js';
import type { ServiceMetrics } from '../adapters/metrics/serviceMetrics.js';
import type { PaymentCommandHandler } from '../application/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/ports/index.js';
import { projectionNames, type HasStatusEndpoint } from '../projections/index.js';
import type { Storage } from './openStorage.js';
import type { RoleKeeper } from './roleKeeper.js';

/**
 * The query and admin API (payments, deliveries, fulfilments, discrepancies, metrics), behind
 * the API tokens, over the configured providers, and the console that reads and acts through it.
 */
export const registerApiRoutes = async (
  app: FastifyInstance,
  config: Config,
  {
    storage,
    deliveryLog,
    metrics,
    hasStatusEndpoint,
    handlePaymentCommand,
    clock,
    projections,
    reconciler,
    roles,
    verifierContext,
  }: Readonly<{
    storage: Storage;
    deliveryLog: DeliveryLog;
    metrics: ServiceMetrics;
    hasStatusEndpoint: HasStatusEndpoint;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    projections: Projections;
    reconciler: Reconciler;
    roles: RoleKeeper;
    verifierContext: VerifierContext;
  }>,
): Promise<void> => {
  const consoleKey = newConsoleKey();
  const authFailures = createAuthFailureLimiter({ logger: app.log });
  const auth = createApiAuth({
    tokens: config.apiTokens,
    console: { key: consoleKey },
    failures: authFailures,
  });
  const providers = config.providers.map((provider) => provider.name);
  const { eventStore, readModels } = storage;
  const readable = readYourWrites({
    readModels,
    projections: projectionNames,
    nudge: projections.nudge,
  });
  const handleAndShow = readable.wrap(handlePaymentCommand);
  registerDeliveryRoutes(app, {
    deliveryLog,
    providers,
    auth,
    eventStore,
    reverify: reverifierOf(config, verifierContext),
    handlePaymentCommand: handleAndShow,
    confirmHint: reconciler.checkOne,
  });
  registerMetricsRoute(app, { registry: metrics.registry, auth });
  registerPaymentRoutes(app, {
    eventStore,
    readModels,
    providers,
    hasStatusEndpoint,
    auth,
    handlePaymentCommand: handleAndShow,
    clock,
  });
  const now = () => clock.now();
  registerExportRoutes(app, {
    stores: { readModels, eventStore, deliveryLog },
    providers,
    now,
    auth,
  });
  registerReportRoutes(app, {
    readModels,
    providers,
    timezone: config.reportTimezone,
    now,
    auth,
  });
  registerFulfilmentRoutes(app, {
    readModels,
    providers,
    handlePaymentCommand,
    awaitReadable: readable.awaitReadable,
    clock,
    auth,
  });
  registerDiscrepancyRoutes(app, {
    readModels,
    eventStore,
    handlePaymentCommand: handleAndShow,
    clock,
    providers,
    auth,
  });
  await registerConsole(app, {
    tokens: config.apiTokens,
    sessionStore: createConsoleSessionStore(eventStore),
    authFailures,
    cookieSecret: config.consoleSecret?.reveal() ?? randomBytes(32).toString('hex'),
    consoleKey,
    providers,
    fulfilmentOn: config.fulfilment !== null,
    stores: { readModels, eventStore, deliveryLog },
    overview: {
      deliveriesPerMinute: (since) => deliveryLog.perMinute(since),
      projections: () =>
        Promise.all(
          projections.status().map(async (status) => ({
            name: status.name,
            running: status.running,
            behind: await eventStore.eventsAfter(status.position).catch(() => null),
            appliedAt: status.appliedAt === 0 ? null : new Date(status.appliedAt).toISOString(),
            error: status.error,
          })),
        ),
      lastCycle: () => {
        const last = reconciler.lastCycle();
        return last === null
          ? null
          : {
              finishedAt: last.finishedAt,
              due: last.summary.due,
              durationMs: last.summary.durationMs,
              results: last.summary.results,
            };
      },
      // The holders as the store has them (every process's), not only this process's view.
      roles: () =>
        Promise.all(
          roles.status().map(async ({ role }) => {
            const lease = await eventStore.leases.holderOf(role, clock.now()).catch(() => null);
            return {
              role,
              holder: lease?.holder ?? null,
              since: lease?.since ?? null,
              here: lease?.holder === config.instanceId,
            };
          }),
        ),
    },
    now: () => clock.now(),
  });
};
