import { paymentFromKey, paymentStreamPrefix } from '../domain/index.js';
import { exportRow, paymentColumns, paymentRowColumns } from './paymentExportRow.js';
import {
  discrepanciesProjection,
  discrepancyColumns,
  discrepancyRow,
  storedDiscrepancy,
} from '../projections/index.js';
import type {
  ColumnFilter,
  EventStore,
  KeysetPosition,
  ListedDocument,
  ReadModelQueries,
  TabularFormat,
  TextPage,
} from '../domain/ports/index.js';

export { paymentColumns };

/** One cell of an export: text, a number, or empty. */
export type Cell = string | number | null;

/** One exported row: its cells in the order of its export's columns. */
export type ExportRow = readonly Cell[];

/** A row given as an object, as the columns name its cells. */
export const rowOf = (
  columns: readonly string[],
  values: Readonly<Record<string, Cell | undefined>>,
): ExportRow => columns.map((column) => values[column] ?? null);

/** A page of rows: exports are read, turned into text and written a page at a time. */
export type RowPage = readonly ExportRow[];

/**
 * An export: its columns, in order, and its rows a page at a time, produced as they are read —
 * as rows, written as text by the caller, or as text written where they are read
 * (`textPages`, in the format asked).
 */
export type RowSource =
  | Readonly<{
      columns: readonly string[];
      pages: AsyncIterable<RowPage> | Iterable<RowPage>;
    }>
  | Readonly<{
      columns: readonly string[];
      textPages: (format: TabularFormat) => AsyncIterable<TextPage>;
    }>;

/** Rows read per query: each page is one short index range, so memory stays flat. */
const pageSize = 1_000;

/**
 * Pages of a keyset-ordered query until a short page: `fetch` reads the page after a position,
 * `positionOf` says where a row stands.
 */
function* keysetPages<Row>(
  fetch: (after: KeysetPosition | undefined) => Row[],
  positionOf: (row: Row) => KeysetPosition,
): Generator<Row[]> {
  let after: KeysetPosition | undefined;
  for (;;) {
    const page = fetch(after);
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    after = positionOf(last);
  }
}

/**
 * Every row of a read-model query, a page at a time in keyset order: rows updated while the
 * export runs are read once, as they are when their page is read.
 */
export const allPages = (
  readModels: ReadModelQueries,
  projection: string,
  query: Readonly<{
    where: readonly ColumnFilter[];
    orderBy: string;
    descending?: boolean;
    withDocuments: boolean;
  }>,
): Generator<ListedDocument[]> =>
  keysetPages(
    (after) =>
      readModels.list(projection, {
        ...query,
        limit: pageSize,
        ...(after === undefined ? {} : { after }),
      }),
    (row) => ({ value: row.sortValue, id: row.id }),
  );

/** Every row of a read-model query, one at a time (for a reader that stops early). */
export function* allRows(
  readModels: ReadModelQueries,
  projection: string,
  query: Parameters<typeof allPages>[2],
): Generator<ListedDocument> {
  for (const page of allPages(readModels, projection, query)) yield* page;
}

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
): AsyncGenerator<RowPage> {
  const from = range.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(range.from);
  const to = range.to === undefined ? Number.POSITIVE_INFINITY : Date.parse(range.to);
  let after: bigint | undefined;
  for (;;) {
    const page = await eventStore.readAll({
      maxCount: pageSize,
      filter: { streamPrefixes: [paymentStreamPrefix] },
      ...(after === undefined ? {} : { after }),
    });
    const rows: ExportRow[] = [];
    let past = false;
    for (const event of page) {
      const at = Date.parse(event.recordedAt);
      if (at >= to) {
        past = true;
        break;
      }
      if (at < from) continue;
      const payment = paymentFromKey(event.streamName.slice(paymentStreamPrefix.length));
      const judgement = event.data['judgement'];
      const effect =
        typeof judgement === 'object' && judgement !== null && !Array.isArray(judgement)
          ? (judgement as Readonly<Record<string, unknown>>)['effect']
          : undefined;
      rows.push([
        event.globalPosition.toString(),
        event.recordedAt,
        payment?.provider ?? null,
        payment?.ref ?? null,
        Number(event.revision),
        event.type,
        typeof effect === 'string' ? effect : null,
        JSON.stringify(event.data),
      ]);
    }
    if (rows.length > 0) yield rows;
    const last = page.at(-1);
    if (past || page.length < pageSize || last === undefined) return;
    after = last.globalPosition;
  }
}

/** Where a payment's row is made from its columns, on the thread that reads them. */
const paymentRowModule = new URL('./paymentExportRow', import.meta.url);

/**
 * Every payment a read-model query matches, as export rows from its columns alone, written as
 * text where they are read (a million rows never pass through the caller's event loop).
 */
export const paymentExport = (
  readModels: ReadModelQueries,
  projection: string,
  query: Readonly<{ where: readonly ColumnFilter[]; orderBy: string; descending?: boolean }>,
): RowSource => ({
  columns: paymentColumns,
  textPages: (format) =>
    readModels.scanText(projection, query, paymentRowColumns, {
      rowModule: paymentRowModule,
      columns: paymentColumns,
      format,
    }),
});

/**
 * The same payment rows, read on this thread a page at a time, for a reader that stops early
 * (`payrec payments list`).
 */
export function* paymentRowPages(
  readModels: ReadModelQueries,
  projection: string,
  query: Readonly<{ where: readonly ColumnFilter[]; orderBy: string; descending?: boolean }>,
): Generator<ExportRow[]> {
  for (const page of keysetPages(
    (after) =>
      readModels.listValues(
        projection,
        { ...query, limit: pageSize, ...(after === undefined ? {} : { after }) },
        paymentRowColumns,
      ),
    (row) => ({ value: row[1] as string | number, id: row[0] as string }),
  )) {
    yield page.map(exportRow);
  }
}

/** Every discrepancy the conditions match, oldest first, as export rows. */
export const discrepancyExport = (
  readModels: ReadModelQueries,
  where: readonly ColumnFilter[],
): RowSource => ({
  columns: discrepancyColumns,
  pages: (function* () {
    for (const page of allPages(readModels, discrepanciesProjection.name, {
      where,
      orderBy: 'openedAt',
      withDocuments: true,
    })) {
      yield page.flatMap((row) => {
        const view = storedDiscrepancy(row.document);
        return view === null ? [] : [rowOf(discrepancyColumns, discrepancyRow(view))];
      });
    }
  })(),
});
