import { RateLimiterMemory } from 'rate-limiter-flexible';

export type RejectionLimiterOptions = Readonly<{
  /** Rejected deliveries one source may send to one route per window. Default 60. */
  rejections?: number;
  /** The window, in seconds. Default 60. */
  windowSeconds?: number;
}>;

/** Whether a rejection was within the source's budget, and when the budget comes back if not. */
export type RejectionBudget =
  Readonly<{ within: true }> | Readonly<{ within: false; retryAfterSeconds: number }>;

/**
 * Counts rejected deliveries per provider route and source address (rate-limiter-flexible, in
 * memory, per process). It never stands between a provider and payrec: every delivery is read
 * and verified, and one that verifies is accepted whatever its source sent before, because
 * behind a proxy or a provider's shared egress many senders share one address. What it cuts is
 * the cost of what does not verify: past the budget, a source's rejections are answered `429`
 * and no longer written to the delivery log one by one.
 */
export const createRejectionLimiter = ({
  rejections = 60,
  windowSeconds = 60,
}: RejectionLimiterOptions = {}) => {
  const limiter = new RateLimiterMemory({ points: rejections, duration: windowSeconds });
  return {
    /** Spends one point for a rejected delivery; says whether the source was within budget. */
    spend: async (route: string, source: string): Promise<RejectionBudget> => {
      const state = await limiter.penalty(`${route}|${source}`, 1);
      return state.consumedPoints <= rejections
        ? { within: true }
        : { within: false, retryAfterSeconds: Math.ceil(state.msBeforeNext / 1000) };
    },
  };
};

export type RejectionLimiter = ReturnType<typeof createRejectionLimiter>;
