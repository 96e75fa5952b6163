import {
  canTransition,
  fulfilmentMessageId,
  paymentIdFromStreamName,
  paymentKey,
  type PaymentStatus,
} from '../src/domain/index.js';
import type { RecordedEvent } from '../src/domain/ports/index.js';
import type { Receipt } from './fulfilmentReceiver.js';
import type { RunRecord, SentDelivery } from './runSchedule.js';
import type { PaymentPlan, Schedule } from './schedule.js';

/** Everything the checks read: the schedule (the truth), what happened, and what payrec kept. */
export type Observations = Readonly<{
  schedule: Schedule;
  record: RunRecord;
  /** The whole event log, in order. */
  events: readonly RecordedEvent[];
  receipts: readonly Receipt[];
  callTimes: Readonly<Record<string, readonly number[]>>;
  rateLimit: number;
  /** Exports and the report, as the running services answered after convergence. */
  live: ReadModelSnapshot;
  /** The same, from read models rebuilt from the log with the services stopped. */
  rebuilt: ReadModelSnapshot;
  deliveryLog: readonly Record<string, unknown>[];
}>;

export type ReadModelSnapshot = Readonly<{
  payments: readonly Record<string, unknown>[];
  discrepancies: readonly Record<string, unknown>[];
  report: ReadonlyArray<Record<string, unknown>>;
}>;

export type Invariant = Readonly<{
  name: string;
  /** What breaks it, in words; empty when it holds. */
  check: (observations: Observations) => readonly string[];
}>;

const acknowledged = (sent: SentDelivery) =>
  sent.answers.some((status) => status >= 200 && status < 300);

type ReportRecorded = Readonly<{
  evidence: Readonly<{ deliveryId?: string; channel: string; received?: { body: string } }>;
  report: Readonly<{ status: PaymentStatus | null }>;
}>;

const reportsOf = (events: readonly RecordedEvent[]) =>
  events
    .filter((event) => event.type === 'ProviderReportRecorded')
    .map((event) => ({ event, data: event.data as unknown as ReportRecorded }));

/** Where each payment stands at the end of its stream, by payment key. */
const finalStatuses = (events: readonly RecordedEvent[]): Map<string, PaymentStatus> => {
  const statuses = new Map<string, PaymentStatus>();
  for (const event of events) {
    const payment = paymentIdFromStreamName(event.streamName);
    if (payment === null) continue;
    const key = paymentKey(payment);
    if (!statuses.has(key)) statuses.set(key, 'pending');
    if (event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected') {
      statuses.set(key, (event.data as { to: PaymentStatus }).to);
    }
  }
  return statuses;
};

const keyOf = (payment: PaymentPlan) =>
  paymentKey({ provider: payment.provider, ref: payment.ref });

/**
 * What payrec may end with for each payment it could know of: the status endpoint's last word;
 * for Kraken Pay (no endpoint) its acknowledged callback's, or `pending` when only registered.
 * A refund whose webhook never arrived is known to the endpoint only, and payrec asks about a
 * confirmed success again only on its refund watch (1, 7 and 30 days on): within a run it may
 * hold the success still, or the refund if it happened to ask after it. A payment nothing of
 * reached payrec (every delivery dropped, none registered) is not expected at all.
 */
export const expectedFinals = (
  schedule: Schedule,
  record: Pick<RunRecord, 'sent' | 'registered'>,
): Map<string, readonly PaymentStatus[]> => {
  const known = new Set<number>(record.registered);
  const calledBack = new Set<number>();
  const toldRefund = new Set<number>();
  for (const sent of record.sent) {
    if ((sent.plan.kind === 'genuine' || sent.plan.kind === 'lie') && acknowledged(sent)) {
      known.add(sent.plan.payment);
      if (sent.plan.kind === 'genuine') calledBack.add(sent.plan.payment);
      if (sent.plan.kind === 'genuine' && sent.plan.word === 'refunded') {
        toldRefund.add(sent.plan.payment);
      }
    }
  }
  const expected = new Map<string, readonly PaymentStatus[]>();
  for (const payment of schedule.payments) {
    if (!known.has(payment.index)) continue;
    expected.set(
      keyOf(payment),
      payment.provider === 'kraken-pay' && !calledBack.has(payment.index)
        ? ['pending']
        : payment.final === 'refunded' && !toldRefund.has(payment.index)
          ? ['success', 'refunded']
          : [payment.final],
    );
  }
  return expected;
};

const first = (items: readonly string[], count = 5): string =>
  items.length <= count
    ? items.join('; ')
    : `${items.slice(0, count).join('; ')}; … ${items.length - count} more`;

