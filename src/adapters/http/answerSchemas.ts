import { z } from 'zod';
import { fulfilmentStatuses, paymentStatuses, reportEffects } from '../../domain/index.js';
import { deliveryOutcomes } from '../../application/index.js';
import { discrepancyKinds, discrepancyStates } from '../../projections/index.js';

/**
 * The shapes of the API's JSON answers, for the OpenAPI document. They describe what the routes
 * send (the integration tests check real answers against the document); the fields named here
 * are the contract, and objects may grow fields.
 */

/** The answers' arrays, as the code builds them (read-only). */
const list = <Item extends z.ZodType>(item: Item) => z.array(item).readonly();

const instant = z.string().describe('An ISO-8601 instant, UTC.');
const nextCursor = z
  .string()
  .nullable()
  .describe('Pass as `cursor` for the next page; null on the last page.');

const matching = z
  .object({
    count: z.number().int().describe('How many match in all, counted up to 10,000.'),
    capped: z.boolean().describe('True when more than `count` match.'),
  })
  .describe('How many rows the filters match in all pages.');

const money = z.looseObject({ minor: z.number().int(), currency: z.string() });
const paymentId = z.object({ provider: z.string(), ref: z.string() });
const evidenceMark = z.looseObject({
  deliveryKey: z.string(),
  channel: z.string(),
  at: instant,
  method: z.string(),
});

export const paymentAnswer = z
  .looseObject({
    provider: z.string(),
    ref: z.string(),
    status: z.enum(paymentStatuses),
    expectedAmount: money.nullable(),
    reportedAmount: money.nullable(),
    currency: z.string().nullable(),
    amountMinor: z.string().nullable().describe('The amount in minor units, as an integer string.'),
    amount: z.string().nullable().describe("A decimal string with the currency's exponent."),
    orderId: z.string().nullable(),
    expiresAt: instant.nullable(),
    version: z.number().int().describe('The stream revision of its last event.'),
    createdAt: instant,
    updatedAt: instant,
    statusSource: z
      .looseObject({ channel: z.string(), deliveryKey: z.string(), at: instant })
      .nullable(),
    awaitingConfirmation: z.boolean(),
    firstEvidence: evidenceMark.nullable(),
    lastEvidence: evidenceMark.nullable(),
    checks: z.number().int(),
    nextCheckAt: instant.nullable(),
    discrepancies: list(z.looseObject({ id: z.string(), kind: z.string() })),
    fulfilments: list(
      z.looseObject({ key: z.string(), webhookId: z.string(), status: z.string() }),
    ),
  })
  .meta({ id: 'Payment' });

export const paymentPageAnswer = z.object({
  items: list(paymentAnswer),
  nextCursor,
  matching,
});

export const trailAnswer = z.object({
  events: list(
    z.object({
      type: z.string(),
      revision: z.number().int(),
      recordedAt: instant,
      source: z.string().describe('Where it came from: a channel, `api`, `cli`, the poller.'),
      effect: z
        .enum(reportEffects)
        .optional()
        .describe("What the decider made of a provider's report."),
      discrepancyId: z.string().optional(),
      discrepancy: z.string().optional().describe('The public id of the discrepancy it opened.'),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const deliveryPageAnswer = z.object({
  items: list(
    z.object({
      provider: z.string(),
      receivedAt: instant,
      outcome: z.enum(deliveryOutcomes),
      deliveryId: z.string().nullable(),
      code: z.string().nullable().describe('Why it was rejected.'),
      size: z.number().int(),
      sourceAddress: z.string(),
      payments: list(z.string()),
    }),
  ),
  nextCursor,
});

export const fulfilmentAnswer = z
  .looseObject({
    id: z.string().describe('The `webhook-id` every attempt carries.'),
    payment: paymentId,
    key: z.string(),
    from: z.enum(paymentStatuses),
    to: z.enum(paymentStatuses),
    amount: money.nullable(),
    orderId: z.string().nullable(),
    status: z.enum(fulfilmentStatuses),
    attempts: z.number().int(),
    nextAttemptAt: instant.nullable(),
    lastError: z.string().nullable(),
    requestedAt: instant,
    deliveredAt: instant.nullable(),
    updatedAt: instant,
  })
  .meta({ id: 'Fulfilment' });

export const fulfilmentPageAnswer = z.object({
  items: list(fulfilmentAnswer),
  nextCursor,
  matching,
});

export const discrepancyAnswer = z
  .looseObject({
    id: z.string(),
    discrepancyId: z.string(),
    kind: z.enum(discrepancyKinds),
    state: z.enum(discrepancyStates),
    payment: paymentId,
    openedAt: instant,
    ageSeconds: z.number().int().nullable().describe('Null once resolved.'),
    differences: list(
      z.object({
        field: z.string(),
        payrec: z.string().nullable(),
        provider: z.string().nullable(),
      }),
    ),
    evidence: z.object({ provider: z.string(), payrec: z.string().nullable() }),
    acknowledged: z.looseObject({ actor: z.string(), note: z.string(), at: instant }).nullable(),
    resolution: z
      .looseObject({
        resolution: z.string(),
        at: instant,
        actor: z.string().nullable(),
        note: z.string().nullable(),
      })
      .nullable(),
    history: list(z.looseObject({})),
    previouslyResolved: z
      .object({
        id: z.string(),
        resolution: z.string(),
        actor: z.string(),
        at: instant,
        provider: z.string().describe("The provider's figure when it was resolved."),
      })
      .optional()
      .describe(
        'A discrepancy of the same kind a person resolved before on this payment; `differences` says what changed since.',
      ),
    status: z.enum(['open', 'resolved']),
  })
  .meta({ id: 'Discrepancy' });

export const discrepancyPageAnswer = z.object({
  items: list(discrepancyAnswer),
  nextCursor,
  matching,
});

export const settlementAnswer = z.object({
  timezone: z.string(),
  asOf: instant,
  from: z.string(),
  to: z.string(),
  rows: list(
    z.object({
      day: z.string(),
      provider: z.string(),
      currency: z.string().nullable().describe('Null for payments of no known amount.'),
      status: z.enum(paymentStatuses),
      count: z.number().int(),
      amountMinor: z.string(),
      amount: z.string().nullable(),
    }),
  ),
});

export const settlementChangesAnswer = z.object({
  changes: list(
    z.object({
      provider: z.string(),
      ref: z.string(),
      from: z.string().describe('The status before.'),
      to: z.string().describe('The status after.'),
      at: instant,
      recordedAt: instant,
      eventType: z.string(),
    }),
  ),
  nextCursor,
});

/** A download: CSV or NDJSON, streamed. */
export const downloadAnswer = {
  description: 'Every matching row, streamed as a download (`Content-Disposition: attachment`).',
  content: {
    'text/csv': { schema: z.string().describe('A header row, then one row per item.') },
    'application/x-ndjson': { schema: z.string().describe('One JSON object per line.') },
  },
};
