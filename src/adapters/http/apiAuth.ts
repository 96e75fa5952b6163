import type { FastifyRequest } from 'fastify';
import { tokenHash, type ApiToken } from '../../apiTokens.js';
import type { Actor, ActorRole } from '../../application/index.js';
import { RequestRejected } from '../../errors/index.js';
import type { AuthFailureLimiter } from './authFailureLimiter.js';

/** Whether a socket address is this machine's. */
export const isLoopback = (address: string): boolean =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/**
 * Whether a `Host` header names this machine: `localhost` (or a name under it, RFC 6761), an
 * address in 127.0.0.0/8 or `[::1]`, with or without a port. A page on another site that rebinds
 * its own name to 127.0.0.1 still sends that name, and is refused.
 */
export const isLoopbackHost = (host: string): boolean => {
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
};

/**
 * Whether a request comes from this machine and names it: a loopback socket and a loopback
 * `Host`. Tokenless mode serves only these (payrec refuses to start with a trusted proxy and no
 * token, so the socket is the client).
 */
export const isLoopbackRequest = (request: FastifyRequest): boolean =>
  isLoopback(request.socket.remoteAddress ?? '') &&
  isLoopbackHost(request.headers.host ?? 'localhost');

const actors = new WeakMap<FastifyRequest, Actor>();

/** Without tokens, the loopback client is the machine's own operator. */
const loopbackActor: Actor = { name: 'loopback', role: 'operate' };

/**
 * Who made an authorised request, for the use cases: the token's name (`default` for
 * `PAYREC_API_TOKEN`) and role, or `loopback` (operate) when no token is configured.
 */
export const actorOf = (request: FastifyRequest): Actor => actors.get(request) ?? loopbackActor;

/** The role a request needs: reading (`GET`, `HEAD`) or acting (every other method). */
export const roleNeeded = (request: FastifyRequest): ActorRole =>
  request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'operate';

const refuseReader = (request: FastifyRequest, name: string): void => {
  if (roleNeeded(request) === 'operate') {
    throw new RequestRejected(
      'FORBIDDEN',
      `Token "${name}" may only read; ${request.method} ${request.routeOptions.url ?? request.url} needs an operate token.`,
    );
  }
};

/**
 * Guards the query and admin API (docs/http.md): with tokens configured, every client, loopback
 * included, must send `Authorization: Bearer <token>`, known by its SHA-256 (payrec holds no
 * token, only hashes: a lookup by hash reveals nothing about a token a client does not have);
 * a `read` token may only read (`403 FORBIDDEN` on a POST). Without tokens, only loopback
 * clients are served. Throws `RequestRejected`.
 */
export const createApiAuth = ({
  tokens,
  failures,
}: Readonly<{
  tokens: readonly ApiToken[];
  /** Throttles wrong tokens per source; without it (tests of roles alone), none is throttled. */
  failures?: AuthFailureLimiter;
}>) => {
  const byHash = new Map(tokens.map((token) => [token.sha256, token]));
  return async (request: FastifyRequest): Promise<void> => {
    if (tokens.length === 0) {
      if (!isLoopbackRequest(request)) {
        throw new RequestRejected(
          'LOOPBACK_ONLY',
          isLoopback(request.socket.remoteAddress ?? '')
            ? 'Without an API token payrec answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]); this one names another host. Set PAYREC_API_TOKEN or PAYREC_API_TOKENS_FILE to serve other names.'
            : 'The query API answers only loopback clients while no API token is configured; set PAYREC_API_TOKEN or PAYREC_API_TOKENS_FILE to serve other addresses.',
        );
      }
      return;
    }
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const token = presented === '' ? undefined : byHash.get(tokenHash(presented));
    if (token === undefined) {
      await failures?.fail(request.ip);
      throw new RequestRejected(
        'UNAUTHORIZED',
        'Send "Authorization: Bearer <token>" with a configured API token.',
      );
    }
    if (token.role !== 'operate') refuseReader(request, token.name);
    actors.set(request, { name: token.name, role: token.role });
  };
};
