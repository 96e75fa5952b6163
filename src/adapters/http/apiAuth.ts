import type { FastifyRequest } from 'fastify';
import { RequestRejected } from '../../errors/index.js';
import type { Secret } from '../../secret.js';
import { constantTimeEqual } from '../providers/common/constantTimeEqual.js';

const isLoopback = (address: string): boolean =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

const actors = new WeakMap<FastifyRequest, string>();

/**
 * Who made an authorised request, for the events of operator actions: the token's name
 * (`default` for `PAYREC_API_TOKEN`), or `loopback` when no token is configured.
 */
export const actorOf = (request: FastifyRequest): string => actors.get(request) ?? 'loopback';

/**
 * Guards the query and admin API (docs/http.md): with `PAYREC_API_TOKEN` set, every client,
 * loopback included, must send `Authorization: Bearer <token>` (compared in constant time);
 * without it, only loopback clients are served. Throws `RequestRejected`.
 */
export const createApiAuth =
  (apiToken: Secret | null) =>
  (request: FastifyRequest): Promise<void> => {
    if (apiToken === null) {
      if (!isLoopback(request.socket.remoteAddress ?? '')) {
        throw new RequestRejected(
          'LOOPBACK_ONLY',
          'The query API answers only loopback clients while PAYREC_API_TOKEN is unset; set it to serve other addresses.',
        );
      }
      return Promise.resolve();
    }
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (presented === '' || !constantTimeEqual(presented, apiToken.reveal())) {
      throw new RequestRejected('UNAUTHORIZED', 'Send "Authorization: Bearer <PAYREC_API_TOKEN>".');
    }
    actors.set(request, 'default');
    return Promise.resolve();
  };
