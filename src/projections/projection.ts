import type { EventFilter, JsonObject, RecordedEvent } from '../domain/ports/index.js';
import type { ReadModelDocument } from '../domain/ports/index.js';

/**
 * A projection: a name, a version (bumping it rebuilds the read model from the log), which
 * streams it reads, and `evolve`, which turns the stored document (or none) and one event into
 * the next document, with the columns its queries filter on.
 */
export type Projection = Readonly<{
  name: string;
  version: number;
  /** The events it reads from the log (by stream prefix or by event type). */
  filter: EventFilter;
  /** The document an event belongs to, or `null` to skip the event. */
  documentId: (event: RecordedEvent) => string | null;
  evolve: (document: JsonObject | null, event: RecordedEvent) => ReadModelDocument | null;
}>;
