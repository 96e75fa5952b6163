import {
  decide,
  evolve,
  initialState,
  type PaymentEvent,
  type PaymentState,
  type ReportJudgement,
  toPaymentEvent,
} from '../domain/index.js';
import type { RecordedEvent } from '../domain/ports/index.js';

/** One event of a payment's audit trail, with what the decider made of it where it judged. */
export type ExplainedEvent = Readonly<{
  recorded: RecordedEvent;
  /** `null` for an event of a type this payrec does not know (kept, never guessed at). */
  event: PaymentEvent | null;
  judgement: ReportJudgement | null;
  /** The payment's state after this event. */
  after: PaymentState;
}>;

/**
 * What the decider made of a report: the judgement it recorded with it, or, for a report recorded
 * before payrec kept judgements, the one it gives now to the same report in the same state.
 */
const judgementOf = (event: PaymentEvent, before: PaymentState): ReportJudgement | null => {
  if (event.type !== 'ProviderReportRecorded') return null;
  if (event.data.judgement !== undefined) return event.data.judgement;
  const { payment, report, evidence } = event.data;
  const recorded = decide(
    { type: 'RecordProviderReport', data: { payment, report, evidence } },
    before,
  ).find((decided) => decided.type === 'ProviderReportRecorded');
  if (recorded?.type !== 'ProviderReportRecorded') return { effect: 'repeat' };
  return recorded.data.judgement ?? null;
};

/**
 * A payment's audit trail, explained: every event in order, folded as it goes (up to an instant
 * when `until` is given), each report with its judgement.
 */
export const explainTrail = (
  recorded: readonly RecordedEvent[],
  until = Number.POSITIVE_INFINITY,
): Readonly<{ events: ExplainedEvent[]; state: PaymentState }> => {
  let state: PaymentState = initialState();
  const events: ExplainedEvent[] = [];
  for (const entry of recorded) {
    if (Date.parse(entry.recordedAt) > until) break;
    const event = toPaymentEvent(entry);
    const judgement = event === null ? null : judgementOf(event, state);
    if (event !== null) state = evolve(state, event);
    events.push({ recorded: entry, event, judgement, after: state });
  }
  return { events, state };
};
