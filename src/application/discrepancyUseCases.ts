import { z } from 'zod';
import { operatorResolutions, type OperatorResolution } from '../domain/index.js';
import type { EventStore, ReadModelQueries } from '../domain/ports/index.js';
import { RequestRejected } from '../errors/index.js';
import { discrepanciesProjection, storedDiscrepancy } from '../projections/index.js';
import { requireOperate, type Actor } from './actor.js';
import {
  discrepancyConditions,
  discrepancyWithAge,
  type DiscrepancyFilters,
} from './discrepancyFilters.js';
import { documentPage } from './documentPage.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import { workDiscrepancy, type DiscrepancyAction } from './workDiscrepancy.js';

/** What a person sends to acknowledge a discrepancy. */
export const acknowledgementSchema = z
  .strictObject({ note: z.string().trim().min(1).max(2000) })
  .describe('send {"note": "…"}.');

/** What a person sends to resolve one. */
export const resolutionSchema = z
  .strictObject({
    resolution: z.enum(operatorResolutions),
    note: z.string().trim().min(1).max(2000),
  })
  .describe(
    `send {"resolution", "note"}: resolution one of ${operatorResolutions.join(', ')}, and a note saying why.`,
  );

export type DiscrepancyUseCases = ReturnType<typeof createDiscrepancyUseCases>;

const notFound = (id: string) =>
  new RequestRejected('DISCREPANCY_NOT_FOUND', `payrec knows no discrepancy ${id}.`);

/**
 * Finance's discrepancies: list them (unresolved ones unless a state is asked), show one, and a
 * person's acknowledgement or resolution, whose event names the actor. Resolving a resolved one
 * is `DISCREPANCY_RESOLVED`; a new contradicting report reopens it by itself.
 */
export const createDiscrepancyUseCases = ({
  readModels,
  eventStore,
  handlePaymentCommand,
  now,
}: Readonly<{
  readModels: ReadModelQueries;
  eventStore: EventStore;
  handlePaymentCommand: PaymentCommandHandler;
  now: () => Date;
}>) => {
  /** A person's action, answered with the discrepancy as it now stands. */
  const act = async (actor: Actor, id: string, action: DiscrepancyAction) => {
    requireOperate(
      actor,
      `${action.type === 'resolve' ? 'resolving' : 'acknowledging'} a discrepancy`,
    );
    const at = now();
    const worked = await workDiscrepancy({ handlePaymentCommand, eventStore }, id, action, at);
    if (worked.outcome === 'unknown') throw notFound(id);
    if (worked.outcome === 'already-resolved') {
      throw new RequestRejected(
        'DISCREPANCY_RESOLVED',
        `Discrepancy ${id} is already resolved (${worked.view.resolution?.resolution ?? 'resolved'}); it reopens by itself if new evidence contradicts payrec again.`,
      );
    }
    return discrepancyWithAge(worked.view, at);
  };
  return {
    list: (
      query: DiscrepancyFilters & Readonly<{ limit: number; cursor?: string | undefined }>,
    ) => {
      const { limit, cursor, ...filters } = query;
      const unresolved =
        filters.state === undefined && filters.status === undefined
          ? { ...filters, status: 'open' as const }
          : filters;
      const at = now();
      return documentPage(
        readModels,
        discrepanciesProjection.name,
        { limit, cursor, where: discrepancyConditions(unresolved) },
        (row) => {
          const view = storedDiscrepancy(row.document);
          return view === null ? [] : [discrepancyWithAge(view, at)];
        },
      );
    },

    show: (id: string) => {
      const view = storedDiscrepancy(readModels.get(discrepanciesProjection.name, id));
      if (view === null) throw notFound(id);
      return discrepancyWithAge(view, now());
    },

    acknowledge: (actor: Actor, id: string, { note }: z.output<typeof acknowledgementSchema>) =>
      act(actor, id, { type: 'acknowledge', actor: actor.name, note }),

    resolve: (
      actor: Actor,
      id: string,
      { resolution, note }: Readonly<{ resolution: OperatorResolution; note: string }>,
    ) => act(actor, id, { type: 'resolve', actor: actor.name, note, resolution }),
  };
};
