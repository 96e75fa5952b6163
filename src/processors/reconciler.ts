import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import {
  ProviderUnavailable,
  RoleLost,
  paymentKey,
  type PaymentEvent,
  type PaymentId,
  type ProviderName,
} from '../domain/index.js';
import type { Clock, Fence, StatusClient } from '../domain/ports/index.js';
import { noFailpoints, type Failpoints } from '../failpoints.js';
import type { PaymentCommandHandler } from '../application/index.js';

/** What one check did to a payment. */
export type CheckResult =
  | 'moved'
  | 'corrected'
  | 'unchanged'
  | 'unreadable'
  | 'unavailable'
  | 'flagged-overdue'
  | 'not-configured'
  | 'stopped';

export type CycleSummary = Readonly<{
  /** `false` when another cycle held the lock, here or in another process. */
  ran: boolean;
  due: number;
  selectMs: number;
  durationMs: number;
  results: Readonly<Partial<Record<CheckResult, number>>>;
  byProvider: Readonly<Partial<Record<ProviderName, number>>>;
}>;

/** The last cycle this process ran, for the console. */
export type LastCycle = Readonly<{ finishedAt: string; summary: CycleSummary }>;

export type DuePayment = Readonly<{ payment: PaymentId }>;

export type ReconcilerOptions = Readonly<{
  /** The payments due by `dueBy` from the read model's index, soonest first. */
  selectDue: (dueBy: string, limit: number, provider?: ProviderName) => readonly DuePayment[];
  /** What the provider's reports are about (`quote`, `deposit`, …), read when it is checked. */
  objectOf: (payment: PaymentId) => string | null;
  /**
   * How a provider's payments are checked: its status client; `'no-endpoint'` for a provider
   * with no status endpoint (looked at once, at the deadline, to be flagged if still open);
   * `'not-configured'` when its API credentials are not set.
   */
  statusCheckOf: (provider: ProviderName) => StatusClient | 'no-endpoint' | 'not-configured';
  handlePaymentCommand: PaymentCommandHandler;
  clock: Clock;
  logger: Logger;
  /** One cycle at a time across processes. */
  lock: Readonly<{ tryAcquire: () => boolean; release: () => void }>;
  /** How often a running cycle renews its lock (well inside the lock's TTL); 10 s by default. */
  lockRenewMs?: number;
  /** Payments checked per cycle at most. */
  batch: number;
  onCheck?: (provider: ProviderName, result: CheckResult) => void;
  /** The simulation's plants (`ignore-provider-truth`); none by default. */
  failpoints?: Failpoints;
}>;

/** Checks started and not yet recorded, per provider, at most. */
const checksUnderWayPerProvider = 16;

/** Hints waiting for an immediate check, per provider, at most (the rest wait for the cycle). */
const immediateChecksPerProvider = 64;

const resultOf = (appended: readonly PaymentEvent[]): CheckResult => {
  if (appended.some((event) => event.type === 'PaymentStatusCorrected')) return 'corrected';
  if (appended.some((event) => event.type === 'PaymentStatusChanged')) return 'moved';
  if (
    appended.some(
      (event) => event.type === 'DiscrepancyDetected' && event.data.discrepancy.kind === 'overdue',
    )
  )
    return 'flagged-overdue';
  return 'unchanged';
};

/**
 * The reconciliation poller's work: each cycle takes the payments that are due from the read
 * model's index (never a scan), asks each provider's status endpoint at that provider's rate
 * limit, and appends what it learned through the same decider as webhooks, with the response as
 * evidence. A Kraken Pay payment (no status endpoint) due at its deadline is flagged if still
 * open. A cycle cut short loses nothing: whatever it did not check is still due.
 */
