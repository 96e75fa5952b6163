import { RateLimiterMemory } from 'rate-limiter-flexible';
import { RequestRejected } from '../../errors/index.js';

export type RejectionLimiterOptions = Readonly<{
  /** Rejected deliveries one source may send to one route per window. Default 60. */
  rejections?: number;
  /** The window, in seconds. Default 60. */
  windowSeconds?: number;
}>;

/**
 * Rate-limits unverified requests per provider route and source address: each rejected delivery
 * spends a point, and a source out of points is answered `429` before anything is verified until
 * its window ends. Verified deliveries spend nothing, so a provider's real traffic is never
 * limited. Counting is rate-limiter-flexible's (in memory, per process).
 */
export const createRejectionLimiter = ({
  rejections = 60,
  windowSeconds = 60,
}: RejectionLimiterOptions = {}) => {
  const limiter = new RateLimiterMemory({ points: rejections, duration: windowSeconds });
  return {
    /** Throws `RequestRejected` (`RATE_LIMITED`) when the source has no rejections left. */
    check: async (route: string, source: string): Promise<void> => {
      const state = await limiter.get(`${route}|${source}`);
      if (state !== null && state.consumedPoints >= rejections) {
        const retryAfter = Math.ceil(state.msBeforeNext / 1000);
        throw new RequestRejected(
          'RATE_LIMITED',
          `Too many rejected deliveries from this address to ${route}; retry in ${retryAfter} s.`,
        );
      }
    },
    /** Spends one point for a rejected delivery. */
    spend: async (route: string, source: string): Promise<void> => {
      await limiter.penalty(`${route}|${source}`, 1);
    },
  };
};

export type RejectionLimiter = ReturnType<typeof createRejectionLimiter>;
