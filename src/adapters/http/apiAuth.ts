import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { tokenHash, type ApiRole, type ApiToken } from '../../apiTokens.js';
import { RequestRejected } from '../../errors/index.js';

/** Whether a socket address is this machine's. */
export const isLoopback = (address: string): boolean =>
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
 * The console's own requests (`app.inject`, in process): they carry the process's console key,
 * which never leaves the process, and speak for the signed-in person's name and role.
 */
export type ConsoleCaller = Readonly<{ key: string }>;

export const consoleHeaders = {
  key: 'x-payrec-console-key',
  actor: 'x-payrec-console-actor',
  role: 'x-payrec-console-role',
} as const;

const sameKey = (presented: unknown, key: string): boolean => {
  if (typeof presented !== 'string' || presented.length !== key.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(key));
};

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
export const createApiAuth = (tokens: readonly ApiToken[], console?: ConsoleCaller) => {
  const byHash = new Map(tokens.map((token) => [token.sha256, token]));
  return (request: FastifyRequest): Promise<void> => {
    if (console !== undefined && sameKey(request.headers[consoleHeaders.key], console.key)) {
      const actor = String(request.headers[consoleHeaders.actor] ?? 'console');
      if (request.headers[consoleHeaders.role] !== 'operate') refuseReader(request, actor);
      actors.set(request, actor);
      return Promise.resolve();
    }
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
    if (token.role !== 'operate') refuseReader(request, token.name);
    actors.set(request, token.name);
    return Promise.resolve();
  };
};
