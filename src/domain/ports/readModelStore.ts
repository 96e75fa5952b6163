/** A value of an indexed column: text or an integer (amounts in minor units are integers). */
export type ColumnValue = string | number | null;

/**
 * The indexed columns every read-model table has, which the generic queries (due work, counts
 * by provider) use; `updatedAt` and `dueAt` are instants. A projection adds its own in its
 * `ReadModelTable`.
 */
export type BaseColumns = Readonly<{
  provider?: string | null;
  status?: string | null;
  updatedAt?: string | null;
  dueAt?: string | null;
}>;

/** One stored read-model document with the columns queries filter on. */
export type ReadModelDocument = Readonly<{
  id: string;
  /** The document as its projection wrote it; stored as JSON. */
  document: unknown;
  /**
   * Indexed fields for queries: the base columns and the projection's own (named in its
   * `ReadModelTable`). `dueAt`: when the document next needs work, if ever.
   */
  columns: BaseColumns & Readonly<Record<string, ColumnValue | undefined>>;
}>;

/** An index over some of a table's columns, partial when `whereNotNull` names a column. */
export type ReadModelIndex = Readonly<{
  columns: readonly string[];
  /** Only rows where this column is not null are indexed (a short index for a rare state). */
  whereNotNull?: string;
  /**
   * Whether the row's id ends each entry (default true), as it must in an index a list walks:
   * its keyset position is the sort value and the id. `false` for an index only aggregates read,
   * which need no order among equal values.
   */
  endsWithId?: boolean;
}>;

/**
 * What a column holds: text, an integer (amounts in minor units), or an instant (an ISO-8601
 * UTC instant as `Date#toISOString` writes it, which the store keeps as it likes and gives back
 * in that form; filters and sorts on it compare instants).
 */
export type ColumnType = 'text' | 'integer' | 'instant';

/**
 * A projection's own indexed columns (beyond the base ones) and the indexes its queries need.
 * Column names are camelCase identifiers; the store decides how it names them.
 */
export type ReadModelTable = Readonly<{
  columns: Readonly<Record<string, ColumnType>>;
  indexes: readonly ReadModelIndex[];
  /**
   * Which of the base indexes (by status, by update time, by due time) the table keeps: all
   * unless it says. A table no query reads that way keeps none: each index costs every write.
   */
  baseIndexes?: readonly BaseIndex[];
}>;

/** The indexes every read-model table has unless it declines them. */
export type BaseIndex = 'status' | 'updated' | 'due';

/** Reads and writes inside one transaction of the read-model store. */
export type ReadModelTransaction = Readonly<{
  /** The stored document (as its projection wrote it), or `null`. */
  get: (projection: string, id: string) => unknown;
  put: (projection: string, document: ReadModelDocument) => void;
  checkpoint: (projection: string) => Readonly<{ position: bigint; version: number }> | null;
  setCheckpoint: (projection: string, position: bigint, version: number) => void;
}>;

/**
 * Where projections keep their documents and checkpoints. A projection's documents and its
 * checkpoint are written in one transaction, so a crash never leaves one ahead of the other.
 */
export type ReadModelStore = Readonly<{
  /** One document, read outside any write transaction; `null` when there is none. */
  get: (projection: string, id: string) => unknown;
  transaction: <T>(work: (transaction: ReadModelTransaction) => T) => T;
  /** Drops a projection's documents and checkpoint (before a rebuild). */
  reset: (projection: string) => void;
  /**
   * Starts a rebuild beside the live read model: an empty staging projection, whose name is
   * returned, to be filled like any other and then swapped in by `swapIn`.
   */
  stage: (projection: string) => string;
  /**
   * Replaces the live read model and its checkpoint with the staged one, in one transaction, so
   * readers see either the old model or the new one, never a half-built one.
   */
  swapIn: (staged: string, projection: string) => void;
}>;
