import type { FastifyReply, FastifyRequest } from 'fastify';
import { tokenHash, type ApiRole, type ApiToken } from '../../../apiTokens.js';
import { isLoopback } from '../apiAuth.js';

/** Who is signed in to the console. */
export type ConsoleUser = Readonly<{ name: string; role: ApiRole }>;

export const sessionCookie = 'payrec_session';

/** A session lasts a working day; signing in again starts a new one. */
const sessionSeconds = 8 * 3_600;

/**
 * Console sessions: signing in with an API token sets a signed cookie (HttpOnly,
 * SameSite=Strict, `Secure` whenever the request came over TLS, scoped to `/console`) that holds
 * the token's name and the session's end, never the token. Each request looks the name up
 * among the configured tokens again, so removing a token ends its sessions at once. Without
 * configured tokens the console, like the API, serves loopback clients only, as `loopback`.
 */
export const consoleSessions = (tokens: readonly ApiToken[], now: () => Date) => {
  const byName = new Map(tokens.map((token) => [token.name, token]));
  const byHash = new Map(tokens.map((token) => [token.sha256, token]));
  const open = tokens.length === 0;

  return {
    /** Whether signing in is needed at all (tokens are configured). */
    needsSignIn: !open,

    /** The signed-in user, or `null`. */
    userOf: (request: FastifyRequest): ConsoleUser | null => {
      if (open) {
        return isLoopback(request.socket.remoteAddress ?? '')
          ? { name: 'loopback', role: 'operate' }
          : null;
      }
      const raw = request.cookies[sessionCookie];
      if (raw === undefined) return null;
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid) return null;
      const separator = unsigned.value.indexOf(':');
      const endsAt = Number(unsigned.value.slice(0, separator));
      const token = byName.get(unsigned.value.slice(separator + 1));
      if (token === undefined || !(endsAt > now().getTime())) return null;
      return { name: token.name, role: token.role };
    },

    /** Signs in with a token: the user, or `null` for a token payrec does not know. */
    signIn: (reply: FastifyReply, presented: string): ConsoleUser | null => {
      const token = presented === '' ? undefined : byHash.get(tokenHash(presented));
      if (token === undefined) return null;
      const endsAt = now().getTime() + sessionSeconds * 1000;
      void reply.setCookie(sessionCookie, `${endsAt}:${token.name}`, {
        signed: true,
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/console',
        maxAge: sessionSeconds,
      });
      return { name: token.name, role: token.role };
    },

    signOut: (reply: FastifyReply): void => {
      void reply.clearCookie(sessionCookie, { path: '/console' });
    },
  };
};

export type ConsoleSessions = ReturnType<typeof consoleSessions>;