/* eslint-disable max-lines-per-function -- a factory: its closures share the cycle in flight and the last cycle's summary */
export const createReconciler = ({
  selectDue,
  objectOf,
  statusCheckOf,
  handlePaymentCommand,
  clock,
  logger,
  lock,
  batch,
  onCheck,
  lockRenewMs = 10_000,
  failpoints = noFailpoints,
}: ReconcilerOptions) => {
  let stopping = false;
  let cycleRunning = false;
  let lastCycle: LastCycle | null = null;
  const inFlight = new Set<Promise<unknown>>();
  const checking = new Set<string>();
  const immediateChecks = new Map<ProviderName, number>();

  const check = async ({ payment }: DuePayment, fence?: Fence): Promise<CheckResult> => {
    const fenced = { fence };
    if (stopping) return 'stopped';
    const at = clock.now().toISOString();
    const client = statusCheckOf(payment.provider);
    if (client === 'no-endpoint') {
      const { appended } = await handlePaymentCommand(
        {
          type: 'FlagIfOverdue',
          data: { payment, at },
        },
        fenced,
      );
      return appended.length > 0 ? 'flagged-overdue' : 'unchanged';
    }
    if (client === 'not-configured') return 'not-configured';
    let outcome;
    try {
      outcome = await client({ ref: payment.ref, object: () => objectOf(payment) });
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      logger.warn(
        { err: error, payment: paymentKey(payment) },
        'status check failed; the payment stays due',
      );
      return 'unavailable';
    }
    // The `ignore-provider-truth` plant: the answer is dropped and payrec's state stands.
    if (failpoints.planted('ignore-provider-truth')) return 'unchanged';
    const checkedAt = clock.now().toISOString();
    if (outcome.kind === 'unreadable') {
      await handlePaymentCommand(
        {
          type: 'RecordStatusCheckFailure',
          data: {
            payment,
            code: outcome.code,
            reason: outcome.reason,
            response: outcome.response,
            checkedAt,
          },
        },
        fenced,
      );
      return 'unreadable';
    }
    const { appended } = await handlePaymentCommand(
      {
        type: 'RecordProviderReport',
        data: {
          payment,
          report: outcome.report,
          evidence: {
            deliveryKey: `poll:${checkedAt}:${randomUUID()}`,
            channel: 'poll',
            receivedAt: checkedAt,
            verification: {
              method: 'status-api',
              trust: 'authoritative',
              detail: `HTTP ${outcome.response.status} from the status endpoint`,
            },
            received: { body: outcome.response.body, headers: {} },
          },
        },
      },
      fenced,
    );
    return resultOf(appended);
  };

  /** Checks one payment, at most once at a time; never throws (failures are logged). */
  const checkTracked = async (due: DuePayment, fence?: Fence): Promise<CheckResult> => {
    const key = paymentKey(due.payment);
    if (checking.has(key)) return 'unchanged';
    checking.add(key);
    const running = check(due, fence)
      .catch((error: unknown) => {
        if (error instanceof RoleLost) {
          // Another process took the reconciler while this check was under way: its answer is
          // not recorded here (it may be stale); the new holder asks again.
          logger.warn({ payment: key, reason: error.message }, 'role lost: check not recorded');
          return 'stopped' as const;
        }
        logger.error(
          { err: error, payment: key },
          'status check could not be recorded; the payment stays due',
        );
        return 'unavailable' as const;
      })
      .then((result) => {
        onCheck?.(due.payment.provider, result);
        return result;
      })
      .finally(() => {
        checking.delete(key);
        inFlight.delete(running);
      });
    inFlight.add(running);
    return running;
  };

  return {
    /** The last cycle that ran here, or `null` before the first. */
    lastCycle: (): LastCycle | null => lastCycle,
    /** One cycle over what is due now (of one provider, if given). */
    runCycle: async (provider?: ProviderName, fence?: Fence): Promise<CycleSummary> => {
      const started = performance.now();
      // One at a time here (a flag) and across processes (the lease).
      if (cycleRunning || !lock.tryAcquire()) {
        return { ran: false, due: 0, selectMs: 0, durationMs: 0, results: {}, byProvider: {} };
      }
      cycleRunning = true;
      try {
        const due = selectDue(clock.now().toISOString(), batch, provider);
        const selectMs = performance.now() - started;
        const results: Partial<Record<CheckResult, number>> = {};
        const byProvider: Partial<Record<ProviderName, number>> = {};
        const renew = setInterval(() => {
          try {
            lock.tryAcquire();
          } catch (err) {
            // The lease could not be renewed (a full disk): the cycle goes on; at worst another
            // process takes the lease when it expires and checks some payments twice.
            logger.warn({ err }, 'could not renew the reconciliation lease');
          }
        }, lockRenewMs);
        renew.unref();
        try {
          // A lane per provider, each with a bounded number of checks under way: providers
          // proceed at their own limits, and a large due set never sits in memory as promises.
          const lanes = new Map<ProviderName, LimitFunction>();
          const lane = (provider: ProviderName) => {
            const existing = lanes.get(provider);
            if (existing) return existing;
            const created = pLimit(checksUnderWayPerProvider);
            lanes.set(provider, created);
            return created;
          };
          await Promise.all(
            due.map((payment) =>
              lane(payment.payment.provider)(async () => {
                byProvider[payment.payment.provider] =
                  (byProvider[payment.payment.provider] ?? 0) + 1;
                const result = await checkTracked(payment, fence);
                results[result] = (results[result] ?? 0) + 1;
              }),
            ),
          );
        } finally {
          clearInterval(renew);
        }
        const summary = {
          ran: true,
          due: due.length,
          selectMs,
          durationMs: performance.now() - started,
          results,
          byProvider,
        };
        lastCycle = { finishedAt: clock.now().toISOString(), summary };
        return summary;
      } finally {
        cycleRunning = false;
        try {
          lock.release();
        } catch (err) {
          logger.warn({ err }, 'could not release the reconciliation lease; it expires by itself');
        }
      }
    },
    /**
     * Asks the provider now, outside the cycle (a hint just arrived): the hint is confirmed or
     * contradicted at once, not at the next tick.
     */
    checkNow: (payment: PaymentId, fence?: Fence): void => {
      if (stopping || statusCheckOf(payment.provider) === 'no-endpoint') return;
      // Hints can arrive faster than a provider's rate limit lets payrec ask: past a bounded
      // number waiting per provider, a hint is left to the next cycle (it is due at once in the
      // read model's index), so memory stays flat however fast hints come.
      const waiting = immediateChecks.get(payment.provider) ?? 0;
      if (waiting >= immediateChecksPerProvider) return;
      immediateChecks.set(payment.provider, waiting + 1);
      void checkTracked({ payment }, fence).finally(() => {
        immediateChecks.set(payment.provider, (immediateChecks.get(payment.provider) ?? 1) - 1);
      });
    },
    /**
     * Asks the provider about one payment now and resolves with what it found (a replayed hint,
     * from a command that must wait for the answer before it exits). Never throws.
     */
    checkOne: async (payment: PaymentId): Promise<CheckResult> =>
      stopping || statusCheckOf(payment.provider) === 'no-endpoint'
        ? 'unchanged'
        : checkTracked({ payment }),
    /** Starts no new check and waits for those in flight. */
    stop: async () => {
      stopping = true;
      await Promise.all(inFlight);
    },
  };
};
/* eslint-enable max-lines-per-function */

export type Reconciler = ReturnType<typeof createReconciler>;
