/** A keyset position in an `updated_at, id` ordered list. */
export type KeysetPosition = Readonly<{ updatedAt: string; id: string }>;

/** A page query over one projection's documents, in `updated_at, id` order. */
export type DocumentListQuery = Readonly<{
  status?: string;
  provider?: string;
  updatedSince?: string;
  /** Keyset: documents after this one. */
  after?: KeysetPosition;
  limit: number;
}>;

/** The documents whose `dueAt` has come, soonest first. */
export type DueQuery = Readonly<{ dueBy: string; provider?: string; limit: number }>;

/** A listed document, as its projection wrote it (each projection reads its own back). */
export type ListedDocument = Readonly<{ id: string; updatedAt: string; document: unknown }>;

/** A due document, without its body: what a scheduler needs to pick work, cheaply. */
export type DueDocument = Readonly<{ id: string; provider: string | null; dueAt: string }>;

/**
 * What the query API, the reconciler, the fulfilment dispatcher and the metrics read from the
 * read models: one document, pages of documents, what is due, and counts. Implemented by the
 * SQLite read-model store over indexes, never by a scan.
 */
export type ReadModelQueries = Readonly<{
  /** One document, as its projection wrote it; `null` when there is none. */
  get: (projection: string, id: string) => unknown;
  list: (projection: string, query: DocumentListQuery) => ListedDocument[];
  due: (projection: string, query: DueQuery) => DueDocument[];
  /** How many documents are due by `dueBy`. */
  countDue: (projection: string, dueBy: string) => number;
  /** How many documents have `status`, per provider. */
  countByProvider: (projection: string, status: string) => Record<string, number>;
}>;
