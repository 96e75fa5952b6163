import type { PaymentId, ProviderName } from '../domain/index.js';
import type { DeliveryLogReader, EventStore, ReadModelQueries } from '../domain/ports/index.js';
import type { HasStatusEndpoint } from '../projections/index.js';
import { createDeliveryUseCases } from './deliveryUseCases.js';
import { createDiscrepancyUseCases } from './discrepancyUseCases.js';
import {
  alreadyParsed,
  exportKindsFor,
  type ExportKindName,
  type ExportStores,
} from './exportKinds.js';
import { createFulfilmentUseCases } from './fulfilmentUseCases.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import { listQueriesFor } from './listQueries.js';
import { createPaymentUseCases } from './paymentUseCases.js';
import type { DeliveryReverifier } from './replayDelivery.js';
import { settlementChanges, settlementReport, type SettlementReport } from './settlementReport.js';
import { settlementProjectionName } from '../projections/index.js';

export type UseCaseDependencies = Readonly<{
  eventStore: EventStore;
  readModels: ReadModelQueries;
  deliveryLog: DeliveryLogReader;
  /** Handles a command and answers once the read models show it (read-your-writes). */
  handleAndShow: PaymentCommandHandler;
  /** Handles a command without waiting; for batches that wait once, with `awaitReadable`. */
  handlePaymentCommand: PaymentCommandHandler;
  awaitReadable: (position: bigint | null) => Promise<void>;
  now: () => Date;
  providers: readonly ProviderName[];
  hasStatusEndpoint: HasStatusEndpoint;
  reverify: DeliveryReverifier;
  confirmHint: (payment: PaymentId) => Promise<unknown>;
  /** The IANA time zone whose local days the settlement report counts. */
  reportTimezone: string;
}>;

/**
 * Every action and query a person has, by concern: the one way in that the API routes, the
 * console's pages and the command line share. Each action takes an explicit actor and checks
 * its role; each throws `RequestRejected` with the code the caller shows.
 */
export const createUseCases = (dependencies: UseCaseDependencies) => {
  const { eventStore, readModels, deliveryLog, handleAndShow, now, providers } = dependencies;
  const stores: ExportStores = { readModels, eventStore, deliveryLog };
  const exportKinds = exportKindsFor(providers);
  return {
    providers,
    now,
    /** The list queries' schemas, which the API and the console both parse with. */
    lists: listQueriesFor(providers),
    payments: createPaymentUseCases({
      eventStore,
      readModels,
      handlePaymentCommand: handleAndShow,
      now,
      providers,
      hasStatusEndpoint: dependencies.hasStatusEndpoint,
    }),
    fulfilments: createFulfilmentUseCases({
      readModels,
      handlePaymentCommand: dependencies.handlePaymentCommand,
      awaitReadable: dependencies.awaitReadable,
      now,
    }),
    discrepancies: createDiscrepancyUseCases({
      readModels,
      eventStore,
      handlePaymentCommand: handleAndShow,
      now,
    }),
    deliveries: createDeliveryUseCases({
      deliveryLog,
      eventStore,
      reverify: dependencies.reverify,
      handlePaymentCommand: handleAndShow,
      confirmHint: dependencies.confirmHint,
    }),
    reports: {
      timezone: dependencies.reportTimezone,
      /** The settlement report as of `asOf` (default: `taken`, the current facts). */
      settlement: (
        query: Readonly<{
          from: string;
          to: string;
          asOf?: Date | undefined;
          provider?: ProviderName | undefined;
          currency?: string | undefined;
        }>,
        taken: Date,
      ): Promise<SettlementReport> =>
        settlementReport(readModels, settlementProjectionName, {
          ...query,
          asOf: query.asOf ?? null,
          now: taken,
          timezone: dependencies.reportTimezone,
        }),
      changes: (query: Parameters<typeof settlementChanges>[2]) =>
        settlementChanges(readModels, settlementProjectionName, query),
    },
    exports: {
      kinds: exportKinds,
      /** The rows of an export whose filters were already parsed with its kind's schema. */
      rows: (name: ExportKindName, filters: unknown) =>
        exportKinds[name].source(filters, alreadyParsed, stores),
    },
  };
};

export type UseCases = ReturnType<typeof createUseCases>;
