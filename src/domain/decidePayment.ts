import {
  amountDisagreement,
  discrepancyId,
  type Discrepancy,
  type OpenDiscrepancy,
} from './discrepancy.js';
import type { Money } from './money.js';
import type { Evidence } from './evidence.js';
import { sameExpectedPayment } from './expectedPayment.js';
import { fulfilmentKey, needsFulfilment } from './fulfilment.js';
import type { ReportJudgement } from './reportJudgement.js';
import type {
  AcknowledgeDiscrepancy,
  PaymentCommand,
  ResolveDiscrepancy,
  RecordFulfilmentAttempt,
  RecordProviderReport,
  RedriveFulfilment,
  RegisterPayment,
} from './paymentCommands.js';
import type {
  DiscrepancyDetected,
  DiscrepancyResolved,
  FulfilmentRequested,
  PaymentEvent,
} from './paymentEvents.js';
import { providerTimeOf, type KnownPayment, type PaymentState } from './paymentState.js';
import { claimVerdict } from './hintClaim.js';
import { canTransition, isTerminal, precedes } from './paymentStatus.js';

/** How a registration compares with what payrec already holds. */
export type RegistrationComparison = 'new' | 'identical' | 'conflicting';

/**
 * Whether `command` registers something new, repeats the registration payrec holds, or conflicts
 * with it (docs/http.md `POST /payments`: 201, 200, 409).
 */
export const compareRegistration = (
  state: PaymentState,
  command: RegisterPayment,
): RegistrationComparison => {
  if (state.status === 'unknown' || state.expected === null) return 'new';
  return sameExpectedPayment(state.expected, command.data.expected) ? 'identical' : 'conflicting';
};

const detected = (
  state: KnownPayment | null,
  discrepancy: Omit<Discrepancy, 'id'>,
  payment: KnownPayment['payment'],
  detectedAt: string,
): DiscrepancyDetected[] => {
  const id = discrepancyId(discrepancy.kind, discrepancy.ours, discrepancy.theirs);
  if (state?.openDiscrepancies.some((open) => open.id === id)) return [];
  // A person's decision sticks: the same difference reported again (or, for an overdue payment,
  // time passing) is no new evidence. Ids are made of the figures, so only a different figure
  // opens a discrepancy again, and it then says how the last one of its kind was resolved.
  if (state?.resolvedByOperator.includes(id)) return [];
  const previous = state?.operatorResolutions?.findLast((one) => one.kind === discrepancy.kind);
  const previouslyResolved =
    previous === undefined
      ? {}
      : {
          previouslyResolved: {
            discrepancyId: previous.discrepancyId,
            theirs: previous.theirs,
            resolution: previous.resolution,
            actor: previous.actor,
            resolvedAt: previous.resolvedAt,
          },
        };
  return [
    {
      type: 'DiscrepancyDetected',
      data: { payment, discrepancy: { id, ...discrepancy, ...previouslyResolved }, detectedAt },
    },
  ];
};

const resolveStatusContradictions = (
  state: KnownPayment,
  evidence: Evidence,
  resolution: DiscrepancyResolved['data']['resolution'],
): DiscrepancyResolved[] =>
  state.openDiscrepancies
    .filter((open) => open.kind === 'status-contradiction')
    .map((open) => ({
      type: 'DiscrepancyResolved',
      data: {
        payment: state.payment,
        discrepancyId: open.id,
        resolution,
        deliveryKey: evidence.deliveryKey,
        resolvedAt: evidence.receivedAt,
      },
    }));

const register = (state: PaymentState, command: RegisterPayment): PaymentEvent[] => {
  if (compareRegistration(state, command) !== 'new') return [];
  const { payment, expected, registeredAt } = command.data;
  const events: PaymentEvent[] = [{ type: 'PaymentRegistered', data: command.data }];
  if (state.status === 'unknown') return events;
  const reported = state.reportedAmount;
  const disagreement = amountDisagreement(expected.amount, reported?.amount);
  if (disagreement === null || reported === null) return events;
  return [
    ...events,
    ...detected(
      state,
      { ...disagreement, deliveryKey: reported.deliveryKey, ourDeliveryKey: null },
      payment,
      registeredAt,
    ),
  ];
};

