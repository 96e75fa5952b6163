import { z } from 'zod';
import { currencySchema, paymentStatuses, type ProviderName } from '../domain/index.js';
import type { ColumnFilter } from '../domain/ports/index.js';
import { equalTo } from './documentPage.js';
import { utcInstant } from './isoInstant.js';
import { knownProvider, providerList } from './knownProvider.js';

const minorUnits = z.coerce.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

/**
 * The filters of `GET /payments` and `GET /exports/payments` (docs/http.md): each one is an index
 * range of the payments read model, or a short walk of the sort index. Ranges are inclusive at
 * `…From`/`amountMin` and exclusive at `…To`, inclusive at `amountMax`.
 */
export const paymentFiltersSchemaFor = (providers: readonly ProviderName[]) =>
  z.strictObject({
    status: z.enum(paymentStatuses).optional(),
    provider: knownProvider(providers).optional(),
    orderId: z.string().min(1).max(256).optional(),
    currency: currencySchema.optional(),
    createdFrom: utcInstant.optional(),
    createdTo: utcInstant.optional(),
    updatedFrom: utcInstant.optional(),
    updatedTo: utcInstant.optional(),
    /** The older name of `updatedFrom`. */
    updatedSince: utcInstant.optional(),
    amountMin: minorUnits.optional(),
    amountMax: minorUnits.optional(),
    hasOpenDiscrepancy: z.enum(['true', 'false']).optional(),
    sort: z.enum(['created', 'updated']).default('updated'),
    order: z.enum(['asc', 'desc']).default('asc'),
  });

export type PaymentFilters = z.output<ReturnType<typeof paymentFiltersSchemaFor>>;

export const paymentFiltersHelp = (providers: readonly ProviderName[]): string =>
  `status is one of the six statuses; provider one of ${providerList(providers)}; currency a three-letter ISO 4217 code; createdFrom, createdTo, updatedFrom, updatedTo ISO-8601 instants with a time zone (e.g. 2026-11-24T10:00:00Z); amountMin and amountMax integers in minor units; hasOpenDiscrepancy true or false; sort created or updated; order asc or desc.`;

const range = (
  column: string,
  from?: string | number,
  to?: string | number,
  toOp: '<' | '<=' = '<',
) => [
  ...(from === undefined ? [] : [{ column, op: '>=' as const, value: from }]),
  ...(to === undefined ? [] : [{ column, op: toOp, value: to }]),
];

/** The read-model query of the filters: its conditions, its sort column and direction. */
export const paymentQueryOf = (
  filters: Omit<PaymentFilters, 'limit' | 'cursor'>,
): Readonly<{ where: ColumnFilter[]; orderBy: string; descending: boolean }> => ({
  where: [
    ...equalTo({
      status: filters.status,
      provider: filters.provider,
      orderId: filters.orderId,
      currency: filters.currency,
    }),
    ...range('createdAt', filters.createdFrom, filters.createdTo),
    ...range('updatedAt', filters.updatedFrom ?? filters.updatedSince, filters.updatedTo),
    ...range('amountMinor', filters.amountMin, filters.amountMax, '<='),
    ...(filters.hasOpenDiscrepancy === undefined
      ? []
      : [
          {
            column: 'openDiscrepancies',
            op: filters.hasOpenDiscrepancy === 'true' ? ('not-null' as const) : ('null' as const),
          },
        ]),
  ],
  orderBy: filters.sort === 'created' ? 'createdAt' : 'updatedAt',
  descending: filters.order === 'desc',
});
