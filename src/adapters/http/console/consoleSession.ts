import type { FastifyReply, FastifyRequest } from 'fastify';
import { tokenHash, type ApiRole, type ApiToken } from '../../../apiTokens.js';
import { isLoopbackRequest } from '../apiAuth.js';
import { consoleTokenId, type ConsoleSessionStore } from './consoleSessionStore.js';

/** Who is signed in to the console. */
export type ConsoleUser = Readonly<{ name: string; role: ApiRole }>;

export const sessionCookie = 'payrec_session';

/** A session lasts a working day; signing in again starts a new one. */
const sessionSeconds = 8 * 3_600;

const cookieOptions = {
  httpOnly: true,
  sameSite: 'strict',
  secure: 'auto',
  path: '/console',
} as const;

/**
 * Console sessions: signing in with an API token starts a session in the store
 * (`consoleSessionStore`) and sets a signed cookie (HttpOnly, SameSite=Strict, `Secure` whenever
 * the request came over TLS, scoped to `/console`) that holds the session's random id, never the
 * token. Each request finds the session again, and the token it belongs to among the configured
 * tokens, so a session never outlives its token (a removed or changed line ends it), never
 * outranks it (the role is the token's as configured now), and ends for every copy of its cookie
 * on sign-out. Without configured tokens the console, like the API, serves loopback clients only,
 * as `loopback`.
 */
export const consoleSessions = (
  tokens: readonly ApiToken[],
  store: ConsoleSessionStore,
  now: () => Date,
) => {
  const byHash = new Map(tokens.map((token) => [token.sha256, token]));
  const byTokenId = new Map(tokens.map((token) => [consoleTokenId(token.sha256), token]));
  const open = tokens.length === 0;

  const sessionIdOf = (request: FastifyRequest): string | null => {
    const raw = request.cookies[sessionCookie];
    if (raw === undefined) return null;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && /^[\w-]{43}$/.test(unsigned.value) ? unsigned.value : null;
  };

  return {
    /** Whether signing in is needed at all (tokens are configured). */
    needsSignIn: !open,

    /** The signed-in user, or `null`. Rejects when the store cannot be read. */
    userOf: async (request: FastifyRequest): Promise<ConsoleUser | null> => {
      if (open) return isLoopbackRequest(request) ? { name: 'loopback', role: 'operate' } : null;
      const sessionId = sessionIdOf(request);
      if (sessionId === null) return null;
      const session = await store.find(sessionId);
      if (session === null || session.ended || !(session.endsAt > now().getTime())) return null;
      const token = byTokenId.get(session.tokenId);
      return token === undefined ? null : { name: token.name, role: token.role };
    },

    /** Signs in with a token: the user, or `null` for a token payrec does not know. */
    signIn: async (reply: FastifyReply, presented: string): Promise<ConsoleUser | null> => {
      const token = presented === '' ? undefined : byHash.get(tokenHash(presented));
      if (token === undefined) return null;
      const at = now();
      const sessionId = await store.start({
        tokenId: consoleTokenId(token.sha256),
        name: token.name,
        role: token.role,
        at,
        endsAt: new Date(at.getTime() + sessionSeconds * 1000),
      });
      void reply.setCookie(sessionCookie, sessionId, {
        ...cookieOptions,
        signed: true,
        maxAge: sessionSeconds,
      });
      return { name: token.name, role: token.role };
    },

    /** Ends the request's session in the store, for every copy of its cookie, and clears it. */
    signOut: async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const sessionId = sessionIdOf(request);
      if (sessionId !== null) await store.end(sessionId, now());
      void reply.clearCookie(sessionCookie, { path: '/console' });
    },
  };
};

export type ConsoleSessions = ReturnType<typeof consoleSessions>;
