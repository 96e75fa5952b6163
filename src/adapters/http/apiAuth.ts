import type { FastifyRequest } from 'fastify';
import { tokenHash, type ApiRole, type ApiToken } from '../../apiTokens.js';
import { RequestRejected } from '../../errors/index.js';

const isLoopback = (address: string): boolean =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

const actors = new WeakMap<FastifyRequest, string>();

/**
 * Who made an authorised request, for the events of operator actions: the token's name
 * (`default` for `PAYREC_API_TOKEN`), or `loopback` when no token is configured.
 */
export const actorOf = (request: FastifyRequest): string => actors.get(request) ?? 'loopback';

/** The role a request needs: reading (`GET`, `HEAD`) or acting (every other method). */
export const roleNeeded = (request: FastifyRequest): ApiRole =>
  request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'operate';

/**
 * Guards the query and admin API (docs/http.md): with tokens configured, every client, loopback
 * included, must send `Authorization: Bearer <token>`, known by its SHA-256 (payrec holds no
 * token, only hashes: a lookup by hash reveals nothing about a token a client does not have);
 * a `read` token may only read (`403 FORBIDDEN` on a POST). Without tokens, only loopback
 * clients are served. Throws `RequestRejected`.
 */
export const createApiAuth = (tokens: readonly ApiToken[]) => {
  const byHash = new Map(tokens.map((token) => [token.sha256, token]));
  return (request: FastifyRequest): Promise<void> => {
    if (tokens.length === 0) {
      if (!isLoopback(request.socket.remoteAddress ?? '')) {
        throw new RequestRejected(
          'LOOPBACK_ONLY',
          'The query API answers only loopback clients while no API token is configured; set PAYREC_API_TOKEN or PAYREC_API_TOKENS_FILE to serve other addresses.',
        );
      }
      return Promise.resolve();
    }
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const token = presented === '' ? undefined : byHash.get(tokenHash(presented));
    if (token === undefined) {
      throw new RequestRejected(
        'UNAUTHORIZED',
        'Send "Authorization: Bearer <token>" with a configured API token.',
      );
    }
    if (roleNeeded(request) === 'operate' && token.role !== 'operate') {
      throw new RequestRejected(
        'FORBIDDEN',
        `Token "${token.name}" may only read; ${request.method} ${request.routeOptions.url ?? request.url} needs an operate token.`,
      );
    }
    actors.set(request, token.name);
    return Promise.resolve();
  };
};
