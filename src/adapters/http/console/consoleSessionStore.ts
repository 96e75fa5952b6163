import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiRole } from '../../../apiTokens.js';
import type { EventStore, RecordedEvent } from '../../../domain/ports/index.js';

/** The streams that hold console sessions: one per session, named by a hash of its id. */
export const consoleSessionStreamPrefix = 'console-session-';

/** A session as the store remembers it: whose token, until when, and whether it has ended. */
export type StoredConsoleSession = Readonly<{
  /** Derived from the token's hash (`consoleTokenId`): the session belongs to that token. */
  tokenId: string;
  endsAt: number;
  ended: boolean;
}>;

/**
 * An id for a token that a session can carry and an event can hold: derived from the token's
 * SHA-256, so it names that one token without repeating the hash the tokens file keeps.
 */
export const consoleTokenId = (sha256: string): string =>
  createHash('sha256').update(`payrec console session\0${sha256}`).digest('hex').slice(0, 32);

const streamOf = (sessionId: string): string =>
  `${consoleSessionStreamPrefix}${createHash('sha256').update(sessionId).digest('hex')}`;

const sessionOf = (events: readonly RecordedEvent[]): StoredConsoleSession | null => {
  const started = events.find((event) => event.type === 'ConsoleSessionStarted');
  if (started === undefined) return null;
  const { tokenId, endsAt } = started.data;
  if (typeof tokenId !== 'string' || typeof endsAt !== 'string') return null;
  return {
    tokenId,
    endsAt: Date.parse(endsAt),
    ended: events.some((event) => event.type === 'ConsoleSessionEnded'),
  };
};

/**
 * Console sessions kept in the event store (docs/console.md), so that every payrec process on
 * the same store knows them, a restart forgets none, and signing out ends a session for every
 * copy of its cookie at once. A session's stream is named by the SHA-256 of its id: the id lives
 * only in the person's cookie, and reading the store does not hand out sessions. The events
 * (`ConsoleSessionStarted`, `ConsoleSessionEnded`) say who signed in and out, and when; they hold
 * no token, no token hash and no session id. Store failures reject.
 */
export const createConsoleSessionStore = (eventStore: EventStore) => ({
  /** Starts a session for a token; resolves to its new id (256 random bits). */
  start: async ({
    tokenId,
    name,
    role,
    at,
    endsAt,
  }: Readonly<{ tokenId: string; name: string; role: ApiRole; at: Date; endsAt: Date }>) => {
    const sessionId = randomBytes(32).toString('base64url');
    await eventStore.appendToStream(
      streamOf(sessionId),
      [
        {
          id: randomUUID(),
          type: 'ConsoleSessionStarted',
          data: {
            tokenId,
            name,
            role,
            startedAt: at.toISOString(),
            endsAt: endsAt.toISOString(),
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    return sessionId;
  },

  /** The session with that id, or `null` when there is none. */
  find: async (sessionId: string): Promise<StoredConsoleSession | null> =>
    sessionOf(await eventStore.readStream(streamOf(sessionId))),

  /** Ends a session (signing out); ending one that has ended already adds nothing. */
  end: async (sessionId: string, at: Date): Promise<void> => {
    const events = await eventStore.readStream(streamOf(sessionId));
    const session = sessionOf(events);
    if (session === null || session.ended) return;
    await eventStore.appendToStream(
      streamOf(sessionId),
      [{ id: randomUUID(), type: 'ConsoleSessionEnded', data: { endedAt: at.toISOString() } }],
      { expectedRevision: BigInt(events.length - 1) },
    );
  },
});

export type ConsoleSessionStore = ReturnType<typeof createConsoleSessionStore>;
