import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { FastifyBaseLogger } from 'fastify';
import { RequestRejected } from '../../errors/index.js';

export type AuthFailureLimiterOptions = Readonly<{
  /** Failed authentications one source may make per window before it is answered 429. */
  failures?: number;
  /** The window, in seconds. */
  windowSeconds?: number;
  logger: FastifyBaseLogger;
}>;

/**
 * Throttles guessing: failed authentications (a wrong or missing bearer token, a failed console
 * sign-in) are counted per source address (the client Fastify names, so behind a trusted proxy
 * the forwarded one), in memory, per process. Past the budget, the source's failures are
 * answered `429 RATE_LIMITED` with `Retry-After`, and logged once per window. It is consulted
 * only after a credential failed: a valid token is always served, whatever its source sent.
 */
export const createAuthFailureLimiter = ({
  failures = 30,
  windowSeconds = 60,
  logger,
}: AuthFailureLimiterOptions) => {
  const limiter = new RateLimiterMemory({ points: failures, duration: windowSeconds });
  return {
    /**
     * Counts one failure from `source`; resolves when it is within the budget, throws
     * `RequestRejected('RATE_LIMITED')` when past it.
     */
    fail: async (source: string): Promise<void> => {
      const state = await limiter.penalty(source, 1);
      if (state.consumedPoints <= failures) return;
      const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
      if (state.consumedPoints === failures + 1) {
        logger.warn(
          { source, failures, windowSeconds },
          'too many failed authentications from one source: refusing its attempts for the rest of the window',
        );
      }
      throw new RequestRejected(
        'RATE_LIMITED',
        `Too many failed authentications from this address; retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    },
  };
};

export type AuthFailureLimiter = ReturnType<typeof createAuthFailureLimiter>;
