import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  discrepancyAnswer as discrepancyAnswerSchema,
  discrepancyPageAnswer,
} from './answerSchemas.js';
import { documentPage, equalTo } from './documentPage.js';
import { operatorResolutions, type ProviderName } from '../../domain/index.js';
import type {
  Clock,
  ColumnFilter,
  EventStore,
  ReadModelQueries,
} from '../../domain/ports/index.js';
import {
  workDiscrepancy,
  type DiscrepancyAction,
  type PaymentCommandHandler,
} from '../../application/index.js';
import { RequestRejected } from '../../errors/index.js';
import {
  discrepanciesProjection,
  discrepancyKinds,
  discrepancyStates,
  storedDiscrepancy,
  type DiscrepancyView,
} from '../../projections/index.js';
import { actorOf } from './apiAuth.js';
import { knownProvider, providerList } from './knownProvider.js';

const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** The filters of `GET /discrepancies` and `GET /exports/discrepancies`. */
export const discrepancyFiltersSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    state: z.enum(discrepancyStates).optional(),
    /** The older two-state filter: `open` is open or acknowledged. */
    status: z.enum(['open', 'resolved']).optional(),
    kind: z.enum(discrepancyKinds).optional(),
    provider: knownProvider(providers).optional(),
    /** Opened before this instant. */
    olderThan: instant.optional(),
  });

export type DiscrepancyFilters = z.output<ReturnType<typeof discrepancyFiltersSchemaFor>>;

export const discrepancyFiltersHelp = (providers: readonly ProviderName[]): string =>
  `state is open, acknowledged or resolved; kind one of ${discrepancyKinds.join(', ')}; provider one of ${providerList(providers)}; olderThan an ISO-8601 instant with a time zone.`;

/** The read-model conditions of the filters (neither `state` nor `status`: every state). */
export const discrepancyConditions = (filters: DiscrepancyFilters): ColumnFilter[] => [
  ...equalTo({ status: filters.state, kind: filters.kind, provider: filters.provider }),
  ...(filters.status === undefined
    ? []
    : filters.status === 'resolved'
      ? [{ column: 'status', op: '=' as const, value: 'resolved' }]
      : [{ column: 'status', op: 'in' as const, values: ['open', 'acknowledged'] }]),
  ...(filters.olderThan === undefined
    ? []
    : [{ column: 'openedAt', op: '<' as const, value: filters.olderThan }]),
];

/** A discrepancy as the API answers it: with its age while it is not resolved. */
export const discrepancyAnswer = (view: DiscrepancyView, now: Date) => ({
  ...view,
  ageSeconds:
    view.state === 'resolved'
      ? null
      : Math.max(0, Math.floor((now.getTime() - Date.parse(view.openedAt)) / 1000)),
});

const acknowledgeSchema = z
  .strictObject({ note: z.string().trim().min(1).max(2000) })
  .describe('send {"note": "…"}.');
const resolveSchema = z
  .strictObject({
    resolution: z.enum(operatorResolutions),
    note: z.string().trim().min(1).max(2000),
  })
  .describe(
    `send {"resolution", "note"}: resolution one of ${operatorResolutions.join(', ')}, and a note saying why.`,
  );
const idParams = z
  .object({ id: z.string().min(1).max(2000) })
  .describe('Name a discrepancy by its id.');

/**
 * Finance's discrepancies (docs/http.md): `GET /discrepancies` (by state, kind, provider and
 * age; unresolved ones when no state is asked), `GET /discrepancies/{id}`, and a person's
 * `POST /discrepancies/{id}/acknowledge` `{note}` and `/resolve` `{resolution, note}`, whose
 * events name the actor. Resolving a resolved one is a `409`; a new contradicting report
 * reopens it.
 */
export const registerDiscrepancyRoutes = (
  app: FastifyInstance,
  {
    readModels,
    eventStore,
    handlePaymentCommand,
    clock,
    providers,
    auth,
  }: Readonly<{
    readModels: ReadModelQueries;
    eventStore: EventStore;
    handlePaymentCommand: PaymentCommandHandler;
    clock: Clock;
    providers: readonly ProviderName[];
    auth: (request: FastifyRequest) => Promise<void>;
  }>,
): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const listSchema = discrepancyFiltersSchemaFor(providers)
    .extend({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(2000).optional(),
    })
    .describe(`${discrepancyFiltersHelp(providers)} limit is 1 to 500.`);
  api.get(
    '/discrepancies',
    {
      onRequest: auth,
      schema: {
        tags: ['discrepancies'],
        summary: 'Discrepancies by state, kind, provider and age (unresolved ones by default).',
        querystring: listSchema,
        response: { 200: discrepancyPageAnswer },
      },
    },
    (request) => {
      const { limit, cursor, ...filters } = request.query;
      const unresolved =
        filters.state === undefined && filters.status === undefined
          ? { ...filters, status: 'open' as const }
          : filters;
      const now = clock.now();
      return documentPage(
        readModels,
        discrepanciesProjection.name,
        { limit, cursor, where: discrepancyConditions(unresolved) },
        (row) => {
          const view = storedDiscrepancy(row.document);
          return view === null ? [] : [discrepancyAnswer(view, now)];
        },
      );
    },
  );

  const notFound = (id: string) =>
    new RequestRejected('DISCREPANCY_NOT_FOUND', `payrec knows no discrepancy ${id}.`);

  api.get(
    '/discrepancies/:id',
    {
      onRequest: auth,
      schema: {
        tags: ['discrepancies'],
        summary: 'One discrepancy, with both sides of the evidence and its history.',
        params: idParams,
        response: { 200: discrepancyAnswerSchema },
      },
    },
    (request) => {
      const { id } = request.params;
      const view = storedDiscrepancy(readModels.get(discrepanciesProjection.name, id));
      if (view === null) throw notFound(id);
      return discrepancyAnswer(view, clock.now());
    },
  );

  /** A person's action on a discrepancy, answered with the discrepancy as it now stands. */
  const act = async (id: string, action: DiscrepancyAction) => {
    const now = clock.now();
    const worked = await workDiscrepancy({ handlePaymentCommand, eventStore }, id, action, now);
    if (worked.outcome === 'unknown') throw notFound(id);
    if (worked.outcome === 'already-resolved') {
      throw new RequestRejected(
        'DISCREPANCY_RESOLVED',
        `Discrepancy ${id} is already resolved (${worked.view.resolution?.resolution ?? 'resolved'}); it reopens by itself if new evidence contradicts payrec again.`,
      );
    }
    return discrepancyAnswer(worked.view, now);
  };

  api.post(
    '/discrepancies/:id/acknowledge',
    {
      onRequest: auth,
      schema: {
        tags: ['discrepancies'],
        summary: 'Acknowledge a discrepancy with a note (operate); its event names the actor.',
        params: idParams,
        body: acknowledgeSchema,
        response: { 200: discrepancyAnswerSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { note } = request.body;
      return act(id, { type: 'acknowledge', actor: actorOf(request), note });
    },
  );

  api.post(
    '/discrepancies/:id/resolve',
    {
      onRequest: auth,
      schema: {
        tags: ['discrepancies'],
        summary: 'Resolve a discrepancy (operate); 409 DISCREPANCY_RESOLVED when it already is.',
        params: idParams,
        body: resolveSchema,
        response: { 200: discrepancyAnswerSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { resolution, note } = request.body;
      return act(id, { type: 'resolve', actor: actorOf(request), note, resolution });
    },
  );
};
