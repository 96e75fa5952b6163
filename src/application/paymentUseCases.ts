import {
  compareRegistration,
  foldRecorded,
  paymentFromKey,
  paymentKey,
  paymentStreamName,
  type PaymentId,
  type PaymentState,
  type ProviderName,
  type ReportJudgement,
} from '../domain/index.js';
import type { EventStore, ReadModelQueries, RecordedEvent } from '../domain/ports/index.js';
import { RequestRejected } from '../errors/index.js';
import {
  paymentStateOf,
  paymentsProjectionName,
  publicDiscrepancyId,
  storedPayment,
  type HasStatusEndpoint,
} from '../projections/index.js';
import { requireOperate, type Actor } from './actor.js';
import { documentPage } from './documentPage.js';
import { explainTrail } from './explainTrail.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import { knownProvider, providerList } from './knownProvider.js';
import { paymentQueryOf, type PaymentFilters } from './paymentFilters.js';
import { registerPaymentCommand, type PaymentRegistration } from './paymentRegistration.js';
import { paymentView, type PaymentView } from './paymentView.js';

/** One event of a payment's audit trail as finance reads it. */
export type TrailEntry = Readonly<{
  type: string;
  revision: number;
  recordedAt: string;
  source: string;
  effect?: ReportJudgement['effect'];
  discrepancyId?: string;
  discrepancy?: string;
  data: RecordedEvent['data'];
}>;

export type PaymentUseCases = ReturnType<typeof createPaymentUseCases>;

const notFound = (id: PaymentId, asOf?: string) =>
  new RequestRejected(
    'PAYMENT_NOT_FOUND',
    `payrec knows no ${id.provider} payment "${id.ref}"${asOf ? ` as of ${asOf}` : ''}.`,
  );

/** Where an event came from, for the audit trail. */
const sourceOf = (event: RecordedEvent): string => {
  const evidence = (event.data['evidence'] ?? null) as { channel?: string } | null;
  if (evidence?.channel) return evidence.channel;
  const source = event.data['source'];
  if (typeof source === 'string') return source;
  const channel = event.data['channel'];
  return typeof channel === 'string' ? channel : 'payrec';
};

/**
 * Payments: register an expected one, show one (now, from the read model; or as of an instant,
 * folded exactly from its stream), search them, and explain a payment's trail. What the API, the
 * console and the command line all call; each throws `RequestRejected`.
 */
/* eslint-disable max-lines-per-function -- a factory of use cases: one closure each, over the same ports */
export const createPaymentUseCases = ({
  eventStore,
  readModels,
  handlePaymentCommand,
  now,
  providers,
  hasStatusEndpoint,
}: Readonly<{
  eventStore: EventStore;
  readModels: ReadModelQueries;
  handlePaymentCommand: PaymentCommandHandler;
  now: () => Date;
  providers: readonly ProviderName[];
  hasStatusEndpoint: HasStatusEndpoint;
}>) => {
  const registeredProvider = knownProvider(providers);
  const viewOf = (state: PaymentState, version: number, id: PaymentId, asOf?: string) => {
    if (state.status === 'unknown') throw notFound(id, asOf);
    return paymentView(state, version, hasStatusEndpoint(state.payment.provider));
  };
  return {
    /**
     * Registers an expected payment: `created` when new, not when the identical one exists;
     * `PAYMENT_CONFLICT` when a different one does (nothing changes).
     */
    register: async (
      actor: Actor,
      registration: PaymentRegistration,
    ): Promise<Readonly<{ created: boolean; payment: PaymentView }>> => {
      requireOperate(actor, 'registering a payment');
      const { provider, ref } = registration;
      if (!registeredProvider.safeParse(provider).success) {
        throw new RequestRejected(
          'INVALID_BODY',
          `provider must be one of ${providerList(providers)}.`,
        );
      }
      const command = registerPaymentCommand(registration, now(), 'api', actor.name);
      const handled = await handlePaymentCommand(command);
      const comparison = compareRegistration(handled.before, command);
      if (comparison === 'conflicting') {
        throw new RequestRejected(
          'PAYMENT_CONFLICT',
          `A different expectation is already registered for ${provider} payment "${ref}"; it is not changed.`,
        );
      }
      return {
        created: comparison === 'new',
        payment: viewOf(handled.after, handled.version, registration),
      };
    },

    /** A payment now (the read model), or as of an instant (folded from its stream). */
    show: async (id: PaymentId, asOf?: string): Promise<PaymentView> => {
      if (asOf === undefined) {
        const document = storedPayment(readModels.get(paymentsProjectionName, paymentKey(id)), id);
        return viewOf(paymentStateOf(document), document === null ? -1 : document.version, id);
      }
      const instant = Date.parse(asOf);
      const recorded = await eventStore.readStream(paymentStreamName(id));
      const firstLater = recorded.findIndex((event) => Date.parse(event.recordedAt) > instant);
      const known = firstLater === -1 ? recorded : recorded.slice(0, firstLater);
      return viewOf(foldRecorded(known), Number(known.at(-1)?.revision ?? -1), id, asOf);
    },

    /** A page of payments that match, in the sort asked, with the cursor of the next. */
    search: (
      query: Omit<PaymentFilters, 'limit' | 'cursor'> &
        Readonly<{ limit: number; cursor?: string | undefined }>,
    ) => {
      const { limit, cursor, ...filters } = query;
      return documentPage(
        readModels,
        paymentsProjectionName,
        { limit, cursor, ...paymentQueryOf(filters) },
        (row): PaymentView[] => {
          const payment = paymentFromKey(row.id);
          const document = payment === null ? null : storedPayment(row.document, payment);
          const state = paymentStateOf(document);
          return state.status === 'unknown' || document === null
            ? []
            : [paymentView(state, document.version, hasStatusEndpoint(state.payment.provider))];
        },
      );
    },

    /** Every event of a payment's stream in order, with its source, evidence and effect. */
    trail: async (id: PaymentId): Promise<Readonly<{ events: TrailEntry[] }>> => {
      const recorded = await eventStore.readStream(paymentStreamName(id));
      if (recorded.length === 0) throw notFound(id);
      return {
        events: explainTrail(recorded).events.map(({ recorded: event, judgement }) => ({
          type: event.type,
          revision: Number(event.revision),
          recordedAt: event.recordedAt,
          source: sourceOf(event),
          ...(judgement === null
            ? {}
            : {
                effect: judgement.effect,
                ...(judgement.discrepancyId === undefined
                  ? {}
                  : {
                      discrepancyId: judgement.discrepancyId,
                      discrepancy: publicDiscrepancyId(id, judgement.discrepancyId),
                    }),
              }),
          data: event.data,
        })),
      };
    },
  };
};
/* eslint-enable max-lines-per-function */
