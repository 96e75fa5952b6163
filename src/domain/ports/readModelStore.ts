import type { JsonObject } from './eventStore.js';

/** One stored read-model document with the columns queries filter on. */
export type ReadModelDocument = Readonly<{
  id: string;
  document: JsonObject;
  /** Indexed fields for queries (`status`, `provider`, `updatedAt`, …). */
  columns: Readonly<Record<string, string | number | null>>;
}>;

/** Reads and writes inside one transaction of the read-model store. */
export type ReadModelTransaction = Readonly<{
  get: (projection: string, id: string) => JsonObject | null;
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
  get: (projection: string, id: string) => JsonObject | null;
  transaction: <T>(work: (transaction: ReadModelTransaction) => T) => T;
  /** Drops a projection's documents and checkpoint (before a rebuild). */
  reset: (projection: string) => void;
}>;
