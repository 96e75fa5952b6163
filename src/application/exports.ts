import { decimalAmount, paymentFromKey, paymentStreamPrefix } from '../domain/index.js';
import type {
  ColumnFilter,
  EventStore,
  KeysetPosition,
  ListedDocument,
  ReadModelQueries,
} from '../domain/ports/index.js';

/** One exported row: flat, each cell text, a number or empty. */
export type ExportRow = Readonly<Record<string, string | number | null>>;

/** An export: its columns, in order, and its rows, produced as they are read. */
export type RowSource = Readonly<{
  columns: readonly string[];
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>;
}>;

/** Rows read per query: each page is one short index range, so memory stays flat. */
const pageSize = 1_000;

/**
 * Every row of a read-model query, page by page in keyset order: rows updated while the export
 * runs are read once, as they are when their page is read.
 */
export function* allRows(
  readModels: ReadModelQueries,
  projection: string,
  query: Readonly<{
    where: readonly ColumnFilter[];
    orderBy: string;
    descending?: boolean;
    withDocuments: boolean;
  }>,
): Generator<ListedDocument> {
  let after: KeysetPosition | undefined;
  for (;;) {
    const page = readModels.list(projection, {
      ...query,
      limit: pageSize,
      ...(after === undefined ? {} : { after }),
    });
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    after = { value: last.sortValue, id: last.id };
  }
}

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

/** A payment row, from the payments read model's columns alone (no document is parsed). */
export const paymentRow = ({ columns }: ListedDocument): ExportRow => {
  const minor = typeof columns['amountMinor'] === 'number' ? columns['amountMinor'] : null;
  const currency = typeof columns['currency'] === 'string' ? columns['currency'] : null;
  return {
    provider: columns['provider'] ?? null,
    ref: columns['ref'] ?? null,
    status: columns['status'] ?? null,
    amountMinor: minor === null ? null : String(minor),
    amount: minor === null || currency === null ? null : decimalAmount(minor, currency),
    currency,
    orderId: columns['orderId'] ?? null,
    createdAt: columns['createdAt'] ?? null,
    updatedAt: columns['updatedAt'] ?? null,
    openDiscrepancies: columns['openDiscrepancies'] ?? 0,
  };
};

export const eventColumns = [
  'position',
  'recordedAt',
  'provider',
  'ref',
  'revision',
  'type',
  'effect',
  'data',
] as const;

/**
 * The audit trail across payments: every payment event recorded in [from, to), in the log's
 * order, each with its data as JSON. The log is read from its start (neither store indexes events
 * by time); reading stops at the first event past `to`, as events are recorded in time order.
 */
export async function* eventRows(
  eventStore: EventStore,
  range: Readonly<{ from?: string | undefined; to?: string | undefined }>,
): AsyncGenerator<ExportRow> {
  const from = range.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.from);
  const to = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
  let after: bigint | undefined;
  for (;;) {
    const page = await eventStore.readAll({
      maxCount: pageSize,
      filter: { streamPrefixes: [paymentStreamPrefix] },
      ...(after === undefined ? {} : { after }),
    });
    for (const event of page) {
      const at = Date.parse(event.recordedAt);
      if (at >= to) return;
      if (at < from) continue;
      const payment = paymentFromKey(event.streamName.slice(paymentStreamPrefix.length));
      const judgement = event.data['judgement'];
      const effect =
        typeof judgement === 'object' && judgement !== null && !Array.isArray(judgement)
          ? (judgement as Readonly<Record<string, unknown>>)['effect']
          : undefined;
      yield {
        position: event.globalPosition.toString(),
        recordedAt: event.recordedAt,
        provider: payment?.provider ?? null,
        ref: payment?.ref ?? null,
        revision: Number(event.revision),
        type: event.type,
        effect: typeof effect === 'string' ? effect : null,
        data: JSON.stringify(event.data),
      };
    }
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    after = last.globalPosition;
  }
}
