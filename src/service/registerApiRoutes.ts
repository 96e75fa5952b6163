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
import { registerConsole } from '../adapters/http/console/registerConsole.js';
import type { VerifierContext } from '../adapters/providers/index.js';
import type { Reconciler } from '../processors/index.js';
import type { Projections } from './startProjections.js';
import { readYourWrites } from './readYourWrites.js';
import { reverifierOf } from './reverifierOf.js';
import type { ServiceMetrics } from '../adapters/metrics/serviceMetrics.js';
import {
  createUseCases,
  overviewFigures,
  type OverviewSources,
  type PaymentCommandHandler,
  type UseCases,
} from '../application/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/ports/index.js';
import { projectionNames, type HasStatusEndpoint } from '../projections/index.js';
import type { Storage } from './openStorage.js';
import type { ScheduledBackups } from './scheduleBackups.js';
import type { RoleKeeper } from './roleKeeper.js';

/** The running parts of the service the API and the console reach their work through. */
type ApiParts = Readonly<{
  storage: Storage;
  deliveryLog: DeliveryLog;
  metrics: ServiceMetrics;
  hasStatusEndpoint: HasStatusEndpoint;
  handlePaymentCommand: PaymentCommandHandler;
  clock: Clock;
  projections: Projections;
  reconciler: Reconciler;
  roles: RoleKeeper;
  /** The scheduled backups, when configured. */
  backups: ScheduledBackups | null;
  verifierContext: VerifierContext;
}>;

/** What the console's overview reads: the read models, the log's minutes, projections, roles. */
const overviewSourcesOf = (
  config: Config,
  {
    storage: { readModels, eventStore },
    deliveryLog,
    clock,
    projections,
    reconciler,
    roles,
    backups,
  }: ApiParts,
): OverviewSources => ({
  readModels,
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
  backups: () => backups?.status() ?? null,
});

/**
 * The query and admin API (payments, deliveries, fulfilments, discrepancies, metrics), behind
 * the API tokens, over the configured providers, and the console: both adapters over the same use
 * cases.
 */
export const registerApiRoutes = async (
  app: FastifyInstance,
  config: Config,
  parts: ApiParts,
): Promise<UseCases> => {
  const { storage, deliveryLog, metrics, hasStatusEndpoint, handlePaymentCommand, clock } = parts;
  const { reconciler, projections, verifierContext } = parts;
  const authFailures = createAuthFailureLimiter({ logger: app.log });
  const auth = createApiAuth({ tokens: config.apiTokens, failures: authFailures });
  const { eventStore, readModels } = storage;
  const readable = readYourWrites({
    readModels,
    projections: projectionNames,
    nudge: projections.nudge,
  });
  const now = () => clock.now();
  const useCases = createUseCases({
    eventStore,
    readModels,
    deliveryLog,
    handleAndShow: readable.wrap(handlePaymentCommand),
    handlePaymentCommand,
    awaitReadable: readable.awaitReadable,
    now,
    providers: config.providers.map((provider) => provider.name),
    hasStatusEndpoint,
    reverify: reverifierOf(config, verifierContext),
    confirmHint: reconciler.checkOne,
    reportTimezone: config.reportTimezone,
  });
  // One scope, one guard: every route of the query and admin API is behind the tokens.
  await app.register(async (api) => {
    api.addHook('onRequest', auth);
    registerDeliveryRoutes(api, { useCases });
    registerMetricsRoute(api, { registry: metrics.registry });
    registerPaymentRoutes(api, { useCases });
    registerExportRoutes(api, { useCases });
    registerReportRoutes(api, { useCases });
    registerFulfilmentRoutes(api, { useCases });
    registerDiscrepancyRoutes(api, { useCases });
    return Promise.resolve();
  });
  const overviewSources = overviewSourcesOf(config, parts);
  await registerConsole(app, {
    tokens: config.apiTokens,
    sessionStore: createConsoleSessionStore(eventStore),
    authFailures,
    cookieSecret: config.consoleSecret?.reveal() ?? randomBytes(32).toString('hex'),
    fulfilmentOn: config.fulfilment !== null,
    useCases,
    overview: (at) => overviewFigures(overviewSources, at),
  });
  return useCases;
};
