import { z } from 'zod';
import {
  fulfilmentMessageId,
  paymentKey,
  type PaymentId,
  type ProviderName,
} from '../domain/index.js';
import type { ReadModelQueries } from '../domain/ports/index.js';
import { RequestRejected } from '../errors/index.js';
import {
  fulfilmentsProjection,
  paymentStateFromDocument,
  paymentsProjectionName,
  storedFulfilment,
  type FulfilmentView,
} from '../projections/index.js';
import { requireOperate, type Actor } from './actor.js';
import { documentPage, equalTo } from './documentPage.js';
import { allRows } from './exports.js';
import type { PaymentCommandHandler } from './handlePaymentCommand.js';
import { utcInstant } from './isoInstant.js';
import { knownProvider, providerList } from './knownProvider.js';

/** The largest bulk re-drive one call makes; the answer says when more remain. */
export const maxBulkRedrive = 10_000;

/** What a bulk re-drive takes: which exhausted fulfilments, why, and whether to act. */
export const bulkRedriveSchemaFor = (providers: readonly ProviderName[]) =>
  z
    .strictObject({
      provider: knownProvider(providers).optional(),
      /** Only fulfilments exhausted before this instant. */
      exhaustedBefore: utcInstant.optional(),
      reason: z.string().trim().min(1).max(500),
      /** Without it, nothing is re-driven: the answer is the preview count. */
      confirm: z.literal(true).optional(),
    })
    .describe(
      `send {"reason", "provider"?, "exhaustedBefore"?, "confirm"?}: a reason (required), provider one of ${providerList(providers)}, exhaustedBefore an ISO-8601 instant; without "confirm": true the answer is only the count that would be re-driven.`,
    );

export type BulkRedrive = z.output<ReturnType<typeof bulkRedriveSchemaFor>>;

export type BulkRedriveAnswer = Readonly<{
  preview: boolean;
  matching: number;
  redriven: number;
  more?: boolean;
}>;

/** A fulfilment's name: its payment and its `webhook-id`. */
export const webhookIdSchema = z
  .string()
  .regex(/^msg_[A-Za-z0-9_-]{22}$/, 'must be msg_ and 22 base64url characters');

export type FulfilmentUseCases = ReturnType<typeof createFulfilmentUseCases>;

/**
 * Fulfilments: list them, re-drive one exhausted fulfilment, or every exhausted one that
 * matches (a preview count first). Each re-drive's `FulfilmentRedriven` names the actor.
 */
/* eslint-disable max-lines-per-function -- a factory of use cases: one closure each, over the same ports */
export const createFulfilmentUseCases = ({
  readModels,
  handlePaymentCommand,
  awaitReadable,
  now,
}: Readonly<{
  readModels: ReadModelQueries;
  handlePaymentCommand: PaymentCommandHandler;
  /** Resolves once the read models hold a position: a re-drive answers once it is listed. */
  awaitReadable: (position: bigint | null) => Promise<void>;
  now: () => Date;
}>) => ({
  list: (
    query: Readonly<{
      status?: FulfilmentView['status'] | undefined;
      provider?: ProviderName | undefined;
      limit: number;
      cursor?: string | undefined;
    }>,
  ) =>
    documentPage(
      readModels,
      fulfilmentsProjection.name,
      {
        limit: query.limit,
        cursor: query.cursor,
        where: equalTo({ status: query.status, provider: query.provider }),
      },
      (row) => {
        const fulfilment = storedFulfilment(row.document, row.id);
        return fulfilment === null ? [] : [fulfilment];
      },
    ),

  /**
   * Re-drives one exhausted fulfilment with a fresh retry budget; `NOT_FOUND` when the payment
   * has no such fulfilment, `NOT_EXHAUSTED` when it is delivered or already being retried.
   */
  redrive: async (actor: Actor, payment: PaymentId, webhookId: string): Promise<void> => {
    requireOperate(actor, 're-driving a fulfilment');
    const state = paymentStateFromDocument(
      readModels.get(paymentsProjectionName, paymentKey(payment)),
      payment,
    );
    const fulfilment =
      state.status === 'unknown'
        ? undefined
        : state.fulfilments.find(
            (candidate) => fulfilmentMessageId(payment, candidate.key) === webhookId,
          );
    if (fulfilment === undefined) {
      throw new RequestRejected(
        'NOT_FOUND',
        `No fulfilment ${webhookId} for ${payment.provider} payment "${payment.ref}".`,
      );
    }
    const { appended, position } = await handlePaymentCommand({
      type: 'RedriveFulfilment',
      data: {
        payment,
        key: fulfilment.key,
        at: now().toISOString(),
        source: 'api',
        actor: actor.name,
      },
    });
    await awaitReadable(position);
    if (appended.length === 0) {
      throw new RequestRejected(
        'NOT_EXHAUSTED',
        `Fulfilment ${webhookId} is not exhausted (it is delivered or already being retried); nothing to re-drive.`,
      );
    }
  },

  /**
   * Every exhausted fulfilment that matches: without `confirm`, only how many; with it, each
   * re-driven (at most {@link maxBulkRedrive} a call), answered once all are listed.
   */
  redriveExhausted: async (actor: Actor, request: BulkRedrive): Promise<BulkRedriveAnswer> => {
    const { provider, exhaustedBefore, reason, confirm } = request;
    requireOperate(actor, 're-driving fulfilments');
    const where = [
      { column: 'status', op: '=' as const, value: 'exhausted' },
      ...equalTo({ provider }),
      ...(exhaustedBefore === undefined
        ? []
        : [{ column: 'updatedAt', op: '<' as const, value: exhaustedBefore }]),
    ];
    const matching =
      readModels.aggregate(fulfilmentsProjection.name, { groupBy: [], where })[0]?.count ?? 0;
    if (confirm !== true) return { preview: true, matching, redriven: 0 };
    let redriven = 0;
    let last: bigint | null = null;
    for (const row of allRows(readModels, fulfilmentsProjection.name, {
      where,
      orderBy: 'updatedAt',
      withDocuments: true,
    })) {
      if (redriven >= maxBulkRedrive) break;
      const fulfilment = storedFulfilment(row.document, row.id);
      if (fulfilment === null) continue;
      const { appended, position } = await handlePaymentCommand({
        type: 'RedriveFulfilment',
        data: {
          payment: fulfilment.payment,
          key: fulfilment.key,
          at: now().toISOString(),
          source: 'api',
          actor: actor.name,
          reason,
        },
      });
      if (appended.length > 0) redriven += 1;
      if (position !== null && (last === null || position > last)) last = position;
    }
    // Once for the whole batch: every re-drive is listed when the answer comes.
    await awaitReadable(last);
    return {
      preview: false,
      matching,
      redriven,
      more: matching > redriven && redriven >= maxBulkRedrive,
    };
  },
});
/* eslint-enable max-lines-per-function */
