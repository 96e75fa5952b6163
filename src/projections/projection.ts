import type { PaymentEvent, PaymentEventType, PaymentId } from '../domain/index.js';
import type { ReadModelDocument, ReadModelTable } from '../domain/ports/index.js';

/**
 * A payment event as a projection sees it: decoded once by the runner, with its payment and its
 * place in the stream and in the log.
 */
export type ProjectedEvent = Readonly<{
  event: PaymentEvent;
  payment: PaymentId;
  /** The event's revision in its payment's stream. */
  revision: number;
  globalPosition: bigint;
  recordedAt: string;
}>;

/**
 * The document a projection writes for one event, with the columns its queries filter on, and
 * any other rows the event adds (a history row: written, never read back by `evolve`).
 */
export type ProjectedDocument<Doc> = Readonly<{
  id: string;
  document: Doc;
  columns: ReadModelDocument['columns'];
  also?: readonly ReadModelDocument[];
}>;

/**
 * A projection: a name, a version (bumping it rebuilds the read model from the log), the payment
 * event types it handles (the runner decodes those and skips every other), and `evolve`, which
 * turns the stored document (or none) and one event into the next document. `Doc` is the shape
 * of its documents: the read-model store keeps them as JSON, written only by this projection,
 * and a change of shape bumps the version.
 */
export type Projection<Doc> = Readonly<{
  name: string;
  version: number;
  /** Its own indexed columns and indexes, beyond the base ones. */
  table?: ReadModelTable;
  handles: readonly PaymentEventType[];
  /** The document an event belongs to, or `null` to skip the event. */
  documentId(event: ProjectedEvent): string | null;
  evolve(document: Doc | null, event: ProjectedEvent): ProjectedDocument<Doc> | null;
}>;

/**
 * Any projection, whatever its documents, as the runner and the rebuild take them (the methods
 * above are declared as methods so that a `Projection<FulfilmentView>` is one of these).
 */
export type AnyProjection = Projection<unknown>;
