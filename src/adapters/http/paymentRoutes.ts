import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoInstant, isoInstantRule } from '../common/isoInstant.js';
import { paymentAnswer, paymentPageAnswer, trailAnswer } from './answerSchemas.js';
import { actorOf } from './apiAuth.js';
import { documentPage } from './documentPage.js';
import { paymentFiltersHelp, paymentFiltersSchemaFor, paymentQueryOf } from './paymentFilters.js';
import {
  explainTrail,
  foldRecorded,
  paymentRegistrationSchema,
  registerPaymentCommand,
  type PaymentCommandHandler,
} from '../../application/index.js';
import {
  compareRegistration,
  paymentKey,
  paymentRefSchema,
  paymentStreamName,
  type PaymentId,
  type PaymentState,
  type ProviderName,
} from '../../domain/index.js';
import { RequestRejected } from '../../errors/index.js';
import type {
  Clock,
  EventStore,
  ReadModelQueries,
  RecordedEvent,
} from '../../domain/ports/index.js';
import { knownProvider, providerList } from './knownProvider.js';
import {
  paymentStateFromDocument,
  paymentView,
  paymentsProjectionName,
  publicDiscrepancyId,
  storedPayment,
  type HasStatusEndpoint,
} from '../../projections/index.js';

export type PaymentRoutesOptions = Readonly<{
  eventStore: EventStore;
  handlePaymentCommand: PaymentCommandHandler;
  clock: Clock;
  readModels: ReadModelQueries;
  /** The providers the service has modules for. */
  providers: readonly ProviderName[];
  /** Whether a provider has a status endpoint (when the poller next asks depends on it). */
  hasStatusEndpoint: HasStatusEndpoint;
  auth: (request: FastifyRequest) => Promise<void>;
}>;

const asOfSchema = z.strictObject({ asOf: isoInstant.optional() }).describe(`${isoInstantRule}.`);

const listSchemaFor = (providers: readonly ProviderName[]) =>
  paymentFiltersSchemaFor(providers).extend({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(600).optional(),
  });

const paymentIdSchemaFor = (providers: readonly ProviderName[]) =>
  z
    .object({ provider: knownProvider(providers), ref: paymentRefSchema })
    .describe(
      `The provider must be one of ${providerList(providers)}, and the ref 1 to 256 printable characters.`,
    );

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
 * `GET /payments/{provider}/{ref}` (current state from the `payments` read model, or as of an
 * instant, folded exactly from the stream) and `GET /payments/{provider}/{ref}/events` (the audit
 * trail: every event in order with its source and evidence).
 */
export const registerPaymentRoutes = (
  app: FastifyInstance,
  {
    eventStore,
    readModels,
    providers,
    hasStatusEndpoint,
    auth,
    handlePaymentCommand,
    clock,
  }: PaymentRoutesOptions,
): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const listSchema = listSchemaFor(providers).describe(
    `${paymentFiltersHelp(providers)} limit is 1 to 500.`,
  );
  const params = paymentIdSchemaFor(providers);
  const registeredProvider = knownProvider(providers);
  // POST /payments: register an expected payment; 201 new, 200 the identical one exists, 409 a
  // different one exists (docs/http.md).
  api.post(
    '/payments',
    {
      onRequest: auth,
      schema: {
        tags: ['payments'],
        summary: 'Register an expected payment (operate).',
        description:
          '201 when new, 200 when the identical expectation exists, 409 PAYMENT_CONFLICT when a different one does.',
        body: paymentRegistrationSchema.describe(
          'send {provider, ref, amount?, currency?, orderId?, expiresAt?} with amount an integer in minor units and currency its ISO 4217 code.',
        ),
        response: { 200: paymentAnswer, 201: paymentAnswer },
      },
    },
    async (request, reply) => {
      const registration = request.body;
      const { provider, ref } = registration;
      if (!registeredProvider.safeParse(provider).success) {
        throw new RequestRejected(
          'INVALID_BODY',
          `provider must be one of ${providerList(providers)}.`,
        );
      }
      const command = registerPaymentCommand(registration, clock.now(), 'api', actorOf(request));
      const handled = await handlePaymentCommand(command);
      const comparison = compareRegistration(handled.before, command);
      if (comparison === 'conflicting') {
        throw new RequestRejected(
          'PAYMENT_CONFLICT',
          `A different expectation is already registered for ${provider} payment "${ref}"; it is not changed.`,
        );
      }
      if (handled.after.status === 'unknown') throw new Error('a registered payment is known');
      return reply
        .code(comparison === 'new' ? 201 : 200)
        .send(paymentView(handled.after, handled.version, hasStatusEndpoint(provider)));
    },
  );

  api.get(
    '/payments/:provider/:ref',
    {
      onRequest: auth,
      schema: {
        tags: ['payments'],
        summary: 'A payment: its current state, or its state as of an instant.',
        params,
        querystring: asOfSchema,
        response: { 200: paymentAnswer },
      },
    },
    async (request) => {
      const id = request.params;
      const { asOf } = request.query;
      let state: PaymentState;
      let version: number;
      if (asOf === undefined) {
        const document = storedPayment(readModels.get(paymentsProjectionName, paymentKey(id)));
        state = paymentStateFromDocument(document);
        version = document === null ? -1 : document.version;
      } else {
        const instant = Date.parse(asOf);
        const recorded = await eventStore.readStream(paymentStreamName(id));
        const firstLater = recorded.findIndex((event) => Date.parse(event.recordedAt) > instant);
        const known = firstLater === -1 ? recorded : recorded.slice(0, firstLater);
        state = foldRecorded(known);
        version = Number(known.at(-1)?.revision ?? -1);
      }
      if (state.status === 'unknown') throw notFound(id, asOf);
      return paymentView(state, version, hasStatusEndpoint(id.provider));
    },
  );

  api.get(
    '/payments',
    {
      onRequest: auth,
      schema: {
        tags: ['payments'],
        summary: 'Search payments: filters, sort and keyset pages.',
        querystring: listSchema,
        response: { 200: paymentPageAnswer },
      },
    },
    (request) => {
      const { limit, cursor, ...filters } = request.query;
      return documentPage(
        readModels,
        paymentsProjectionName,
        { limit, cursor, ...paymentQueryOf(filters) },
        (row) => {
          const document = storedPayment(row.document);
          const state = paymentStateFromDocument(document);
          return state.status === 'unknown' || document === null
            ? []
            : [paymentView(state, document.version, hasStatusEndpoint(state.payment.provider))];
        },
      );
    },
  );

  api.get(
    '/payments/:provider/:ref/events',
    {
      onRequest: auth,
      schema: {
        tags: ['payments'],
        summary: "A payment's audit trail: every event with its source, evidence and effect.",
        params,
        response: { 200: trailAnswer },
      },
    },
    async (request) => {
      const id = request.params;
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
  );
};
