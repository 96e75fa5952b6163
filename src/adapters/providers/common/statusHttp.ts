import pLimit from 'p-limit';
import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import { ProviderUnavailable } from '../../../domain/index.js';
import type { ProviderResponse } from '../../../domain/ports/index.js';
import { fetchFailure } from '../../common/fetchFailure.js';
import { inSpan } from '../../telemetry/index.js';

/** What a status endpoint answered: its HTTP status and body text. */
export type StatusHttpResponse = ProviderResponse;

export type StatusHttpRequest = Readonly<{
  method: 'GET' | 'POST';
  /** Path with query, appended to the base URL. */
  path: string;
  /** Headers for this attempt; called once per attempt so a nonce can increase. */
  headers: () => Record<string, string>;
  body?: string;
}>;

/**
 * A schedule of call slots shared with other processes: `reserve` takes the next free slot of
 * `key`, at least `intervalMs` after the one before, and says when it starts (epoch ms).
 */
export type SharedSlots = Readonly<{
  reserve: (key: string, intervalMs: number, now?: number) => number;
}>;

export type StatusHttpOptions = Readonly<{
  provider: string;
  baseUrl: string;
  /** Calls per second at most (the provider's rate limit). */
  ratePerSecond: number;
  /** Calls in flight at most. */
  concurrency: number;
  timeoutMs: number;
  /** Retries after the first attempt, on 408, 429, 5xx and transport failures. Default 3. */
  retries?: number;
  /** The first retry's delay; each next one doubles it (with jitter). Default 250 ms. */
  retryDelayMs?: number;
  fetch?: typeof fetch;
  /** Told of every attempt's outcome and latency (metrics). */
  onAttempt?: (outcome: 'ok' | 'retryable' | 'transport', seconds: number) => void;
  /**
   * The slots of every process that shares the rate limit; absent, this process keeps its own.
   * Should a reservation fail (the database busy or full), the call waits and tries again, up to
   * `timeoutMs`; it never takes a slot of its own, which every process would do at once on a full
   * disk, each at the whole limit.
   */
  sharedSlots?: SharedSlots;
}>;

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