/** What a report changes beyond being recorded, and what the decider made of it. */
type Consequences = Readonly<{ events: PaymentEvent[]; judgement: ReportJudgement | null }>;

const firstDetected = (events: readonly PaymentEvent[]): string | undefined =>
  events.find((event) => event.type === 'DiscrepancyDetected')?.data.discrepancy.id;

/**
 * A hint's claim that the status endpoint denies (`claimVerdict`). The discrepancy names the
 * hint's delivery.
 */
const deniedHint = (
  current: KnownPayment | null,
  command: RecordProviderReport,
): DiscrepancyDetected[] => {
  const { payment, report, evidence } = command.data;
  const claim = current?.hintClaim;
  if (
    current === null ||
    claim === null ||
    claim === undefined ||
    evidence.verification.trust !== 'authoritative' ||
    report.status === null ||
    claimVerdict(claim.status, report.status) !== 'denied'
  ) {
    return [];
  }
  return detected(
    current,
    {
      kind: 'contradicted-hint',
      ours: claim.status,
      theirs: report.status,
      deliveryKey: evidence.deliveryKey,
      ourDeliveryKey: claim.deliveryKey,
    },
    payment,
    evidence.receivedAt,
  );
};

/**
 * What a report changes beyond being recorded. `current` is null for a payment never seen before,
 * which starts `pending`.
 */
