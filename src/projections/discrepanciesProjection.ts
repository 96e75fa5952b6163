import {
  differingFieldOf,
  paymentKey,
  publicDiscrepancyKinds,
  publicKindOf,
  type Acknowledgement,
  type Discrepancy,
  type PaymentId,
  type PublicDiscrepancyKind,
} from '../domain/index.js';
import type { ReadModelTable, RecordedEvent } from '../domain/ports/index.js';
import { decodeForProjection } from './projectionRunner.js';
import type { ProjectedEvent, Projection } from './projection.js';

/** The kinds finance sees (the domain's public kinds). */
export const discrepancyKinds = publicDiscrepancyKinds;
export type { PublicDiscrepancyKind };

export const discrepancyStates = ['open', 'acknowledged', 'resolved'] as const;
export type DiscrepancyState = (typeof discrepancyStates)[number];

/** One field on which payrec and the provider disagree. */
export type Difference = Readonly<{ field: string; payrec: string; provider: string }>;

/** One step in a discrepancy's life, with who took it. */
export type DiscrepancyStep = Readonly<{
  action: 'opened' | 'reopened' | 'acknowledged' | 'resolved';
  at: string;
  /** The delivery or check it rests on, when evidence made the step. */
  deliveryKey: string | null;
  /** Who, when a person took the step. */
  actor: string | null;
  note: string | null;
  resolution: string | null;
}>;

/** One discrepancy as finance sees it: both sides, the evidence, where it stands and who did what. */
export type DiscrepancyView = Readonly<{
  /** Its public id (`/discrepancies/{id}`): URL-safe, naming the payment and the disagreement. */
  id: string;
  /** Its id within the payment (`DiscrepancyDetected`'s). */
  discrepancyId: string;
  kind: PublicDiscrepancyKind;
  state: DiscrepancyState;
  payment: PaymentId;
  openedAt: string;
  differences: readonly Difference[];
  /** The delivery that disagreed, and the one payrec's side rests on (none for a registration). */
  evidence: Readonly<{ provider: string; payrec: string | null }>;
  acknowledged: Acknowledgement | null;
  resolution: Readonly<{
    resolution: string;
    at: string;
    actor: string | null;
    note: string | null;
    deliveryKey: string | null;
  }> | null;
  history: readonly DiscrepancyStep[];
  /**
   * A discrepancy of the same kind a person resolved before on this payment: who, how, when,
   * and the provider's figure then (the difference now says what changed). Absent: none.
   */
  previouslyResolved?: Readonly<{
    id: string;
    resolution: string;
    actor: string;
    at: string;
    provider: string;
  }>;
  /** Both sides as the domain states them (kept for the older `ours`/`theirs` readers). */
  ours: string;
  theirs: string;
  /** `open` while not resolved (acknowledged ones too): the older two-state field. */
  status: 'open' | 'resolved';
  /** The payment stream revision of the last event applied. */
  revision: number;
}>;

/** The public id of a payment's discrepancy: base64url of `<payment key>#<discrepancy id>`. */
export const publicDiscrepancyId = (payment: PaymentId, discrepancyId: string): string =>
  Buffer.from(`${paymentKey(payment)}#${discrepancyId}`, 'utf8').toString('base64url');

/**
 * The payment key and the payment's discrepancy id a public id names, or `null`. The last `#`
 * separates them: a ref may hold `#`, a discrepancy id (payrec's own `kind:ours->theirs`) never.
 */
export const discrepancyOfPublicId = (
  id: string,
): Readonly<{ paymentKey: string; discrepancyId: string }> | null => {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const separator = decoded.lastIndexOf('#');
  // Only ids this function's inverse writes: base64url has one spelling per byte string.
  if (separator <= 0 || Buffer.from(decoded, 'utf8').toString('base64url') !== id) return null;
  return { paymentKey: decoded.slice(0, separator), discrepancyId: decoded.slice(separator + 1) };
};

/** The field-by-field statement of what differs. */
export const differencesOf = (discrepancy: Discrepancy): Difference[] => [
  {
    field: differingFieldOf[discrepancy.kind],
    payrec: discrepancy.ours,
    provider: discrepancy.theirs,
  },
];

export const discrepanciesTable: ReadModelTable = {
  columns: { kind: 'text', openedAt: 'instant' },
  indexes: [
    { columns: ['kind', 'updatedAt'] },
    // With the kind, it covers the console's open discrepancies by kind and age.
    { columns: ['status', 'openedAt', 'kind'] },
    { columns: ['provider', 'updatedAt'] },
  ],
};

const step = (
  action: DiscrepancyStep['action'],
  at: string,
  rest: Partial<Omit<DiscrepancyStep, 'action' | 'at'>> = {},
): DiscrepancyStep => ({
  action,
  at,
  deliveryKey: rest.deliveryKey ?? null,
  actor: rest.actor ?? null,
  note: rest.note ?? null,
  resolution: rest.resolution ?? null,
});

