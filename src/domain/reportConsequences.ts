import { amountDisagreement, discrepancyId } from './discrepancy.js';
import {
  deniedHint,
  detected,
  firstDetected,
  resolveStatusContradictions,
} from './discrepancyDetection.js';
import { claimVerdict } from './hintClaim.js';
import type { RecordProviderReport } from './paymentCommands.js';
import type { PaymentEvent, StatusMove } from './paymentEvents.js';
import type { KnownPayment } from './paymentState.js';
import { providerTimeOf } from './providerTime.js';
import { canTransition, precedes, type PaymentStatus } from './paymentStatus.js';
import type { ReportJudgement } from './reportJudgement.js';

/** What a report changes beyond being recorded, and what the decider made of it. */
export type Consequences = Readonly<{ events: PaymentEvent[]; judgement: ReportJudgement | null }>;

/**
 * The move a report makes from one status to another: its delivery, and the provider's time,
 * where verified evidence gives one (the settlement day is the provider's).
 */
const statusMove = (
  command: RecordProviderReport,
  from: PaymentStatus,
  to: PaymentStatus,
): StatusMove => {
  const { payment, report, evidence } = command.data;
  const providerAt = providerTimeOf(report.occurredAt, evidence.receivedAt);
  return {
    payment,
    from,
    to,
    deliveryKey: evidence.deliveryKey,
    channel: evidence.channel,
    ...(providerAt === undefined ? {} : { providerAt }),
  };
};

/** The report's amount against the registration, and the hint it may deny. */
const amountChecks = (current: KnownPayment | null, command: RecordProviderReport) => {
  const { payment, report, evidence } = command.data;
  const disagreement = amountDisagreement(current?.expected?.amount, report.amount);
  const amountEvents = [
    ...deniedHint(current, command),
    ...(disagreement === null
      ? []
      : detected(
          current,
          { ...disagreement, deliveryKey: evidence.deliveryKey, ourDeliveryKey: null },
          payment,
          evidence.receivedAt,
        )),
  ];
  /** The judgement of a report its figures contradict, naming the discrepancy. */
  const contradicted = (id?: string): ReportJudgement => {
    const named =
      id ??
      firstDetected(amountEvents) ??
      (disagreement === null
        ? undefined
        : discrepancyId(disagreement.kind, disagreement.ours, disagreement.theirs));
    return named === undefined
      ? { effect: 'contradicted' }
      : { effect: 'contradicted', discrepancyId: named };
  };
  const unlessContradicted = (judgement: ReportJudgement | null): ReportJudgement | null =>
    amountEvents.length > 0 || disagreement !== null ? contradicted() : judgement;
  return { amountEvents, disagreement, contradicted, unlessContradicted };
};

/**
 * A report of a status that contradicts the payment's terminal one (it cannot move there, and the
 * report is not late): the status endpoint corrects the payment; anything else is a discrepancy.
 */
const againstTerminal = (
  current: KnownPayment,
  command: RecordProviderReport,
  {
    amountEvents,
    contradicted,
    from,
    to,
  }: Readonly<{
    amountEvents: readonly PaymentEvent[];
    contradicted: (id?: string) => ReportJudgement;
    from: PaymentStatus;
    to: PaymentStatus;
  }>,
): Consequences => {
  const { payment, evidence } = command.data;
  const trust = evidence.verification.trust;
  if (trust === 'authoritative') {
    return {
      events: [
        ...amountEvents,
        {
          type: 'PaymentStatusCorrected',
          data: {
            ...statusMove(command, from, to),
            correctsDeliveryKey: current.statusOrigin?.deliveryKey ?? null,
            correctedAt: evidence.receivedAt,
          },
        },
        ...resolveStatusContradictions(current, evidence, 'corrected'),
      ],
      judgement: { effect: 'corrected' },
    };
  }
  const contradiction = {
    kind: 'status-contradiction' as const,
    ours: from,
    theirs: to,
    deliveryKey: evidence.deliveryKey,
    ourDeliveryKey: current.statusOrigin?.deliveryKey ?? null,
  };
  return {
    events: [...amountEvents, ...detected(current, contradiction, payment, evidence.receivedAt)],
    judgement: contradicted(
      firstDetected(amountEvents) ??
        discrepancyId(contradiction.kind, contradiction.ours, contradiction.theirs),
    ),
  };
};

/**
 * What a report changes beyond being recorded. `current` is null for a payment never seen before,
 * which starts `pending`.
 */
export const consequences = (
  current: KnownPayment | null,
  command: RecordProviderReport,
): Consequences => {
  const { report, evidence } = command.data;
  const { amountEvents, disagreement, contradicted, unlessContradicted } = amountChecks(
    current,
    command,
  );
  const to = report.status;
  const trust = evidence.verification.trust;
  const from = current?.status ?? 'pending';
  if (to === null) return { events: amountEvents, judgement: unlessContradicted(null) };
  if (trust === 'hint') {
    const judgement: ReportJudgement = {
      effect: to === from ? 'repeat' : precedes(to, from) ? 'late' : 'awaiting-confirmation',
    };
    return { events: amountEvents, judgement: unlessContradicted(judgement) };
  }
  const claim = current?.hintClaim ?? null;
  const confirmsClaim =
    trust === 'authoritative' && claim !== null && claimVerdict(claim.status, to) === 'confirmed';

  if (to === from) {
    const resolved =
      trust === 'authoritative' && current !== null
        ? resolveStatusContradictions(current, evidence, 'confirmed')
        : [];
    return {
      events: [...amountEvents, ...resolved],
      judgement: unlessContradicted({
        effect: resolved.length > 0 || confirmsClaim ? 'confirmed' : 'repeat',
      }),
    };
  }
  // A report of a status the payment has already passed is late: evidence, nothing more.
  if (precedes(to, from)) {
    return { events: amountEvents, judgement: unlessContradicted({ effect: 'late' }) };
  }
  // A success whose amount or currency disagrees with the registration is not a success.
  if (to === 'success' && disagreement !== null) {
    return { events: amountEvents, judgement: contradicted() };
  }

  if (canTransition(from, to)) {
    return {
      events: [
        ...amountEvents,
        {
          type: 'PaymentStatusChanged',
          data: { ...statusMove(command, from, to), changedAt: evidence.receivedAt },
        },
      ],
      judgement: unlessContradicted({ effect: confirmsClaim ? 'confirmed' : 'moved' }),
    };
  }
  // `to` contradicts a terminal state (canTransition is false, and it is not late).
  if (current === null) return { events: amountEvents, judgement: unlessContradicted(null) };
  return againstTerminal(current, command, { amountEvents, contradicted, from, to });
};
