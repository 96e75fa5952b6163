import type { ColumnValue } from './readModelStore.js';

/** A condition on one indexed column. */
export type ColumnFilter =
  | Readonly<{
      column: string;
      op: '=' | '>=' | '>' | '<=' | '<';
      value: string | number;
      /** Also rows where the column is null. */
      orNull?: boolean;
    }>
  | Readonly<{ column: string; op: 'in'; values: readonly (string | number)[] }>
  | Readonly<{ column: string; op: 'null' | 'not-null' }>;

/** A keyset position: the sort column's value and the id of the last row of the page before. */
export type KeysetPosition = Readonly<{ value: string | number; id: string }>;

/**
 * A page query over one projection's documents: every filter holds, in `orderBy, id` order
 * (`orderBy` defaults to `updatedAt`; its value must never be null for a row to be listed),
 * after the keyset position.
 */
export type DocumentListQuery = Readonly<{
  where?: readonly ColumnFilter[];
  orderBy?: string;
  /** Newest first instead of oldest first. */
  descending?: boolean;
  after?: KeysetPosition;
  limit: number;
  /** Whether rows carry their documents (parsed) or only their columns. Default: documents. */
  withDocuments?: boolean;
}>;

/** The documents whose `dueAt` has come, soonest first. */
export type DueQuery = Readonly<{ dueBy: string; provider?: string; limit: number }>;

/** A listed row: its id, its sort value, its columns, and the document as its projection wrote it. */
export type ListedDocument = Readonly<{
  id: string;
  /** The value of the sort column (the keyset position's `value`). */
  sortValue: string | number;
  columns: Readonly<Record<string, ColumnValue>>;
  /** `undefined` when the query asked for columns only. */
  document: unknown;
}>;

/** A due document, without its body: what a scheduler needs to pick work, cheaply. */
export type DueDocument = Readonly<{ id: string; provider: string | null; dueAt: string }>;

/** An aggregate over the rows that match `where`, per value of the `groupBy` columns. */
export type AggregateQuery = Readonly<{
  groupBy: readonly string[];
  where?: readonly ColumnFilter[];
  /** An integer column to sum exactly (as a bigint), beside the count. */
  sum?: string;
}>;

/** One group of an aggregate: its key columns, how many rows, and the exact sum when asked. */
export type GroupTotal = Readonly<{
  key: Readonly<Record<string, ColumnValue>>;
  count: number;
  sum: bigint;
}>;

/** The text formats rows are exported in. */
export const tabularFormats = ['csv', 'ndjson'] as const;
export type TabularFormat = (typeof tabularFormats)[number];

/**
 * How a scan writes its rows: `rowModule` names a module (by URL, without its extension, as
 * `new URL('./name', import.meta.url)` gives it) whose `exportRow` export turns a row
 * `[id, sortValue, ...select]` into the cells of `columns`. A function cannot cross to another
 * thread; a module can be loaded there, so it must be pure: no I/O, no state.
 */
export type TextEncoding = Readonly<{
  rowModule: URL;
  columns: readonly string[];
  format: TabularFormat;
}>;

/** A page of a scan as text, and how many rows it holds. CSV's header comes with the first. */
export type TextPage = Readonly<{ text: string; rows: number }>;

/**
 * What the query API, the reconciler, the fulfilment dispatcher and the metrics read from the
 * read models: one document, pages of documents, what is due, and counts. Implemented by the
 * SQLite read-model store over indexes, never by a scan.
 */
export type ReadModelQueries = Readonly<{
  /** One document, as its projection wrote it; `null` when there is none. */
  get: (projection: string, id: string) => unknown;
  list: (projection: string, query: DocumentListQuery) => ListedDocument[];
  /**
   * The same page as `list`, each row only `[id, sortValue, ...the selected columns]`: what an
   * export of a million rows reads, without an object per row.
   */
  listValues: (
    projection: string,
    query: Omit<DocumentListQuery, 'withDocuments'>,
    select: readonly string[],
  ) => Array<readonly ColumnValue[]>;
  due: (projection: string, query: DueQuery) => DueDocument[];
  /** How many documents are due by `dueBy`. */
  countDue: (projection: string, dueBy: string) => number;
  /**
   * Every row of a keyset query written as text a page at a time, where the rows are read (the
   * SQLite store reads and writes on a thread of its own, so that an export of a million rows
   * never holds the caller's event loop): each of `listValues`'s rows is turned into cells by
   * the encoding's row module, and the cells into CSV or NDJSON.
   */
  scanText: (
    projection: string,
    query: Omit<DocumentListQuery, 'withDocuments' | 'after' | 'limit'>,
    select: readonly string[],
    encoding: TextEncoding,
  ) => AsyncIterable<TextPage>;
  /** Counts (and exact sums) of the documents that match, per group. */
  aggregate: (projection: string, query: AggregateQuery) => GroupTotal[];
  /**
   * Many aggregates of one projection, each answer in the order asked, all from one snapshot of
   * the read models; the SQLite store runs them on a thread of its own, so that a year-long
   * report never holds the caller's event loop.
   */
  aggregateAll: (projection: string, queries: readonly AggregateQuery[]) => Promise<GroupTotal[][]>;
  /**
   * How many documents match, counted up to `cap` at most (an index range of `cap` rows, never
   * the whole table): what a list says beside its first page.
   */
  countUpTo: (projection: string, where: readonly ColumnFilter[], cap: number) => number;
  /**
   * The global position a projection's read model holds every event up to (its checkpoint);
   * `null` before it has applied any. What a write waits on to be readable.
   */
  checkpointOf: (projection: string) => bigint | null;
}>;