const next = (
  previous: DiscrepancyView | null,
  projected: ProjectedEvent,
): DiscrepancyView | null => {
  const { event, payment, revision } = projected;
  switch (event.type) {
    case 'DiscrepancyDetected': {
      const { discrepancy, detectedAt } = event.data;
      const reopened = previous !== null && previous.state === 'resolved';
      if (previous !== null && !reopened) return null;
      return {
        id: publicDiscrepancyId(payment, discrepancy.id),
        discrepancyId: discrepancy.id,
        kind: publicKindOf(discrepancy.kind),
        state: 'open',
        payment,
        openedAt: detectedAt,
        differences: differencesOf(discrepancy),
        evidence: { provider: discrepancy.deliveryKey, payrec: discrepancy.ourDeliveryKey },
        acknowledged: null,
        resolution: null,
        history: [
          ...(previous?.history ?? []),
          step(reopened ? 'reopened' : 'opened', detectedAt, {
            deliveryKey: discrepancy.deliveryKey,
          }),
        ],
        ...(discrepancy.previouslyResolved === undefined
          ? {}
          : {
              previouslyResolved: {
                id: publicDiscrepancyId(payment, discrepancy.previouslyResolved.discrepancyId),
                resolution: discrepancy.previouslyResolved.resolution,
                actor: discrepancy.previouslyResolved.actor,
                at: discrepancy.previouslyResolved.resolvedAt,
                provider: discrepancy.previouslyResolved.theirs,
              },
            }),
        ours: discrepancy.ours,
        theirs: discrepancy.theirs,
        status: 'open',
        revision,
      };
    }
    case 'DiscrepancyAcknowledged': {
      if (previous === null || previous.state === 'resolved') return null;
      const { actor, note, acknowledgedAt } = event.data;
      return {
        ...previous,
        state: 'acknowledged',
        acknowledged: { actor, note, at: acknowledgedAt },
        history: [...previous.history, step('acknowledged', acknowledgedAt, { actor, note })],
        revision,
      };
    }
    case 'DiscrepancyResolved': {
      if (previous === null) return null;
      const { resolution, resolvedAt, deliveryKey, actor = null, note = null } = event.data;
      return {
        ...previous,
        state: 'resolved',
        status: 'resolved',
        resolution: { resolution, at: resolvedAt, actor, note, deliveryKey },
        history: [
          ...previous.history,
          step('resolved', resolvedAt, { deliveryKey, actor, note, resolution }),
        ],
        revision,
      };
    }
    default:
      return null;
  }
};

/**
 * Every discrepancy payrec has detected, open, acknowledged or resolved, for finance's list
 * (`GET /discrepancies`), indexed by state, kind, provider and age. A discrepancy detected again
 * after it was resolved opens again, its history kept.
 */
export const discrepanciesProjection: Projection<DiscrepancyView> = {
  name: 'discrepancies',
  // 2: states, kinds, differences, history and public ids.
  version: 2,
  table: discrepanciesTable,
  handles: ['DiscrepancyDetected', 'DiscrepancyAcknowledged', 'DiscrepancyResolved'],
  documentId: ({ event, payment }) => {
    switch (event.type) {
      case 'DiscrepancyDetected':
        return publicDiscrepancyId(payment, event.data.discrepancy.id);
      case 'DiscrepancyAcknowledged':
      case 'DiscrepancyResolved':
        return publicDiscrepancyId(payment, event.data.discrepancyId);
      default:
        return null;
    }
  },
  evolve: (previous, projected) => {
    if (previous !== null && projected.revision <= previous.revision) return null;
    const view = next(previous, projected);
    if (view === null) return null;
    const last = view.history.at(-1);
    return {
      id: view.id,
      document: view,
      columns: {
        provider: view.payment.provider,
        status: view.state,
        updatedAt: last?.at ?? view.openedAt,
        kind: view.kind,
        openedAt: view.openedAt,
      },
    };
  },
};

/** A stored discrepancy document as it was written (by this projection), or `null`. */
export const storedDiscrepancy = (document: unknown): DiscrepancyView | null =>
  document === null || document === undefined ? null : (document as DiscrepancyView);

/**
 * One discrepancy folded straight from its payment's stream (the read model may lag a command
 * just handled): `null` when the stream never detected it.
 */
export const discrepancyFromStream = (
  recorded: readonly RecordedEvent[],
  id: string,
): DiscrepancyView | null => {
  let view: DiscrepancyView | null = null;
  for (const entry of recorded) {
    const projected = decodeForProjection(entry);
    if (projected === null || !discrepanciesProjection.handles.includes(projected.event.type)) {
      continue;
    }
    if (discrepanciesProjection.documentId(projected) !== id) continue;
    view = discrepanciesProjection.evolve(view, projected)?.document ?? view;
  }
  return view;
};

export const discrepancyColumns = [
  'id',
  'kind',
  'state',
  'provider',
  'ref',
  'openedAt',
  'field',
  'payrec',
  'providerSays',
  'evidence',
  'ourEvidence',
  'acknowledgedBy',
  'acknowledgedAt',
  'acknowledgement',
  'resolution',
  'resolvedBy',
  'resolvedAt',
  'resolutionNote',
] as const;

/** A discrepancy as one flat row (its first difference: every kind has one field). */
export const discrepancyRow = (view: DiscrepancyView): Readonly<Record<string, string | null>> => {
  const [difference] = view.differences;
  return {
    id: view.id,
    kind: view.kind,
    state: view.state,
    provider: view.payment.provider,
    ref: view.payment.ref,
    openedAt: view.openedAt,
    field: difference?.field ?? null,
    payrec: difference?.payrec ?? null,
    providerSays: difference?.provider ?? null,
    evidence: view.evidence.provider,
    ourEvidence: view.evidence.payrec,
    acknowledgedBy: view.acknowledged?.actor ?? null,
    acknowledgedAt: view.acknowledged?.at ?? null,
    acknowledgement: view.acknowledged?.note ?? null,
    resolution: view.resolution?.resolution ?? null,
    resolvedBy: view.resolution?.actor ?? view.resolution?.deliveryKey ?? null,
    resolvedAt: view.resolution?.at ?? null,
    resolutionNote: view.resolution?.note ?? null,
  };
};