class RetryableAnswer extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/** No slot could be reserved in the schedule the processes share, for a whole attempt's timeout. */
class SharedSlotUnavailable extends Error {
  constructor(cause: unknown) {
    super(
      `no call slot could be reserved in the schedule shared with the other payrec processes (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A bounded excerpt of a body for evidence: enough to diagnose, never a whole large page. */
const excerpt = (body: string) => (body.length > 2_000 ? `${body.slice(0, 2_000)}…` : body);

/**
 * The HTTP side of a provider's status API: a rate limit (callers wait for an evenly spaced
 * slot: p-throttle's, or one of a schedule shared with other processes), a concurrency cap (p-limit), a timeout per attempt, and
 * retries with exponential backoff on 408/429/5xx and transport failures (p-retry). Any other
 * answer is returned as it is for the client to read. Throws `ProviderUnavailable` when every
 * attempt failed.
 */
/* eslint-disable max-lines-per-function -- a factory: rate slots, the concurrency cap, retries and one exchange, over one provider's settings */
export const createStatusHttp = ({
  provider,
  baseUrl,
  ratePerSecond,
  concurrency,
  timeoutMs,
  retries = 3,
  retryDelayMs = 250,
  fetch: fetchImplementation = fetch,
  onAttempt,
  sharedSlots,
}: StatusHttpOptions) => {
  // Evenly spaced slots, one every 1/rate seconds on an absolute schedule (p-throttle's windowed
  // mode, which does not round the spacing to whole milliseconds as its strict mode does): no
  // burst, so neither a fixed-window nor a sliding-window limit on the provider's side is hit.
  // Scheduled 2 % under the limit, so that the event loop's timing jitter, which can push a
  // call into the next second, never takes a second over it.
  const intervalMs = 1_000 / (ratePerSecond * 0.98);
  const ownSlot = pThrottle({ limit: 1, interval: intervalMs })(async () => {
    // The slot is the wait itself.
  });
  // A reservation that fails (the service database busy past its timeout, or its disk full) is
  // tried again every interval, for at most one attempt's timeout: the call waits rather than
  // go out unscheduled. Found by the simulation: on a full disk every process's reservation
  // failed at once, each fell back to a schedule of its own, and a provider limited to 10 calls
  // a second saw 25.
  const reservedSlot = async (slots: SharedSlots): Promise<number> => {
    const giveUpAt = Date.now() + timeoutMs;
    for (;;) {
      try {
        return slots.reserve(provider, intervalMs);
      } catch (error) {
        if (Date.now() >= giveUpAt) throw new SharedSlotUnavailable(error);
        await sleep(intervalMs);
      }
    }
  };
  // With shared slots, this process's callers queue here and reserve one at a time, so that a
  // process never holds more than the next slot, whatever its queue.
  let turn: Promise<void> = Promise.resolve();
  const sharedSlot = (slots: SharedSlots): Promise<void> => {
    const mine = turn.then(async () => {
      const wait = (await reservedSlot(slots)) - Date.now();
      if (wait > 0) await sleep(wait);
    });
    turn = mine.catch(() => undefined);
    return mine;
  };
  const slot = () => (sharedSlots === undefined ? ownSlot() : sharedSlot(sharedSlots));
  const limit = pLimit(concurrency);
  const base = baseUrl.replace(/\/+$/, '');

  /**
   * One HTTP exchange: within the concurrency cap, it waits for its rate slot, then goes on the
   * wire at once. The slot is taken inside the cap, not before it: a slot taken first and then
   * held up by the cap (behind slow answers) goes out late, together with the calls whose slots
   * came after it, and the provider sees more than its limit in a second (the simulation saw 12
   * at a limit of 10). Waiting for the rate inside the cap holds a place in it for at most a
   * slot's interval per queued call; the rate still sets the pace.
   */
  const exchange = (request: StatusHttpRequest) =>
    limit(async () => {
      await slot();
      // A span from the moment the call goes on the wire: the provider, the method and the
      // answer's status; never a header (they carry the keys) or a body.
      return inSpan(
        'payrec.status-call',
        { 'payrec.provider': provider, 'http.request.method': request.method },
        async (span) => {
          const started = performance.now();
          try {
            const response = await fetchImplementation(`${base}${request.path}`, {
              method: request.method,
              headers: request.headers(),
              ...(request.body === undefined ? {} : { body: request.body }),
              redirect: 'manual',
              signal: AbortSignal.timeout(timeoutMs),
            });
            span.setAttribute('http.response.status_code', response.status);
            const body = excerpt(await response.text());
            return { status: response.status, body, seconds: (performance.now() - started) / 1000 };
          } catch (error) {
            onAttempt?.('transport', (performance.now() - started) / 1000);
            throw error;
          }
        },
      );
    });

  const attempt = async (request: StatusHttpRequest): Promise<StatusHttpResponse> => {
    const { seconds, ...response } = await exchange(request);
    if (retryable(response.status)) {
      onAttempt?.('retryable', seconds);
      throw new RetryableAnswer(response.status);
    }
    onAttempt?.('ok', seconds);
    return response;
  };

  return async (request: StatusHttpRequest): Promise<StatusHttpResponse> => {
    try {
      return await pRetry(() => attempt(request), {
        retries,
        minTimeout: retryDelayMs,
        factor: 2,
        randomize: true,
      });
    } catch (error) {
      const why =
        error instanceof RetryableAnswer
          ? `it kept answering ${error.message}`
          : error instanceof SharedSlotUnavailable
            ? error.message
            : fetchFailure(error, timeoutMs);
      throw new ProviderUnavailable(
        `${provider}'s status API is unavailable: ${why} after ${retries + 1} attempts.`,
        { cause: error },
      );
    }
  };
};
/* eslint-enable max-lines-per-function */

export type StatusHttp = ReturnType<typeof createStatusHttp>;
