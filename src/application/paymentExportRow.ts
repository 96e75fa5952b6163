/**
 * A payment's export row from the payments read model's columns: the row module of the payments
 * export (`TextEncoding.rowModule`), loaded on the thread that reads the rows and writes them as
 * text. It imports the domain's money alone, and nothing with state or I/O.
 */
import { decimalAmount } from '../domain/money.js';
import type { ColumnValue } from '../domain/ports/index.js';
import type { ExportRow } from './exports.js';

export const paymentColumns = [
  'provider',
  'ref',
  'status',
  'amountMinor',
  'amount',
  'currency',
  'orderId',
  'createdAt',
  'updatedAt',
  'openDiscrepancies',
] as const;

/**
 * The payments read model's columns a payment row is made of, in the order `exportRow` reads:
 * every exported column but `amount`, which is written from `amountMinor` and `currency`.
 */
export const paymentRowColumns = paymentColumns.filter((column) => column !== 'amount');

/**
 * A payment row from `[id, sortValue, ...paymentRowColumns]` as `listValues` reads it: the
 * columns alone, no document parsed.
 */
export const exportRow = (values: readonly ColumnValue[]): ExportRow => {
  const minor = typeof values[5] === 'number' ? values[5] : null;
  const currency = typeof values[6] === 'string' ? values[6] : null;
  return [
    values[2] ?? null,
    values[3] ?? null,
    values[4] ?? null,
    minor === null ? null : String(minor),
    minor === null || currency === null ? null : decimalAmount(minor, currency),
    currency,
    values[7] ?? null,
    values[8] ?? null,
    values[9] ?? null,
    values[10] ?? 0,
  ];
};