const consequences = (
  current: KnownPayment | null,
  command: RecordProviderReport,
): Consequences => {
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

  // The settlement day is the provider's, where verified evidence gives its time.
  const providerAt = providerTimeOf(report.occurredAt, evidence.receivedAt);
  const atProvider = providerAt === undefined ? {} : { providerAt };
  if (canTransition(from, to)) {
    return {
      events: [
        ...amountEvents,
        {
          type: 'PaymentStatusChanged',
          data: {
            payment,
            from,
            to,
            deliveryKey: evidence.deliveryKey,
            channel: evidence.channel,
            changedAt: evidence.receivedAt,
            ...atProvider,
          },
        },
      ],
      judgement: unlessContradicted({ effect: confirmsClaim ? 'confirmed' : 'moved' }),
    };
  }
  // `to` contradicts a terminal state (canTransition is false, and it is not late).
  if (current === null) return { events: amountEvents, judgement: unlessContradicted(null) };
  if (trust === 'authoritative') {
    return {
      events: [
        ...amountEvents,
        {
          type: 'PaymentStatusCorrected',
          data: {
            payment,
            from,
            to,
            deliveryKey: evidence.deliveryKey,
            channel: evidence.channel,
            correctsDeliveryKey: current.statusOrigin?.deliveryKey ?? null,
            correctedAt: evidence.receivedAt,
            ...atProvider,
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
 * The fulfilment request for a transition that the merchant's backend must hear of, in the same
 * append as the transition, so there is exactly one per transition.
 */
const fulfilmentRequests = (
  events: readonly PaymentEvent[],
  { amount, orderId, at }: Readonly<{ amount: Money | null; orderId: string | null; at: string }>,
): FulfilmentRequested[] =>
  events.flatMap((event): FulfilmentRequested[] => {
    if (event.type !== 'PaymentStatusChanged' && event.type !== 'PaymentStatusCorrected') return [];
    const { payment, from, to, deliveryKey } = event.data;
    if (!needsFulfilment(from, to)) return [];
    return [
      {
        type: 'FulfilmentRequested',
        data: {
          payment,
          key: fulfilmentKey(to, deliveryKey),
          from,
          to,
          amount,
          orderId,
          requestedAt: at,
        },
      },
    ];
  });

/** The overdue discrepancy of a payment still open at `at`, past its deadline; none otherwise. */
const overdue = (
  state: KnownPayment,
  status: KnownPayment['status'],
  at: string,
): DiscrepancyDetected[] => {
  const deadline = state.expected?.expiresAt;
  // Instants are ISO-8601 UTC strings of one format (toISOString), so they compare as strings.
  if (deadline === undefined || isTerminal(status) || at < deadline) return [];
  return detected(
    state,
    {
      kind: 'overdue',
      ours: status,
      theirs: `no final status by ${deadline}`,
      deliveryKey: `overdue@${at}`,
      ourDeliveryKey: state.statusOrigin?.deliveryKey ?? null,
    },
    state.payment,
    at,
  );
};

/** Open overdue discrepancies resolved by a final status after all. */
const settled = (state: KnownPayment, deliveryKey: string, at: string): DiscrepancyResolved[] =>
  state.openDiscrepancies
    .filter((open) => open.kind === 'overdue')
    .map((open) => ({
      type: 'DiscrepancyResolved',
      data: {
        payment: state.payment,
        discrepancyId: open.id,
        resolution: 'settled',
        deliveryKey,
        resolvedAt: at,
      },
    }));

/** What the status after `events` is. */
const statusAfter = (current: KnownPayment['status'], events: readonly PaymentEvent[]) =>
  events.reduce(
    (status, event) =>
      event.type === 'PaymentStatusChanged' || event.type === 'PaymentStatusCorrected'
        ? event.data.to
        : status,
    current,
  );

const record = (state: PaymentState, command: RecordProviderReport): PaymentEvent[] => {
  const current = state.status === 'unknown' ? null : state;
  if (current?.seenDeliveryKeys.has(command.data.evidence.deliveryKey)) return [];
  const { events: caused, judgement } = consequences(current, command);
  const { evidence } = command.data;
  const status = statusAfter(current?.status ?? 'pending', caused);
  const deadline =
    current === null
      ? []
      : isTerminal(status)
        ? settled(current, evidence.deliveryKey, evidence.receivedAt)
        : evidence.channel === 'poll'
          ? overdue(current, status, evidence.receivedAt)
          : [];
  return [
    {
      type: 'ProviderReportRecorded',
      data: judgement === null ? command.data : { ...command.data, judgement },
    },
    ...caused,
    ...deadline,
    ...fulfilmentRequests(caused, {
      amount:
        current?.expected?.amount ??
        command.data.report.amount ??
        current?.reportedAmount?.amount ??
        null,
      orderId: current?.orderId ?? command.data.report.orderId ?? null,
      at: evidence.receivedAt,
    }),
  ];
};

/** A fulfilment attempt's outcome; an attempt for a fulfilment not awaiting one changes nothing. */
const recordAttempt = (state: PaymentState, command: RecordFulfilmentAttempt): PaymentEvent[] => {
  const { payment, key, at, outcome } = command.data;
  const fulfilment =
    state.status === 'unknown'
      ? undefined
      : state.fulfilments.find((candidate) => candidate.key === key);
  if (fulfilment?.status !== 'requested') return [];
  const attempt = fulfilment.attempts + 1;
  if (outcome.kind === 'delivered') {
    return [
      {
        type: 'FulfilmentDelivered',
        data: { payment, key, attempt, responseStatus: outcome.responseStatus, deliveredAt: at },
      },
    ];
  }
  if (attempt >= outcome.maxAttempts) {
    return [
      {
        type: 'FulfilmentExhausted',
        data: { payment, key, attempts: attempt, reason: outcome.reason, exhaustedAt: at },
      },
    ];
  }
  return [
    {
      type: 'FulfilmentAttemptFailed',
      data: {
        payment,
        key,
        attempt,
        reason: outcome.reason,
        failedAt: at,
        nextAttemptAt: outcome.nextAttemptAt,
      },
    },
  ];
};

/** Only an exhausted fulfilment can be re-driven; anything else is already on its way. */
const redrive = (state: PaymentState, command: RedriveFulfilment): PaymentEvent[] => {
  const { payment, key, at, source, actor, reason } = command.data;
  if (state.status === 'unknown') return [];
  const fulfilment = state.fulfilments.find((candidate) => candidate.key === key);
  if (fulfilment?.status !== 'exhausted') return [];
  return [
    {
      type: 'FulfilmentRedriven',
      data: {
        payment,
        key,
        redrivenAt: at,
        source,
        ...(actor === undefined ? {} : { actor }),
        ...(reason === undefined ? {} : { reason }),
      },
    },
  ];
};

/** An acknowledgement of a discrepancy that is open; nothing for one that is not. */
const acknowledge = (state: PaymentState, command: AcknowledgeDiscrepancy): PaymentEvent[] => {
  const { payment, discrepancyId: id, actor, note, at } = command.data;
  if (state.status === 'unknown' || !state.openDiscrepancies.some((open) => open.id === id)) {
    return [];
  }
  return [
    {
      type: 'DiscrepancyAcknowledged',
      data: { payment, discrepancyId: id, actor, note, acknowledgedAt: at },
    },
  ];
};

/**
 * `accepted-provider` on an amount or currency mismatch: the provider's figure becomes the
 * payment's own, and the status the mismatch held back applies, with its fulfilment, counted on
 * the day the provider gave. Nothing when the provider's figure is no longer the one the person
 * saw (a later report changed it: that is a new discrepancy to decide).
 */
const acceptProviderFigures = (
  state: KnownPayment,
  open: OpenDiscrepancy,
  command: ResolveDiscrepancy,
): PaymentEvent[] => {
  const { payment, discrepancyId: id, actor, note, at } = command.data;
  const held = state.heldBack ?? null;
  const reported = held?.amount ?? state.reportedAmount?.amount;
  const disagreement = amountDisagreement(state.expected?.amount, reported);
  if (
    reported === undefined ||
    disagreement === null ||
    discrepancyId(disagreement.kind, disagreement.ours, disagreement.theirs) !== open.id
  ) {
    return [];
  }
  const accepted: PaymentEvent = {
    type: 'ProviderAmountAccepted',
    data: {
      payment,
      from: state.expected?.amount ?? null,
      to: reported,
      discrepancyId: id,
      actor,
      note,
      acceptedAt: at,
    },
  };
  if (held === null || !canTransition(state.status, held.status)) return [accepted];
  const changed: PaymentEvent = {
    type: 'PaymentStatusChanged',
    data: {
      payment,
      from: state.status,
      to: held.status,
      deliveryKey: held.deliveryKey,
      channel: held.channel,
      changedAt: at,
      providerAt: held.providerAt ?? held.at,
    },
  };
  return [
    accepted,
    changed,
    ...(isTerminal(held.status) ? settled(state, held.deliveryKey, at) : []),
    ...fulfilmentRequests([changed], { amount: reported, orderId: state.orderId, at }),
  ];
};

/** A person's resolution of a discrepancy that is open; nothing for one that is not. */
const resolveByOperator = (state: PaymentState, command: ResolveDiscrepancy): PaymentEvent[] => {
  const { payment, discrepancyId: id, resolution, actor, note, at } = command.data;
  const open =
    state.status === 'unknown'
      ? undefined
      : state.openDiscrepancies.find((candidate) => candidate.id === id);
  if (state.status === 'unknown' || open === undefined) return [];
  const resolved: PaymentEvent = {
    type: 'DiscrepancyResolved',
    data: {
      payment,
      discrepancyId: id,
      resolution,
      deliveryKey: null,
      resolvedAt: at,
      actor,
      note,
    },
  };
  const acceptsFigures =
    resolution === 'accepted-provider' &&
    (open.kind === 'amount-mismatch' || open.kind === 'currency-mismatch');
  return [resolved, ...(acceptsFigures ? acceptProviderFigures(state, open, command) : [])];
};

/**
 * The payment decider's `decide`: what a command makes happen, given the payment's state.
 * Returns zero or more events and never throws for anything the outside world can cause: a
 * repeated delivery returns none; a late report is recorded and changes nothing; a report that
 * contradicts a terminal state is a discrepancy, unless it comes from the provider's status
 * endpoint, which corrects it.
 */
export const decide = (command: PaymentCommand, state: PaymentState): PaymentEvent[] => {
  switch (command.type) {
    case 'RegisterPayment':
      return register(state, command);
    case 'RecordProviderReport':
      return record(state, command);
    case 'RecordStatusCheckFailure':
      return [{ type: 'StatusCheckFailed', data: command.data }];
    case 'FlagIfOverdue':
      return state.status === 'unknown' ? [] : overdue(state, state.status, command.data.at);
    case 'RecordFulfilmentAttempt':
      return recordAttempt(state, command);
    case 'RedriveFulfilment':
      return redrive(state, command);
    case 'AcknowledgeDiscrepancy':
      return acknowledge(state, command);
    case 'ResolveDiscrepancy':
      return resolveByOperator(state, command);
  }
};
