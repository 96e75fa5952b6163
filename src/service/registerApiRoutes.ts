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
import type { ServiceMetrics } from '../adapters/metrics/serviceMetrics.js';
import type { PaymentCommandHandler } from '../application/index.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/ports/index.js';
import type { HasStatusEndpoint } from '../projections/index.js';
import type { Storage } from './openStorage.js';

/**
 * The query and admin API (payments, deliveries, fulfilments, discrepancies, metrics), behind
 * the API token, over the configured providers.
 */
export const registerApiRoutes = (
  app: FastifyInstance,
  config: Config,
  {
    storage,
    deliveryLog,
    metrics,
    hasStatusEndpoint,
    handlePaymentCommand,
    clock,
  }: Readonly<{
    storage: Storage;
    deliveryLog: DeliveryLog;
    metrics: ServiceMetrics;
    hasStatusEndpoint: HasStatusEndpoint;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
  }>,
): void => {
  const auth = createApiAuth(config.apiTokens);
  const providers = config.providers.map((provider) => provider.name);
  const { eventStore, readModels } = storage;
  registerDeliveryRoutes(app, { deliveryLog, providers, auth });
  registerMetricsRoute(app, { registry: metrics.registry, auth });
  registerPaymentRoutes(app, {
    eventStore,
    readModels,
    providers,
    hasStatusEndpoint,
    auth,
    handlePaymentCommand,
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
  registerFulfilmentRoutes(app, { readModels, providers, handlePaymentCommand, clock, auth });
  registerDiscrepancyRoutes(app, {
    readModels,
    eventStore,
    handlePaymentCommand,
    clock,
    providers,
    auth,
  });
};