const cellKey = (provider: unknown, currency: unknown, status: unknown) =>
  `${typeof provider === 'string' ? provider : '?'}|${typeof currency === 'string' ? currency : 'none'}|${typeof status === 'string' ? status : '?'}`;

export const invariants: readonly Invariant[] = [
  {
    name: 'the run converged',
    check: ({ record }) =>
      record.converged
        ? []
        : [`payrec did not reach the truth within ${Math.round(record.convergenceMs / 1000)} s`],
  },
  {
    name: 'every acknowledged delivery is in the event log exactly once',
    check: ({ record, events }) => {
      const counts = new Map<string, number>();
      for (const { data } of reportsOf(events)) {
        const body = data.evidence.received?.body;
        if (data.evidence.channel === 'webhook' && body !== undefined)
          counts.set(body, (counts.get(body) ?? 0) + 1);
      }
      return record.sent
        .filter(
          (sent) =>
            (sent.plan.kind === 'genuine' || sent.plan.kind === 'lie') && acknowledged(sent),
        )
        .filter((sent) => counts.get(sent.delivery.body) !== 1)
        .map(
          (sent) =>
            `${sent.plan.kind} delivery ${sent.plan.id} (${sent.delivery.provider} ${sent.delivery.ref} "${sent.plan.word}") acknowledged, recorded ${counts.get(sent.delivery.body) ?? 0} times`,
        );
    },
  },
  {
    name: 'no forged, replayed or stale delivery is accepted or recorded',
    check: ({ record, events }) => {
      const recorded = new Set(reportsOf(events).map(({ data }) => data.evidence.received?.body));
      return record.sent
        .filter(
          (sent) =>
            sent.plan.kind === 'forged' ||
            sent.plan.kind === 'replayed' ||
            sent.plan.kind === 'stale',
        )
        .filter((sent) => acknowledged(sent) || recorded.has(sent.delivery.body))
        .map(
          (sent) =>
            `${sent.plan.kind} delivery ${sent.plan.id} for ${sent.delivery.provider} ${sent.delivery.ref} was ${recorded.has(sent.delivery.body) ? 'recorded' : 'acknowledged'}`,
        );
    },
  },
  {
    name: 'no illegal transition happened',
    check: ({ events }) => {
      const problems: string[] = [];
      const current = new Map<string, PaymentStatus>();
      for (const event of events) {
        const payment = paymentIdFromStreamName(event.streamName);
        if (payment === null) continue;
        const key = paymentKey(payment);
        const status = current.get(key) ?? 'pending';
        if (event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected') {
          const move = event.data as { from: PaymentStatus; to: PaymentStatus; channel: string };
          if (move.from !== status)
            problems.push(`${key}: ${event.type} from ${move.from} while at ${status}`);
          if (event.type === 'PaymentStatusChanged' && !canTransition(move.from, move.to)) {
            problems.push(`${key}: ${move.from} → ${move.to} by a ${move.channel} report`);
          }
          if (event.type === 'PaymentStatusCorrected' && move.channel !== 'poll') {
            problems.push(
              `${key}: corrected to ${move.to} by a ${move.channel} report, not the status endpoint`,
            );
          }
          current.set(key, move.to);
        }
      }
      return problems;
    },
  },
  {
    name: "every payment ends at the provider's final status",
    check: ({ schedule, record, events }) => {
      const expected = expectedFinals(schedule, record);
      const actual = finalStatuses(events);
      const problems: string[] = [];
      for (const [key, allowed] of expected) {
        const held = actual.get(key);
        if (held === undefined || !allowed.includes(held)) {
          problems.push(
            `${key}: payrec ${held ?? 'has no stream'}, provider ${allowed.join(' or ')}`,
          );
        }
      }
      for (const key of actual.keys()) {
        if (!expected.has(key))
          problems.push(`${key}: a stream for a payment nothing genuine told payrec of`);
      }
      return problems;
    },
  },
  {
    name: 'every transition was notified, always under the same webhook-id',
    check: ({ events, receipts }) => {
      const requested = new Map<string, string>();
      for (const event of events) {
        if (event.type !== 'FulfilmentRequested') continue;
        const payment = paymentIdFromStreamName(event.streamName);
        if (payment === null) continue;
        const { key, from, to } = event.data as { key: string; from: string; to: string };
        requested.set(fulfilmentMessageId(payment, key), `${paymentKey(payment)} ${from} → ${to}`);
      }
      const problems: string[] = [];
      const received = new Set(receipts.map((receipt) => receipt.transition));
      for (const [id, transition] of requested) {
        if (!received.has(id)) problems.push(`${transition} (${id}) never reached the receiver`);
      }
      for (const receipt of receipts) {
        if (receipt.webhookId !== receipt.transition) {
          problems.push(
            `${receipt.provider}/${receipt.ref} ${receipt.previousStatus} → ${receipt.status} arrived under webhook-id ${receipt.webhookId}, not ${receipt.transition}`,
          );
        }
        if (!requested.has(receipt.transition))
          problems.push(`a notification ${receipt.transition} for no requested transition`);
      }
      return [...new Set(problems)];
    },
  },
  {
    name: 'status calls stayed within each rate limit',
    check: ({ callTimes, rateLimit, record }) => {
      // payrec spaces its calls evenly; a call that leaves late (a busy event loop) can land in
      // the next second's window beside that second's own: one over the limit is that, not more.
      const problems: string[] = [];
      for (const [provider, times] of Object.entries(callTimes)) {
        const sorted = [...times].sort((a, b) => a - b);
        let start = 0;
        let worst = 0;
        let worstFrom = 0;
        for (let end = 0; end < sorted.length; end += 1) {
          while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1_000) start += 1;
          if (end - start + 1 > worst) {
            worst = end - start + 1;
            worstFrom = sorted[start] ?? 0;
          }
        }
        if (worst > rateLimit + 1)
          problems.push(
            `${provider}: ${worst} calls in one second (limit ${rateLimit}), the second from ${((worstFrom - record.startedAt) / 1000).toFixed(1)} s`,
          );
      }
      return problems;
    },
  },
  {
    name: 'every discrepancy has a cause in the schedule',
    check: ({ schedule, record, events }) => {
      const byKey = new Map(schedule.payments.map((payment) => [keyOf(payment), payment]));
      const lied = new Set(
        record.sent
          .filter((sent) => sent.plan.kind === 'lie' && acknowledged(sent))
          .map((sent) => sent.plan.payment),
      );
      const problems: string[] = [];
      for (const event of events) {
        if (event.type !== 'DiscrepancyDetected') continue;
        const payment = paymentIdFromStreamName(event.streamName);
        const plan = payment === null ? undefined : byKey.get(paymentKey(payment));
        const kind = (event.data as { discrepancy: { kind: string } }).discrepancy.kind;
        const caused =
          plan !== undefined &&
          ((kind === 'contradicted-hint' && lied.has(plan.index)) ||
            (kind === 'overdue' && plan.registration?.deadlineMs != null) ||
            (kind === 'status-contradiction' && plan.flipped));
        if (!caused)
          problems.push(
            `${payment ? paymentKey(payment) : event.streamName}: ${kind} with no cause in the schedule`,
          );
      }
      return problems;
    },
  },
  {
    name: 'every lie has its discrepancy',
    check: ({ schedule, record, events }) => {
      const flagged = new Set<string>();
      for (const event of events) {
        const payment = paymentIdFromStreamName(event.streamName);
        if (event.type === 'DiscrepancyDetected' && payment !== null)
          flagged.add(paymentKey(payment));
      }
      return record.sent
        .filter((sent) => sent.plan.kind === 'lie' && acknowledged(sent))
        .map((sent) => schedule.payments[sent.plan.payment])
        .filter(
          (payment): payment is PaymentPlan =>
            payment !== undefined && !flagged.has(keyOf(payment)),
        )
        .map((payment) => `${keyOf(payment)}: a lying hint and no discrepancy`);
    },
  },
  {
    name: 'no resolved discrepancy reopened without new evidence',
    check: ({ events }) => {
      const problems: string[] = [];
      const resolvedKinds = new Map<string, Set<string>>();
      const kindsById = new Map<string, string>();
      for (const event of events) {
        const payment = paymentIdFromStreamName(event.streamName);
        if (payment === null) continue;
        const key = paymentKey(payment);
        if (event.type === 'ProviderReportRecorded') resolvedKinds.delete(key);
        if (event.type === 'DiscrepancyDetected') {
          const discrepancy = (event.data as { discrepancy: { id: string; kind: string } })
            .discrepancy;
          kindsById.set(discrepancy.id, discrepancy.kind);
          if (resolvedKinds.get(key)?.has(discrepancy.kind)) {
            problems.push(
              `${key}: ${discrepancy.kind} reopened with no report since a person resolved it`,
            );
          }
        }
        if (event.type === 'DiscrepancyResolved') {
          const data = event.data as { discrepancyId: string; actor?: string };
          const kind = kindsById.get(data.discrepancyId);
          if (data.actor !== undefined && kind !== undefined) {
            resolvedKinds.set(key, new Set([...(resolvedKinds.get(key) ?? []), kind]));
          }
        }
      }
      return problems;
    },
  },
  {
    name: 'the settlement report equals the fold of the truth, cell by cell',
    check: ({ schedule, record, live, events }) => {
      const expected = new Map<string, { count: number; minor: bigint }>();
      const finals = expectedFinals(schedule, record);
      // Where the truth allows two ends (a refund only the endpoint knows), the one the log
      // holds; the final-status invariant checks that it is one of them.
      const held = finalStatuses(events);
      for (const payment of schedule.payments) {
        const allowed = finals.get(keyOf(payment));
        if (allowed === undefined) continue;
        const inLog = held.get(keyOf(payment));
        const status =
          allowed.length === 1 || inLog === undefined || !allowed.includes(inLog)
            ? allowed[0]
            : inLog;
        if (status === undefined) continue;
        // Kraken Pay's callback carries no amount: only a registration tells it.
        const amountKnown =
          payment.provider !== 'kraken-pay' || record.registered.has(payment.index);
        const key = cellKey(payment.provider, amountKnown ? payment.amount.currency : null, status);
        const cell = expected.get(key) ?? { count: 0, minor: 0n };
        expected.set(key, {
          count: cell.count + 1,
          minor: cell.minor + (amountKnown ? BigInt(payment.amount.minor) : 0n),
        });
      }
      const reported = new Map<string, { count: number; minor: bigint }>();
      for (const row of live.report) {
        const key = cellKey(row['provider'], row['currency'], row['status']);
        const cell = reported.get(key) ?? { count: 0, minor: 0n };
        reported.set(key, {
          count: cell.count + Number(row['count']),
          minor:
            cell.minor + BigInt(typeof row['amountMinor'] === 'string' ? row['amountMinor'] : 0),
        });
      }
      const problems: string[] = [];
      for (const key of new Set([...expected.keys(), ...reported.keys()])) {
        const want = expected.get(key) ?? { count: 0, minor: 0n };
        const got = reported.get(key) ?? { count: 0, minor: 0n };
        if (want.count !== got.count || want.minor !== got.minor) {
          problems.push(
            `${key}: report ${got.count} for ${got.minor}, truth ${want.count} for ${want.minor}`,
          );
        }
      }
      return problems;
    },
  },
  {
    name: 'the read models equal a fresh rebuild',
    check: ({ live, rebuilt }) => {
      const problems: string[] = [];
      const compare = (name: string, a: readonly unknown[], b: readonly unknown[]) => {
        const left = a.map((row) => JSON.stringify(row)).sort();
        const right = new Set(b.map((row) => JSON.stringify(row)));
        const missing = left.filter((row) => !right.has(row));
        if (missing.length > 0 || a.length !== b.length) {
          problems.push(
            `${name}: ${missing.length} of ${a.length} rows differ after a rebuild (${b.length} rebuilt): ${first(missing, 2)}`,
          );
        }
      };
      compare('payments', live.payments, rebuilt.payments);
      compare('discrepancies', live.discrepancies, rebuilt.discrepancies);
      compare('settlement report', live.report, rebuilt.report);
      return problems;
    },
  },
  {
    name: 'the delivery log holds every acknowledged delivery once',
    check: ({ record, events, deliveryLog }) => {
      const idByBody = new Map<string, string>();
      for (const { data } of reportsOf(events)) {
        const body = data.evidence.received?.body;
        if (body !== undefined && data.evidence.deliveryId !== undefined)
          idByBody.set(body, data.evidence.deliveryId);
      }
      const accepted = new Map<string, number>();
      for (const row of deliveryLog) {
        if (row['outcome'] !== 'accepted') continue;
        const id = String(row['deliveryId']);
        accepted.set(id, (accepted.get(id) ?? 0) + 1);
      }
      const problems: string[] = [];
      for (const sent of record.sent) {
        if (!((sent.plan.kind === 'genuine' || sent.plan.kind === 'lie') && acknowledged(sent)))
          continue;
        const id = idByBody.get(sent.delivery.body);
        if (id === undefined) continue; // the event log's own invariant reports it
        const count = accepted.get(id) ?? 0;
        if (count !== 1)
          problems.push(
            `${sent.delivery.provider} ${sent.delivery.ref} (${id}): ${count} accepted entries`,
          );
      }
      return problems;
    },
  },
  {
    name: 'a projection rebuild beside the running services completed',
    check: ({ record }) =>
      record.rebuild === null || record.rebuild.code === 0
        ? []
        : [
            `payrec projections rebuild exited ${String(record.rebuild.code)}: ${record.rebuild.output.trim().split('\n').at(-1) ?? ''}`,
          ],
  },
];

export { first as firstFew };
